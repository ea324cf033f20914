"""党费 (RULES.md §6, GLOSSARY.md): what each member owes per month (``DuesAssessment``), what
they paid (``DuesPayment``, allocated to months by ``DuesAllocation``), and the branch's dues
ledger beyond collection — handed up, returned, spent (``DuesExpense``).

Money is ``Decimal`` everywhere, two places. History is never edited: a pay change is a new
assessment from its month; a wrong payment is reversed by a correcting entry, not rewritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhibu.dues import rules

if TYPE_CHECKING:
    import datetime as dt

    from zhibu.accounts.models import User

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class DuesCategory(models.TextChoices):
    EMPLOYED = rules.EMPLOYED, "在职"
    RETIRED = rules.RETIRED, "离退休"
    FARMER = rules.FARMER, "农民"
    STUDENT = rules.STUDENT, "学生"
    UNEMPLOYED = rules.UNEMPLOYED, "下岗失业"
    LOW_INCOME = rules.LOW_INCOME, "低保等生活困难"
    OTHER_FIXED = rules.OTHER_FIXED, "其他（按固定金额）"


class Rounding(models.TextChoices):
    FEN = rules.FEN, "到分（四舍五入）"
    JIAO = rules.JIAO, "到角（向上取整）"
    YUAN = rules.YUAN, "到元（向上取整）"


class Reduction(models.TextChoices):
    NONE = "", "—"
    REDUCED = "reduced", "减交"
    WAIVED = "waived", "免交"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "现金"
    TRANSFER = "transfer", "转账"
    ONLINE = "online", "线上交纳"
    PROXY = "proxy", "委托代交"


class ExpenseKind(models.TextChoices):
    HANDED_UP = "handed_up", "上缴上级党委"
    RETURNED = "returned", "上级返还"
    SPENT = "spent", "支出"


class ExpenseUse(models.TextChoices):
    """党费使用范围 (RULES.md §6)."""

    NONE = "", "—"
    TRAINING = "training", "教育培训"
    MATERIALS = "materials", "报刊学习资料"
    AWARDS = "awards", "表彰"
    HARDSHIP_AID = "hardship_aid", "补助生活困难党员"
    DISASTER_RELIEF = "disaster_relief", "救灾"


class DuesSettings(models.Model):
    """A branch's own choices: the day dues are collected each month, the rounding its province
    requires, and what its 农民 members pay (0.20–1.00 元, decided by the branch)."""

    branch = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, related_name="dues_settings"
    )
    collection_day = models.PositiveSmallIntegerField("每月收缴日", default=10)
    rounding = models.CharField(
        "取整方式", max_length=10, choices=Rounding.choices, default=Rounding.FEN
    )
    farmer_amount = models.DecimalField("农民党员每月交纳", default="0.20", **MONEY)

    class Meta:
        verbose_name = "党费设置"
        verbose_name_plural = "党费设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(collection_day__gte=1, collection_day__lte=28),
                name="dues_collection_day_1_28",
            ),
            models.CheckConstraint(
                condition=Q(farmer_amount__gte="0.20", farmer_amount__lte="1.00"),
                name="dues_farmer_amount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} 党费设置"


class DuesAssessment(models.Model):
    """What a member owes each month from ``valid_from`` (the first of a month) until the next
    assessment: the category, the monthly base (在职, 离退休) or the fixed amount, any approved
    reduction or waiver, and the resulting ``monthly`` amount. Never edited: a pay change, a new
    year's base or a reduction is a new row from its month."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        "orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField("起始月份")
    category = models.CharField("人员类别", max_length=20, choices=DuesCategory.choices)
    base = models.DecimalField("交纳基数（月）", null=True, blank=True, **MONEY)
    rate = models.DecimalField("比例", max_digits=6, decimal_places=4, null=True, blank=True)
    standard = models.DecimalField("按规定月应交", **MONEY)
    reduction = models.CharField(
        "减免", max_length=10, choices=Reduction.choices, blank=True, default=""
    )
    monthly = models.DecimalField("月应交", **MONEY)
    reduction_reason = models.CharField("减免理由", max_length=300, blank=True)
    reduction_approved_by = models.CharField("批准组织", max_length=200, blank=True)
    reduction_approved_on = models.DateField("批准日期", null=True, blank=True)
    over_norm = models.BooleanField("超过1000元", default=False)
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "党费核定"
        verbose_name_plural = "党费核定"
        ordering = ["member", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["member", "valid_from"], name="dues_one_per_month"),
            models.CheckConstraint(condition=Q(valid_from__day=1), name="dues_valid_from_month"),
            models.CheckConstraint(condition=Q(monthly__gte=0), name="dues_monthly_not_negative"),
        ]
        indexes = [models.Index(fields=["branch", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.member} {self.valid_from:%Y-%m}起 {self.monthly}元/月"

    @property
    def rate_percent(self) -> str:
        return rules.rate_percent(self.rate) if self.rate is not None else ""


class DuesPaymentQuerySet(models.QuerySet["DuesPayment"]):
    def visible_to(self, user: User) -> DuesPaymentQuerySet:
        """Payments of the branches the user manages, and the user's own."""
        from zhibu.accounts.access import scope_for

        scope = scope_for(user)
        if scope.is_superuser:
            return self
        q = scope.managed_org_q("branch__") if scope.managed else Q(pk__in=[])
        if scope.member is not None:
            q |= Q(member_id=scope.member.pk)
        return self.filter(q)


class DuesPayment(models.Model):
    """Money a member handed in (never the branch paying for them): when, how much, how, and the
    receipt number. Allocated to the oldest unpaid months; what is left is the member's credit.
    A reversal (``reverses`` set) is the correcting record of a wrong payment: negative amount."""

    branch = models.ForeignKey(
        "orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField("交纳日期")
    amount = models.DecimalField("金额", **MONEY)
    method = models.CharField("方式", max_length=20, choices=PaymentMethod.choices)
    proxy_name = models.CharField("代交人", max_length=50, blank=True)
    receipt_no = models.CharField("收据编号", max_length=30)
    note = models.CharField("备注", max_length=300, blank=True)
    # A wrong payment is never deleted: a correcting record with the negative amount (and
    # negative allocations) points at it, so every sum of amounts nets it out.
    reverses = models.OneToOneField(
        "self",
        verbose_name="冲正的交纳",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DuesPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = "党费交纳"
        verbose_name_plural = "党费交纳"
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "receipt_no"], name="dues_receipt_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0, reverses__isnull=True)
                | Q(amount__lt=0, reverses__isnull=False),
                name="dues_payment_sign",
            ),
            models.CheckConstraint(
                condition=~Q(method="proxy") | ~Q(proxy_name=""), name="dues_proxy_named"
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "paid_on"]),
            models.Index(fields=["member", "paid_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.member} {self.amount}元"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class DuesAllocation(models.Model):
    """The part of a payment that settles one month's dues."""

    payment = models.ForeignKey(
        DuesPayment, verbose_name="交纳", on_delete=models.PROTECT, related_name="allocations"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField("月份")
    amount = models.DecimalField("金额", **MONEY)

    class Meta:
        verbose_name = "党费分月"
        verbose_name_plural = "党费分月"
        ordering = ["member", "month", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="dues_allocation_month"),
            # Negative only in a reversal's allocations.
            models.CheckConstraint(condition=~Q(amount=0), name="dues_allocation_nonzero"),
        ]
        indexes = [models.Index(fields=["member", "month"])]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m} {self.amount}元"


class DuesExpense(models.Model):
    """The branch's dues ledger beyond collection: handed up to the committee (上缴), returned to
    the branch (返还), or spent on one of the permitted uses with the collective decision that
    approved it and its vouchers. Collection itself is the payments."""

    branch = models.ForeignKey(
        "orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=20, choices=ExpenseKind.choices)
    on = models.DateField("日期")
    amount = models.DecimalField("金额", **MONEY)
    use = models.CharField(
        "用途", max_length=20, choices=ExpenseUse.choices, blank=True, default=""
    )
    decision = models.CharField("集体研究决定", max_length=300, blank=True)
    voucher = models.CharField("凭证号", max_length=100, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "党费收支"
        verbose_name_plural = "党费收支"
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="dues_expense_positive"),
            models.CheckConstraint(
                condition=Q(kind="spent", use__in=[u for u, _ in ExpenseUse.choices if u])
                | (~Q(kind="spent") & Q(use="")),
                name="dues_spent_has_use",
            ),
        ]
        indexes = [models.Index(fields=["branch", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()} {self.amount}元"


# --- 党费收缴使用情况公示 and corrections of the ledger (zhibu/dues/ledger.py) ----------------


class DuesExpenseReversal(models.Model):
    """A correcting entry for a wrong line of the ledger (上缴, 返还 or 支出): the line stays as
    it was recorded, and from ``on`` the ledger counts it back out. Never deleted, never edited;
    a line is reversed at most once (record it again correctly after)."""

    expense = models.OneToOneField(
        DuesExpense, verbose_name="冲销的账目", on_delete=models.PROTECT, related_name="reversal"
    )
    on = models.DateField("冲销日期")
    reason = models.CharField("冲销原因", max_length=300)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "党费账目冲销"
        verbose_name_plural = "党费账目冲销"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} 冲销：{self.expense}"


class DuesReportQuerySet(models.QuerySet["DuesReport"]):
    def showing(self, on: dt.date) -> DuesReportQuerySet:
        return self.filter(withdrawn_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


class DuesReport(models.Model):
    """党费收缴使用情况公示 (RULES.md §6: reported to members once a year): which year's
    figures the branch's members may see, from when to when, and whom to ask. The figures are
    read from the ledger whenever the page is opened, never copied here."""

    branch = models.ForeignKey(
        "orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    contact = models.CharField("联系人及电话", max_length=100)
    note = models.TextField("公示说明", blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    objects = DuesReportQuerySet.as_manager()

    class Meta:
        verbose_name = "党费收缴使用情况公示"
        verbose_name_plural = "党费收缴使用情况公示"
        ordering = ["-year", "-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="dues_report_dates_order"
            ),
        ]
        indexes = [models.Index(fields=["branch", "year"])]

    def __str__(self) -> str:
        return f"{self.year}年度党费收缴使用情况公示"

    def is_showing(self, on: dt.date) -> bool:
        return self.withdrawn_at is None and self.starts_on <= on <= self.ends_on
