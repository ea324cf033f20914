"""Pure rules for notices: masking an address, when a reminder is due (no ORM)."""

from __future__ import annotations

import datetime as dt

# A member who missed a held meeting is reminded of the 补学 once it is this late.
MAKEUP_GRACE_DAYS = 7


def masked_email(address: str) -> str:
    """``zhang@example.org`` → ``z***@example.org``: the trail shows which address, not whose."""
    if not address:
        return ""
    local, at, domain = address.rpartition("@")
    if not at:
        return address[:1] + "***"
    return f"{local[:1]}***@{domain}"


def meeting_reminder_day(today: dt.date) -> dt.date:
    """Meetings starting on this (local) date are reminded of on ``today``: the day before."""
    return today + dt.timedelta(days=1)


def makeup_overdue_before(today: dt.date) -> dt.date:
    """补学 is overdue for meetings held before this date (more than the grace days ago)."""
    return today - dt.timedelta(days=MAKEUP_GRACE_DAYS)


def makeup_overdue(meeting_day: dt.date, today: dt.date) -> bool:
    return meeting_day < makeup_overdue_before(today)
