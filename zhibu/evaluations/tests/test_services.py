"""民主评议党员 through its services: the steps, the rules, and what is refused (with nothing
half-written)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.evaluations import queries, rules, services
from zhibu.evaluations.models import Evaluation, EvaluationEntry, Stage
from zhibu.evaluations.tests import helpers
from zhibu.lifemeetings.tests.helpers import cycle
from zhibu.members.models import Member
from zhibu.members.services import member_create
from zhibu.rectification.models import Measure, Problem
from zhibu.testing import member_values

pytestmark = pytest.mark.django_db


def _full_members(cast: Cast, n: int) -> None:
    """Make 第一党支部 have ``n`` 正式党员 (it has 3: 石书记, 梅党员, 裴同志)."""
    for i in range(n - 3):
        member_create(actor=None, branch=cast.branch, values=member_values(name=f"党员{i:02d}"))


def _ids(ev: Evaluation) -> list[int]:
    return [e.member_id for e in ev.entries.filter(category="full").order_by("member_id")]


# --- start ---------------------------------------------------------------------------------------


def test_it_starts_with_every_party_member_as_they_are_today(cast: Cast) -> None:
    prob = helpers.probationary(cast)
    lm = cycle(cast)
    ev = services.evaluation_start(
        actor=cast.secretary, branch=cast.branch, year=lm.year, life_meeting=lm
    )
    cats = dict(ev.entries.values_list("member__name", "category"))
    assert cats == {"石书记": "full", "梅党员": "full", "裴同志": "full", prob.name: "probationary"}
    assert ev.stage == Stage.SELF_ASSESSMENT and ev.life_meeting == lm
    event = AuditEvent.objects.get(verb="evaluation.start")
    assert event.changes["full_members"] == [None, 3]
    assert event.changes["probationary_members"] == [None, 1]


def test_it_refuses_a_second_evaluation_of_the_year(cast: Cast) -> None:
    ev = helpers.started(cast)
    with pytest.raises(ValidationError, match="已有"):
        services.evaluation_start(actor=cast.secretary, branch=cast.branch, year=ev.year)
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize("what", ["committee", "other_year_meeting", "future", "empty_branch"])
def test_it_refuses_a_start_that_does_not_fit(cast: Cast, what: str) -> None:
    year = timezone.localdate().year
    kwargs: dict[str, Any] = {"branch": cast.branch, "year": year}
    if what == "committee":
        kwargs["branch"] = cast.committee
    elif what == "other_year_meeting":
        kwargs["life_meeting"] = cycle(cast)
        kwargs["year"] = year - 1
    elif what == "future":
        kwargs["year"] = year + 2
    else:
        kwargs["branch"] = cast.sibling
        Member.objects.filter(branch=kwargs["branch"]).update(status="transferred_out")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.evaluation_start(actor=cast.secretary, **kwargs)
    assert Evaluation.objects.count() == 0 and EvaluationEntry.objects.count() == 0
    assert AuditEvent.objects.count() == before


# --- 个人小结 ------------------------------------------------------------------------------------


def test_it_lets_only_the_member_write_their_summary(cast: Cast) -> None:
    ev = helpers.started(cast)
    entry = ev.entries.get(member__user=cast.member)
    with pytest.raises(ValidationError, match="本人"):
        services.self_assessment_save(actor=cast.secretary, entry=entry, summary="代写")
    services.self_assessment_save(actor=cast.member, entry=entry, summary="草稿\r\n第二行")
    entry.refresh_from_db()
    assert entry.summary == "草稿\n第二行" and entry.submitted_at is None
    services.self_assessment_save(
        actor=cast.member, entry=entry, summary="按党员标准……", submit=True
    )
    entry.refresh_from_db()
    assert entry.is_submitted
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="evaluation.self")
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["evaluation.self_assessment_save", "evaluation.self_assessment_submit"]


@pytest.mark.parametrize(("text", "message"), [("   ", "请先写"), ("字" * 3001, "不能超过3000")])
def test_it_refuses_an_empty_or_overlong_summary(cast: Cast, text: str, message: str) -> None:
    entry = helpers.started(cast).entries.get(member__user=cast.member)
    with pytest.raises(ValidationError, match=message):
        services.self_assessment_save(actor=cast.member, entry=entry, summary=text, submit=True)
    entry.refresh_from_db()
    assert entry.summary == "" and not entry.is_submitted


def test_it_closes_the_summaries_once_grades_are_proposed(cast: Cast) -> None:
    ev = helpers.closed(cast)
    services.grades_propose(actor=cast.secretary, evaluation=ev, grades=helpers.all_qualified(ev))
    entry = ev.entries.get(member__user=cast.member)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.self_assessment_save(actor=cast.member, entry=entry, summary="补写")


# --- 民主测评 ------------------------------------------------------------------------------------


def test_it_grades_full_members_and_lets_probationary_ones_vote(cast: Cast) -> None:
    prob = helpers.probationary(cast)
    ev = helpers.voting(cast)
    assert ev.poll is not None and ev.poll.kind == "evaluation" and ev.poll.is_open
    subjects = sorted(q["subject"] for q in ev.poll.questions)
    assert subjects == _ids(ev) and prob.pk not in subjects
    voters = set(ev.poll.voters.values_list("member_id", flat=True))
    assert voters == set(ev.entries.values_list("member_id", flat=True)) and prob.pk in voters
    assert ev.stage == Stage.VOTING
    with pytest.raises(ValidationError, match="已经开始"):
        services.evaluation_voting_open(actor=cast.secretary, evaluation=ev)


def test_it_shows_no_tally_before_the_close(cast: Cast) -> None:
    ev = helpers.voting(cast)
    helpers.vote_all(cast, ev)
    assert queries.tallies(ev) == (None, None)


def test_it_shows_no_tally_below_the_threshold(cast: Cast) -> None:
    ev = helpers.voting(cast, min_responses=4)  # 3 voters
    helpers.vote_all(cast, ev)
    from zhibu.ballots import services as ballots

    assert ev.poll is not None
    ballots.poll_close(actor=cast.secretary, poll=ev.poll)
    ev.refresh_from_db()
    assert queries.tallies(ev) == (3, None)


def test_it_counts_the_votes_per_member_after_the_close(cast: Cast) -> None:
    ev = helpers.voting(cast)
    secretary = cast.secretary.member_id
    assert secretary is not None
    helpers.vote_all(cast, ev, {secretary: "excellent"})
    from zhibu.ballots import services as ballots

    assert ev.poll is not None
    ballots.poll_close(actor=cast.secretary, poll=ev.poll)
    ev.refresh_from_db()
    count, by_member = queries.tallies(ev)
    assert count == 3 and by_member is not None
    assert by_member[secretary] == {"excellent": 3, "qualified": 0, "basically_qualified": 0,
                                    "unqualified": 0}  # fmt: skip


# --- 支委会 proposes -------------------------------------------------------------------------------


def test_it_waits_for_the_poll_to_close_before_a_proposal(cast: Cast) -> None:
    ev = helpers.voting(cast)
    with pytest.raises(ValidationError, match="民主测评结束后"):
        services.grades_propose(
            actor=cast.secretary, evaluation=ev, grades=helpers.all_qualified(ev)
        )


def test_it_never_grades_a_probationary_member(cast: Cast) -> None:
    prob = helpers.probationary(cast)
    ev = helpers.closed(cast)
    grades = {**helpers.all_qualified(ev), prob.pk: "qualified"}
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="预备党员，参加评议但不评定等次"):
        services.grades_propose(actor=cast.secretary, evaluation=ev, grades=grades)
    assert not ev.entries.exclude(proposed_grade="").exists()
    assert AuditEvent.objects.count() == before
    ev.refresh_from_db()
    assert ev.stage == Stage.VOTING
    # Proposed without them: they stay ungraded when confirmed, and are not in the grades.
    services.grades_propose(actor=cast.secretary, evaluation=ev, grades=helpers.all_qualified(ev))
    meeting = helpers.assembly(cast)
    services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                            confirmed_on=meeting.date)  # fmt: skip
    assert ev.entries.get(member=prob).grade == ""
    assert prob.pk not in queries.confirmed_grades(cast.branch.pk, ev.year)


@pytest.mark.parametrize(
    ("full", "excellent", "ok"), [(3, 1, True), (3, 2, False), (6, 2, True), (6, 3, False)]
)
def test_it_blocks_confirmation_above_a_third(
    cast: Cast, full: int, excellent: int, ok: bool
) -> None:
    _full_members(cast, full)
    ev = helpers.closed(cast)
    ids = _ids(ev)
    grades = {pk: ("excellent" if i < excellent else "qualified") for i, pk in enumerate(ids)}
    proposal = services.grades_propose(actor=cast.secretary, evaluation=ev, grades=grades)
    assert proposal.check.ok is ok
    meeting = helpers.assembly(cast)
    if ok:
        services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                                confirmed_on=meeting.date)  # fmt: skip
        assert queries.confirmed_grades(cast.branch.pk, ev.year) == grades
        return
    assert any("超过正式党员" in e and "三分之一" in e for e in proposal.check.errors)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="超过正式党员"):
        services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                                confirmed_on=meeting.date)  # fmt: skip
    ev.refresh_from_db()
    assert ev.stage == Stage.PROPOSED and not ev.entries.exclude(grade="").exists()
    assert AuditEvent.objects.count() == before
    assert queries.confirmed_grades(cast.branch.pk, ev.year) == {}


@pytest.mark.parametrize(("share", "excellent", "ok"), [("15%", 1, True), ("15%", 2, False),
                                                        ("1/2", 3, True), ("1/2", 4, False)])  # fmt: skip
def test_it_reads_the_share_from_the_settings(
    cast: Cast, settings: Any, share: str, excellent: int, ok: bool
) -> None:
    settings.EVALUATION_EXCELLENT_SHARE = share
    _full_members(cast, 7)  # 15% of 7 = 1.05 → 1; half of 7 → 3
    ev = helpers.closed(cast)
    ids = _ids(ev)
    grades = {pk: ("excellent" if i < excellent else "qualified") for i, pk in enumerate(ids)}
    check = services.grades_propose(actor=cast.secretary, evaluation=ev, grades=grades).check
    assert check.ok is ok
    if not ok:
        assert any(rules.share_label(rules.parse_share(share)) in e for e in check.errors)


def test_it_reads_the_share_from_the_environment(settings: Any, monkeypatch: Any) -> None:
    settings.EVALUATION_EXCELLENT_SHARE = None
    monkeypatch.setenv("ZHIBU_EVALUATION_EXCELLENT_SHARE", "15%")
    assert services.excellent_share() == rules.parse_share("0.15")
    monkeypatch.delenv("ZHIBU_EVALUATION_EXCELLENT_SHARE")
    assert str(services.excellent_share()) == "1/3"


def test_it_warns_when_a_grade_contradicts_the_votes(cast: Cast) -> None:
    ev = helpers.closed(cast)  # everyone voted 合格 for everyone
    grades = helpers.all_qualified(ev)
    assert cast.member.member_id is not None
    grades[cast.member.member_id] = "basically_qualified"
    check = services.grades_propose(actor=cast.secretary, evaluation=ev, grades=grades).check
    assert check.ok
    assert check.warnings == ["梅党员拟评为基本合格，但党员评议中得票最多的是合格"]


def test_it_saves_a_partial_proposal_but_blocks_confirming_it(cast: Cast) -> None:
    ev = helpers.closed(cast)
    assert cast.member.member_id is not None
    check = services.grades_propose(
        actor=cast.secretary, evaluation=ev, grades={cast.member.member_id: "qualified"}
    ).check
    assert sorted(check.errors) == ["石书记还没有评定等次", "裴同志还没有评定等次"]
    meeting = helpers.assembly(cast)
    with pytest.raises(ValidationError, match="还没有评定等次"):
        services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                                confirmed_on=meeting.date)  # fmt: skip


# --- the branch assembly confirms ---------------------------------------------------------------


def _proposed(cast: Cast, unqualified: list[int] | None = None) -> Evaluation:
    ev = helpers.closed(cast)
    grades = helpers.all_qualified(ev)
    for pk in unqualified or []:
        grades[pk] = "unqualified"
    services.grades_propose(actor=cast.secretary, evaluation=ev, grades=grades)
    return ev


@pytest.mark.parametrize(
    "what", ["none", "planned", "other_kind", "other_branch", "future", "early"]
)
def test_it_needs_a_held_branch_assembly(cast: Cast, what: str) -> None:
    from zhibu.meetings import services as meetings

    ev = _proposed(cast)
    meeting = helpers.assembly(cast)
    on: dt.date | None = meeting.date
    start = timezone.now() + dt.timedelta(days=3)
    if what == "none":
        meeting = None  # type: ignore[assignment]
    elif what in ("planned", "other_kind", "other_branch"):
        meeting = meetings.meeting_plan(
            actor=cast.committee_officer,
            branch=cast.sibling if what == "other_branch" else cast.branch,
            kind="committee_meeting" if what == "other_kind" else "branch_assembly",
            title="会议", starts_at=start, ends_at=start + dt.timedelta(hours=1), send_notice=False,
        )  # fmt: skip
    elif what == "future":
        on = timezone.localdate() + dt.timedelta(days=1)
    else:
        on = meeting.date - dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.grades_confirm(
            actor=cast.secretary, evaluation=ev, assembly=meeting, confirmed_on=on
        )
    ev.refresh_from_db()
    assert ev.stage == Stage.PROPOSED and ev.assembly is None


@pytest.mark.parametrize("months", [6, 1, 12])
def test_it_opens_a_correction_case_for_an_unqualified_member(cast: Cast, months: int) -> None:
    member = cast.member.member
    assert member is not None
    ev = _proposed(cast, [member.pk])
    meeting = helpers.assembly(cast)
    services.grades_confirm(
        actor=cast.secretary, evaluation=ev, assembly=meeting, confirmed_on=meeting.date,
        corrections={member.pk: services.Correction("多次无故不参加组织生活", "按时参加组织生活，每月向支部汇报", months)},
    )  # fmt: skip
    entry = ev.entries.get(member=member)
    problem = Problem.objects.get()
    assert entry.grade == "unqualified" and entry.problem == problem
    assert (problem.source, problem.owner_member, problem.owner_kind) == (
        "evaluation",
        member,
        "member",
    )
    assert (problem.source_type, problem.source_id) == ("evaluations.evaluation", ev.pk)
    assert problem.category.name == "其他" and problem.year == ev.year
    measure = Measure.objects.get(problem=problem)
    assert measure.deadline == rules.correction_deadline(meeting.date, months)
    assert measure.responsible == member
    ev.refresh_from_db()
    assert (
        ev.stage == Stage.CONFIRMED and ev.confirmed_on == meeting.date and ev.assembly == meeting
    )


def test_it_writes_nothing_when_one_correction_fails(cast: Cast) -> None:
    first, second = cast.member.member, cast.peer
    assert first is not None
    ev = _proposed(cast, [first.pk, second.pk])
    meeting = helpers.assembly(cast)
    before = AuditEvent.objects.count()
    corrections = {first.pk: services.Correction("问题", "措施", 6),
                   second.pk: services.Correction("问题", "措施", 13)}  # fmt: skip
    with pytest.raises(ValidationError, match="1到12个月"):
        services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                                confirmed_on=meeting.date, corrections=corrections)  # fmt: skip
    assert Problem.objects.count() == 0 and Measure.objects.count() == 0
    assert AuditEvent.objects.count() == before
    ev.refresh_from_db()
    assert ev.stage == Stage.PROPOSED and not ev.entries.exclude(grade="").exists()
    # And without the details at all:
    with pytest.raises(ValidationError, match="限期改正"):
        services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                                confirmed_on=meeting.date)  # fmt: skip
    with pytest.raises(ValidationError, match="请填写问题表现"):
        services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                                confirmed_on=meeting.date,
                                corrections={first.pk: services.Correction("", "措施"),
                                             second.pk: services.Correction("问题", "措施")})  # fmt: skip
    assert Problem.objects.count() == 0


# --- 公示 and the query for other apps -----------------------------------------------------------


def test_it_gives_other_apps_the_grades_only_once_confirmed(cast: Cast) -> None:
    year = timezone.localdate().year
    assert queries.evaluation_for(cast.branch.pk, year) is None
    assert queries.confirmed_grades(cast.branch.pk, year) == {}
    ev = _proposed(cast)
    assert queries.evaluation_for(cast.branch.pk, year) == ev
    assert queries.confirmed_grades(cast.branch.pk, year) == {}
    meeting = helpers.assembly(cast)
    services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                            confirmed_on=meeting.date)  # fmt: skip
    assert queries.confirmed_grades(cast.branch.pk, year) == helpers.all_qualified(ev)
    assert queries.confirmed_grades(cast.sibling.pk, year) == {}


def test_it_publishes_within_dates(cast: Cast) -> None:
    ev = _proposed(cast)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="确定评定结果后"):
        services.evaluation_publish(
            actor=cast.secretary, evaluation=ev, starts_on=today, ends_on=today
        )
    meeting = helpers.assembly(cast)
    services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                            confirmed_on=meeting.date)  # fmt: skip
    for start, end, message in [(today, today - dt.timedelta(days=1), "不能早于"),
                                (today, today + dt.timedelta(days=91), "90天"),
                                (None, today, "开始日期")]:  # fmt: skip
        with pytest.raises(ValidationError, match=message):
            services.evaluation_publish(
                actor=cast.secretary, evaluation=ev, starts_on=start, ends_on=end
            )
    ev = services.evaluation_publish(actor=cast.secretary, evaluation=ev, starts_on=today,
                                     ends_on=today + dt.timedelta(days=6))  # fmt: skip
    assert ev.is_showing(today) and ev.is_showing(today + dt.timedelta(days=6))
    assert not ev.is_showing(today - dt.timedelta(days=1))
    assert not ev.is_showing(today + dt.timedelta(days=7))
