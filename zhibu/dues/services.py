"""Every write to the dues record (STYLE.md rule 2): a branch's settings, a member's assessment,
bases in bulk from a spreadsheet, payments with their allocation to months, credit applied, a
wrong payment reversed, and the collection-day reminders. Keyword-only, an explicit actor,
atomic, audited.

The branch never pays for a member or deducts dues (RULES.md §6): there is no such service.
History is never edited: a pay change is a new assessment from its month, a wrong payment a
correcting record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.core import audit
from zhibu.core.dates import add_months
from zhibu.dues import queries, rules
from zhibu.dues.models import (
    DuesAllocation,
    DuesAssessment,
    DuesPayment,
    DuesReport,
    DuesSettings,
    PaymentMethod,
)
from zhibu.members.models import Member
from zhibu.members.rules import normalize_id
from zhibu.orgs.models import Organization, OrgKind

# How far ahead a payment may be spread (paying a quarter or a year ahead).
MAX_AHEAD_MONTHS = 12


def _money(value: Any, field: str, what: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return rules.parse_money(str(value or ""), what)
    except rules.DuesError as exc:
        raise ValidationError({field: exc.message}) from None


def _dues_error(exc: rules.DuesError, default: str) -> ValidationError:
    return ValidationError({exc.field or default: exc.message})


def _party_member(member: Member, field: str = "member") -> None:
    if not member.is_current or not member.is_party_member:
        raise ValidationError({field: f"{member.name}不是在册党员，不交纳党费"})


# --- settings -------------------------------------------------------------------------------


def _settings_values(s: DuesSettings) -> dict[str, Any]:
    return {"collection_day": s.collection_day, "rounding": s.get_rounding_display(),
            "farmer_amount": s.farmer_amount}  # fmt: skip


@transaction.atomic
def settings_update(
    *,
    actor: User | None,
    branch: Organization,
    collection_day: int,
    rounding: str,
    farmer_amount: Decimal,
) -> DuesSettings:
    """The branch's collection day (1–28), rounding (fen/jiao/yuan) and 农民 amount (0.20–1.00
    元). Changes apply to assessments made from now on; existing ones keep their amounts."""
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"branch": "党费设置属于党支部"})
    if not isinstance(collection_day, int) or not 1 <= collection_day <= 28:
        raise ValidationError({"collection_day": "每月收缴日应为 1～28 日"})
    if rounding not in rules.ROUNDINGS:
        raise ValidationError({"rounding": "请选择取整方式"})
    farmer_amount = _money(farmer_amount, "farmer_amount", "农民党员每月交纳金额")
    if not rules.FARMER_MIN <= farmer_amount <= rules.FARMER_MAX:
        raise ValidationError(
            {"farmer_amount": f"农民党员每月交纳 {rules.FARMER_MIN}～{rules.FARMER_MAX} 元"}
        )
    row, _ = DuesSettings.objects.select_for_update().get_or_create(branch=branch)
    before = _settings_values(row)
    row.collection_day, row.rounding, row.farmer_amount = collection_day, rounding, farmer_amount
    row.save(update_fields=["collection_day", "rounding", "farmer_amount"])
    changes = audit.diff(before, _settings_values(row))
    if changes:
        audit.record(actor, "dues.settings_update", row, organization=branch, changes=changes)
    return row


# --- assessments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentInput:
    category: str
    base: Decimal | None = None
    amount: Decimal | None = None
    reduction: str = ""
    reduced_amount: Decimal | None = None
    reduction_reason: str = ""
    reduction_approved_by: str = ""
    reduction_approved_on: dt.date | None = None
    note: str = ""


def _assessment_row(
    member: Member, valid_from: dt.date, v: AssessmentInput, settings: DuesSettings,
    today: dt.date,
) -> DuesAssessment:  # fmt: skip
    """A checked, unsaved assessment (errors keyed by the form's field names)."""
    month = rules.month_of(valid_from)
    if member.joined_on and month < rules.month_of(member.joined_on):
        raise ValidationError(
            {"valid_from": f"{member.name}{member.joined_on:%Y年%m月}入党，党费从入党当月起交纳，"
                           "起始月份不能更早"}
        )  # fmt: skip
    if month > add_months(rules.month_of(today), MAX_AHEAD_MONTHS):
        raise ValidationError({"valid_from": "起始月份不能晚于一年以后"})
    category = v.category
    try:
        category = rules.category_of(category)
        amount = v.amount
        if category == rules.FARMER and amount is None:
            amount = settings.farmer_amount
        q = rules.quote(category, base=v.base, amount=amount, rounding=settings.rounding)
        monthly = rules.apply_reduction(q.monthly, v.reduction, v.reduced_amount)
    except rules.DuesError as exc:
        raise _dues_error(exc, "category") from None
    reason = (v.reduction_reason or "").strip()
    approved_by = (v.reduction_approved_by or "").strip()
    if v.reduction:
        missing = {
            "reduction_reason": ("请填写减免理由", reason),
            "reduction_approved_by": ("请填写批准减免的上级党组织", approved_by),
            "reduction_approved_on": ("请填写批准日期", v.reduction_approved_on),
        }
        errors = {k: msg for k, (msg, value) in missing.items() if not value}
        if errors:
            raise ValidationError(errors)
    return DuesAssessment(
        member=member,
        branch=member.branch,
        valid_from=month,
        category=category,
        base=q.base,
        rate=q.rate,
        standard=q.monthly,
        reduction=v.reduction,
        monthly=monthly,
        reduction_reason=reason if v.reduction else "",
        reduction_approved_by=approved_by if v.reduction else "",
        reduction_approved_on=v.reduction_approved_on if v.reduction else None,
        over_norm=q.over_norm,
        note=(v.note or "").strip(),
    )


def _assessment_values(a: DuesAssessment) -> dict[str, Any]:
    return {
        "valid_from": f"{a.valid_from:%Y-%m}",
        "category": a.get_category_display(),
        "base": a.base,
        "rate": rules.rate_percent(a.rate) if a.rate is not None else None,
        "standard": a.standard,
        "reduction": a.get_reduction_display() if a.reduction else None,
        "monthly": a.monthly,
        "reduction_reason": a.reduction_reason,
        "reduction_approved_by": a.reduction_approved_by,
        "reduction_approved_on": a.reduction_approved_on,
        "note": a.note,
    }


def _taken(member: Member, month: dt.date) -> ValidationError:
    return ValidationError(
        {"valid_from": f"{member.name}从{month:%Y年%m月}起已有党费核定。核定不能修改："
                       "交纳基数变化的，请从变化的当月起新增一条"}
    )  # fmt: skip


@transaction.atomic
def assessment_set(
    *, actor: User | None, member: Member, valid_from: dt.date, values: AssessmentInput
) -> DuesAssessment:
    """What ``member`` owes each month from ``valid_from``'s month: category, base or fixed
    amount, any approved reduction or waiver. A new row; an existing month is refused."""
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("branch").get(pk=member.pk)
    )
    _party_member(member)
    settings = queries.settings_of(member.branch)
    row = _assessment_row(member, valid_from, values, settings, timezone.localdate())
    if DuesAssessment.objects.filter(member=member, valid_from=row.valid_from).exists():
        raise _taken(member, row.valid_from)
    row.created_by = actor
    row.save()
    audit.record(actor, "dues.assessment_set", row, organization=member.branch,
                 label=f"{member.label} 党费核定", changes=audit.created(_assessment_values(row)))  # fmt: skip
    return row


