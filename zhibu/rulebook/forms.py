"""Input validation for the rulebook pages; the rules live in rulebook/rules.py and services.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms

from zhibu.core.forms import DateInput
from zhibu.rulebook.compliance import MAX_RANGE_DAYS
from zhibu.rulebook.models import PeriodUnit

SORTS = [("", "按编码"), ("name", "按名称"), ("missing", "缺失最多在前")]


@dataclass(frozen=True)
class Range:
    date_from: dt.date
    date_to: dt.date
    sort: str
    behind: bool


class RangeForm(forms.Form):
    """The board's date range (``?from=…&to=…``), sort order and the "behind only" filter."""

    sort = forms.ChoiceField(label="排序", choices=SORTS, required=False)
    behind = forms.BooleanField(label="只看落后", required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        # "from" is a Python keyword, so these two are added here rather than declared.
        self.fields["from"] = forms.DateField(
            label="从", required=False, widget=DateInput(), initial=dt.date(today.year, 1, 1)
        )
        self.fields["to"] = forms.DateField(
            label="到", required=False, widget=DateInput(), initial=today
        )
        self.order_fields(["from", "to", "sort", "behind"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("from") or dt.date(self.today.year, 1, 1)
        end = data.get("to") or max(self.today, start)
        if start > end:
            self.add_error("to", "结束日期不能早于开始日期")
        elif (end - start).days > MAX_RANGE_DAYS:
            self.add_error("to", "时间范围最长3年")
        data["from"], data["to"] = start, end
        return data

    def range(self) -> Range:
        """The chosen range, or this year to date when nothing (or nothing valid) was chosen."""
        default = Range(dt.date(self.today.year, 1, 1), self.today, "", False)
        if not self.is_bound or not self.is_valid():
            return default
        d = self.cleaned_data
        return Range(d["from"], d["to"], d.get("sort") or "", bool(d.get("behind")))


class RevisionForm(forms.Form):
    min_count = forms.IntegerField(label="每周期至少（次）", min_value=1, max_value=31)
    period = forms.ChoiceField(label="周期", choices=PeriodUnit.choices)
    effective_from = forms.DateField(
        label="施行日期",
        widget=DateInput(),
        help_text="新版本从这一天起施行，原版本到前一天为止；以前的考核仍按原版本计算",
    )
    source = forms.CharField(
        label="依据",
        max_length=300,
        help_text="文件名称和条款，如《中国共产党支部工作条例（试行）》第十五条",
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 4}))
