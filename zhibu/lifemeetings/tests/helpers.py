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
