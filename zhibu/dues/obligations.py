"""Which months a member owes dues, and to which branch (RULES.md §6, issue 6).

Pure functions over plain values (no ORM), used by every page, service and command that asks
"does this member owe for this month, and to whom":

- a party member owes from the month of admission (``joined_on``; for a 预备党员 that is the
  month of the branch meeting's admission vote);
- a transfer between branches moves the obligation to the receiving branch from the month after
  the transfer; the sending branch keeps the transfer month;
- a member who leaves (transferred out of zhibu, deceased, removed) owes through the month they
  left;
- a month is owed only where an assessment says how much: months before the first assessment
  (before the branch began keeping dues in zhibu) are outside the record, not arrears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from zhibu.core.dates import add_months
from zhibu.dues.rules import ZERO, MonthDue, month_of, months_between


@dataclass(frozen=True)
class Move:
    """A completed change of branch: ``from_branch``/``to_branch`` ``None`` is outside zhibu."""

    on: dt.date
    from_branch: int | None
    to_branch: int | None


@dataclass(frozen=True)
class Stay:
    """Months (first days, both ends included; ``last`` ``None`` = still there) a member owes
    to ``branch``."""

    branch: int
    first: dt.date
    last: dt.date | None

    def covers(self, month: dt.date) -> bool:
        return self.first <= month and (self.last is None or month <= self.last)


def stays(
    *,
    joined_on: dt.date | None,
    branch: int,
    moves: Iterable[Move] = (),
    left_on: dt.date | None = None,
) -> list[Stay]:
    """The member's stays, oldest first. ``branch`` is where the member is now (or was last);
    ``moves`` are the completed transfers in any order; ``left_on`` the day the member left the
    rolls (status no longer 在册), if they did. No ``joined_on`` (not a party member): none."""
    if joined_on is None:
        return []
    ordered = sorted(moves, key=lambda m: m.on)
    current: int | None = ordered[0].from_branch if ordered else branch
    start = month_of(joined_on)
    out: list[Stay] = []
    for move in ordered:
        month = month_of(move.on)
        if current is not None and start <= month:
            out.append(Stay(current, start, month))
        current = move.to_branch
        start = max(month_of(joined_on), add_months(month, 1))
    if current is not None:
        last = month_of(left_on) if left_on is not None else None
        if last is None or start <= last:
            out.append(Stay(current, start, last))
    return out


def owed_to(stays_: Sequence[Stay], month: dt.date) -> int | None:
    """The branch owed ``month``'s dues, or ``None`` when the member owes none that month."""
    month = month_of(month)
    for stay in stays_:
        if stay.covers(month):
            return stay.branch
    return None


def months_owed(
    stays_: Sequence[Stay], start: dt.date, end: dt.date, *, branch: int | None = None
) -> list[dt.date]:
    """The months from ``start`` to ``end`` (both included) the member owes (to ``branch``,
    when given)."""
    return [
        m
        for m in months_between(start, end)
        if (b := owed_to(stays_, m)) is not None and (branch is None or b == branch)
    ]


def due_by_month(
    assessments: Sequence[tuple[dt.date, Decimal]], months: Iterable[dt.date]
) -> list[tuple[dt.date, Decimal]]:
    """Each month with the monthly amount of the assessment in force (the latest ``valid_from``
    on or before it); months before the first assessment are left out."""
    ordered = sorted(assessments)
    out = []
    for month in months:
        amount = None
        for valid_from, monthly in ordered:
            if valid_from > month:
                break
            amount = monthly
        if amount is not None:
            out.append((month, amount))
    return out


def owed_dues(
    stays_: Sequence[Stay],
    assessments: Sequence[tuple[dt.date, Decimal]],
    paid: Mapping[dt.date, Decimal],
    end: dt.date,
    *,
    start: dt.date | None = None,
    branch: int | None = None,
) -> list[MonthDue]:
    """Each month the member owes (to ``branch``, when given), from the first assessment (or
    ``start``, if later) to ``end``, with the amount due and what has been paid towards it: the
    input of ``rules.allocate`` and ``rules.unpaid_streak``."""
    if not assessments:
        return []
    first = min(valid_from for valid_from, _ in assessments)
    if start is not None:
        first = max(first, month_of(start))
    months = months_owed(stays_, first, end, branch=branch)
    return [
        MonthDue(month, due, paid.get(month, ZERO))
        for month, due in due_by_month(assessments, months)
    ]
