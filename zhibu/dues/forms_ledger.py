"""Forms of the 党费账 pages: input validation only; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone

from zhibu.core.forms import DateInput
from zhibu.dues import rules
from zhibu.dues.ledger import decision_meetings, decision_text
from zhibu.dues.models import ExpenseKind
from zhibu.meetings.models import Meeting
from zhibu.orgs.models import Organization

USE_CHOICES = [("", "—（支出时选择）"), *rules.USES.items()]


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{decision_text(obj)}：{obj.title}"


class ExpenseForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=ExpenseKind.choices, widget=forms.RadioSelect, initial="spent"
    )
    on = forms.DateField(label="日期", widget=DateInput())
    amount = forms.CharField(
        label="金额（元）",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    use = forms.ChoiceField(label="用途（支出）", choices=USE_CHOICES, required=False)
    meeting = MeetingChoice(
        label="集体研究决定的会议（支出）",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="—（没有在系统中记录的会议，在下面写明）",
    )
    decision = forms.CharField(
        label="或写明决定",
        max_length=300,
        required=False,
        help_text="如“支委会 2026-03-05 决定”；选了会议时不必填写",
    )
    voucher = forms.CharField(
        label="凭证号",
        max_length=100,
        required=False,
        help_text="收据、发票或转账凭证的编号，多张用顿号隔开；上缴和支出必填",
    )
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, branch: Organization, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        # The last two years' meetings: a decision is taken shortly before the spending.
        since = timezone.localdate() - dt.timedelta(days=730)
        field = cast(forms.ModelChoiceField, self.fields["meeting"])
        field.queryset = decision_meetings(branch).filter(starts_at__date__gte=since)

    def clean_amount(self) -> Decimal:
        try:
            return rules.parse_money(self.cleaned_data["amount"], "金额")
        except rules.DuesError as exc:
            raise forms.ValidationError(exc.message) from None


class ReverseForm(forms.Form):
    on = forms.DateField(label="冲销日期", widget=DateInput())
    reason = forms.CharField(
        label="冲销原因", max_length=300, help_text="如“金额登记错误，应为 120.00 元，已重新登记”"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)


class PublishForm(forms.Form):
    starts_on = forms.DateField(label="公示开始", widget=DateInput())
    ends_on = forms.DateField(label="公示结束", widget=DateInput())
    contact = forms.CharField(
        label="联系人及电话",
        max_length=100,
        help_text="党员对公示有疑问时找谁，如“石书记 13900000000”",
    )
    note = forms.CharField(
        label="公示说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, contact: str = "", **kwargs: Any) -> None:
        today = timezone.localdate()
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("starts_on", today)
        initial.setdefault("ends_on", today + dt.timedelta(days=9))
        initial.setdefault("contact", contact)
        super().__init__(*args, **kwargs)