# --- bases in bulk from a spreadsheet -------------------------------------------------------

BASE_COLUMNS = ("姓名", "身份证号", "类别", "基数或金额")


@dataclass
class BasesResult:
    rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    written: bool = False
    assessments: list[DuesAssessment] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verb = "已核定" if self.written else "检查通过，可以核定"
        return f"{verb} {len(self.assessments)} 名党员的党费"


def bases_check(
    *,
    branch: Organization,
    valid_from: dt.date,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    header_errors: Sequence[tuple[int, str, str]] = (),
) -> BasesResult:
    """Check every row (the member is a current party member of ``branch`` by 身份证号, the name
    matches, the category and amount are right, no assessment yet for the month, no person
    twice); the unsaved assessments when all are right."""
    result = BasesResult(errors=list(header_errors))
    if header_errors:
        return result
    settings = queries.settings_of(branch)
    today = timezone.localdate()
    month = rules.month_of(valid_from)
    members = Member.objects.current().party_members().filter(branch=branch)
    by_hash = {m.id_number_hash: m for m in members}
    taken = set(
        DuesAssessment.objects.filter(member__in=members, valid_from=month).values_list(
            "member_id", flat=True
        )
    )
    from zhibu.core import crypto

    seen: dict[int, int] = {}
    for number, raw in rows:
        result.rows += 1
        name = str(raw.get("姓名") or "").strip()
        id_text = normalize_id(str(raw.get("身份证号") or ""))
        category_text = str(raw.get("类别") or "").strip()
        amount_text = raw.get("基数或金额")
        errors = result.errors
        if not id_text:
            errors.append((number, "身份证号", "请填写身份证号"))
            continue
        member = by_hash.get(crypto.keyed_hash(id_text, purpose="id_number"))
        if member is None:
            errors.append((number, "身份证号", f"{branch.name}的在册党员中没有这个身份证号"))
            continue
        if name != member.name:
            errors.append((number, "姓名", f"与身份证号对应的党员姓名“{member.name}”不一致"))
            continue
        if member.pk in seen:
            errors.append((number, "身份证号", f"与第{seen[member.pk]}行是同一人"))
            continue
        seen[member.pk] = number
        if member.pk in taken:
            errors.append((number, "姓名", f"{member.name}从{month:%Y年%m月}起已有党费核定"))
            continue
        if not category_text:
            errors.append((number, "类别", "请填写类别（在职、离退休、农民、学生等）"))
            continue
        try:
            category = rules.category_of(category_text)
        except rules.DuesError as exc:
            errors.append((number, "类别", exc.message))
            continue
        value: Decimal | None = None
        if amount_text not in (None, ""):
            try:
                value = rules.parse_money(str(amount_text), "基数或金额")
            except rules.DuesError as exc:
                errors.append((number, "基数或金额", exc.message))
                continue
        based = category in rules.BASE_CATEGORIES
        if based and value is None:
            errors.append((number, "基数或金额", f"{rules.CATEGORY_LABELS[category]}党员请填写"
                                                 f"月基数（{rules.BASE_LABELS[category]}）"))  # fmt: skip
            continue
        v = AssessmentInput(category=category, base=value if based else None,
                            amount=None if based else value)  # fmt: skip
        try:
            row = _assessment_row(member, month, v, settings, today)
        except ValidationError as exc:
            for message in exc.messages:
                errors.append((number, "基数或金额", message))
            continue
        result.assessments.append(row)
    result.errors.sort(key=lambda e: e[0])
    if result.rows == 0 and not result.errors:
        result.errors.append((2, "姓名", "表格中没有数据行"))
    if result.errors:
        result.assessments = []
    return result


