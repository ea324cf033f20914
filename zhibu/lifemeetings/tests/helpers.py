"""Building 组织生活会 cycles for the tests, through the services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.lifemeetings import services
from zhibu.lifemeetings.models import LifeMeeting, SelfReview
from zhibu.rectification.models import ProblemCategory


def cycle(cast: Cast, *, approved: bool = False, submitted: bool = False) -> LifeMeeting:
    """A draft annual cycle of 第一党支部 (the same one when asked again), or, submitted or
    approved, a new 专题 cycle (a branch holds one annual meeting a year)."""
    today = timezone.localdate()
    if not (submitted or approved):
        existing = LifeMeeting.objects.filter(branch=cast.branch, year=today.year, kind="annual")
        if existing.exists():
            return existing.get()
    lm = services.lifemeeting_plan(
        actor=cast.secretary, branch=cast.branch, year=today.year, theme="对照党章党规找差距",
        planned_on=today + dt.timedelta(days=20), agenda=["书记通报会前准备情况", "批评和自我批评"],
        kind="special" if submitted or approved else "annual",
        topic="学习贯彻党的创新理论" if submitted or approved else "",
    )  # fmt: skip
    if submitted or approved:
        services.lifemeeting_submit(actor=cast.secretary, life_meeting=lm)
    if approved:
        services.lifemeeting_review(actor=cast.committee_officer, life_meeting=lm, approve=True)
    lm.refresh_from_db()
    return lm


def self_review(cast: Cast) -> SelfReview:
    """梅党员's submitted 对照检查材料 in an approved cycle."""
    lm = cycle(cast, approved=True)
    member = cast.member.member
    assert member is not None
    review = services.self_review_save(
        actor=cast.member, life_meeting=lm, member=member,
        items=[services.ItemInput(ProblemCategory.objects.get(name="思想理论学习"),
                                  "2026年集中学习缺席2次", "尽量参加每次学习",
                                  timezone.localdate() + dt.timedelta(days=30))],
        cause_thinking="对学习重要性认识不足",
    )  # fmt: skip
    return services.self_review_submit(actor=cast.member, review=review)


def held(cast: Cast) -> LifeMeeting:
    """An approved cycle whose meeting was held two hours ago (minutes confirmed), with 梅党员's
    accepted 对照检查材料 and the criticisms recorded: in the follow-up stage. The same one
    when asked again."""
    from zhibu.meetings import services as meetings

    existing = LifeMeeting.objects.filter(
        branch=cast.branch, kind="special", stage__in=["follow_up", "closed"]
    ).first()
    if existing is not None:
        return existing
    review = self_review(cast)
    services.self_review_decide(actor=cast.secretary, review=review, accept=True)
    lm = review.life_meeting
    now = timezone.now()
    services.lifemeeting_convene(
        actor=cast.secretary, life_meeting=lm, starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1), place="党员活动室",
    )  # fmt: skip
    lm.refresh_from_db()
    member, secretary = cast.member.member, cast.secretary.member
    assert member is not None and secretary is not None
    services.speech_record(
        actor=cast.secretary, life_meeting=lm, member=member, spoke=True,
        self_criticism="集中学习缺席两次，学习笔记不全", pledge="按期补学，接受监督",
        criticisms=[services.CriticismInput(secretary, "联系群众不够主动，走访少")],
    )  # fmt: skip
    services.speech_record(
        actor=cast.secretary, life_meeting=lm, member=secretary, spoke=True,
        self_criticism="对支部工作抓得不够细",
    )  # fmt: skip
    assert lm.meeting is not None
    meetings.minutes_save(
        actor=cast.secretary, meeting=lm.meeting,
        content={"items": [{"title": "批评和自我批评", "content": "逐一发言"}]},
    )  # fmt: skip
    meetings.minutes_confirm(actor=cast.secretary, meeting=lm.meeting)
    services.lifemeeting_conclude(actor=cast.secretary, life_meeting=lm)
    lm.refresh_from_db()
    return lm


def convened(cast: Cast) -> LifeMeeting:
    """An approved cycle whose meeting began an hour ago, in the meeting stage (the same one
    when asked again)."""
    existing = LifeMeeting.objects.filter(branch=cast.branch, stage="meeting").first()
    if existing is not None:
        return existing
    lm = cycle(cast, approved=True)
    now = timezone.now()
    services.lifemeeting_convene(actor=cast.secretary, life_meeting=lm,
                                 starts_at=now - dt.timedelta(hours=1), ends_at=now)  # fmt: skip
    lm.refresh_from_db()
    return lm


def approved(cast: Cast) -> LifeMeeting:
    """An approved cycle still in preparation (the same one when asked again)."""
    existing = LifeMeeting.objects.filter(branch=cast.branch, stage="preparation").first()
    return existing if existing is not None else cycle(cast, approved=True)
