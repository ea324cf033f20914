"""Input validation for the 组织生活会 pages: forms bind and clean; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from zhibu.ballots.models import Poll, PollKind
from zhibu.core.forms import DateInput
from zhibu.lifemeetings.models import LifeMeetingKind
from zhibu.lifemeetings.services import MAX_ITEMS, ConfirmInput, CriticismInput, ItemInput
from zhibu.meetings.forms import TimeInput
from zhibu.meetings.models import Meeting, MeetingStatus
from zhibu.members.models import Member
from zhibu.orgs.models import Organization
from zhibu.rectification.forms import MemberChoiceField
from zhibu.rectification.models import ProblemCategory

DEFAULT_AGENDA = (
    "支部书记通报会前准备情况（学习研讨、征求意见、谈心谈话）",
    "通报上年度组织生活会整改落实情况",
    "支部委员会对照检查，书记代表班子作检视剖析",
    "党员逐一对照检查，开展批评和自我批评",
    "开展民主评议党员",
    "上级联系指导人点评讲话",
)


class PlanForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=LifeMeetingKind.choices, widget=forms.RadioSelect
    )
    year = forms.IntegerField(label="年度", min_value=1921, max_value=2200)
    topic = forms.CharField(
        label="专题（专题组织生活会填写上级确定的专题）", max_length=200, required=False
    )
    theme = forms.CharField(label="会议主题", max_length=200)
    planned_on = forms.DateField(label="计划召开日期", widget=DateInput())
    agenda = forms.CharField(
        label="会议议程（每行一项）", widget=forms.Textarea(attrs={"rows": 7}), required=False
    )

    def __init__(self, *args: Any, edit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["kind"].initial = LifeMeetingKind.ANNUAL
        self.fields["agenda"].initial = "\n".join(DEFAULT_AGENDA)
        if edit:
            del self.fields["kind"]
            del self.fields["year"]

    def agenda_items(self) -> list[str]:
        return [line for line in self.cleaned_data.get("agenda", "").splitlines() if line.strip()]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核意见",
        choices=[("approve", "同意召开"), ("return", "退回修改")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="意见（退回时必填）", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    contact_leader = MemberChoiceField(
        label="上级联系指导人（参加会议）",
        queryset=Member.objects.none(),
        required=False,
        empty_label="不指派",
    )

    def __init__(self, *args: Any, parent: Organization | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhibu.orgs.models import COMMITTEE_ROLES, Position

        if parent is not None:
            self.fields["contact_leader"].queryset = Member.objects.filter(  # type: ignore[attr-defined]
                pk__in=Position.objects.active()
                .filter(organization=parent, role__in=COMMITTEE_ROLES)
                .values("member_id")
            ).order_by("name")


class StudyForm(forms.Form):
    meetings = forms.ModelMultipleChoiceField(
        label="会前集中学习的会议",
        queryset=Meeting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="选择本支部为这次组织生活会开展集中学习的会议（已召开的）",
    )

    def __init__(self, *args: Any, branch: Organization, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meetings"]
        field.queryset = Meeting.objects.filter(  # type: ignore[attr-defined]
            branch=branch, status=MeetingStatus.HELD, starts_at__year__in=[year, year + 1]
        ).order_by("-starts_at")
        field.label_from_instance = lambda m: (  # type: ignore[attr-defined]
            f"{timezone.localtime(m.starts_at):%Y-%m-%d} {m.get_kind_display()}：{m.title}"
        )


class TalkForm(forms.Form):
    first = MemberChoiceField(label="谈话人", queryset=Member.objects.none(), empty_label="请选择")
    second = MemberChoiceField(
        label="谈话对象", queryset=Member.objects.none(), empty_label="请选择"
    )
    held_on = forms.DateField(label="谈话日期", widget=DateInput())
    place = forms.CharField(label="地点", max_length=100, required=False)
    topics = forms.CharField(
        label="谈什么", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="例如：对照党章党规查找的问题、工作中的意见建议、思想状况和困难",
    )  # fmt: skip
    summary = forms.CharField(
        label="谈话情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_up = forms.CharField(
        label="后续事项（可选）", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def __init__(self, *args: Any, branch: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Member.objects.current().party_members().filter(branch=branch).order_by("name")
        for name in ("first", "second"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        self.fields["held_on"].initial = timezone.localdate()


class SelfReviewForm(forms.Form):
    opening = forms.CharField(
        label="学习和准备情况", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="按照哪个通知，怎样开展学习、征求意见、谈心谈话",
    )  # fmt: skip
    last_year = forms.CharField(
        label="一、上年度整改落实情况", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    cause_thinking = forms.CharField(
        label="原因：思想意识", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    cause_ability = forms.CharField(
        label="原因：能力作风", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    cause_family = forms.CharField(
        label="原因：家风环境", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    free_text = forms.CharField(
        label="其他（可选）", required=False, max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ItemForm(forms.Form):
    category = forms.ModelChoiceField(
        label="问题类别", queryset=ProblemCategory.objects.filter(active=True), empty_label="请选择"
    )
    problem = forms.CharField(
        label="查摆的问题", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写具体事实：什么时间、什么事、什么表现",
    )  # fmt: skip
    measure = forms.CharField(
        label="整改措施", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="用“确保”“完成”，不用“尽量”“争取”",
    )  # fmt: skip
    deadline = forms.DateField(label="整改时限", widget=DateInput())

    def as_input(self) -> ItemInput:
        d = self.cleaned_data
        return ItemInput(d["category"], d["problem"], d["measure"], d["deadline"])


class BaseItemFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(f.has_changed() for f in self.forms):
            raise forms.ValidationError("请至少查摆一个问题")

    def inputs(self) -> list[ItemInput]:
        return [f.as_input() for f in self.forms if f.has_changed() and f.cleaned_data]


def item_formset(data: Any, initial: list[dict[str, Any]] | None = None, extra: int = 2) -> Any:
    cls = forms.formset_factory(
        ItemForm, formset=BaseItemFormSet, extra=extra, max_num=MAX_ITEMS, validate_max=True
    )
    return cls(data, prefix="items", initial=initial)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核", choices=[("accept", "审核通过"), ("return", "退回修改")],
        widget=forms.RadioSelect,
    )  # fmt: skip
    comment = forms.CharField(
        label="意见（退回时必填）", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class PollForm(forms.Form):
    poll = forms.ModelChoiceField(
        label="征求意见",
        queryset=Poll.objects.none(),
        required=False,
        empty_label="不关联",
        help_text="在“无记名投票”里新建征求意见（党员和群众匿名填写），再在这里选择",
    )

    def __init__(self, *args: Any, branch: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["poll"].queryset = Poll.objects.filter(  # type: ignore[attr-defined]
            organization=branch, kind=PollKind.OPINION
        ).order_by("-created_at")


# --- the meeting ---------------------------------------------------------------------------------


class ConveneForm(forms.Form):
    date = forms.DateField(label="召开日期", widget=DateInput())
    start_time = forms.TimeField(label="开始时间", widget=TimeInput(), initial=dt.time(14, 30))
    end_time = forms.TimeField(label="结束时间", widget=TimeInput(), initial=dt.time(17, 0))
    place = forms.CharField(label="地点", max_length=200, required=False)
    host = MemberChoiceField(
        label="主持人", queryset=Member.objects.none(), required=False, empty_label="请选择"
    )
    recorder = MemberChoiceField(
        label="记录人", queryset=Member.objects.none(), required=False, empty_label="请选择"
    )

    def __init__(self, *args: Any, branch: Organization, planned_on: dt.date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = Member.objects.current().party_members().filter(branch=branch).order_by("name")
        for name in ("host", "recorder"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        self.fields["date"].initial = planned_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", "结束时间应晚于开始时间")
            tz = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(day, start, tzinfo=tz)
            data["ends_at"] = dt.datetime.combine(day, end, tzinfo=tz)
        return data


class SpeechForm(forms.Form):
    spoke = forms.TypedChoiceField(
        label="是否发言",
        choices=[("yes", "已发言"), ("no", "未发言")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    self_criticism = forms.CharField(
        label="自我批评要点", required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    pledge = forms.CharField(
        label="本人表态", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CriticismForm(forms.Form):
    critic = MemberChoiceField(
        label="批评人", queryset=Member.objects.none(), required=False, empty_label="请选择"
    )
    content = forms.CharField(
        label="批评意见", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["critic"].queryset = people  # type: ignore[attr-defined]


def criticism_formset(data: Any, *, people: Any, initial: list[dict[str, Any]] | None) -> Any:
    cls = forms.formset_factory(CriticismForm, extra=2 if initial else 3, max_num=30,
                                validate_max=True)  # fmt: skip
    return cls(data, prefix="crit", initial=initial, form_kwargs={"people": people})


def criticism_inputs(formset: Any) -> list[CriticismInput]:
    return [
        CriticismInput(f.cleaned_data.get("critic"), f.cleaned_data.get("content", ""))
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("critic") or f.cleaned_data.get("content"))
    ]


# --- follow-up -----------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    take = forms.BooleanField(label="列入整改清单", required=False)
    source = forms.CharField(widget=forms.HiddenInput)
    ref = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label="问题类别", queryset=ProblemCategory.objects.filter(active=True),
        required=False, empty_label="请选择",
    )  # fmt: skip
    description = forms.CharField(
        label="问题", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measure = forms.CharField(
        label="整改措施", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label="整改时限", required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("take"):
            for name, label in (("category", "问题类别"), ("description", "问题"),
                                ("measure", "整改措施"), ("deadline", "整改时限")):  # fmt: skip
                if not data.get(name):
                    self.add_error(name, f"列入整改清单的请填写{label}")
        return data

    def as_input(self) -> ConfirmInput:
        d = self.cleaned_data
        return ConfirmInput(d["source"], d["ref"], d.get("category"), d.get("description", ""),
                            d.get("measure", ""), d.get("deadline"))  # fmt: skip


def confirm_formset(data: Any, initial: list[dict[str, Any]]) -> Any:
    cls = forms.formset_factory(ConfirmForm, extra=0, max_num=60)
    return cls(data, prefix="c", initial=initial)


class TakeUpForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput, max_length=4000)
    owner_kind = forms.ChoiceField(
        label="问题主体",
        choices=[("committee", "支部委员会（班子）"), ("member", "党员个人"), ("branch", "党支部")],
        initial="committee",
    )
    owner_member = MemberChoiceField(
        label="党员（主体是个人时）", queryset=Member.objects.none(), required=False,
        empty_label="—",
    )  # fmt: skip
    category = forms.ModelChoiceField(
        label="问题类别", queryset=ProblemCategory.objects.filter(active=True), empty_label="请选择"
    )
    measure = forms.CharField(
        label="整改措施", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = MemberChoiceField(
        label="责任人", queryset=Member.objects.none(), empty_label="请选择"
    )
    deadline = forms.DateField(label="整改时限", widget=DateInput())

    def __init__(self, *args: Any, branch: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Member.objects.current().party_members().filter(branch=branch).order_by("name")
        for name in ("owner_member", "responsible"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    starts_on = forms.DateField(label="公示开始", widget=DateInput())
    ends_on = forms.DateField(label="公示结束", widget=DateInput())
    show_measures = forms.BooleanField(label="公示整改措施", required=False, initial=True)
    show_progress = forms.BooleanField(label="公示整改进展", required=False, initial=True)
    contact = forms.CharField(label="联系人及电话", required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["starts_on"].initial = today
        self.fields["ends_on"].initial = today + dt.timedelta(days=6)
