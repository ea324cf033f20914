"""Input validation for the 民主评议党员 pages: forms bind and clean; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from zhibu.core.forms import DateInput
from zhibu.evaluations import rules
from zhibu.evaluations.models import Evaluation, EvaluationEntry, Grade
from zhibu.evaluations.services import MAX_SUMMARY
from zhibu.lifemeetings.models import LifeMeeting
from zhibu.meetings.models import Meeting, MeetingKind, MeetingStatus
from zhibu.orgs.models import Organization
from zhibu.rectification.models import ProblemCategory

SUMMARY_HELP = (
    "对照党员标准，从理想信念、政治理论学习、遵守纪律、廉洁自律、联系服务群众、发挥先锋模范作用"
    "等方面，写本年度的主要表现、存在的不足和今后努力的方向。"
)


class StartForm(forms.Form):
    year = forms.IntegerField(label="评议年度", min_value=1921, max_value=2200)
    life_meeting = forms.ModelChoiceField(
        label="在哪次组织生活会上开展（可不选）",
        queryset=LifeMeeting.objects.none(),
        required=False,
        empty_label="不关联",
    )

    def __init__(self, *args: Any, branch: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        field = self.fields["life_meeting"]
        field.queryset = LifeMeeting.objects.filter(branch=branch).order_by("-year", "-pk")  # type: ignore[attr-defined]
        field.label_from_instance = lambda lm: f"{lm.year}年 · {lm.theme}"  # type: ignore[attr-defined]


class SelfAssessmentForm(forms.Form):
    summary = forms.CharField(
        label="个人小结",
        max_length=MAX_SUMMARY,
        required=False,
        help_text=SUMMARY_HELP,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"max_length": f"个人小结不能超过{MAX_SUMMARY}个字"},
    )


class VotingForm(forms.Form):
    closes_at = forms.DateTimeField(
        label="截止时间（可不填，由支部书记结束）",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    min_responses_to_show = forms.IntegerField(
        label="至少几人投票才显示结果",
        min_value=1,
        max_value=1000,
        initial=3,
        help_text="人数太少时，结果可能让人猜出谁投了什么：低于这个人数不显示任何结果。",
    )


class ProposeForm(forms.Form):
    """One grade per 正式党员; 预备党员 get no field."""

    def __init__(self, *args: Any, entries: list[EvaluationEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = [e for e in entries if e.is_full]
        for e in self.entries:
            self.fields[f"g{e.member_id}"] = forms.ChoiceField(
                label=e.member.name,
                choices=[("", "请选择"), *Grade.choices],
                required=False,
                initial=e.proposed_grade,
            )

    def rows(self) -> list[tuple[EvaluationEntry, forms.BoundField]]:
        return [(e, self[f"g{e.member_id}"]) for e in self.entries]

    def grades(self) -> dict[int, str]:
        return {e.member_id: self.cleaned_data.get(f"g{e.member_id}") or "" for e in self.entries}


class ConfirmForm(forms.Form):
    assembly = forms.ModelChoiceField(
        label="支部党员大会", queryset=Meeting.objects.none(), empty_label="请选择"
    )
    confirmed_on = forms.DateField(label="确定日期", widget=DateInput())

    def __init__(
        self, *args: Any, evaluation: Evaluation, unqualified: list[EvaluationEntry], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assembly"]
        field.queryset = Meeting.objects.filter(  # type: ignore[attr-defined]
            branch_id=evaluation.branch_id,
            kind=MeetingKind.BRANCH_ASSEMBLY,
            status=MeetingStatus.HELD,
        ).order_by("-starts_at")
        field.label_from_instance = lambda m: f"{m.date:%Y-%m-%d} {m.title}"  # type: ignore[attr-defined]
        self.fields["confirmed_on"].initial = timezone.localdate()
        self.unqualified = unqualified
        categories = ProblemCategory.objects.filter(active=True).order_by("position", "pk")
        other = categories.filter(name="其他").first()
        for e in unqualified:
            p = f"u{e.member_id}"
            self.fields[f"{p}_description"] = forms.CharField(
                label=f"{e.member.name}：存在的问题", max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "请写明存在的问题"},
            )  # fmt: skip
            self.fields[f"{p}_measure"] = forms.CharField(
                label=f"{e.member.name}：改正措施", max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": "请写明改正措施"},
            )  # fmt: skip
            self.fields[f"{p}_months"] = forms.TypedChoiceField(
                label=f"{e.member.name}：限期改正",
                coerce=int,
                choices=[(m, f"{m}个月") for m in range(1, rules.CORRECTION_MONTHS_MAX + 1)],
                initial=rules.CORRECTION_MONTHS_DEFAULT,
                help_text="一般6个月，最长不超过1年。",
            )
            self.fields[f"{p}_category"] = forms.ModelChoiceField(
                label=f"{e.member.name}：问题类别", queryset=categories, initial=other,
                empty_label="请选择", error_messages={"required": "请选择问题类别"},
            )  # fmt: skip

    def correction_fields(self) -> list[tuple[EvaluationEntry, list[forms.BoundField]]]:
        out = []
        for e in self.unqualified:
            p = f"u{e.member_id}"
            out.append((e, [self[f"{p}_{n}"] for n in ("description", "measure", "months",
                                                       "category")]))  # fmt: skip
        return out


class PublishForm(forms.Form):
    starts_on = forms.DateField(label="公示开始", widget=DateInput())
    ends_on = forms.DateField(label="公示结束", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + dt.timedelta(days=6)


class YearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=1921, max_value=2200, required=False)
