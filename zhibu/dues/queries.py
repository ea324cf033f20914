"""Reads of the dues record: one member's months, a branch's monthly sheet, the arrears of a
subtree. Each in a fixed number of queries, whatever the number of members or months.

What a month owes comes from ``obligations`` (stays and assessments); what was paid towards it
is the sum of its allocations (a reversal's negative allocations net out a wrong payment).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import CharField, DecimalField, IntegerField, Q, Sum, Value

from zhibu.core.dates import add_months
from zhibu.dues import rules
from zhibu.dues.models import DuesAllocation, DuesAssessment, DuesPayment, DuesSettings
from zhibu.dues.obligations import Move, Stay, owed_dues, stays
from zhibu.members.models import Member, Transfer, TransferDirection, TransferState
from zhibu.orgs.models import Organization, subtree_q

ZERO = rules.ZERO


def settings_of(branch: Organization) -> DuesSettings:
    """The branch's settings, or the defaults (unsaved) when it has chosen none."""
    found = DuesSettings.objects.filter(branch=branch).first()
    return found if found is not None else DuesSettings(branch=branch)


def _moves(member_ids: Iterable[int]) -> dict[int, list[Move]]:
    """Completed changes of branch per member: transfers in (inside zhibu or from outside) and
    transfers out of zhibu (a transfer out to a zhibu branch has its transfer in)."""
    out: dict[int, list[Move]] = defaultdict(list)
    rows = (
        Transfer.objects.filter(member_id__in=list(member_ids), state=TransferState.COMPLETED)
        .filter(Q(direction=TransferDirection.IN) | Q(to_org__isnull=True))
        .values_list("member_id", "on", "from_org_id", "to_org_id")
    )
    for member_id, on, from_id, to_id in rows:
        out[member_id].append(Move(on, from_id, to_id))
    return out


def left_on(member: Member) -> dt.date | None:
    return None if member.is_current else member.status_changed_on


def stays_of(member: Member, moves: Sequence[Move]) -> list[Stay]:
    return stays(
        joined_on=member.joined_on if member.is_party_member else None,
        branch=member.branch_id,
        moves=moves,
        left_on=left_on(member),
    )


def _assessments(member_ids: Iterable[int]) -> dict[int, list[DuesAssessment]]:
    out: dict[int, list[DuesAssessment]] = defaultdict(list)
    for a in DuesAssessment.objects.filter(member_id__in=list(member_ids)).order_by("valid_from"):
        out[a.member_id].append(a)
    return out


