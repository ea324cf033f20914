"""The meeting and its follow-up: convening, 批评与自我批评 in speaking order, the 整改清单
confirmed into the ledger, opinions taken up, the 公示 and the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from zhibu.ballots.tests.helpers import with_ballots
from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.lifemeetings import queries, services
from zhibu.lifemeetings.models import Criticism, OpinionUse, SelfReviewItem, Speaker
from zhibu.lifemeetings.tests.helpers import cycle, held, self_review
from zhibu.meetings.models import AttendanceRole, MeetingKind
from zhibu.members.models import Member
from zhibu.notices.models import Notice
from zhibu.rectification.models import Problem, ProblemCategory

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + dt.timedelta(days=40)


def _cat() -> ProblemCategory:
    return ProblemCategory.objects.get(name="思想理论学习")


def _me(cast: Cast) -> Member:
    m = cast.member.member
    assert m is not None
    return m


def _sec(cast: Cast) -> Member:
    m = cast.secretary.member
    assert m is not None
    return m


def _convened(cast: Cast, *, past: bool = True) -> Any:
    review = self_review(cast)
    services.self_review_decide(actor=cast.secretary, review=review, accept=True)
    lm = review.life_meeting
    start = timezone.now() + dt.timedelta(hours=-2 if past else 24)
    services.lifemeeting_convene(actor=cast.secretary, life_meeting=lm, starts_at=start,
                                 ends_at=start + dt.timedelta(hours=2), place="活动室")  # fmt: skip
    lm.refresh_from_db()
    return lm


# --- convening ----------------------------------------------------------------------------------


def test_convene_needs_an_approved_plan(cast: Cast) -> None:
    lm = cycle(cast, submitted=True)
    now = timezone.now()
    with pytest.raises(ValidationError, match="审核同意"):
        services.lifemeeting_convene(actor=cast.secretary, life_meeting=lm, starts_at=now,
                                     ends_at=now + dt.timedelta(hours=1))  # fmt: skip
    lm.refresh_from_db()
    assert lm.meeting is None and lm.stage == "plan"


def test_convene_schedules_a_life_meeting_with_the_plan_agenda_and_notes_what_is_missing(
    cast: Cast,
) -> None:
    lm = cycle(cast, submitted=True)
    leader = Member.objects.get(name="程组织")
    services.lifemeeting_review(actor=cast.committee_officer, life_meeting=lm, approve=True,
                                contact_leader=leader)  # fmt: skip
    now = timezone.now()
    services.lifemeeting_convene(actor=cast.secretary, life_meeting=lm, starts_at=now,
                                 ends_at=now + dt.timedelta(hours=2), host=_sec(cast))  # fmt: skip
    lm.refresh_from_db()
    assert lm.stage == "meeting"
    assert lm.meeting is not None and lm.meeting.kind == MeetingKind.LIFE_MEETING
    assert [a.title for a in lm.meeting.agenda.all()] == lm.agenda
    observer = lm.meeting.attendances.get(role=AttendanceRole.OBSERVER)
    assert observer.member == leader and observer.guest_title == "上级联系指导人"
    event = AuditEvent.objects.filter(verb="lifemeeting.convene").get()
    assert "集中学习" in "".join(event.changes["not_ready"][1])
    with pytest.raises(ValidationError, match="已经安排"):
        services.lifemeeting_convene(actor=cast.secretary, life_meeting=lm, starts_at=now,
                                     ends_at=now + dt.timedelta(hours=2))  # fmt: skip


def test_convene_refuses_bad_times_and_writes_nothing(cast: Cast) -> None:
    lm = cycle(cast, approved=True)
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.lifemeeting_convene(actor=cast.secretary, life_meeting=lm, starts_at=now,
                                     ends_at=now - dt.timedelta(hours=1))  # fmt: skip
    lm.refresh_from_db()
    assert lm.meeting is None and lm.stage == "preparation"
    assert not AuditEvent.objects.filter(verb="lifemeeting.convene").exists()


# --- 批评与自我批评 ---------------------------------------------------------------------------------


def test_speaking_order_puts_the_secretary_first(cast: Cast) -> None:
    lm = _convened(cast)
    rows = queries.speaking_rows(lm)
    assert rows[0].member == _sec(cast) and rows[0].role == "书记"
    assert {r.member.name for r in rows[1:]} >= {"梅党员", "裴同志"}
    assert all(r.role == "" for r in rows[1:])


def test_speech_is_recorded_and_replaced(cast: Cast) -> None:
    lm = _convened(cast)
    me, sec = _me(cast), _sec(cast)
    services.speech_record(actor=cast.secretary, life_meeting=lm, member=me, spoke=True,
                           self_criticism="学习不够", pledge="改",
                           criticisms=[services.CriticismInput(sec, "走访少"),
                                       services.CriticismInput(None, "")])  # fmt: skip
    assert Criticism.objects.filter(life_meeting=lm, target=me).count() == 2
    services.speech_record(actor=cast.secretary, life_meeting=lm, member=me, spoke=True,
                           self_criticism="学习笔记不全")  # fmt: skip
    rows = list(Criticism.objects.filter(life_meeting=lm, target=me))
    assert [(c.is_self, c.content) for c in rows] == [(True, "学习笔记不全")]
    assert Speaker.objects.get(life_meeting=lm, member=me).spoke is True
    assert AuditEvent.objects.filter(verb="speech.record").count() == 2


@pytest.mark.parametrize(
    ("spoke", "own", "critics", "message"),
    [
        (True, "", [], "自我批评"),
        (False, "说了", [], "没有发言"),
        (None, "", [], "是否发言"),
        (True, "说了", [("self", "x")], "自我批评"),
        (True, "说了", [("sec", "")], "批评人"),
        (True, "说了", [("outsider", "意见")], "不是本支部"),
    ],
)
def test_speech_refuses_bad_records_and_keeps_the_old_one(
    cast: Cast, spoke: Any, own: str, critics: list[tuple[str, str]], message: str
) -> None:
    lm = _convened(cast)
    me = _me(cast)
    services.speech_record(actor=cast.secretary, life_meeting=lm, member=me, spoke=True,
                           self_criticism="原来的记录")  # fmt: skip
    who = {"self": me, "sec": _sec(cast), "outsider": cast.outsider.member}
    inputs = [services.CriticismInput(who[k], text) for k, text in critics]
    with pytest.raises(ValidationError, match=message):
        services.speech_record(actor=cast.secretary, life_meeting=lm, member=me, spoke=spoke,
                               self_criticism=own, criticisms=inputs)  # fmt: skip
    assert [c.content for c in Criticism.objects.filter(target=me)] == ["原来的记录"]


def test_speech_waits_for_the_meeting_and_stops_after_it(cast: Cast) -> None:
    lm = _convened(cast, past=False)
    with pytest.raises(ValidationError, match="还没有开始"):
        services.speech_record(actor=cast.secretary, life_meeting=lm, member=_me(cast),
                               spoke=True, self_criticism="x")  # fmt: skip
    done = held(cast)
    with pytest.raises(ValidationError, match="会后整改开始前"):
        services.speech_record(actor=cast.secretary, life_meeting=done, member=_me(cast),
                               spoke=True, self_criticism="x")  # fmt: skip


def test_conclude_needs_confirmed_minutes(cast: Cast) -> None:
    lm = _convened(cast)
    with pytest.raises(ValidationError, match="确认会议记录"):
        services.lifemeeting_conclude(actor=cast.secretary, life_meeting=lm)
    lm.refresh_from_db()
    assert lm.stage == "meeting"


# --- the follow-up ------------------------------------------------------------------------------


def _entries(lm: Any, member: Member) -> list[services.ConfirmInput]:
    item = SelfReviewItem.objects.get(review__life_meeting=lm, review__member=member)
    crit = Criticism.objects.get(life_meeting=lm, target=member, is_self=False)
    return [
        services.ConfirmInput("item", item.pk, _cat(), item.problem, "确保每次参加", SOON),
        services.ConfirmInput("criticism", crit.pk, _cat(), crit.content, "每月走访两户", SOON),
    ]


def test_confirmed_problems_enter_the_ledger_once(cast: Cast) -> None:
    lm = held(cast)
    me = _me(cast)
    made = services.problems_confirm(actor=cast.secretary, life_meeting=lm, member=me,
                                     entries=_entries(lm, me))  # fmt: skip
    assert [(p.source, p.owner_member, p.year) for p in made] == [("life_meeting", me, lm.year)] * 2
    assert made[1].source_note.endswith("石书记的批评意见")
    assert made[0].measures.get().deadline == SOON
    assert set(services.cycle_problems(lm)) == set(made)
    assert Notice.objects.filter(user=cast.member, title__contains="整改清单").exists()
    with pytest.raises(ValidationError, match="已列入整改台账"):
        services.problems_confirm(actor=cast.secretary, life_meeting=lm, member=me,
                                  entries=_entries(lm, me)[:1])  # fmt: skip


def test_confirm_is_all_or_nothing(cast: Cast) -> None:
    lm = held(cast)
    me = _me(cast)
    good, bad = _entries(lm, me)
    bad = services.ConfirmInput(bad.source, bad.pk, bad.category, bad.description, bad.measure,
                                timezone.localdate() - dt.timedelta(days=1))  # fmt: skip
    with pytest.raises(ValidationError, match="第2项"):
        services.problems_confirm(actor=cast.secretary, life_meeting=lm, member=me,
                                  entries=[good, bad])  # fmt: skip
    assert not Problem.objects.exists()
    assert not SelfReviewItem.objects.filter(ledger_problem__isnull=False).exists()


def test_confirm_refuses_another_members_entries_and_the_wrong_stage(cast: Cast) -> None:
    lm = held(cast)
    me, sec = _me(cast), _sec(cast)
    with pytest.raises(ValidationError, match="不是石书记"):
        services.problems_confirm(actor=cast.secretary, life_meeting=lm, member=sec,
                                  entries=_entries(lm, me)[:1])  # fmt: skip
    other = _convened(cast)
    with pytest.raises(ValidationError, match="会后整改"):
        services.problems_confirm(actor=cast.secretary, life_meeting=other, member=me,
                                  entries=_entries(lm, me)[:1])  # fmt: skip


def test_an_opinion_becomes_a_problem_once(cast: Cast) -> None:
    lm = held(cast)
    poll = with_ballots(cast, 3)
    services.lifemeeting_poll_set(actor=cast.secretary, life_meeting=lm, poll=poll)
    args: dict[str, Any] = {"owner_kind": "committee", "owner_member": None, "category": _cat(),
            "measure": "每月走访一次", "responsible": _sec(cast), "deadline": SOON}  # fmt: skip
    problem = services.opinion_take_up(actor=cast.secretary, life_meeting=lm, text="意见1", **args)
    assert (problem.source, problem.owner_kind, problem.description) == (
        "opinion", "committee", "意见1",
    )  # fmt: skip
    assert OpinionUse.objects.get().digest == services.opinion_digest(poll.pk, "意见1")
    with pytest.raises(ValidationError, match="已经转为问题"):
        services.opinion_take_up(actor=cast.secretary, life_meeting=lm, text="意见1", **args)
    with pytest.raises(ValidationError, match="不在本次征求意见"):
        services.opinion_take_up(actor=cast.secretary, life_meeting=lm, text="编的意见", **args)
    assert Problem.objects.count() == 1


def test_opinions_wait_for_the_poll_to_close(cast: Cast) -> None:
    lm = held(cast)
    poll = with_ballots(cast, 3, state="open")
    services.lifemeeting_poll_set(actor=cast.secretary, life_meeting=lm, poll=poll)
    with pytest.raises(ValidationError, match="结束后"):
        services.opinion_take_up(actor=cast.secretary, life_meeting=lm, text="意见1",
                                 owner_kind="branch", owner_member=None, category=_cat(),
                                 measure="x", responsible=_sec(cast), deadline=SOON)  # fmt: skip


def test_publish_and_report_close_the_cycle(cast: Cast) -> None:
    lm = held(cast)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="还没有列入整改清单"):
        services.lifemeeting_publish(actor=cast.secretary, life_meeting=lm, starts_on=today,
                                     ends_on=SOON)  # fmt: skip
    with pytest.raises(ValidationError, match="还没有列入整改清单"):
        services.lifemeeting_report_submit(actor=cast.secretary, life_meeting=lm)
    made = services.problems_confirm(actor=cast.secretary, life_meeting=lm, member=_me(cast),
                                     entries=_entries(lm, _me(cast)))  # fmt: skip
    services.lifemeeting_publish(actor=cast.secretary, life_meeting=lm, starts_on=today,
                                 ends_on=SOON, contact="石书记")  # fmt: skip
    lm.refresh_from_db()
    assert lm.publication is not None
    assert set(lm.publication.problems.all()) == set(made)
    services.lifemeeting_report_submit(actor=cast.secretary, life_meeting=lm)
    lm.refresh_from_db()
    assert lm.stage == "closed" and lm.report_submitted_by == cast.secretary
    assert Notice.objects.filter(user=cast.committee_officer, title__contains="情况报告").exists()
    with pytest.raises(ValidationError):
        services.lifemeeting_report_submit(actor=cast.secretary, life_meeting=lm)


# --- pages --------------------------------------------------------------------------------------


def test_the_recorder_records_a_speech_on_the_page(client: Any, cast: Cast) -> None:
    lm = _convened(cast)
    client.force_login(cast.secretary)
    url = reverse("lifemeetings:speech", args=[lm.pk, _me(cast).pk])
    page = client.get(url)
    assert page.status_code == 200 and "他人批评意见" in page.content.decode()
    data = {"spoke": "yes", "self_criticism": "学习不够", "pledge": "改正",
            "crit-TOTAL_FORMS": "3", "crit-INITIAL_FORMS": "0",
            "crit-0-critic": str(_sec(cast).pk), "crit-0-content": "走访少"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    assert Criticism.objects.filter(target=_me(cast)).count() == 2
    bad = client.post(url, {**data, "spoke": "no"})
    assert "没有发言的党员不记录自我批评" in bad.content.decode()
    assert Criticism.objects.filter(target=_me(cast)).count() == 2


def test_the_secretary_confirms_a_list_on_the_page(client: Any, cast: Cast) -> None:
    lm = held(cast)
    client.force_login(cast.secretary)
    url = reverse("lifemeetings:confirm", args=[lm.pk, _me(cast).pk])
    page = client.get(url)
    body = page.content.decode()
    assert "石书记的批评意见" in body and "对照检查材料" in body
    forms = page.context["formset"]
    data = {"c-TOTAL_FORMS": str(len(forms.forms)), "c-INITIAL_FORMS": str(len(forms.forms))}
    for i, f in enumerate(forms.forms):
        for name in ("source", "ref", "category", "description", "measure", "deadline"):
            value = f.initial.get(name, "")
            data[f"c-{i}-{name}"] = "" if value is None else str(value)
        if f.initial.get("take"):
            data[f"c-{i}-take"] = "on"
    # The criticism is ticked without a measure: the page says what to fill, nothing is saved.
    crit = next(i for i, f in enumerate(forms.forms) if f.initial["source"] == "criticism")
    response = client.post(url, {**data, f"c-{crit}-take": "on"})
    assert "列入整改清单的请填写问题类别" in response.content.decode()
    assert not Problem.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    assert Problem.objects.get().source == "life_meeting"


def test_opinion_answers_are_hidden_below_the_minimum(client: Any, cast: Cast) -> None:
    lm = held(cast)
    poll = with_ballots(cast, 2)
    services.lifemeeting_poll_set(actor=cast.secretary, life_meeting=lm, poll=poll)
    client.force_login(cast.secretary)
    body = client.get(reverse("lifemeetings:opinion_answers", args=[lm.pk])).content.decode()
    assert "不显示内容" in body and "意见1" not in body
    take_up = reverse("lifemeetings:opinion_take_up", args=[lm.pk])
    response = client.get(take_up + "?d=" + services.opinion_digest(poll.pk, "意见1"))
    assert response.status_code == 302 and response.url.endswith("/opinions/answers/")


def test_opinion_taken_up_on_the_page(client: Any, cast: Cast) -> None:
    lm = held(cast)
    poll = with_ballots(cast, 3)
    services.lifemeeting_poll_set(actor=cast.secretary, life_meeting=lm, poll=poll)
    client.force_login(cast.secretary)
    body = client.get(reverse("lifemeetings:opinion_answers", args=[lm.pk])).content.decode()
    assert all(f"意见{i}" in body for i in range(3))
    url = reverse("lifemeetings:opinion_take_up", args=[lm.pk])
    digest = services.opinion_digest(poll.pk, "意见2")
    assert "意见2" in client.get(url + "?d=" + digest).content.decode()
    response = client.post(url, {"text": "意见2", "owner_kind": "committee",
                                 "category": _cat().pk, "measure": "每月走访一次",
                                 "responsible": _sec(cast).pk, "deadline": SOON.isoformat()})  # fmt: skip
    assert response.status_code == 302
    assert Problem.objects.get().source == "opinion"
    body = client.get(reverse("lifemeetings:opinion_answers", args=[lm.pk])).content.decode()
    assert "已转为问题" in body


def _add_members(cast: Cast, n: int) -> None:
    from zhibu.members.services import member_create
    from zhibu.testing import member_values

    for i in range(n):
        member_create(actor=None, branch=cast.branch, values=member_values(name=f"加人{i}"))


@pytest.mark.parametrize("extra", [0, 10])
def test_meeting_pages_query_counts_do_not_grow(
    client: Any, cast: Cast, django_assert_num_queries: Any, extra: int
) -> None:
    lm = held(cast)
    _add_members(cast, extra)
    client.force_login(cast.secretary)
    client.get(reverse("lifemeetings:detail", args=[lm.pk]))  # warm the session
    with django_assert_num_queries(16):
        assert client.get(reverse("lifemeetings:speeches", args=[lm.pk])).status_code == 200
    with django_assert_num_queries(16):
        assert client.get(reverse("lifemeetings:follow_up", args=[lm.pk])).status_code == 200
    with django_assert_num_queries(19):
        assert client.get(reverse("lifemeetings:detail", args=[lm.pk])).status_code == 200
