"""Input validation for the problem list: forms bind and clean; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from zhibu.core.forms import DateInput
from zhibu.meetings.models import Meeting, MeetingStatus
from zhibu.members.models import Member
from zhibu.orgs.models import Organization
from zhibu.rectification.models import (
    OwnerKind,
    Problem,
    ProblemCategory,
    RecheckResult,
    Source,
)
from zhibu.rectification.services import MAX_MEASURES, MeasureInput


def member_choices(org: Organization) -> Any:
    return Member.objects.current().party_members().filter(branch=org).order_by("name", "pk")


def _responsible_queryset(org: Organization) -> Any:
    from zhibu.orgs import rules as org_rules

    lo, hi = org_rules.subtree_bounds(org.path)
    return (
        Member.objects.current()
        .party_members()
        .filter(branch__path__gte=lo, branch__path__lt=hi)
        .order_by("name", "pk")
    )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d} {obj.get_kind_display()}：{obj.title}"


def _earlier_of(problem: Problem) -> Any:
    """The same owner's problems of earlier years: what this one may repeat."""
    qs = Problem.objects.filter(year__lt=problem.year)
    if problem.owner_member_id is not None:
        qs = qs.filter(owner_member_id=problem.owner_member_id)
    else:
        qs = qs.filter(organization_id=problem.organization_id, owner_kind=problem.owner_kind)
    return qs.order_by("-year", "pk")


def _recurs_label(p: Problem) -> str:
    return f"{p.year}年：{p.description[:40]}"