def _paid(member_ids: Iterable[int], until: dt.date) -> dict[int, dict[dt.date, Decimal]]:
    out: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    rows = (
        DuesAllocation.objects.filter(member_id__in=list(member_ids), month__lte=until)
        .values_list("member_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for member_id, month, total in rows:
        out[member_id][month] = Decimal(total).quantize(rules.CENT)
    return out


def in_force(assessments: Sequence[DuesAssessment], month: dt.date) -> DuesAssessment | None:
    found = None
    for a in assessments:
        if a.valid_from <= month:
            found = a
    return found


# --- one member -----------------------------------------------------------------------------


@dataclass
class MemberDues:
    member: Member
    until: dt.date  # a month
    assessments: list[DuesAssessment]
    months: list[rules.MonthDue]  # every month owed, oldest first, up to ``until``
    payments: list[DuesPayment]
    credit: Decimal
    streak: int

    # The limits the pages quote beside the record, from the rules that apply them.
    limits = {"warning": rules.ARREARS_WARNING, "case": rules.ARREARS_CASE,
              "back_pay": rules.BACK_PAY_MONTHS}  # fmt: skip

    @property
    def current(self) -> DuesAssessment | None:
        return in_force(self.assessments, self.until)

    @property
    def level(self) -> str:
        return rules.arrears_level(self.streak)

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS[self.level]

    @property
    def badge(self) -> str:
        return LEVEL_BADGES[self.level]

    @property
    def outstanding(self) -> Decimal:
        return sum((m.outstanding for m in self.months), ZERO)

    def year(self, year: int) -> list[rules.MonthDue]:
        return [m for m in self.months if m.month.year == year]


LEVEL_BADGES = {rules.OK: "badge-ok", rules.WARNING: "badge-warn", rules.CASE: "badge-danger"}


def member_dues(
    member: Member, until: dt.date, *, streak_until: dt.date | None = None
) -> MemberDues:
    """The member's dues record up to ``until``'s month (four queries); the unpaid streak is
    counted up to ``streak_until``'s month when given (``rules.overdue_until``: a month not yet
    collected is not late)."""
    until = rules.month_of(until)
    assessments = _assessments([member.pk])[member.pk]
    member_stays = stays_of(member, _moves([member.pk])[member.pk])
    paid = _paid([member.pk], add_months(until, 120))[member.pk]
    months = owed_dues(member_stays, [(a.valid_from, a.monthly) for a in assessments], paid, until)
    payments = list(
        DuesPayment.objects.filter(member=member)
        .select_related("branch", "reverses", "reversed_by")
        .prefetch_related("allocations")
        .order_by("-paid_on", "-pk")
    )
    credit = sum((p.amount for p in payments), ZERO) - sum(paid.values(), ZERO)
    return MemberDues(
        member, until, assessments, months, payments, credit,
        rules.unpaid_streak(months, min(until, rules.month_of(streak_until or until))),
    )  # fmt: skip


# --- a branch's monthly sheet -----------------------------------------------------------------


@dataclass
class SheetRow:
    member: Member
    assessment: DuesAssessment | None
    owes: bool  # the month is owed to this branch
    due: Decimal
    paid: Decimal
    payments: list[DuesPayment] = field(default_factory=list)  # those that settled the month
    credit: Decimal = ZERO
    streak: int = 0

    @property
    def is_paid(self) -> bool:
        return not self.owes or self.due <= 0 or self.paid >= self.due

    @property
    def status(self) -> str:
        if not self.owes:
            return "none"
        if self.due <= 0:
            return "waived"
        if self.paid >= self.due:
            return "paid"
        return "partial" if self.paid > 0 else "unpaid"

    @property
    def level(self) -> str:
        return rules.arrears_level(self.streak)

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS[self.level]

    @property
    def badge(self) -> str:
        return LEVEL_BADGES[self.level]


def sheet(
    branch: Organization, month: dt.date, *, streak_until: dt.date | None = None
) -> list[SheetRow]:
    """Every current party member of the branch for ``month``: category, base and 月应交 in
    force, what was paid towards the month and by which payments, credit, and the unpaid streak
    up to that month. Six queries, whatever the number of members."""
    month = rules.month_of(month)
    late = min(month, rules.month_of(streak_until or month))
    members = list(
        Member.objects.current().party_members().filter(branch=branch).order_by("name", "pk")
    )
    ids = [m.pk for m in members]
    assessments = _assessments(ids)
    moves = _moves(ids)
    paid = _paid(ids, add_months(month, 120))
    totals = {
        pk: Decimal(total).quantize(rules.CENT)
        for pk, total in DuesPayment.objects.filter(member_id__in=ids)
        .values_list("member_id")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    settled: dict[int, list[DuesPayment]] = defaultdict(list)
    for alloc in (
        DuesAllocation.objects.filter(member_id__in=ids, month=month, amount__gt=0)
        .select_related("payment")
        .order_by("payment__paid_on", "pk")
    ):
        if alloc.payment not in settled[alloc.member_id]:
            settled[alloc.member_id].append(alloc.payment)
    rows = []
    for m in members:
        mine = assessments.get(m.pk, [])
        member_stays = stays_of(m, moves.get(m.pk, []))
        member_paid = paid.get(m.pk, {})
        history = owed_dues(member_stays, [(a.valid_from, a.monthly) for a in mine],
                            member_paid, month)  # fmt: skip
        this = next((d for d in history if d.month == month), None)
        owes = this is not None and any(s.branch == branch.pk and s.covers(month)
                                        for s in member_stays)  # fmt: skip
        credit = totals.get(m.pk, ZERO) - sum(member_paid.values(), ZERO)
        rows.append(
            SheetRow(
                member=m,
                assessment=in_force(mine, month),
                owes=owes,
                due=this.due if this is not None else ZERO,
                paid=this.paid if this is not None else ZERO,
                payments=settled.get(m.pk, []),
                credit=credit,
                streak=rules.unpaid_streak(history, late),
            )
        )
    return rows


# --- arrears in a subtree (the compliance board, the command) -----------------------------------


@dataclass
class Arrears:
    id: int
    name: str
    id_number_tail: str
    branch_id: int
    branch_code: str
    branch_name: str
    months_unpaid: int
    at_least: bool  # the streak reaches back to the start of the window looked at

    @property
    def level(self) -> str:
        return rules.arrears_level(self.months_unpaid)

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS[self.level]

    @property
    def badge(self) -> str:
        return LEVEL_BADGES[self.level]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_number_tail": self.id_number_tail,
            "unit": self.branch_code,
            "months_unpaid": self.months_unpaid,
            "level": self.level,
        }


WINDOW_MONTHS = 36


def arrears(
    org: Organization, until: dt.date, *, minimum: int = rules.ARREARS_WARNING,
    window: int = WINDOW_MONTHS,
) -> list[Arrears]:  # fmt: skip
    """Current party members of ``org``'s subtree with at least ``minimum`` months in a row
    unpaid up to ``until``'s month, longest first. One query (the members, their assessments and
    their allocations of the last ``window`` months, as one UNION), so the compliance board pays
    one query for it. Looking back ``window`` months only: a longer streak is reported as
    ``window`` months with ``at_least``. Transfers are not read: a move between zhibu branches
    leaves the months owed unchanged (only who is owed), and the assessments bound the rest."""
    until = rules.month_of(until)
    since = add_months(until, -(window - 1))
    in_tree = Q(member__status="active", member__category__in=("full", "probationary"))
    in_tree &= subtree_q(org.path, prefix="member__branch__")
    text: CharField[str, str] = CharField()
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
    number: IntegerField[int, int] = IntegerField()
    blank = {"t1": Value("", output_field=text), "t2": Value("", output_field=text),
             "t3": Value("", output_field=text), "t4": Value("", output_field=text)}  # fmt: skip
    people = (
        Member.objects.current()
        .party_members()
        .filter(subtree_q(org.path, prefix="branch__"))
        .annotate(tag=Value("m", output_field=text))
        .order_by()
        .values_list("tag", "pk", "joined_on", Value(None, output_field=money), "branch_id",
                     "name", "id_number_tail", "branch__code", "branch__name")
    )  # fmt: skip
    assessed = (
        DuesAssessment.objects.filter(in_tree)
        .order_by()
        .annotate(tag=Value("a", output_field=text), **blank)
        .values_list("tag", "member_id", "valid_from", "monthly", Value(0, output_field=number),
                     "t1", "t2", "t3", "t4")
    )  # fmt: skip
    allocated = (
        DuesAllocation.objects.filter(in_tree, month__gte=since, month__lte=until)
        .values("member_id", "month")
        .annotate(tag=Value("p", output_field=text), total=Sum("amount"), **blank)
        .values_list("tag", "member_id", "month", "total", Value(0, output_field=number),
                     "t1", "t2", "t3", "t4")
        .order_by()
    )  # fmt: skip
    who: dict[int, tuple[Any, ...]] = {}
    assessments: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    paid: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for tag, pk, day, amount, branch_id, *texts in people.union(assessed, allocated, all=True):
        if tag == "m":
            who[pk] = (day, branch_id, *texts)
        elif tag == "a":
            assessments[pk].append((day, Decimal(amount)))
        else:
            paid[pk][day] = Decimal(amount).quantize(rules.CENT)
    out = []
    for pk, (joined, branch_id, name, tail, code, branch_name) in who.items():
        member_stays = stays(joined_on=joined, branch=branch_id)
        history = owed_dues(member_stays, assessments.get(pk, []), paid.get(pk, {}), until,
                            start=since)  # fmt: skip
        streak = rules.unpaid_streak(history, until)
        if streak >= minimum:
            full = len(history) == streak and history[0].month == since
            out.append(Arrears(pk, name, tail, branch_id, code, branch_name, streak, full))
    out.sort(key=lambda a: (-a.months_unpaid, a.branch_code, a.name))
    return out


def member_dues_today(member: Member, today: dt.date) -> MemberDues:
    """The member's record as their pages show it: this month counts as late only after their
    branch's collection day (five queries)."""
    day = settings_of(member.branch).collection_day
    return member_dues(member, today, streak_until=rules.overdue_until(today, day))
