"""Test helpers for the rulebook: the seeded requirements, held meetings built through services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from zhibu.meetings import rules as meeting_rules
from zhibu.meetings.models import Meeting
from zhibu.meetings.services import (
    attendance_sign_in,
    meeting_plan,
    minutes_confirm,
    minutes_save,
)
from zhibu.members.models import Member
from zhibu.members.services import member_create
from zhibu.orgs.models import Organization
from zhibu.orgs.services import position_assign
from zhibu.rulebook.models import Requirement
from zhibu.testing import member_values, restore_seeded_rows


def seeded() -> list[Requirement]:
    """The requirements the data migration seeds (put back if a flush took them)."""
    restore_seeded_rows()
    return list(Requirement.objects.order_by("pk"))


def requirement(kind: str, *, applies_to: str = "", given_by: str = "") -> Requirement:
    """The version in force of a line: ``requirement("lecture")`` is the quarterly 党课 of every
    branch, ``requirement("lecture", applies_to="committee", given_by="secretary")`` the
    党委书记's own."""
    seeded()
    rows = Requirement.objects.filter(kind=kind, given_by=given_by, effective_to__isnull=True)
    return rows.get(applies_to=applies_to) if applies_to else rows.get()


def at(day: dt.date, hour: int = 15, minute: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) time on ``day``."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def hold(
    branch: Organization,
    kind: str,
    when: dt.date | dt.datetime,
    *,
    group: Organization | None = None,
    present: Iterable[Member] | None = None,
    actor: Any = None,
    title: str = "",
    lecturer: Member | None = None,
) -> Meeting:
    """Plan a meeting, sign in those ``present`` (everyone expected when None), write and
    confirm the minutes: a held meeting, made through the meetings services. A 党课 without a
    ``lecturer`` (a member) names one from outside the system."""
    starts_at = when if isinstance(when, dt.datetime) else at(when)
    outside = "书记" if kind == meeting_rules.LECTURE and lecturer is None else ""
    meeting = meeting_plan(
        actor=actor, branch=branch, kind=kind, title=title or meeting_rules.KIND_LABELS[kind],
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=25), group=group,
        lecturer=lecturer, lecturer_name=outside, send_notice=False,
    )  # fmt: skip
    chosen = None if present is None else {m.pk for m in present}
    # Each one present signs in at the start (the others stay absent, the default).
    for row in meeting.attendances.filter(role="attendee").select_related("member"):
        if row.member is not None and (chosen is None or row.member_id in chosen):
            attendance_sign_in(actor=actor, meeting=meeting, member=row.member,
                               now=starts_at + dt.timedelta(minutes=1))  # fmt: skip
    minutes_save(actor=actor, meeting=meeting,
                 content={"items": [{"title": "学习", "content": "学习讨论。"}]})  # fmt: skip
    minutes_confirm(actor=actor, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def person(branch: Organization, name: str, **values: Any) -> Member:
    return member_create(actor=None, branch=branch, values=member_values(name=name, **values))


def give_committee(branch: Organization, size: int, started_on: dt.date) -> list[Member]:
    """Add ``size`` committee members (委员) to ``branch`` from ``started_on``."""
    out = []
    for i in range(size):
        m = person(branch, f"委员{branch.code}{i}")
        position_assign(actor=None, member=m, organization=branch, role="committee_member",
                        started_on=started_on)  # fmt: skip
        out.append(m)
    return out
