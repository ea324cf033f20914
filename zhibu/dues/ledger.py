"""The branch's 党费账 beyond collection, and what it reads as (RULES.md §6, issue 6 part 3).

Writes (STYLE.md rule 2: keyword-only, an explicit actor, atomic, one audit event each):

- ``expense_record``: handed up to the committee (上缴: date, amount, voucher), returned to the
  branch (返还), or spent on a permitted use (支出: the use, the collective decision — a
  支委会/党员大会 of the branch or its reference written out — and the vouchers). Money never
  goes out beyond what the branch holds, on that day or on any later day of the ledger.
- ``expense_reverse``: a correcting entry for a wrong line; nothing is deleted or edited.
- ``report_publish`` / ``report_withdraw``: the 党费收缴使用情况公示 of a year, for the branch's
  members, between two dates.

Reads: ``year_ledger`` — collected (the payments, by the day they were paid), handed up,
returned and spent, the opening balance carried from every earlier year and the balance after
each line. Every figure is derived from the entries through ``rules.ledger_balance`` and
``rules.running_balances`` whenever it is asked for; no balance is ever stored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.core import audit
from zhibu.core.dates import zh_date
from zhibu.dues import rules
from zhibu.dues.models import (
    DuesExpense,
    DuesExpenseReversal,
    DuesPayment,
    DuesReport,
    ExpenseKind,
)
from zhibu.meetings.models import Meeting, MeetingKind, MeetingStatus
from zhibu.members.models import PARTY_CATEGORIES
from zhibu.notices.services import notify
from zhibu.orgs.models import Organization

ZERO = rules.ZERO
CENT = Decimal("0.01")
INCOMING = (rules.COLLECTED, rules.RETURNED)
DECISION_KINDS = (MeetingKind.COMMITTEE_MEETING, MeetingKind.BRANCH_ASSEMBLY)
DECISION_SHORT: dict[str, str] = {
    MeetingKind.COMMITTEE_MEETING: "支委会",
    MeetingKind.BRANCH_ASSEMBLY: "支部党员大会",
}
KIND_LABELS = {
    rules.COLLECTED: "收缴党费",
    rules.HANDED_UP: "上缴上级党委",
    rules.RETURNED: "上级返还",
    rules.SPENT: "支出",
}
REPORT_MAX_DAYS = 60


def money(value: Decimal) -> str:
    """``¥45.00``, as UI.md writes money (a minus sign before the ¥ for a correction)."""
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.2f}"


# --- reading the ledger -----------------------------------------------------------------------


@dataclass
class Line:
    """One line of the ledger: a day's collection, or one 上缴/返还/支出, or the correction of
    one. ``amount`` is as the kind counts it (a correction is the line's amount negated), so
    ``(kind, amount)`` is exactly what ``rules.ledger_balance`` adds up."""

    on: dt.date
    kind: str
    amount: Decimal
    summary: str
    use: str = ""
    use_label: str = ""
    decision: str = ""
    voucher: str = ""
    note: str = ""
    payments: int = 0
    expense_id: int | None = None
    is_correction: bool = False
    reversed_on: dt.date | None = None
    balance: Decimal = ZERO

    @property
    def entry(self) -> tuple[str, Decimal]:
        return self.kind, self.amount

    @property
    def income(self) -> Decimal | None:
        return self.amount if self.kind in INCOMING else None

    @property
    def outgoing(self) -> Decimal | None:
        return None if self.kind in INCOMING else self.amount

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class Month:
    month: dt.date
    collected: Decimal = ZERO
    handed_up: Decimal = ZERO
    returned: Decimal = ZERO
    spent: Decimal = ZERO
    balance: Decimal = ZERO

    @property
    def label(self) -> str:
        return f"{self.month.month}月"


@dataclass
class YearLedger:
    branch: Organization
    year: int
    opening: Decimal
    lines: list[Line]
    months: list[Month]
    totals: dict[str, Decimal]
    by_use: list[tuple[str, str, Decimal]]  # (use, label, amount), every permitted use
    closing: Decimal
    payments: int = 0

    @property
    def spent_uses(self) -> list[tuple[str, str, Decimal]]:
        return [u for u in self.by_use if u[2]]

    @property
    def handed_up_lines(self) -> list[Line]:
        return [x for x in self.lines if x.kind == rules.HANDED_UP]

    @property
    def returned_lines(self) -> list[Line]:
        return [x for x in self.lines if x.kind == rules.RETURNED]

    @property
    def spent_lines(self) -> list[Line]:
        return [x for x in self.lines if x.kind == rules.SPENT]

    @property
    def is_empty(self) -> bool:
        return not self.lines and not self.opening


def _order(line: Line) -> tuple[dt.date, int, int]:
    """By date; within a day money comes in before it goes out, then in the order recorded."""
    return line.on, 0 if line.kind in INCOMING else 1, line.expense_id or 0


def _expense_line(e: DuesExpense) -> Line:
    reversal: DuesExpenseReversal | None = getattr(e, "reversal", None)
    return Line(
        on=e.on, kind=e.kind, amount=e.amount, summary=_summary(e), use=e.use,
        use_label=e.get_use_display() if e.use else "", decision=e.decision, voucher=e.voucher,
        note=e.note, expense_id=e.pk, reversed_on=reversal.on if reversal else None,
    )  # fmt: skip


def _summary(e: DuesExpense) -> str:
    if e.kind == rules.SPENT:
        return f"支出：{e.get_use_display()}"
    return str(e.get_kind_display())


def _correction_line(r: DuesExpenseReversal) -> Line:
    e = r.expense
    return Line(
        on=r.on, kind=e.kind, amount=-e.amount,
        summary=f"冲销 {e.on:%Y-%m-%d} {_summary(e)}", use=e.use,
        use_label=e.get_use_display() if e.use else "", voucher=e.voucher, note=r.reason,
        expense_id=e.pk, is_correction=True,
    )  # fmt: skip


def _opening(branch: Organization, before: dt.date) -> Decimal:
    """Everything before ``before``, carried forward (3 queries, whatever the history's size)."""
    entries: list[tuple[str, Decimal]] = []
    collected = DuesPayment.objects.filter(branch=branch, paid_on__lt=before).aggregate(
        total=Sum("amount")
    )["total"]
    entries.append((rules.COLLECTED, collected or ZERO))
    for row in (
        DuesExpense.objects.filter(branch=branch, on__lt=before)
        .order_by()
        .values("kind")
        .annotate(total=Sum("amount"))
    ):
        entries.append((row["kind"], row["total"]))
    for row in (
        DuesExpenseReversal.objects.filter(expense__branch=branch, on__lt=before)
        .order_by()
        .values("expense__kind")
        .annotate(total=Sum("expense__amount"))
    ):
        entries.append((row["expense__kind"], -row["total"]))
    return rules.ledger_balance(entries)


def _lines(branch: Organization, start: dt.date, end: dt.date | None) -> tuple[list[Line], int]:
    """The lines from ``start`` (to ``end``, both included), in order (3 queries), and how many
    payments the collection lines hold."""
    payments = DuesPayment.objects.filter(branch=branch, paid_on__gte=start)
    expenses = DuesExpense.objects.filter(branch=branch, on__gte=start)
    reversals = DuesExpenseReversal.objects.filter(expense__branch=branch, on__gte=start)
    if end is not None:
        payments = payments.filter(paid_on__lte=end)
        expenses = expenses.filter(on__lte=end)
        reversals = reversals.filter(on__lte=end)
    lines: list[Line] = []
    count = 0
    for row in (
        payments.order_by("paid_on").values("paid_on").annotate(total=Sum("amount"), n=Count("pk"))
    ):
        count += row["n"]
        lines.append(
            Line(
                on=row["paid_on"],
                kind=rules.COLLECTED,
                amount=row["total"],
                summary=f"收缴党费（{row['n']}笔）",
                payments=row["n"],
            )  # fmt: skip
        )
    lines.extend(_expense_line(e) for e in expenses.select_related("reversal"))
    lines.extend(_correction_line(r) for r in reversals.select_related("expense"))
    lines.sort(key=_order)
    return lines, count


def year_ledger(branch: Organization, year: int) -> YearLedger:
    """The branch's ledger for ``year`` (6 queries): the opening balance, every line with the
    balance after it, each month's sums and closing balance, and the year's totals."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    opening = _opening(branch, start)
    lines, payments = _lines(branch, start, end)
    for line, balance in zip(
        lines, rules.running_balances([x.entry for x in lines], opening), strict=True
    ):
        line.balance = balance
    months = [Month(dt.date(year, m, 1)) for m in range(1, 13)]
    by_month: dict[int, list[Line]] = defaultdict(list)
    for line in lines:
        by_month[line.on.month].append(line)
    balance = opening
    for month in months:
        mine = by_month[month.month.month]
        for kind in rules.ENTRY_KINDS:
            setattr(month, kind, sum((x.amount for x in mine if x.kind == kind), ZERO))
        balance = rules.ledger_balance([x.entry for x in mine], balance)
        month.balance = balance
    totals = {
        kind: sum((x.amount for x in lines if x.kind == kind), ZERO) for kind in rules.ENTRY_KINDS
    }
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.kind == rules.SPENT:
            spent[line.use] += line.amount
    by_use = [(use, label, spent[use]) for use, label in rules.USES.items()]
    return YearLedger(
        branch=branch, year=year, opening=opening, lines=lines, months=months, totals=totals,
        by_use=by_use, closing=rules.ledger_balance(totals.items(), opening), payments=payments,
    )  # fmt: skip


def balance_on(branch: Organization, day: dt.date) -> Decimal:
    """What the branch holds at the end of ``day``."""
    return _opening(branch, day + dt.timedelta(days=1))


def _shortfall(branch: Organization, new: Line) -> Decimal | None:
    """With ``new`` in the ledger, the most the balance would fall below zero from its day on
    (``None`` when it never does): money cannot go out before it came in, even when an earlier
    day is recorded late."""
    opening = _opening(branch, new.on)
    lines, _ = _lines(branch, new.on, None)
    lines.append(new)  # recorded last: after the day's other lines of its side
    lines.sort(key=lambda x: (*_order(x)[:2], x is new))
    balances = rules.running_balances([x.entry for x in lines], opening)
    after = balances[next(i for i, x in enumerate(lines) if x is new) :]
    lowest = min(after)
    return -lowest if lowest < 0 else None


# --- writes -----------------------------------------------------------------------------------


def _amount(value: Any) -> Decimal:
    if isinstance(value, str):
        try:
            value = rules.parse_money(value)
        except rules.DuesError as exc:
            raise ValidationError({"amount": exc.message}) from None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError({"amount": "请填写金额，例如 120 或 120.50"})
    if value <= 0:
        raise ValidationError({"amount": "金额应大于 0"})
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError({"amount": "金额最多两位小数（到分）"})
    if value > rules.MONEY_MAX:
        raise ValidationError({"amount": "金额超出可记录的范围，请核对"})
    return value.quantize(CENT)


def _day(value: Any, name: str, what: str, today: dt.date) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationError({name: f"请填写{what}"})
    if value > today:
        raise ValidationError({name: f"{what}不能晚于今天：账目在钱款实际收付后登记"})
    if value.year < 1949:
        raise ValidationError({name: f"{what}有误，请核对"})
    return value


def decision_text(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at).date()
    return f"{DECISION_SHORT.get(meeting.kind, meeting.get_kind_display())} {day:%Y-%m-%d} 决定"


def decision_meetings(branch: Organization, until: dt.date | None = None) -> Any:
    """The branch's held 支委会 and 支部党员大会, newest first: where spending is decided."""
    rows = Meeting.objects.filter(
        branch=branch, status=MeetingStatus.HELD, kind__in=DECISION_KINDS
    ).order_by("-starts_at", "-pk")
    if until is not None:
        tz = timezone.get_current_timezone()
        rows = rows.filter(starts_at__lt=dt.datetime.combine(until, dt.time.max, tzinfo=tz))
    return rows


def _clean(text: str, limit: int) -> str:
    return " ".join(str(text or "").split())[:limit]


@transaction.atomic
def expense_record(
    *,
    actor: User | None,
    branch: Organization,
    kind: str,
    on: dt.date | None,
    amount: Decimal | str | None,
    use: str = "",
    decision: str = "",
    meeting: Meeting | None = None,
    voucher: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> DuesExpense:
    """Record a line of the ledger: 上缴 (handed up, with its voucher), 返还 (returned to the
    branch) or 支出 (spent on a permitted use, decided collectively, with vouchers)."""
    today = today or timezone.localdate()
    # One writer of a branch's ledger at a time: the balance check below must see every line.
    Organization.objects.select_for_update().filter(pk=branch.pk).first()
    if kind not in (ExpenseKind.HANDED_UP, ExpenseKind.RETURNED, ExpenseKind.SPENT):
        raise ValidationError({"kind": "请选择上缴、返还或支出"})
    errors: dict[str, str] = {}
    day: dt.date | None = None
    value: Decimal | None = None
    try:
        day = _day(on, "on", "日期", today)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        value = _amount(amount)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    voucher, note, decision = _clean(voucher, 100), _clean(note, 300), _clean(decision, 300)
    if kind == ExpenseKind.SPENT:
        if use not in rules.USES:
            errors["use"] = "请选择党费的用途：" + "、".join(rules.USES.values())
        if meeting is not None:
            if meeting.branch_id != branch.pk or meeting.kind not in DECISION_KINDS:
                errors["meeting"] = "请选择本支部召开的支委会或支部党员大会"
            elif meeting.status != MeetingStatus.HELD:
                errors["meeting"] = "这次会议还没有召开，不能作为支出的决定"
            elif day is not None and timezone.localtime(meeting.starts_at).date() > day:
                errors["meeting"] = "支出要先经集体研究决定：会议日期不能晚于支出日期"
            else:
                decision = _clean(f"{decision_text(meeting)}（{meeting.title}）", 300)
        elif not decision:
            errors["decision"] = (
                "党费支出须经集体研究决定：请选择会议，或写明决定（如“支委会 2026-03-05 决定”）"
            )
    else:
        use = ""
    if kind in (ExpenseKind.HANDED_UP, ExpenseKind.SPENT) and not voucher:
        errors["voucher"] = "请填写凭证号（收据、发票或转账凭证的编号）"
    if errors or day is None or value is None:
        raise ValidationError(errors)
    if kind != ExpenseKind.RETURNED:
        short = _shortfall(branch, Line(on=day, kind=kind, amount=value, summary=""))
        if short is not None:
            available = value - short
            what = "上缴" if kind == ExpenseKind.HANDED_UP else "支出"
            raise ValidationError(
                {
                    "amount": f"{what}金额超过结存：{day:%Y-%m-%d} 起最多还能{what} "
                    f"{money(max(available, ZERO))}（不能超出本支部已收缴和返还的党费）"
                }
            )
    row = DuesExpense.objects.create(
        branch=branch, kind=kind, on=day, amount=value, use=use, decision=decision,
        voucher=voucher, note=note, recorded_by=actor,
    )  # fmt: skip
    audit.record(
        actor, "dues.expense_record", row, organization=branch,
        changes=audit.created({
            "kind": row.get_kind_display(), "on": day, "amount": value,
            "use": row.get_use_display() if use else "", "decision": decision,
            "voucher": voucher, "note": note,
        }),
    )  # fmt: skip
    return row


@transaction.atomic
def expense_reverse(
    *,
    actor: User | None,
    expense: DuesExpense,
    on: dt.date | None,
    reason: str,
    today: dt.date | None = None,
) -> DuesExpenseReversal:
    """Correct a wrong line: it stays in the ledger as recorded and is counted back out from
    ``on``. Taking back a 返还 must not leave the ledger below zero."""
    today = today or timezone.localdate()
    branch = expense.branch
    Organization.objects.select_for_update().filter(pk=branch.pk).first()
    if DuesExpenseReversal.objects.filter(expense=expense).exists():
        raise ValidationError({"expense": "这笔账目已经冲销过了"})
    day = _day(on, "on", "冲销日期", today)
    if day < expense.on:
        raise ValidationError({"on": "冲销日期不能早于原账目的日期"})
    reason = _clean(reason, 300)
    if not reason:
        raise ValidationError({"reason": "请写明冲销的原因（如“金额登记错误”）"})
    if expense.kind == ExpenseKind.RETURNED:
        line = Line(on=day, kind=expense.kind, amount=-expense.amount, summary="")
        short = _shortfall(branch, line)
        if short is not None:
            raise ValidationError(
                {"on": f"冲销这笔返还后结存将不足 {money(short)}：请先冲销或核对之后的支出"}
            )
    row = DuesExpenseReversal.objects.create(
        expense=expense, on=day, reason=reason, recorded_by=actor
    )
    audit.record(
        actor, "dues.expense_reverse", expense, organization=branch,
        changes={"on": [None, day.isoformat()], "reason": [None, reason],
                 "amount": [str(expense.amount), "0.00"]},
    )  # fmt: skip
    return row


# --- 公示 -------------------------------------------------------------------------------------


@transaction.atomic
def report_publish(
    *,
    actor: User | None,
    branch: Organization,
    year: int,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    contact: str,
    note: str = "",
    today: dt.date | None = None,
) -> DuesReport:
    """Show the year's 党费收缴使用情况 to the branch's party members between the two dates."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not isinstance(year, int) or not 1949 <= year <= today.year:
        errors["year"] = "只能公示今年或以前年度的党费收缴使用情况"
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = "请填写公示开始日期"
    if not isinstance(ends_on, dt.date):
        errors["ends_on"] = "请填写公示结束日期"
    contact = _clean(contact, 100)
    if not contact:
        errors["contact"] = "请填写联系人及电话，党员对公示有疑问时可以询问"
    if errors or not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise ValidationError(errors)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "公示结束日期不能早于开始日期"})
    if ends_on < today:
        raise ValidationError({"ends_on": "公示结束日期已过，党员将看不到这份公示"})
    if (ends_on - starts_on).days > REPORT_MAX_DAYS:
        raise ValidationError({"ends_on": f"公示期最长 {REPORT_MAX_DAYS} 天"})
    if starts_on.year < year:
        raise ValidationError({"starts_on": f"{year}年度的公示不能早于{year}年开始"})
    row = DuesReport.objects.create(
        branch=branch, year=year, starts_on=starts_on, ends_on=ends_on, contact=contact,
        note=str(note or "").strip()[:2000], created_by=actor,
    )  # fmt: skip
    audit.record(
        actor, "dues.report_publish", row, organization=branch,
        changes=audit.created({"year": year, "starts_on": starts_on, "ends_on": ends_on,
                               "contact": contact}),
    )  # fmt: skip
    if starts_on <= today:
        announce(row)
    return row


def announce(row: DuesReport) -> int:
    """Tell the branch's party members that the 公示 is up (once per 公示)."""
    return notify(
        users=User.objects.filter(
            is_active=True,
            member__branch_id=row.branch_id,
            member__status="active",
            member__category__in=PARTY_CATEGORIES,
        ),
        key=f"dues_report:{row.pk}",
        title=f"公示：{row.year}年度党费收缴使用情况",
        body=f"公示期 {zh_date(row.starts_on, weekday=False)} 至 "
        f"{zh_date(row.ends_on, weekday=False)}。",
        url=reverse("dues:report", args=[row.branch.code, row.year]),
    )


@transaction.atomic
def report_withdraw(*, actor: User | None, report: DuesReport) -> DuesReport:
    """Stop showing a 公示 (a wrong date or figure): the row stays, marked withdrawn."""
    if report.withdrawn_at is not None:
        raise ValidationError("这份公示已经撤回")
    report.withdrawn_at = timezone.now()
    report.save(update_fields=["withdrawn_at"])
    audit.record(
        actor, "dues.report_withdraw", report, organization=report.branch,
        changes={"withdrawn_at": [None, report.withdrawn_at]},
    )  # fmt: skip
    return report


def showing_report(branch: Organization, year: int, on: dt.date) -> DuesReport | None:
    """The 公示 of the year the branch's members may read on ``on`` (the latest one)."""
    return (
        DuesReport.objects.showing(on)
        .filter(branch=branch, year=year)
        .order_by("-starts_on", "-pk")
        .first()
    )


def reports_of(branch: Organization, years: Iterable[int] | None = None) -> Any:
    rows = DuesReport.objects.filter(branch=branch).order_by("-year", "-starts_on", "-pk")
    return rows.filter(year__in=list(years)) if years is not None else rows


# --- the chart by month -----------------------------------------------------------------------

CHART = {"width": 300, "height": 216, "left": 40, "right": 4, "top": 24, "bottom": 42}
TICKS = 4


def nice_scale(top: Decimal, ticks: int = TICKS) -> Decimal:
    """The step of the value axis: 1, 2 or 5 × a power of ten, so ``ticks`` steps reach ``top``."""
    if top <= 0:
        return Decimal(1)
    raw = top / ticks
    power = Decimal(10) ** raw.adjusted()
    for m in (1, 2, 5, 10):
        step = power * m
        if step * ticks >= top:
            return step
    return power * 10  # pragma: no cover - 10 × power always reaches


def _label(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return f"{int(value):,}" if value == value.to_integral_value() else text


def month_chart(months: list[Month]) -> dict[str, Any]:
    """Collected and spent per month as bars in an SVG drawn on the server (no script, no inline
    style): coordinates in a 300 × 210 box, drawn 1:1 on a phone (text stays 11 px) and up to
    420 px wide on a desk; the value axis labelled in 元 with round ticks, the month axis 1–12."""
    c = CHART
    plot_w = c["width"] - c["left"] - c["right"]
    plot_h = c["height"] - c["top"] - c["bottom"]
    top = max([m.collected for m in months] + [m.spent for m in months] + [ZERO])
    step = nice_scale(top)
    ceiling = step * TICKS
    bottom = c["top"] + plot_h
    slot = plot_w / len(months)
    bar = slot * 0.36

    def y(v: Decimal) -> float:
        return bottom - float(v / ceiling) * plot_h if ceiling else bottom

    ticks = [{"y": round(y(step * i), 1), "label": _label(step * i)} for i in range(TICKS + 1)]
    bars = []
    for i, m in enumerate(months):
        x0 = c["left"] + slot * i + (slot - 2 * bar - 2) / 2
        for j, (kind, value) in enumerate((("collected", m.collected), ("spent", m.spent))):
            h = bottom - y(max(value, ZERO))
            bars.append(
                {
                    "kind": kind,
                    "x": round(x0 + j * (bar + 2), 1),
                    "y": round(bottom - h, 1),
                    "width": round(bar, 1),
                    "height": round(h, 1),
                    "title": f"{m.label}{'收缴' if kind == 'collected' else '支出'} {money(value)}",
                }
            )
    labels = [
        {"x": round(c["left"] + slot * i + slot / 2, 1), "label": str(i + 1)}
        for i in range(len(months))
    ]
    return {
        **c,
        "plot_right": c["width"] - c["right"],
        "bottom_y": bottom,
        "ticks": ticks,
        "bars": bars,
        "labels": labels,
        "month_label_y": bottom + 15,
        "axis_title_y": bottom + 34,
        "axis_title_x": c["left"] + plot_w / 2,
        "empty": top == 0,
    }
