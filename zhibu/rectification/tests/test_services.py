"""The rectification services: what they refuse, the whole lifecycle, and the escalation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.notices.models import Notice
from zhibu.rectification import queries, services
from zhibu.rectification.models import Measure, Problem, ProblemEvent, Recheck
from zhibu.rectification.services import MeasureInput
from zhibu.rectification.tests.helpers import category, complete_all, make_problem, member_of

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def _notices(user: Any, part: str = "") -> list[str]:
    return list(
        Notice.objects.filter(user=user, key__contains=part).values_list("title", flat=True)
    )


# --- what is refused, and nothing half-written ---------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"measures": []}, "measures", "至少要有一项整改措施"),
        ({"description": "   "}, "description", "请填写问题表现"),
        ({"year": 1800}, "year", "查摆年度"),
        ({"owner_kind": "nobody"}, "owner_kind", "请选择问题主体"),
        ({"source": "rumour"}, "source", "请选择问题来源"),
    ],
)
def test_it_refuses_a_bad_problem_and_writes_nothing(
    cast: Cast, change: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {
        "actor": cast.secretary, "organization": cast.branch, "owner_kind": "member",
        "owner_member": member_of(cast.member), "source": "life_meeting", "category": category(),
        "description": "缺席学习2次", "year": TODAY.year, "today": TODAY,
        "measures": [MeasureInput("12月31日前完成", member_of(cast.member), TODAY)],
    }  # fmt: skip
    values.update(change)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.problem_create(**values)
    assert message in " ".join(exc.value.message_dict[field])
    assert Problem.objects.count() == 0 and Measure.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_it_numbers_the_bad_measure_among_several(cast: Cast) -> None:
    me = member_of(cast.member)
    good = MeasureInput("每月参加学习", me, TODAY)
    with pytest.raises(ValidationError) as exc:
        services.problem_create(
            actor=cast.secretary, organization=cast.branch, owner_kind="member", owner_member=me,
            source="self_check", category=category(), description="缺席学习", year=TODAY.year,
            measures=[good, MeasureInput("补记笔记", me, TODAY - dt.timedelta(days=1))],
            today=TODAY,
        )  # fmt: skip
    assert exc.value.message_dict["measures"] == ["第2项措施：整改时限不能早于今天"]
    assert not Problem.objects.exists()


def test_it_refuses_an_owner_or_responsible_from_elsewhere(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="不是本支部的党员"):
        make_problem(cast, owner=cast.other, today=TODAY)
    with pytest.raises(ValidationError, match="不是第一党支部的党员"):
        make_problem(cast, today=TODAY, measures=[("做到", member_of(cast.other), TODAY)])
    with pytest.raises(ValidationError, match="不是党员"):
        make_problem(cast, today=TODAY, measures=[("做到", member_of(cast.activist), TODAY)])
    assert not Problem.objects.exists()


def test_it_refuses_a_retired_category(cast: Cast) -> None:
    retired = services.category_save(
        actor=None, category=category("其他"), name="其他", position=90, active=False
    )
    with pytest.raises(ValidationError, match="已停用"):
        make_problem(cast, category=retired, today=TODAY)


def test_it_keeps_committee_problems_without_a_member(cast: Cast) -> None:
    p = make_problem(cast, owner_kind="committee", today=TODAY,
                     measures=[("书记带头讲党课", member_of(cast.secretary), TODAY)])  # fmt: skip
    assert p.owner_member is None and p.owner_label == "支部委员会（班子）"


# --- the lifecycle ------------------------------------------------------------------------------


def test_it_follows_a_problem_from_open_to_recurred_and_closed_again(cast: Cast) -> None:
    me = member_of(cast.member)
    p = make_problem(cast, today=TODAY, measures=[
        ("每月参加集中学习，确保不缺席", me, TODAY + dt.timedelta(days=20)),
        ("6月30日前补记学习笔记5篇", me, TODAY + dt.timedelta(days=40)),
    ])  # fmt: skip
    assert p.status == "open"
    [first, second] = p.measures.all()

    with pytest.raises(ValidationError, match="还有2项整改措施没有完成"):
        services.problem_close(actor=cast.secretary, problem=p, today=TODAY)

    services.measure_complete(actor=cast.member, measure=first, evidence="3月、4月均已参加",
                              done_on=TODAY, today=TODAY)  # fmt: skip
    p.refresh_from_db()
    assert p.status == "in_progress"
    with pytest.raises(ValidationError, match="已经登记完成"):
        services.measure_complete(actor=cast.member, measure=first, evidence="再来", today=TODAY)

    # The secretary finds the second one not really done: returned, open again.
    services.measure_complete(actor=cast.member, measure=second, evidence="补了", today=TODAY)
    p.refresh_from_db()
    assert p.status == "rectified"
    services.measure_return(actor=cast.secretary, measure=second, reason="只补了2篇")
    p.refresh_from_db()
    second.refresh_from_db()
    assert (p.status, second.status, second.done_on) == ("in_progress", "open", None)
    assert "只补了2篇" in second.evidence
    assert _notices(cast.member, f"measure:{second.pk}:returned")

    services.measure_complete(actor=cast.member, measure=second, evidence="5篇已交",
                              today=TODAY)  # fmt: skip
    closed_on = TODAY + dt.timedelta(days=5)
    services.problem_close(actor=cast.secretary, problem=p, note="查看了笔记", today=closed_on)
    p.refresh_from_db()
    assert (p.status, p.closed_on, p.closed_by) == ("closed", closed_on, cast.secretary)
    assert set(p.measures.values_list("status", flat=True)) == {"verified"}
    recheck = Recheck.objects.get(problem=p)
    assert recheck.due_on == dt.date(2026, 6, 7)  # three months after closing

    with pytest.raises(ValidationError, match="已销号"):
        services.problem_update(actor=cast.secretary, problem=p, description="改")
    with pytest.raises(ValidationError, match="已销号"):
        services.measure_add(actor=cast.secretary, problem=p,
                             measure=MeasureInput("再学", me, closed_on))  # fmt: skip

    # 回头看: it came back. The problem reopens with a new measure; the old ones stay done.
    with pytest.raises(ValidationError, match="新的整改措施"):
        services.recheck_record(actor=cast.secretary, recheck=recheck, result="recurred",
                                note="5月又缺席2次", today=recheck.due_on)  # fmt: skip
    new = MeasureInput("由书记每月提醒，缺席当月补学并在支部会上说明", me, dt.date(2026, 9, 30))
    services.recheck_record(actor=cast.secretary, recheck=recheck, result="recurred",
                            note="5月又缺席2次", measure=new, today=recheck.due_on)  # fmt: skip
    p.refresh_from_db()
    recheck.refresh_from_db()
    assert (recheck.result, recheck.done_on) == ("recurred", dt.date(2026, 6, 7))
    assert p.status == "in_progress" and p.closed_on is None
    assert p.measures.count() == 3
    kinds = list(ProblemEvent.objects.filter(problem=p).values_list("kind", flat=True))
    assert kinds == ["closed", "rechecked", "reopened"]
    verbs = list(AuditEvent.objects.filter(object_id=str(p.pk), object_type="rectification.problem")
                 .order_by("seq").values_list("verb", flat=True))  # fmt: skip
    assert verbs[0] == "problem.create" and verbs[-2:] == ["recheck.record", "problem.recur"]

    complete_all(p, cast.member, today=dt.date(2026, 9, 1))
    services.problem_close(actor=cast.secretary, problem=p, today=dt.date(2026, 9, 2))
    second_check = Recheck.objects.get(problem=p, done_on__isnull=True)
    services.recheck_record(actor=cast.secretary, recheck=second_check, result="held",
                            note="半年未再缺席", today=second_check.due_on)  # fmt: skip
    p.refresh_from_db()
    assert p.status == "closed"
    with pytest.raises(ValidationError, match="已经登记"):
        services.recheck_record(actor=cast.secretary, recheck=second_check, result="held",
                                note="再登记", today=second_check.due_on)  # fmt: skip


def test_it_reopens_a_closed_problem_with_a_reason_and_a_new_measure(cast: Cast) -> None:
    p = make_problem(cast, today=TODAY)
    complete_all(p, cast.member, today=TODAY)
    services.problem_close(actor=cast.secretary, problem=p, today=TODAY)
    new = MeasureInput("换个办法：结对学习", member_of(cast.member), TODAY + dt.timedelta(days=9))
    with pytest.raises(ValidationError, match="原因"):
        services.problem_reopen(actor=cast.secretary, problem=p, reason=" ", measure=new,
                                today=TODAY)  # fmt: skip
    services.problem_reopen(actor=cast.secretary, problem=p, reason="群众反映仍缺席", measure=new,
                            today=TODAY)  # fmt: skip
    p.refresh_from_db()
    assert p.status == "in_progress" and not p.rechecks.filter(done_on__isnull=True).exists()
    with pytest.raises(ValidationError, match="只有已销号"):
        services.problem_reopen(actor=cast.secretary, problem=p, reason="再开", measure=new,
                                today=TODAY)  # fmt: skip


def test_it_links_a_problem_repeated_from_an_earlier_year(cast: Cast) -> None:
    old = make_problem(cast, year=2025, today=TODAY,
                       description="理论学习不够深入，2025年支部集中学习缺席3次。")  # fmt: skip
    again = make_problem(cast, year=2026, today=TODAY,
                         description="理论学习不够深入，2026年支部集中学习缺席3次！")  # fmt: skip
    other = make_problem(cast, year=2026, today=TODAY,
                         description="联系群众少，今年只走访了2户困难群众。")  # fmt: skip
    assert again.recurs == old and other.recurs is None
    # Another member's problem of last year is not "their" 老问题.
    peer = make_problem(cast, owner=cast.secretary, year=2026, today=TODAY,
                        description="理论学习不够深入，2026年支部集中学习缺席3次。",
                        measures=[("每月学习", member_of(cast.secretary), TODAY)])  # fmt: skip
    assert peer.recurs is None


def test_it_records_an_interview(cast: Cast) -> None:
    p = make_problem(cast, today=TODAY)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.interview_record(actor=cast.committee_officer, problem=p, held_on=TODAY,
                                  interviewee="石书记", summary="谈", today=TODAY - dt.timedelta(1))  # fmt: skip
    row = services.interview_record(actor=cast.committee_officer, problem=p, held_on=TODAY,
                                    interviewee="支部书记 石书记", summary="要求两周内整改到位",
                                    today=TODAY)  # fmt: skip
    assert p.events.get().kind == "interview" and row.summary == "要求两周内整改到位"


# --- deadlines: 提醒 → secretary → 通报 (the clock frozen by passing today) -------------------------


@override_settings(RECTIFICATION_REMIND_DAYS=7, RECTIFICATION_ESCALATE_DAYS=30)
def test_it_escalates_an_overdue_measure_at_each_threshold(cast: Cast) -> None:
    deadline = TODAY + dt.timedelta(days=10)
    p = make_problem(cast, today=TODAY,
                     measures=[("确保完成", member_of(cast.member), deadline)])  # fmt: skip
    m = p.measures.get()

    def run(days: int) -> services.DeadlineReminded:
        return services.deadline_reminders_send(today=deadline + dt.timedelta(days=days))

    assert run(-8).notices == 0
    assert run(-7).soon == 1 and run(-7).notices == 0  # sent once, however often cron runs
    assert _notices(cast.member, f"measure:{m.pk}:{deadline}:soon") == ["整改时限还有7天：确保完成"]
    assert run(0).due == 1
    assert not _notices(cast.secretary, "overdue")
    assert run(1).overdue == 1
    assert _notices(cast.secretary, "overdue") == ["整改措施已逾期：梅党员「确保完成」"]
    assert run(30).notices == 0  # still only the secretary's, already sent
    assert not _notices(cast.committee_officer, "escalated")
    assert not queries.bulletin(cast.committee, deadline + dt.timedelta(days=30)).exists()
    assert run(31).escalated == 1
    assert _notices(cast.committee_officer, "escalated")
    assert [x.pk for x in queries.bulletin(cast.committee, deadline + dt.timedelta(days=31))] == [
        p.pk
    ]
    [row] = queries.overdue_by_branch(cast.committee, deadline + dt.timedelta(days=31))
    assert (row.organization, row.open, row.overdue, row.escalated) == (cast.branch, 1, 1, 1)
    assert run(31).notices == 0
    # Finishing it ends the escalation: nothing more is sent, nothing listed.
    services.measure_complete(actor=cast.member, measure=m, evidence="完成",
                              today=deadline + dt.timedelta(days=32))  # fmt: skip
    assert run(40).notices == 0
    assert not queries.bulletin(cast.committee, deadline + dt.timedelta(days=40)).exists()


@override_settings(RECTIFICATION_REMIND_DAYS=3, RECTIFICATION_ESCALATE_DAYS=10)
def test_it_reads_the_thresholds_from_the_settings(cast: Cast) -> None:
    deadline = TODAY + dt.timedelta(days=5)
    make_problem(cast, today=TODAY, measures=[("确保完成", member_of(cast.member), deadline)])
    assert services.deadline_reminders_send(today=deadline - dt.timedelta(days=4)).soon == 0
    assert services.deadline_reminders_send(today=deadline - dt.timedelta(days=3)).soon == 1
    assert services.deadline_reminders_send(today=deadline + dt.timedelta(days=10)).escalated == 0
    assert services.deadline_reminders_send(today=deadline + dt.timedelta(days=11)).escalated == 1


def test_it_reminds_of_a_recheck_that_falls_due(cast: Cast) -> None:
    p = make_problem(cast, today=TODAY)
    complete_all(p, cast.member, today=TODAY)
    services.problem_close(actor=cast.secretary, problem=p, today=TODAY)
    due = p.rechecks.get().due_on
    assert services.deadline_reminders_send(today=due - dt.timedelta(days=1)).rechecks == 0
    assert services.deadline_reminders_send(today=due).rechecks == 1
    assert _notices(cast.secretary, "recheck:")


def test_it_runs_from_zhibu_remind(cast: Cast, capsys: Any) -> None:
    deadline = TODAY + dt.timedelta(days=1)
    make_problem(cast, today=TODAY, measures=[("确保完成", member_of(cast.member), deadline)])
    call_command("remind", "--today", (deadline + dt.timedelta(days=1)).isoformat())
    assert "整改提醒 1 条" in capsys.readouterr().out


def test_it_tells_the_committee_when_a_branch_problem_is_ready_to_close(cast: Cast) -> None:
    p = make_problem(cast, owner_kind="branch", today=TODAY,
                     measures=[("确保完成", member_of(cast.secretary), TODAY)])  # fmt: skip
    complete_all(p, cast.secretary, today=TODAY)
    assert _notices(cast.committee_officer, f"problem:{p.pk}:rectified")
    assert not _notices(cast.secretary, f"problem:{p.pk}:rectified")


# --- 公示 ----------------------------------------------------------------------------------------


def test_it_publishes_only_the_branch_problems_within_dates(cast: Cast) -> None:
    p = make_problem(cast, today=TODAY)
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        services.publication_create(actor=cast.secretary, organization=cast.branch, title="公示",
                                    starts_on=TODAY, ends_on=TODAY - dt.timedelta(1), problems=[p])  # fmt: skip
    with pytest.raises(ValidationError, match="至少选择一个"):
        services.publication_create(actor=cast.secretary, organization=cast.branch, title="公示",
                                    starts_on=TODAY, ends_on=TODAY, problems=[])  # fmt: skip
    with pytest.raises(ValidationError, match="只能公示本支部"):
        services.publication_create(actor=cast.secretary, organization=cast.sibling, title="公示",
                                    starts_on=TODAY, ends_on=TODAY, problems=[p])  # fmt: skip
    row = services.publication_create(actor=cast.secretary, organization=cast.branch,
                                      title="公示", starts_on=TODAY, ends_on=TODAY, problems=[p])  # fmt: skip
    assert row.is_showing(TODAY) and not row.is_showing(TODAY + dt.timedelta(1))
    assert _notices(cast.member, f"publication:{row.pk}")
    assert not _notices(cast.other, "publication:")
    services.publication_withdraw(actor=cast.secretary, publication=row)
    row.refresh_from_db()
    assert not row.is_showing(TODAY)


def test_it_audits_category_changes(cast: Cast) -> None:
    new = services.category_save(actor=None, category=None, name="意识形态", position=95)
    with pytest.raises(ValidationError, match="已有类别"):
        services.category_save(actor=None, category=None, name="意识形态")
    services.category_save(actor=None, category=new, name="意识形态工作", position=95)
    verbs = AuditEvent.objects.filter(object_type="rectification.problemcategory")
    assert list(verbs.order_by("seq").values_list("verb", flat=True)) == [
        "category.create", "category.update",
    ]  # fmt: skip


# --- who hears of what (the review's cases) -------------------------------------------------------


def test_it_announces_a_publication_to_party_members_on_its_first_day(cast: Cast) -> None:
    p = make_problem(cast, today=TODAY)
    later = TODAY + dt.timedelta(days=3)
    row = services.publication_create(actor=cast.secretary, organization=cast.branch,
                                      title="下周的公示", starts_on=later, ends_on=later, problems=[p],
                                      today=TODAY)  # fmt: skip
    assert not _notices(cast.member, f"publication:{row.pk}")
    assert services.deadline_reminders_send(today=later - dt.timedelta(days=1)).publications == 0
    assert services.deadline_reminders_send(today=later).publications >= 1
    assert _notices(cast.member, f"publication:{row.pk}") == ["公示：下周的公示"]
    assert not _notices(cast.activist, "publication:")  # the activist may not open it
    assert services.deadline_reminders_send(today=later).publications == 0


def test_it_escalates_past_a_general_branch_to_the_committee(cast: Cast) -> None:
    from zhibu.orgs.services import organization_create, position_assign
    from zhibu.testing import member_values

    general = organization_create(actor=None, code="T-ZZ", name="测试村党总支",
                                  kind="general_branch", parent=cast.committee)  # fmt: skip
    branch = organization_create(actor=None, code="T-ZZ-1", name="总支第一支部", kind="branch",
                                 parent=general, unit_type="village")  # fmt: skip
    from zhibu.members.services import member_create

    head = member_create(actor=None, branch=branch, values=member_values(name="总支书记"))
    position_assign(actor=None, member=head, organization=general, role="secretary",
                    started_on=dt.date(2024, 1, 1))  # fmt: skip
    deadline = TODAY + dt.timedelta(days=1)
    services.problem_create(
        actor=None, organization=branch, owner_kind="member", owner_member=head,
        source="inspection", category=category(), description="台账缺3个月", year=TODAY.year,
        measures=[MeasureInput("确保补齐", head, deadline)], today=TODAY,
    )  # fmt: skip
    services.deadline_reminders_send(today=deadline + dt.timedelta(days=31))
    assert _notices(cast.committee_officer, "escalated")


def test_it_sends_the_recheck_to_whoever_closed_the_secretary_s_own_problem(cast: Cast) -> None:
    p = make_problem(cast, owner=cast.secretary, today=TODAY,
                     measures=[("确保完成", member_of(cast.secretary), TODAY)])  # fmt: skip
    complete_all(p, cast.secretary, today=TODAY)
    assert not _notices(cast.secretary, f"problem:{p.pk}:rectified")
    services.problem_close(actor=cast.committee_officer, problem=p, today=TODAY)
    due = p.rechecks.get().due_on
    services.deadline_reminders_send(today=due)
    assert not _notices(cast.secretary, "recheck:")
    assert _notices(cast.committee_officer, "recheck:")


def test_it_cancels_the_pending_recheck_when_reopened_and_keeps_it(cast: Cast) -> None:
    p = make_problem(cast, today=TODAY)
    complete_all(p, cast.member, today=TODAY)
    services.problem_close(actor=cast.secretary, problem=p, today=TODAY)
    new = MeasureInput("换个办法", member_of(cast.member), TODAY + dt.timedelta(days=9))
    services.problem_reopen(actor=cast.secretary, problem=p, reason="又缺席", measure=new,
                            today=TODAY)  # fmt: skip
    recheck = Recheck.objects.get(problem=p)
    assert (recheck.result, recheck.done_on) == ("cancelled", TODAY)
    event = AuditEvent.objects.filter(verb="problem.reopen").get()
    assert event.changes["recheck"] == ["待回头看", "重新整改，已取消"]


def test_it_answers_the_old_recheck_when_the_problem_comes_back_next_year(cast: Cast) -> None:
    old = make_problem(cast, year=2025, today=dt.date(2025, 3, 1),
                       description="理论学习不够深入，2025年支部集中学习缺席3次。")  # fmt: skip
    complete_all(old, cast.member, today=dt.date(2025, 3, 1))
    services.problem_close(actor=cast.secretary, problem=old, today=dt.date(2025, 12, 1))
    again = make_problem(cast, year=2026, today=TODAY,
                         description="理论学习不够深入，2026年支部集中学习缺席3次。")  # fmt: skip
    assert again.recurs == old
    recheck = old.rechecks.get()
    assert recheck.result == "recurred" and f"问题#{again.pk}" in recheck.note
    event = AuditEvent.objects.filter(verb="recheck.record", object_id=str(old.pk)).get()
    assert event.changes["result"] == [None, "问题反弹"]


def test_it_lets_a_person_correct_the_repeat_link(cast: Cast) -> None:
    old = make_problem(cast, year=2025, today=TODAY, description="去年的另一件事，缺席5次。")
    p = make_problem(cast, year=2026, today=TODAY, description="今年缺席学习2次。")
    assert p.recurs is None
    services.problem_update(actor=cast.secretary, problem=p, recurs=old)
    p.refresh_from_db()
    assert p.recurs == old
    # Editing the words again keeps the person's choice.
    services.problem_update(actor=cast.secretary, problem=p, description="今年缺席学习3次。")
    p.refresh_from_db()
    assert p.recurs == old
    other = make_problem(cast, owner=cast.secretary, year=2025, today=TODAY,
                         measures=[("学", member_of(cast.secretary), TODAY)])  # fmt: skip
    with pytest.raises(ValidationError, match="同一主体往年"):
        services.problem_update(actor=cast.secretary, problem=p, recurs=other)


def test_it_stores_line_breaks_the_way_the_checks_count_them(cast: Cast) -> None:
    p = make_problem(cast, today=TODAY, description="第一行\r\n第二行\r\n缺席学习2次")
    assert p.description == "第一行\n第二行\n缺席学习2次"


def test_it_tells_a_new_responsible_member(cast: Cast) -> None:
    p = make_problem(cast, today=TODAY)
    m = p.measures.get()
    services.measure_update(actor=cast.secretary, measure=m, text=m.text,
                            responsible=member_of(cast.secretary), deadline=m.deadline,
                            today=TODAY)  # fmt: skip
    assert _notices(cast.secretary, f"measure:{m.pk}:assigned") == []  # they made the change
    services.measure_update(actor=cast.committee_officer, measure=m, text=m.text,
                            responsible=member_of(cast.member), deadline=m.deadline + dt.timedelta(1),
                            today=TODAY)  # fmt: skip
    assert len(_notices(cast.member, f"measure:{m.pk}:assigned")) == 2
