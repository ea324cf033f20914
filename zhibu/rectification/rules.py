"""Rectification rules as pure functions: a problem's status, how late a measure is, and when
the 回头看 falls. No ORM; plain values in, plain values out (STYLE.md rule 4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zhibu.core.dates import add_months

OWNER_MEMBER = "member"
OWNER_COMMITTEE = "committee"
OWNER_BRANCH = "branch"

OPEN = "open"
IN_PROGRESS = "in_progress"
RECTIFIED = "rectified"
CLOSED = "closed"
ACTIVE_STATUSES = (OPEN, IN_PROGRESS, RECTIFIED)

MEASURE_OPEN = "open"
MEASURE_DONE = "done"
MEASURE_VERIFIED = "verified"

# How late a measure is (``deadline_level``), in the order of escalation.
LEVEL_NONE = ""  # no deadline near, or already done
LEVEL_SOON = "soon"  # within the reminder window before the deadline (提醒)
LEVEL_DUE = "due"  # the deadline is today (提醒)
LEVEL_OVERDUE = "overdue"  # past the deadline: the branch secretary is told
LEVEL_ESCALATED = "escalated"  # past the escalation threshold: the committee (通报, 约谈)
LEVEL_ORDER = (LEVEL_NONE, LEVEL_SOON, LEVEL_DUE, LEVEL_OVERDUE, LEVEL_ESCALATED)


def problem_status(measure_statuses: Sequence[str], *, closed: bool) -> str:
    """open → in progress → rectified (every measure done) → closed (销号, set by a person).

    A problem without measures is open: there is nothing to have done yet.
    """
    if closed:
        return CLOSED
    if not measure_statuses:
        return OPEN
    done = sum(1 for s in measure_statuses if s != MEASURE_OPEN)
    if done == len(measure_statuses):
        return RECTIFIED
    return IN_PROGRESS if done else OPEN


def deadline_level(
    deadline: dt.date, today: dt.date, *, done: bool, remind_days: int, escalate_days: int
) -> str:
    """Where an unfinished measure stands against its deadline.

    ``remind_days`` before the deadline it is "soon" (the responsible member is reminded), on the
    day "due", the day after "overdue" (the branch secretary is told), and more than
    ``escalate_days`` days after it "escalated" (the committee is told and lists it).
    """
    if done:
        return LEVEL_NONE
    late = (today - deadline).days
    if late > escalate_days:
        return LEVEL_ESCALATED
    if late > 0:
        return LEVEL_OVERDUE
    if late == 0:
        return LEVEL_DUE
    if -late <= remind_days:
        return LEVEL_SOON
    return LEVEL_NONE


def worst_level(levels: Iterable[str]) -> str:
    return max(levels, key=LEVEL_ORDER.index, default=LEVEL_NONE)


def recheck_due(closed_on: dt.date, months: int) -> dt.date:
    return add_months(closed_on, months)


@dataclass(frozen=True)
class Progress:
    total: int
    done: int

    @property
    def text(self) -> str:
        if not self.total:
            return "尚无整改措施"
        if self.done == self.total:
            return f"{self.total}项措施已全部完成"
        return f"已完成{self.done}/{self.total}项措施"


def progress(measure_statuses: Sequence[str]) -> Progress:
    return Progress(
        total=len(measure_statuses),
        done=sum(1 for s in measure_statuses if s != MEASURE_OPEN),
    )
