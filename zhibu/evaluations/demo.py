"""The demo's 民主评议党员 (called by ``core.demo`` after the accounts exist).

demo_secretary's branch (示范村第一党支部): last year's evaluation finished — 个人小结 by the
members who have accounts, a closed 民主测评 with every member's ballot, the 支委会's proposal
(demo_member 优秀, everyone else 合格), confirmed by a 支部党员大会 early this year and 公示 for a
week — and this year's evaluation just started (个人小结 being written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.ballots import services as ballots
from zhibu.evaluations import services
from zhibu.evaluations.models import Evaluation
from zhibu.lifemeetings.models import LifeMeeting
from zhibu.meetings import services as meetings
from zhibu.meetings.models import Meeting, MeetingKind, MeetingStatus
from zhibu.members.models import Member
from zhibu.orgs.models import Organization

SUMMARIES = {
    "demo_secretary": (
        "一年来，我坚持把学习贯彻党的创新理论放在首位，带头讲党课2次，组织支部集中学习12次。"
        "对照党员标准，主要不足是走访群众还不够深入，对年轻党员的思想状况了解不够。"
        "今后每月至少走访联系户2户，每季度与每名党员谈心一次。"
    ),
    "demo_member": (
        "今年参加支部组织生活11次，缺席1次已补学；完成学习笔记10篇，参加志愿服务6次。"
        "对照党员标准，存在理论学习不够系统、发挥先锋模范作用不够主动的问题。"
        "明年按时参加学习，主动承担村里的环境整治志愿服务。"
    ),
}


def _assembly(branch: Organization, today: dt.date, actor: User) -> Meeting:
    """The 支部党员大会 early this year where last year's grades were confirmed: one the demo's
    meetings already held, or one recorded now."""
    held = (
        Meeting.objects.filter(
            branch=branch, kind=MeetingKind.BRANCH_ASSEMBLY, status=MeetingStatus.HELD,
            starts_at__year=today.year,
        )
        .order_by("starts_at")
        .first()
    )  # fmt: skip
    if held is not None:
        return held
    day = min(dt.date(today.year, 1, 20), today - dt.timedelta(days=1))
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    meeting = meetings.meeting_plan(
        actor=actor, branch=branch,
        kind=MeetingKind.BRANCH_ASSEMBLY, title="民主评议党员大会",
        starts_at=start, ends_at=start + dt.timedelta(hours=2), place="村党群服务中心",
        send_notice=False,
    )  # fmt: skip
    meetings.minutes_save(
        actor=actor, meeting=meeting,
        content={"items": [{"title": "民主评议党员",
                            "content": "通报民主测评情况，表决通过支委会提出的评定意见。"}]},
    )  # fmt: skip
    meetings.minutes_confirm(actor=actor, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def build(today: dt.date, users: Mapping[str, User], account_members: Mapping[str, Member]) -> int:
    """Returns how many evaluations it made."""
    secretary = users["demo_secretary"]
    branch = account_members["demo_secretary"].branch
    excellent = account_members["demo_member"]

    last = services.evaluation_start(
        actor=secretary, branch=branch, year=today.year - 1, today=today, send_notice=False
    )
    for username, text in SUMMARIES.items():
        entry = last.entries.get(member=account_members[username])
        services.self_assessment_save(actor=users[username], entry=entry, summary=text, submit=True)
    last = services.evaluation_voting_open(actor=secretary, evaluation=last)
    poll = last.poll
    if poll is None:  # evaluation_voting_open always sets it
        raise RuntimeError("民主测评没有建立")
    for pv in poll.voters.select_related("member").order_by("member__name"):
        answers = {
            q["id"]: "excellent" if q["subject"] == excellent.pk else "qualified"
            for q in poll.questions
        }
        ballots.ballot_cast(actor=None, voter=pv.member, poll=poll, answers=answers)
    ballots.poll_close(actor=secretary, poll=poll)
    grades = {e.member_id: "qualified" for e in last.entries.all() if e.is_full}
    grades[excellent.pk] = "excellent"
    services.grades_propose(actor=secretary, evaluation=last, grades=grades)
    meeting = _assembly(branch, today, secretary)
    services.grades_confirm(
        actor=secretary, evaluation=last, assembly=meeting, confirmed_on=meeting.date
    )
    starts = min(meeting.date + dt.timedelta(days=1), today)
    services.evaluation_publish(
        actor=secretary, evaluation=last, starts_on=starts, ends_on=starts + dt.timedelta(days=6)
    )

    life = LifeMeeting.objects.filter(branch=branch, year=today.year, kind="annual").first()
    this = services.evaluation_start(
        actor=secretary, branch=branch, year=today.year, life_meeting=life, today=today
    )
    entry = this.entries.get(member=account_members["demo_secretary"])
    services.self_assessment_save(
        actor=secretary, entry=entry, summary=SUMMARIES["demo_secretary"], submit=True
    )
    return Evaluation.objects.filter(branch=branch).count()
