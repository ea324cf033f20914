"""Building 民主评议 for the tests, through the services. Each helper returns the same rows
when asked again (the role matrix calls them once per role)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhibu.ballots import services as ballots
from zhibu.conftest import Cast
from zhibu.evaluations import services
from zhibu.evaluations.models import Evaluation, Stage
from zhibu.meetings.models import Meeting, MeetingKind, MeetingStatus
from zhibu.members.models import Member
from zhibu.members.services import member_create
from zhibu.testing import member_values


def probationary(cast: Cast) -> Member:
    """程预备, a 预备党员 of 第一党支部."""
    found = Member.objects.filter(branch=cast.branch, name="程预备").first()
    if found is not None:
        return found
    return member_create(
        actor=None, branch=cast.branch,
        values=member_values(name="程预备", category="probationary", joined_on=dt.date(2026, 7, 1)),
    )  # fmt: skip


def started(cast: Cast, year: int | None = None) -> Evaluation:
    """第一党支部's evaluation of the year (this year by default), in the 自评 step."""
    year = year or timezone.localdate().year
    found = Evaluation.objects.filter(branch=cast.branch, year=year).first()
    if found is not None:
        return found
    return services.evaluation_start(actor=cast.secretary, branch=cast.branch, year=year)


def voting(cast: Cast, year: int | None = None, min_responses: int = 3) -> Evaluation:
    ev = started(cast, year)
    if ev.poll_id is None:
        ev = services.evaluation_voting_open(
            actor=cast.secretary, evaluation=ev, min_responses_to_show=min_responses
        )
    return Evaluation.objects.select_related("poll", "branch").get(pk=ev.pk)


def vote_all(cast: Cast, ev: Evaluation, grade_of: dict[int, str] | None = None) -> int:
    """Every voter votes: ``grade_of`` (member id → grade) or 合格 for everyone."""
    assert ev.poll is not None
    grade_of = grade_of or {}
    voters = [pv.member for pv in ev.poll.voters.select_related("member")]
    for voter in voters:
        answers = {q["id"]: grade_of.get(q["subject"], "qualified") for q in ev.poll.questions}
        ballots.ballot_cast(actor=None, voter=voter, poll=ev.poll, answers=answers)
    return len(voters)


def closed(cast: Cast, year: int | None = None, *, votes: bool = True) -> Evaluation:
    """The 民主测评 is over: everyone voted 合格 (unless ``votes`` is False)."""
    ev = voting(cast, year)
    assert ev.poll is not None
    if ev.poll.is_open:
        if votes:
            vote_all(cast, ev)
        ballots.poll_close(actor=cast.secretary, poll=ev.poll)
    return Evaluation.objects.select_related("poll", "branch").get(pk=ev.pk)


def assembly(cast: Cast) -> Meeting:
    """A 支部党员大会 of 第一党支部 held yesterday (minutes confirmed)."""
    from zhibu.meetings import services as meetings

    found = Meeting.objects.filter(
        branch=cast.branch, kind=MeetingKind.BRANCH_ASSEMBLY, status=MeetingStatus.HELD
    ).first()
    if found is not None:
        return found
    start = timezone.now() - dt.timedelta(days=1)
    meeting = meetings.meeting_plan(
        actor=cast.secretary, branch=cast.branch, kind=MeetingKind.BRANCH_ASSEMBLY,
        title="民主评议党员大会", starts_at=start, ends_at=start + dt.timedelta(hours=2),
        place="党员活动室", send_notice=False,
    )  # fmt: skip
    meetings.minutes_save(
        actor=cast.secretary, meeting=meeting,
        content={"items": [{"title": "民主评议党员", "content": "确定评定结果"}]},
    )  # fmt: skip
    meetings.minutes_confirm(actor=cast.secretary, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def all_qualified(ev: Evaluation) -> dict[int, str]:
    return {e.member_id: "qualified" for e in ev.entries.all() if e.is_full}


def published(cast: Cast) -> Evaluation:
    """Last year's evaluation of 第一党支部: confirmed (all 合格 but the secretary, 优秀) and in
    公示 from yesterday for a week."""
    year = timezone.localdate().year - 1
    found = Evaluation.objects.filter(branch=cast.branch, year=year).first()
    if found is not None and found.stage == Stage.PUBLISHED:
        return found
    ev = closed(cast, year)
    grades = all_qualified(ev)
    assert cast.secretary.member_id is not None
    grades[cast.secretary.member_id] = "excellent"
    services.grades_propose(actor=cast.secretary, evaluation=ev, grades=grades)
    meeting = assembly(cast)
    services.grades_confirm(
        actor=cast.secretary, evaluation=ev, assembly=meeting, confirmed_on=meeting.date
    )
    today = timezone.localdate()
    return services.evaluation_publish(
        actor=cast.secretary, evaluation=ev, starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=6),
    )  # fmt: skip
