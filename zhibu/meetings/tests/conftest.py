"""Meetings for the cast (see zhibu/conftest.py), planned through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.meetings import services
from zhibu.meetings.models import Meeting


def plan(
    cast: Cast,
    kind: str = "theme_day",
    *,
    start: dt.datetime | None = None,
    hours: float = 2,
    **kw: Any,
) -> Meeting:
    """A meeting of 第一党支部; by default it started an hour ago and is still on."""
    start = start or timezone.now() - dt.timedelta(hours=1)
    kw.setdefault("title", "测试会议")
    if kind == "lecture":
        kw.setdefault("lecturer_name", "上级党委书记")
    return services.meeting_plan(
        actor=cast.secretary, branch=cast.branch, kind=kind, starts_at=start,
        ends_at=start + dt.timedelta(hours=hours), **kw,
    )  # fmt: skip


def hold(
    cast: Cast,
    meeting: Meeting,
    present: list[str] | None = None,
    content: dict[str, Any] | None = None,
) -> Meeting:
    """Mark who was there (by name), write and confirm the minutes."""
    rows = list(meeting.attendances.select_related("member"))
    names = set(present or [])
    marks = {a.pk: ("present" if a.name in names else a.status) for a in rows}
    services.attendance_mark(actor=cast.secretary, meeting=meeting, marks=marks)
    services.minutes_save(actor=cast.secretary, meeting=meeting, content=content or {
        "items": [{"title": "学习", "content": "学习了重要讲话精神"}], "summary": "会议按议程进行"})  # fmt: skip
    services.minutes_confirm(actor=cast.secretary, meeting=meeting)
    meeting.refresh_from_db()
    return meeting