def bases_import(
    *,
    actor: User | None,
    branch: Organization,
    valid_from: dt.date,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    header_errors: Sequence[tuple[int, str, str]] = (),
    dry_run: bool = False,
) -> BasesResult:
    """Assess many members from a spreadsheet: every row right and all written, or nothing."""
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"branch": "党费核定在党支部进行"})
    result = bases_check(branch=branch, valid_from=valid_from, rows=rows,
                         header_errors=header_errors)  # fmt: skip
    if not result.ok or dry_run:
        return result
    with transaction.atomic():
        month = rules.month_of(valid_from)
        ids = [a.member_id for a in result.assessments]
        list(Member.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        if DuesAssessment.objects.filter(member_id__in=ids, valid_from=month).exists():
            raise ValidationError({"file": "检查之后有人已被核定，请重新上传"})
        for a in result.assessments:
            a.created_by = actor
        DuesAssessment.objects.bulk_create(result.assessments)
        events = [
            audit.event_for("dues.assessment_set", a, organization=branch,
                            label=f"{a.member.label} 党费核定",
                            changes=audit.created(_assessment_values(a)))
            for a in result.assessments
        ]  # fmt: skip
        events.append(
            audit.event_for("dues.bases_import", branch, organization=branch,
                            changes={"valid_from": [None, f"{month:%Y-%m}"],
                                     "rows": [None, len(result.assessments)]})
        )  # fmt: skip
        audit.record_many(actor, events)
        result.written = True
    return result


# --- payments ---------------------------------------------------------------------------------


def _lock_branch(branch: Organization) -> DuesSettings:
    """The branch's settings row, locked: receipt numbers are taken one at a time."""
    row, _ = DuesSettings.objects.get_or_create(branch=branch)
    return DuesSettings.objects.select_for_update().get(pk=row.pk)


def _next_receipt(branch: Organization, year: int) -> str:
    prefix = f"{year}-"
    n = DuesPayment.objects.filter(branch=branch, receipt_no__startswith=prefix).count() + 1
    return f"{prefix}{n:04d}"


def _months(member: Member, through: dt.date) -> list[rules.MonthDue]:
    return queries.member_dues(member, through).months


def _payment_values(p: DuesPayment, allocations: Sequence[DuesAllocation]) -> dict[str, Any]:
    return {
        "receipt_no": p.receipt_no,
        "paid_on": p.paid_on,
        "amount": p.amount,
        "method": p.get_method_display(),
        "proxy_name": p.proxy_name,
        "months": [f"{a.month:%Y-%m} {a.amount}" for a in allocations],
        "note": p.note,
    }


@transaction.atomic
def payment_record(
    *,
    actor: User | None,
    member: Member,
    paid_on: dt.date,
    amount: Decimal,
    method: str,
    proxy_name: str = "",
    note: str = "",
    through: dt.date | None = None,
) -> DuesPayment:
    """Money the member handed in, with a receipt number (``2026-0001``, per branch and year),
    allocated to the oldest unpaid months within the back-pay limit up to ``through``'s month
    (the month of payment by default; later for a quarter or a year paid ahead). What is left is
    the member's credit, kept for the months to come (``credit_apply``)."""
    member = Member.objects.select_related("branch").get(pk=member.pk)
    _party_member(member)
    today = timezone.localdate()
    if not isinstance(paid_on, dt.date):
        raise ValidationError({"paid_on": "请填写交纳日期"})
    if paid_on > today:
        raise ValidationError({"paid_on": "交纳日期不能晚于今天"})
    amount = _money(amount, "amount", "交纳金额")
    if amount <= 0:
        raise ValidationError({"amount": "交纳金额应大于 0"})
    if method not in PaymentMethod.values:
        raise ValidationError({"method": "请选择交纳方式"})
    proxy_name = (proxy_name or "").strip()
    if method == PaymentMethod.PROXY and not proxy_name:
        raise ValidationError({"proxy_name": "委托代交的，请填写代交人姓名"})
    if method != PaymentMethod.PROXY:
        proxy_name = ""
    last = rules.month_of(through or paid_on)
    if last < rules.month_of(paid_on):
        raise ValidationError({"through": "交至月份不能早于交纳当月"})
    if last > add_months(rules.month_of(paid_on), MAX_AHEAD_MONTHS - 1):
        raise ValidationError({"through": f"最多预交 {MAX_AHEAD_MONTHS} 个月"})
    _lock_branch(member.branch)
    try:
        allocations, _credit = rules.allocate(_months(member, last), amount, paid_on=paid_on)
    except rules.DuesError as exc:
        raise _dues_error(exc, "amount") from None
    payment = DuesPayment.objects.create(
        branch=member.branch, member=member, paid_on=paid_on, amount=amount, method=method,
        proxy_name=proxy_name, receipt_no=_next_receipt(member.branch, paid_on.year),
        note=(note or "").strip()[:300], recorded_by=actor,
    )  # fmt: skip
    rows = DuesAllocation.objects.bulk_create(
        [DuesAllocation(payment=payment, member=member, month=a.month, amount=a.amount)
         for a in allocations]
    )  # fmt: skip
    changes = audit.created(_payment_values(payment, rows))
    if rules.handed_to_centre(amount):
        changes["over_norm"] = [None, "一次交纳1000元以上，按规定全部上缴中央"]
    audit.record(actor, "dues.payment_record", payment, organization=member.branch,
                 label=f"{member.label} {payment.receipt_no}", changes=changes)  # fmt: skip
    return payment


def _leftovers(member: Member) -> list[tuple[DuesPayment, Decimal]]:
    """The member's payments with money not yet allocated to a month, oldest first (reversed
    payments and reversals have none)."""
    payments = list(
        DuesPayment.objects.filter(member=member, reverses__isnull=True, reversed_by__isnull=True)
        .annotate(used=Sum("allocations__amount"))
        .order_by("paid_on", "pk")
    )
    left = [(p, p.amount - (getattr(p, "used", None) or rules.ZERO)) for p in payments]
    return [(p, amount) for p, amount in left if amount > 0]


@transaction.atomic
def credit_apply(
    *, actor: User | None, member: Member, until: dt.date | None = None
) -> list[DuesAllocation]:
    """Settle the months now due (up to ``until``'s month, this month by default) from the
    member's credit, oldest month first, from the oldest payment with money left."""
    member = Member.objects.select_related("branch").get(pk=member.pk)
    until = rules.month_of(until or timezone.localdate())
    _lock_branch(member.branch)
    left = _leftovers(member)
    credit = sum((amount for _, amount in left), rules.ZERO)
    if credit <= 0:
        return []
    allocations, _ = rules.allocate(_months(member, until), credit, paid_on=until)
    rows: list[DuesAllocation] = []
    sources = iter(left)
    payment, available = next(sources)
    for a in allocations:
        need = a.amount
        while need > 0:
            while available <= 0:
                payment, available = next(sources)
            part = min(need, available)
            rows.append(DuesAllocation(payment=payment, member=member, month=a.month, amount=part))
            need -= part
            available -= part
    if not rows:
        return []
    DuesAllocation.objects.bulk_create(rows)
    audit.record(
        actor, "dues.credit_apply", member, organization=member.branch,
        label=f"{member.label} 预交余额抵交",
        changes={"months": [None, [f"{r.month:%Y-%m} {r.amount}" for r in rows]],
                 "amount": [None, sum((r.amount for r in rows), rules.ZERO)]},
    )  # fmt: skip
    return rows


@transaction.atomic
def payment_reverse(
    *, actor: User | None, payment: DuesPayment, reason: str, on: dt.date | None = None
) -> DuesPayment:
    """Correct a wrong payment: a reversal with the negative amount and negative allocations,
    its own receipt number, pointing at the payment. Nothing is deleted."""
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写冲正原因"})
    _lock_branch(payment.branch)
    payment = DuesPayment.objects.select_related("member", "branch").get(pk=payment.pk)
    if payment.reverses_id is not None:
        raise ValidationError({"reason": "这是一条冲正记录，不能再冲正"})
    if DuesPayment.objects.filter(reverses=payment).exists():
        raise ValidationError({"reason": f"收据 {payment.receipt_no} 已冲正"})
    reversal = DuesPayment.objects.create(
        branch=payment.branch, member=payment.member, paid_on=on, amount=-payment.amount,
        method=payment.method, proxy_name=payment.proxy_name,
        receipt_no=_next_receipt(payment.branch, on.year),
        note=f"冲正 {payment.receipt_no}：{reason}"[:300], reverses=payment, recorded_by=actor,
    )  # fmt: skip
    sums = payment.allocations.values_list("month").annotate(total=Sum("amount")).order_by("month")
    DuesAllocation.objects.bulk_create(
        [DuesAllocation(payment=reversal, member=payment.member, month=month, amount=-total)
         for month, total in sums if total]
    )  # fmt: skip
    audit.record(
        actor, "dues.payment_reverse", payment, organization=payment.branch,
        label=f"{payment.member.label} {payment.receipt_no}",
        changes={"reason": [None, reason], "receipt_no": [None, reversal.receipt_no],
                 "amount": [None, reversal.amount]},
    )  # fmt: skip
    return reversal


# --- the collection-day reminder (zhibu remind) ---------------------------------------------------


def dues_reminders_send(*, today: dt.date | None = None) -> int:
    """On each branch's collection day, a notice to each of its members who still owe dues for
    this month or earlier (once per member per month). Branches that keep dues in zhibu (those
    with an assessment) and whose collection day is today. Also the 党费公示 that start today."""
    from zhibu.notices.services import notify

    today = today or timezone.localdate()
    month = rules.month_of(today)
    days = dict(DuesSettings.objects.values_list("branch_id", "collection_day"))
    branch_ids = set(DuesAssessment.objects.values_list("branch_id", flat=True).distinct())
    due_today = [b for b in branch_ids if days.get(b, DuesSettings().collection_day) == today.day]
    count = 0
    for branch in Organization.objects.filter(pk__in=due_today, closed_on__isnull=True):
        late = rules.overdue_until(today, days.get(branch.pk, DuesSettings().collection_day))
        rows = [r for r in queries.sheet(branch, month, streak_until=late) if r.owes]
        for row in rows:
            outstanding = row.due - row.paid if row.status in ("unpaid", "partial") else rules.ZERO
            if outstanding <= 0 and row.streak == 0:
                continue
            if row.credit >= outstanding and row.streak <= 1:
                continue  # the credit covers it: applied when the secretary next records
            body = f"本月应交 ¥{row.due}，请于本月交纳。"
            if row.streak >= rules.ARREARS_WARNING:
                body = (f"您已连续{row.streak}个月未交纳党费，请尽快交纳（补交不超过6个月）。"
                        "有困难的，可向党支部说明，按规定申请减交或免交。")  # fmt: skip
            count += notify(
                users=User.objects.filter(member=row.member, is_active=True),
                key=f"dues:{row.member.pk}:{month:%Y-%m}",
                title=f"党费交纳提醒：{month:%Y年%m月}",
                body=body,
                url=reverse("dues:mine"),
            )
    # A 党费公示 published to start later is announced on its first day (once: the notice key).
    from zhibu.dues.ledger import announce

    for report in DuesReport.objects.showing(today).filter(starts_on=today):
        count += announce(report)
    return count