class ProblemForm(forms.ModelForm):
    owner_member = MemberChoiceField(
        label="党员", queryset=Member.objects.none(), required=False, empty_label="请选择党员"
    )
    source_meeting = MeetingChoiceField(
        label="查摆问题的会议（可选）",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="不关联会议",
        help_text="问题在组织生活会等会议上查摆出来的，选上这次会议，问题页面会链接到会议记录",
    )

    class Meta:
        model = Problem
        fields = [
            "owner_kind", "owner_member", "source", "source_note", "category", "year",
            "description", "target", "cause_thinking", "cause_ability", "cause_family",
            "cause_other", "remark", "recurs",
        ]  # fmt: skip
        widgets = {
            "owner_kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "cause_thinking": forms.Textarea(attrs={"rows": 2}),
            "cause_ability": forms.Textarea(attrs={"rows": 2}),
            "cause_family": forms.Textarea(attrs={"rows": 2}),
            "cause_other": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "recurs": "系统按文字相似自动判断；判断错了可以在这里改正",
            "description": "写具体事实：什么时间、什么事、什么表现（例如：2026年上半年5次支部学习缺席2次）",
            "target": "整改后要达到的样子，可量化的写出数字",
            "source_note": "例如：2026年度组织生活会、第二轮巡察反馈意见第3条",
        }

    def __init__(self, *args: Any, org: Organization, edit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["owner_member"].queryset = member_choices(org)  # type: ignore[attr-defined]
        since = timezone.now() - dt.timedelta(days=2 * 366)
        self.fields["source_meeting"].queryset = (  # type: ignore[attr-defined]
            Meeting.objects.filter(
                branch=org, status=MeetingStatus.HELD, starts_at__gte=since
            ).order_by("-starts_at")
        )
        self.fields["category"].queryset = ProblemCategory.objects.filter(active=True) | (  # type: ignore[attr-defined]
            ProblemCategory.objects.filter(pk=self.instance.category_id)
            if self.instance.pk
            else ProblemCategory.objects.none()
        )
        self.fields["category"].empty_label = "请选择类别"  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year
        if edit and self.instance.pk:
            self.fields["recurs"].queryset = _earlier_of(self.instance)  # type: ignore[attr-defined]
            self.fields["recurs"].empty_label = "不是往年的老问题"  # type: ignore[attr-defined]
            self.fields["recurs"].label_from_instance = _recurs_label  # type: ignore[attr-defined]
        else:
            del self.fields["recurs"]
        self.fields["source"].initial = Source.LIFE_MEETING
        self.fields["owner_kind"].initial = OwnerKind.MEMBER
        self.fields["owner_kind"].choices = OwnerKind.choices  # type: ignore[attr-defined]
        if edit:
            for name in ("owner_kind", "owner_member", "year", "source_meeting"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("owner_kind") == OwnerKind.MEMBER and not data.get("owner_member"):
            self.add_error("owner_member", "问题主体是党员个人时，请选择党员")
        return data

    def _post_clean(self) -> None:
        # The service validates and saves; the model's own checks would run on a half-built row.
        pass


class MeasureForm(forms.Form):
    text = forms.CharField(
        label="整改措施", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="写清做什么、做到什么程度；用“确保”“完成”，不用“尽量”“争取”",
    )  # fmt: skip
    responsible = MemberChoiceField(
        label="责任人", queryset=Member.objects.none(), empty_label="请选择责任人"
    )
    deadline = forms.DateField(label="整改时限", widget=DateInput())

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _responsible_queryset(org)  # type: ignore[attr-defined]

    def clean_deadline(self) -> dt.date:
        value: dt.date = self.cleaned_data["deadline"]
        # A late measure keeps its date when only its wording or its 责任人 changes.
        if value < timezone.localdate() and "deadline" in self.changed_data:
            raise forms.ValidationError("整改时限不能早于今天")
        return value

    def as_input(self) -> MeasureInput:
        d = self.cleaned_data
        return MeasureInput(text=d["text"], responsible=d["responsible"], deadline=d["deadline"])


class BaseMeasureFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        self.org = org
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"org": self.org}

    def clean(self) -> None:
        super().clean()
        if not any(f.has_changed() for f in self.forms):
            raise forms.ValidationError("每个问题至少要有一项整改措施，请填写措施、责任人和时限")

    def inputs(self) -> list[MeasureInput]:
        return [f.as_input() for f in self.forms if f.has_changed() and f.cleaned_data]


MeasureFormSet = forms.formset_factory(
    MeasureForm,
    formset=BaseMeasureFormSet,
    extra=3,
    min_num=0,
    max_num=MAX_MEASURES,
    validate_max=True,
)


def measure_formset(data: Any, org: Organization, extra: int | None = None) -> BaseMeasureFormSet:
    """The measure rows; ``extra`` empty ones on a blank form (3 unless asked)."""
    cls = MeasureFormSet
    if data is None and extra is not None:
        cls = forms.formset_factory(
            MeasureForm, formset=BaseMeasureFormSet, extra=max(1, min(extra, MAX_MEASURES)),
            min_num=0, max_num=MAX_MEASURES, validate_max=True,
        )  # fmt: skip
    formset: BaseMeasureFormSet = cls(data, prefix="measures", org=org)  # type: ignore[call-arg,assignment]
    return formset


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class CompleteForm(forms.Form):
    evidence = forms.CharField(
        label="完成情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="做了什么、效果如何；有会议记录、照片、文件的，可在下面上传",
    )  # fmt: skip
    done_on = forms.DateField(label="完成日期", widget=DateInput())
    evidence_files = MultipleFileField(label="佐证材料（可选，可多选）", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label="核实意见（可选）", max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class ReopenForm(MeasureForm):
    reason = forms.CharField(
        label="重新整改的原因", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["reason", "text", "responsible", "deadline"]


class RecheckForm(forms.Form):
    result = forms.ChoiceField(
        label="检查结果", choices=RecheckResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="检查情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    text = forms.CharField(
        label="新的整改措施（问题反弹时填写）", max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    responsible = MemberChoiceField(
        label="责任人（问题反弹时填写）",
        queryset=Member.objects.none(),
        required=False,
        empty_label="请选择责任人",
    )
    deadline = forms.DateField(
        label="整改时限（问题反弹时填写）", required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _responsible_queryset(org)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("result") == RecheckResult.RECURRED:
            for name, label in (("text", "新的整改措施"), ("responsible", "责任人"),
                                ("deadline", "整改时限")):  # fmt: skip
                if not data.get(name):
                    self.add_error(name, f"问题反弹时，请填写{label}")
        deadline = data.get("deadline")
        if deadline and deadline < timezone.localdate():
            self.add_error("deadline", "整改时限不能早于今天")
        return data

    def measure(self) -> MeasureInput | None:
        d = self.cleaned_data
        if d.get("result") != RecheckResult.RECURRED:
            return None
        return MeasureInput(text=d["text"], responsible=d["responsible"], deadline=d["deadline"])


class InterviewForm(forms.Form):
    held_on = forms.DateField(label="约谈日期", widget=DateInput())
    interviewee = forms.CharField(label="约谈对象", max_length=100, help_text="例如：支部书记 张三")
    summary = forms.CharField(
        label="约谈情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


def _publication_label(p: Problem) -> str:
    return f"{p.owner_label} · {p.category.name}：{p.description[:40]}"


class PublicationForm(forms.Form):
    title = forms.CharField(label="公示标题", max_length=200)
    starts_on = forms.DateField(label="公示开始", widget=DateInput())
    ends_on = forms.DateField(label="公示结束", widget=DateInput())
    problems = forms.ModelMultipleChoiceField(
        label="公示的问题", queryset=Problem.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    show_measures = forms.BooleanField(label="公示整改措施", required=False, initial=True)
    show_progress = forms.BooleanField(label="公示整改进展", required=False, initial=True)
    note = forms.CharField(
        label="公示说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例如：如有意见，请在公示期内向支部书记反映",
    )  # fmt: skip
    contact = forms.CharField(label="联系人及电话", required=False, max_length=100)

    def __init__(self, *args: Any, org: Organization, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = (
            Problem.objects.filter(organization=org, year=year)
            .select_related("owner_member", "category")
            .order_by("owner_kind", "pk")
        )
        self.fields["problems"].queryset = qs  # type: ignore[attr-defined]
        self.fields["problems"].label_from_instance = _publication_label  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["title"].initial = f"{org.name}{year}年度问题清单及整改情况公示"
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + dt.timedelta(days=6)
        self.initial.setdefault("problems", [p.pk for p in qs])
