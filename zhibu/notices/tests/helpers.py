"""Meetings for the notices tests, planned through the meetings services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.meetings.models import Meeting
from zhibu.meetings.services import meeting_plan


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) time on ``day``."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def plan(cast: Cast, starts_at: dt.datetime, **values: Any) -> Meeting:
    values.setdefault("kind", "branch_assembly")
    values.setdefault("title", "学习党的二十届四中全会精神")
    values.setdefault("place", "村委会二楼会议室")
    return meeting_plan(
        actor=cast.secretary,
        branch=cast.branch,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        **values,
    )
