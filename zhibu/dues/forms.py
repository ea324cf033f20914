"""Input validation for the dues pages: forms bind and clean; the services decide."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from zhibu.core.forms import DateInput
from zhibu.dues import rules
from zhibu.dues.models import DuesCategory, PaymentMethod, Reduction, Rounding

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str | None) -> dt.date | None:
    """``2026-03`` → 1 March 2026; anything else → None."""
    m = MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 < int(m.group(1)) < 2200:
        return None
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.Field):
    widget = MonthInput

    def prepare_value(self, value: Any) -> Any:
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1)
        month = parse_month(str(value))
        if month is None:
            raise forms.ValidationError("请按 2026-03 的格式填写月份")
        return month


class MoneyField(forms.CharField):
    """A money amount as typed (4500, 4,500.50, ４５００元) → Decimal, in Chinese errors."""

    def __init__(self, *args: Any, what: str = "金额", **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return rules.parse_money(text, self.what)
        except rules.DuesError as exc:
            raise forms.ValidationError(exc.message) from None


class SettingsForm(forms.Form):
    collection_day = forms.IntegerField(
        label="每月收缴日", min_value=1, max_value=28, help_text="每月这一天提醒党员交纳（1～28日）"
    )
    rounding = forms.ChoiceField(
        label="取整方式", choices=Rounding.choices,
        help_text="按比例计算的党费如何取整；按省里的规定选择，默认到分（四舍五入）",
    )  # fmt: skip
    farmer_amount = MoneyField(
        label="农民党员每月交纳（元）", what="金额", help_text="0.20～1.00 元，由党支部确定"
    )


class AssessmentForm(forms.Form):
    valid_from = MonthField(label="起始月份", help_text="从这个月起按本次核定交纳；以前的月份不变")
    category = forms.ChoiceField(label="党费类别", choices=DuesCategory.choices)
    base = MoneyField(
        label="月交纳基数（元）", required=False, what="基数",
        help_text="在职：每月税后工资性收入；离退休：每月离退休费。固定金额的类别不填",
    )  # fmt: skip
    amount = MoneyField(
        label="每月固定金额（元）", required=False,
        help_text="只用于农民党员（0.20～1.00 元，不填按本支部设置）；学生等固定 0.20 元，不填",
    )  # fmt: skip
    reduction = forms.ChoiceField(
        label="减免", choices=Reduction.choices, required=False,
        help_text="生活困难的，经支部研究、上级党组织批准，可以减交或免交",
    )  # fmt: skip
    reduced_amount = MoneyField(label="减交后每月应交（元）", required=False)
    reduction_reason = forms.CharField(label="减免理由", max_length=300, required=False)
    reduction_approved_by = forms.CharField(label="批准组织", max_length=200, required=False)
    reduction_approved_on = forms.DateField(label="批准日期", required=False, widget=DateInput())
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].initial = timezone.localdate().replace(day=1)


class BasesForm(forms.Form):
    valid_from = MonthField(label="起始月份", help_text="通常为每年1月：全年按此基数交纳")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["valid_from"].initial = timezone.localdate().replace(month=1, day=1)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label="交纳日期", widget=DateInput())
    amount = MoneyField(label="金额（元）", what="交纳金额")
    method = forms.ChoiceField(label="交纳方式", choices=PaymentMethod.choices)
    proxy_name = forms.CharField(
        label="代交人", max_length=50, required=False, help_text="委托他人代交的，填写代交人姓名"
    )
    through = MonthField(
        label="交至月份", required=False,
        help_text="按季度或预交几个月的，选最后一个月；不选则交到本月，多出的金额记为预交余额",
    )  # fmt: skip
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label="冲正原因", max_length=200, help_text="例如：金额登记错误、登记到了别的党员"
    )
