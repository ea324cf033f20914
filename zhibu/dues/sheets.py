"""The year's 党费收缴登记表 of a branch (FORMS.md), read in two queries whatever its size.

Each member owes, for a month, the ``monthly`` of their assessment in force then (the latest
``valid_from`` on or before the month) — to this branch when that assessment is this branch's.
What they paid for a month is the sum of the allocations of this branch's payments to it.

The 公示 takes its member counts from here: paid in full (every month owed so far settled),
in arrears (some month not), or exempt (免交: nothing owed). Only the first are named in it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from zhibu.dues import rules
from zhibu.dues.models import DuesAllocation, DuesAssessment, PaymentMethod, Reduction
from zhibu.orgs.models import Organization

ZERO = rules.ZERO
PAID_IN_FULL = "paid_in_full"
IN_ARREARS = "in_arrears"
EXEMPT = "exempt"
STATUS_LABELS = {PAID_IN_FULL: "已交清", IN_ARREARS: "欠交", EXEMPT: "免交"}


@dataclass
class SheetRow:
    member_id: int
    name: str
    number: int = 0
    category: str = ""
    base: Decimal | None = None
    rate: Decimal | None = None
    monthly: Decimal | None = None
    due: list[Decimal | None] = field(default_factory=lambda: [None] * 12)
    paid: list[Decimal] = field(default_factory=lambda: [ZERO] * 12)
    remarks: list[str] = field(default_factory=list)
    status: str = ""

    @property
    def due_total(self) -> Decimal:
        return sum((d for d in self.due if d is not None), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum(self.paid, ZERO)

    @property
    def rate_text(self) -> str:
        return rules.rate_percent(self.rate) if self.rate is not None else ""

    @property
    def remark(self) -> str:
        return "；".join(self.remarks)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")

    def owed_through(self, through: int) -> list[int]:
        """The months (0–11) up to ``through`` (1–12) this member owed to the branch."""
        return [i for i in range(through) if self.due[i] is not None]


@dataclass
class Sheet:
    branch: Organization
    year: int
    through: int  # the months counted for paid/in arrears: 12 for a past year
    rows: list[SheetRow]

    @property
    def months_due(self) -> list[Decimal]:
        return [sum((r.due[i] or ZERO for r in self.rows), ZERO) for i in range(12)]

    @property
    def months_paid(self) -> list[Decimal]:
        return [sum((r.paid[i] for r in self.rows), ZERO) for i in range(12)]

    @property
    def due_total(self) -> Decimal:
        return sum((r.due_total for r in self.rows), ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((r.paid_total for r in self.rows), ZERO)

    def counted(self) -> list[SheetRow]:
        """The members who owed the branch some month up to ``through``."""
        return [r for r in self.rows if r.status]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def due_so_far(self) -> Decimal:
        return sum((r.due[i] or ZERO for r in self.rows for i in range(self.through)), ZERO)

    @property
    def paid_so_far(self) -> Decimal:
        return sum((r.paid[i] for r in self.rows for i in range(self.through)), ZERO)


def through_month(year: int, today: dt.date) -> int:
    if year < today.year:
        return 12
    return today.month if year == today.year else 0


def _status(row: SheetRow, through: int) -> str:
    owed = row.owed_through(through)
    if not owed:
        return ""
    if all(row.due[i] == ZERO for i in owed):
        return EXEMPT
    if all(row.paid[i] >= (row.due[i] or ZERO) for i in owed):
        return PAID_IN_FULL
    return IN_ARREARS


def _reduction_remark(a: DuesAssessment) -> str:
    word = "免交" if a.reduction == Reduction.WAIVED else "减交"
    approval = "，".join(
        x
        for x in (
            a.reduction_approved_by,
            f"{a.reduction_approved_on:%Y-%m-%d}" if a.reduction_approved_on else "",
        )
        if x
    )
    return f"{a.valid_from.month}月起{word}" + (f"（{approval}批准）" if approval else "")


def year_sheet(branch: Organization, year: int, today: dt.date | None = None) -> Sheet:
    """The 收缴登记表 of ``year`` (2 queries): a row for each member who owed the branch some
    month of the year or paid it for one, with 应交 and 实交 month by month and the remarks
    (减免 with approval, a change of the monthly amount, 补交, 代交)."""
    today = today or timezone.localdate()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    here = DuesAssessment.objects.filter(branch=branch, valid_from__lte=last).values("member_id")
    paid_here = DuesAllocation.objects.filter(
        payment__branch=branch, month__gte=first, month__lte=last
    )
    assessments = (
        DuesAssessment.objects.filter(valid_from__lte=last)
        .filter(Q(member_id__in=here) | Q(member_id__in=paid_here.values("member_id")))
        .select_related("member")
        .order_by("member_id", "valid_from")
    )
    rows: dict[int, SheetRow] = {}
    history: dict[int, list[DuesAssessment]] = defaultdict(list)
    for a in assessments:
        history[a.member_id].append(a)
        rows.setdefault(a.member_id, SheetRow(a.member_id, a.member.name))
    for member_id, items in history.items():
        row = rows[member_id]
        latest_here: DuesAssessment | None = None
        for i in range(12):
            month = dt.date(year, i + 1, 1)
            in_force = next((a for a in reversed(items) if a.valid_from <= month), None)
            if in_force is None or in_force.branch_id != branch.pk:
                continue
            row.due[i] = in_force.monthly
            if (
                latest_here is not None
                and in_force.pk != latest_here.pk
                and in_force.monthly != latest_here.monthly
            ):
                row.remarks.append(f"{i + 1}月起月应交{in_force.monthly}元")
            if in_force.reduction and (latest_here is None or latest_here.pk != in_force.pk):
                row.remarks.append(_reduction_remark(in_force))
            latest_here = in_force
        if latest_here is not None:
            row.category = latest_here.get_category_display()
            row.base, row.rate, row.monthly = (
                latest_here.base,
                latest_here.rate,
                latest_here.monthly,
            )
    late: dict[int, set[dt.date]] = defaultdict(set)
    proxies: dict[int, list[str]] = defaultdict(list)
    for al in paid_here.select_related("payment", "member").only(
        "member_id", "month", "amount", "member__name", "payment__paid_on",
        "payment__method", "payment__proxy_name",
    ):  # fmt: skip
        row = rows.setdefault(al.member_id, SheetRow(al.member_id, al.member.name))
        row.paid[al.month.month - 1] += al.amount
        if rules.month_of(al.payment.paid_on) > al.month:
            late[al.member_id].add(al.month)
        name = al.payment.proxy_name
        if al.payment.method == PaymentMethod.PROXY and name not in proxies[al.member_id]:
            proxies[al.member_id].append(name)
    through = through_month(year, today)
    ordered = [r for r in rows.values() if any(d is not None for d in r.due) or any(r.paid)]
    ordered.sort(key=lambda r: (r.name, r.member_id))
    for n, row in enumerate(ordered, start=1):
        row.number = n
        if late[row.member_id]:
            row.remarks.append(f"补交{len(late[row.member_id])}个月")
        if proxies[row.member_id]:
            row.remarks.append("代交（" + "、".join(proxies[row.member_id]) + "）")
        row.status = _status(row, through)
    return Sheet(branch=branch, year=year, through=through, rows=ordered)
