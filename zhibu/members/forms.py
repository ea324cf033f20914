"""Input validation for member pages; the rules themselves are in members/rules.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from zhibu.core.forms import DateInput, choice
from zhibu.members.models import Category, Gender, Member
from zhibu.members.rules import CATEGORY_STEPS
from zhibu.orgs.models import Organization, OrgKind

EDUCATION_CHOICES = ["研究生", "大学本科", "大学专科", "中等专科", "高中", "初中及以下"]


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        min_length=18,
        help_text="18位，出生日期和性别按身份证号自动登记",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    gender = forms.ChoiceField(
        label="性别", choices=[("", "按身份证号")] + list(Gender.choices), required=False
    )
    ethnicity = forms.CharField(label="民族", max_length=20, required=False, initial="汉族")
    phone = forms.CharField(
        label="手机号",
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    education = forms.CharField(
        label="学历",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"list": "education-options"}),
    )
    category = forms.ChoiceField(label="人员类别", choices=Category.choices)
    joined_on = forms.DateField(
        label="入党日期", required=False, widget=DateInput(), help_text="正式党员、预备党员必填"
    )
    full_on = forms.DateField(
        label="转正日期", required=False, widget=DateInput(), help_text="仅正式党员"
    )
    group = forms.ModelChoiceField(
        label="党小组",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="（不在党小组）",
    )
    work_unit = forms.CharField(label="工作单位及职务", max_length=200, required=False)
    in_branch_since = forms.DateField(
        label="转入本支部日期",
        required=False,
        widget=DateInput(),
        help_text="不填时：党员按入党日期，其他人员按今天",
    )
    is_mobile = forms.BooleanField(label="流动党员", required=False)
    mobile_location = forms.CharField(
        label="流动去向", max_length=200, required=False, help_text="现在在哪里工作或居住"
    )
    is_retired = forms.BooleanField(label="离退休", required=False)

    education_options = EDUCATION_CHOICES

    def __init__(
        self, *args: Any, branch: Organization, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        group = cast("forms.ModelChoiceField[Organization]", self.fields["group"])
        group.queryset = (
            Organization.objects.current()
            .filter(parent=branch, kind=OrgKind.GROUP)
            .order_by("code")
        )
        if editing:
            # Category changes are dated events with their own page.
            del self.fields["category"]

    def clean_mobile_location(self) -> str:
        value = str(self.cleaned_data.get("mobile_location", "")).strip()
        if self.cleaned_data.get("is_mobile") and not value:
            raise forms.ValidationError("流动党员请填写流动去向")
        return value

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def member_initial(member: Member) -> dict[str, Any]:
    return {
        "name": member.name,
        "id_number": member.id_number,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "phone": member.phone,
        "education": member.education,
        "joined_on": member.joined_on,
        "full_on": member.full_on,
        "group": member.group_id,
        "work_unit": member.work_unit,
        "in_branch_since": member.in_branch_since,
        "is_mobile": member.is_mobile,
        "mobile_location": member.mobile_location,
        "is_retired": member.is_retired,
    }


class TransferInForm(MemberForm):
    on = forms.DateField(label="转入日期", widget=DateInput())
    from_name = forms.CharField(label="转出的党组织", max_length=200)
    letter_number = forms.CharField(label="介绍信编号", max_length=60, required=False)
    note = forms.CharField(label="备注", max_length=500, required=False)

    field_order = ["on", "from_name", "letter_number"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["in_branch_since"]


class TransferOutForm(forms.Form):
    on = forms.DateField(label="转出日期", widget=DateInput())
    to_code = forms.CharField(
        label="转入系统内党支部（编码）",
        max_length=32,
        required=False,
        help_text="转到本系统内的党支部时填写其组织编码",
    )
    to_name = forms.CharField(label="或：系统外党组织名称", max_length=200, required=False)
    letter_number = forms.CharField(label="介绍信编号", max_length=60, required=False)
    note = forms.CharField(label="备注", max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, name = data.get("to_code", "").strip(), data.get("to_name", "").strip()
        if bool(code) == bool(name):
            raise forms.ValidationError("请填写系统内党支部的编码，或系统外党组织的名称（二选一）")
        data["to_org"] = None
        if code:
            org = Organization.objects.current().filter(code=code, kind=OrgKind.BRANCH).first()
            if org is None:
                self.add_error("to_code", f"找不到编码为“{code}”的在册党支部")
            data["to_org"] = org
        return data


class TransferDecisionForm(forms.Form):
    on = forms.DateField(label="日期", widget=DateInput())


class TransferRejectForm(TransferDecisionForm):
    reason = forms.CharField(
        label="退回理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="无正当理由不得拒收；理由会告知转出的党支部",
    )


class CategoryChangeForm(forms.Form):
    to = forms.ChoiceField(label="变更为", choices=[])
    on = forms.DateField(
        label="日期", widget=DateInput(), help_text="如支部大会讨论通过或上级批准的日期"
    )
    note = forms.CharField(
        label="依据", max_length=500, required=False, help_text="如会议决议、上级批复文号"
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        choice(self, "to").choices = [
            (to, f"{Category(to).label}（{step}）")
            for (frm, to), step in CATEGORY_STEPS.items()
            if frm == member.category
        ]


class StatusChangeForm(forms.Form):
    to = forms.ChoiceField(label="变更为", choices=[("deceased", "已去世"), ("removed", "已出党")])
    on = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="依据", max_length=500, required=False, help_text="出党须写明依据")


class PartyProbationForm(forms.Form):
    to = forms.ChoiceField(
        label="登记",
        choices=[("party_probation", "留党察看（察看期间没有表决权）"), ("none", "恢复党员权利")],
    )
    on = forms.DateField(label="日期", widget=DateInput(), help_text="处分决定生效或察看期满的日期")
    note = forms.CharField(
        label="依据",
        max_length=500,
        help_text="处分决定或批复的文号",
        error_messages={"required": "请写明处分决定或批复的文号"},
    )


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50)
    category = forms.ChoiceField(
        label="人员类别", choices=[("", "全部类别")] + list(Category.choices), required=False
    )
    group = forms.IntegerField(label="党小组", required=False)
    status = forms.ChoiceField(
        label="状态",
        choices=[
            ("", "在册"),
            ("transferred_out", "已转出"),
            ("ended", "去世/出党"),
            ("all", "全部"),
        ],
        required=False,
    )
