"""Input validation for meeting pages; the rules live in meetings/rules.py and the services."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.utils import timezone

from zhibu.core.forms import DateInput, choice
from zhibu.meetings import rules
from zhibu.meetings.models import ActivityForm, Meeting, MeetingKind
from zhibu.members.models import Member
from zhibu.orgs.models import Organization, OrgKind

TAG_SUGGESTIONS = [
    "党建+管理",
    "党建+志愿服务",
    "党建+安全生产",
    "党建+乡村振兴",
    "党建+基层治理",
    "党建+文明创建",
]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


def member_label(member: Member) -> str:
    return member.name


def member_with_category(member: Member) -> str:
    return f"{member.name}（{member.get_category_display()}）"


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,，、\s]+", text) if t.strip()]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="主题", max_length=200)
    group = forms.ModelChoiceField(
        label="党小组",
        queryset=Organization.objects.none(),
        required=False,
        help_text="党小组会必选",
    )
    date = forms.DateField(label="日期", widget=DateInput())
    start_time = forms.TimeField(label="开始时间", widget=TimeInput())
    end_time = forms.TimeField(label="结束时间", widget=TimeInput())
    place = forms.CharField(label="地点", max_length=200, required=False)
    online_link = forms.URLField(
        label="线上会议链接", max_length=500, required=False, assume_scheme="https"
    )
    host = forms.ModelChoiceField(label="主持人", queryset=Member.objects.none(), required=False)
    recorder = forms.ModelChoiceField(
        label="记录人", queryset=Member.objects.none(), required=False
    )
    lecturer = forms.ModelChoiceField(
        label="授课人", queryset=Member.objects.none(), required=False, help_text="党课必填其一"
    )
    lecturer_name = forms.CharField(
        label="授课人（系统外）", max_length=100, required=False, help_text="如上级党委书记、专家"
    )
    agenda = forms.CharField(
        label="议题",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每行一个议题。主题党日留空时按本支部“5+X”固定议程生成，再补充自选议题",
    )
    first_topic = forms.BooleanField(
        label="第一项为“第一议题”（学习最新重要讲话精神）", required=False
    )
    activity_form = forms.ChoiceField(
        label="活动形式", choices=[("", "—"), *ActivityForm.choices], required=False
    )
    tags = forms.CharField(
        label="党建+标签",
        required=False,
        help_text="用逗号分隔，如：党建+乡村振兴",
        widget=forms.TextInput(attrs={"list": "tag-options"}),
    )

    tag_suggestions = TAG_SUGGESTIONS

    def __init__(
        self, *args: Any, branch: Organization, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        people = Member.objects.current().filter(branch=branch).order_by("name")
        for name in ("host", "recorder", "lecturer"):
            field = cast("forms.ModelChoiceField[Member]", self.fields[name])
            field.queryset = people
            field.label_from_instance = member_label  # type: ignore[method-assign,assignment]
        groups = cast("forms.ModelChoiceField[Organization]", self.fields["group"])
        groups.queryset = Organization.objects.current().filter(parent=branch, kind=OrgKind.GROUP)
        if editing:
            del self.fields["kind"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if date and start and end:
            tz = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(date, start, tzinfo=tz)
            data["ends_at"] = dt.datetime.combine(date, end, tzinfo=tz)
            if end <= start:
                self.add_error("end_time", "结束时间应晚于开始时间")
        lines = split_lines(data.get("agenda", ""))
        data["agenda_items"] = [
            (t, i == 0 and bool(data.get("first_topic"))) for i, t in enumerate(lines)
        ]
        data["tag_list"] = split_tags(data.get("tags", ""))
        return data

    def service_values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "starts_at": d["starts_at"],
            "ends_at": d["ends_at"],
            "group": d.get("group"),
            "place": d.get("place", ""),
            "online_link": d.get("online_link", ""),
            "host": d.get("host"),
            "recorder": d.get("recorder"),
            "lecturer": d.get("lecturer"),
            "lecturer_name": d.get("lecturer_name", ""),
            "activity_form": d.get("activity_form", ""),
            "tags": d["tag_list"],
        }


def meeting_initial(meeting: Meeting) -> dict[str, Any]:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    agenda = list(meeting.agenda.all())
    return {
        "title": meeting.title,
        "group": meeting.group_id,
        "date": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "place": meeting.place,
        "online_link": meeting.online_link,
        "host": meeting.host_id,
        "recorder": meeting.recorder_id,
        "lecturer": meeting.lecturer_id,
        "lecturer_name": meeting.lecturer_name,
        "agenda": "\n".join(a.title for a in agenda),
        "first_topic": bool(agenda and agenda[0].is_first_topic),
        "activity_form": meeting.activity_form,
        "tags": "，".join(meeting.tags or []),
    }


class SeriesForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices, initial=rules.THEME_DAY)
    title = forms.CharField(label="主题", max_length=200, initial="主题党日")
    group = forms.ModelChoiceField(
        label="党小组", queryset=Organization.objects.none(), required=False
    )
    day_of_month = forms.IntegerField(label="每月几号", min_value=1, max_value=31)
    start_time = forms.TimeField(label="开始时间", widget=TimeInput(), initial=dt.time(15, 0))
    duration_minutes = forms.IntegerField(
        label="时长（分钟）", min_value=15, max_value=1440, initial=120
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    starts_on = forms.DateField(label="从哪天起", widget=DateInput())
    months = forms.IntegerField(label="安排几个月", min_value=1, max_value=24, initial=12)

    def __init__(
        self, *args: Any, branch: Organization, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        groups = cast("forms.ModelChoiceField[Organization]", self.fields["group"])
        groups.queryset = Organization.objects.current().filter(parent=branch, kind=OrgKind.GROUP)
        if editing:
            for name in ("kind", "group", "starts_on", "months"):
                del self.fields[name]


class SettingsForm(forms.Form):
    theme_day = forms.IntegerField(label="主题党日固定日（每月几号）", min_value=1, max_value=31)
    theme_day_items = forms.CharField(
        label="主题党日固定议程（“5+X”中的“5”）",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每行一项；安排主题党日时自动列入，再补充自选议题",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label="请假事由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如因公出差、生病住院；书记批准后生效",
    )  # fmt: skip


class LeaveDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="审批", choices=[("1", "批准"), ("0", "不批准")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="意见", max_length=300, required=False)


class ExclusionForm(forms.Form):
    reason = forms.ChoiceField(
        label="不计入应到会有表决权的原因",
        choices=[("", "（不排除，计入）"), *rules.EXCLUSION_REASONS.items()],
        required=False,
    )
    approval = forms.CharField(
        label="上级党组织批准文件", max_length=200, required=False, help_text="须经上级党组织批准"
    )


class MakeupForm(forms.Form):
    on = forms.DateField(label="补学日期", widget=DateInput())
    how = forms.CharField(
        label="补学方式", max_length=300,
        help_text="如：自学会议记录和学习材料；书记当面传达",
    )  # fmt: skip


class ObserverForm(forms.Form):
    member = forms.ModelChoiceField(
        label="系统内人员", queryset=Member.objects.none(), required=False,
        help_text="入党积极分子、发展对象等",
    )  # fmt: skip
    guest_name = forms.CharField(
        label="或：姓名（群众、上级联系点领导等）", max_length=50, required=False
    )
    guest_title = forms.CharField(label="职务/身份", max_length=100, required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Member]", self.fields["member"])
        field.queryset = (
            Member.objects.current()
            .filter(branch=meeting.branch)
            .exclude(attendances__meeting=meeting)
            .order_by("category", "name")
        )
        field.label_from_instance = member_with_category  # type: ignore[method-assign,assignment]


class AttachmentForm(forms.Form):
    file = forms.FileField(label="文件")
    name = forms.CharField(label="名称", max_length=200, required=False)


class MeetingFilterForm(forms.Form):
    year = forms.IntegerField(required=False)
    kind = forms.ChoiceField(choices=[("", "全部类型"), *MeetingKind.choices], required=False)
    status = forms.ChoiceField(
        choices=[
            ("", "全部状态"),
            ("planned", "已安排"),
            ("held", "已召开"),
            ("cancelled", "已取消"),
            ("unrecorded", "待填写记录"),
        ],
        required=False,
    )


def kind_choices_for(form: forms.Form, branch: Organization) -> None:
    """Offer 党小组会 only when the branch has groups."""
    if not Organization.objects.current().filter(parent=branch, kind=OrgKind.GROUP).exists():
        choice(form, "kind").choices = [
            c for c in MeetingKind.choices if c[0] != rules.GROUP_MEETING
        ]
