"""A member's personal calendar feed (iCal, RFC 5545), read by a phone's calendar app.

The feed is reached by a secret URL without logging in (calendar apps cannot log in); only the
SHA-256 of the token is stored, so a copy of the database does not open anyone's feed. Issuing
and revoking are services (notices/services.py); this module finds a feed and draws it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from zhibu.meetings.models import (
    Attendance,
    AttendanceRole,
    CalendarFeed,
    LeaveState,
    MeetingStatus,
)

if TYPE_CHECKING:
    from zhibu.accounts.models import User

PAST = dt.timedelta(days=90)
AHEAD = dt.timedelta(days=365)
REFRESH = dt.timedelta(hours=1)
PRODID = "-//zhibu//支部 会议日历//ZH"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed behind ``token``, or None (unknown, revoked, or the account is off).

    The lookup is by the token's hash, so how long it takes says nothing about the token; the
    stored hash is compared once more in constant time all the same.
    """
    digest = token_hash(token)
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None or not hmac.compare_digest(feed.token_hash, digest):
        return None
    return feed


def feed_rows(user: User, now: dt.datetime) -> list[Attendance]:
    """The user's places (应到 or 列席) at meetings from 90 days ago to a year ahead."""
    if user.member_id is None:
        return []
    return list(
        Attendance.objects.filter(
            member_id=user.member_id,
            meeting__starts_at__gte=now - PAST,
            meeting__starts_at__lt=now + AHEAD,
        )
        .select_related("meeting__branch", "meeting__group", "meeting__host", "meeting__lecturer")
        .prefetch_related("meeting__agenda")
        .order_by("meeting__starts_at", "meeting__pk")
    )


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def _uid(meeting_id: int) -> str:
    """Stable per meeting, so a changed meeting replaces its event instead of adding one."""
    host = urlsplit(_site()).hostname or "zhibu"
    return f"meeting-{meeting_id}@{host}"


def _description(row: Attendance) -> str:
    meeting = row.meeting
    lines: list[str] = []
    if meeting.status == MeetingStatus.CANCELLED:
        lines.append(f"会议已取消：{meeting.cancelled_reason}")
    unit = meeting.group.name if meeting.group_id and meeting.group else meeting.branch.name
    lines.append(f"组织：{unit}")
    if meeting.host_id and meeting.host:
        lines.append(f"主持人：{meeting.host.name}")
    if meeting.lecturer_label:
        lines.append(f"授课人：{meeting.lecturer_label}")
    if row.role == AttendanceRole.OBSERVER:
        lines.append("您的身份：列席")
    if row.leave_state == LeaveState.APPROVED:
        lines.append("您已请假（已批准）")
    agenda = list(meeting.agenda.all())
    if agenda:
        lines.append("议程：")
        lines += [
            f"{n}. {'【第一议题】' if item.is_first_topic else ''}{item.title}"
            for n, item in enumerate(agenda, start=1)
        ]
    if meeting.online_link:
        lines.append(f"线上会议链接：{meeting.online_link}")
    return "\n".join(lines)


def _event(row: Attendance, now: dt.datetime) -> Event:
    meeting = row.meeting
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event = Event()
    event.add("uid", _uid(meeting.pk))
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("created", meeting.created_at.astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    # Not every calendar app shows STATUS, so a cancelled meeting also says so in its title.
    prefix = "【已取消】" if cancelled else ""
    event.add("summary", f"{prefix}「{meeting.get_kind_display()}」{meeting.title}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    location = meeting.place or ("线上会议" if meeting.online_link else "")
    if location:
        event.add("location", location)
    event.add("description", _description(row))
    if _site():
        event.add("url", _site() + reverse("meetings:detail", args=[meeting.pk]))
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def build_calendar(rows: Iterable[Attendance], now: dt.datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "支部 · 我的会议")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for row in rows:
        cal.add_component(_event(row, now))
    return cal.to_ical()


def feed_ics(user: User, now: dt.datetime | None = None) -> bytes:
    """The whole feed for ``user``: three queries whatever the number of meetings."""
    now = now or timezone.now()
    return build_calendar(feed_rows(user, now), now)
