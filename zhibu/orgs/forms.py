"""Input validation for the organization pages (the rules themselves live in services/rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from zhibu.core.forms import DateInput, choice
from zhibu.members.models import Member
from zhibu.orgs import rules
from zhibu.orgs.models import Organization, OrgKind, Role, UnitType


class OrganizationForm(forms.Form):
    code = forms.CharField(label="组织编码", max_length=32, help_text="唯一，字母、数字、-、_")
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    unit_type = forms.ChoiceField(
        label="单位类型",
        choices=[("", "—")] + list(UnitType.choices),
        required=False,
        help_text="党支部所在单位的类型：村、社区党支部每届5年，其他3年",
    )
    founded_on = forms.DateField(label="成立日期", required=False, widget=DateInput())
    term_started_on = forms.DateField(
        label="本届任期开始", required=False, widget=DateInput(), help_text="用于换届提醒"
    )

    def __init__(self, *args: Any, parent: Organization | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parent is not None:
            choice(self, "kind").choices = [
                (k.value, k.label) for k in OrgKind if parent.kind in rules.ALLOWED_PARENTS[k.value]
            ]


class OrganizationEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    unit_type = forms.ChoiceField(
        label="单位类型", choices=[("", "—")] + list(UnitType.choices), required=False
    )
    founded_on = forms.DateField(label="成立日期", required=False, widget=DateInput())
    term_started_on = forms.DateField(
        label="本届任期开始", required=False, widget=DateInput(), help_text="用于换届提醒"
    )

    def __init__(self, *args: Any, by_parent: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not by_parent:
            del self.fields["unit_type"]
            del self.fields["term_started_on"]


class MoveForm(forms.Form):
    parent_code = forms.CharField(label="新的上级组织编码", max_length=32)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="撤销日期", widget=DateInput())
    reason = forms.CharField(label="撤销原因", max_length=200)


def member_label(member: Member) -> str:
    return member.label


class PositionForm(forms.Form):
    member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label="党员", queryset=Member.objects.none()
    )
    role = forms.ChoiceField(label="职务", choices=Role.choices)
    started_on = forms.DateField(label="任职日期", widget=DateInput())

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Member.objects.current().filter(category="full")
        if organization.kind == OrgKind.GROUP:
            people = people.filter(group=organization)
            choice(self, "role").choices = [(Role.GROUP_LEADER, Role.GROUP_LEADER.label)]
        elif organization.kind == OrgKind.BRANCH:
            people = people.filter(branch=organization)
            choice(self, "role").choices = [c for c in Role.choices if c[0] != Role.GROUP_LEADER]
        else:
            # Committee staff belong to a branch directly under the committee (e.g. 机关支部):
            # listing those keeps the choice short however large the subtree is.
            people = people.filter(branch__parent=organization)
            choice(self, "role").choices = [c for c in Role.choices if c[0] != Role.GROUP_LEADER]
        member_field = cast("forms.ModelChoiceField[Member]", self.fields["member"])
        member_field.queryset = people.order_by("name")
        member_field.label_from_instance = member_label  # type: ignore[method-assign,assignment]


class PositionEndForm(forms.Form):
    ended_on = forms.DateField(label="免职日期", widget=DateInput())
