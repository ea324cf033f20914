"""Every write to the organization tree and to positions (STYLE.md rule 2).

Services check the domain's rules and raise ``ValidationError`` with Chinese messages keyed by
field; whether the actor may do it at all is the caller's check (views use accounts.access).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from zhibu.core import audit
from zhibu.orgs import rules
from zhibu.orgs.models import (
    Organization,
    OrgKind,
    Position,
    Role,
    UnitType,
    code_validator,
    subtree_q,
)

if TYPE_CHECKING:
    from zhibu.accounts.models import User
    from zhibu.members.models import Member


def _org_values(org: Organization) -> dict[str, Any]:
    return {
        "name": org.name,
        "short_name": org.short_name,
        "code": org.code,
        "kind": org.get_kind_display(),
        "parent": org.parent.name if org.parent else None,
        "unit_type": org.get_unit_type_display() if org.unit_type else "",
        "founded_on": org.founded_on,
        "closed_on": org.closed_on,
        "term_started_on": org.term_started_on,
    }


def _check_placement(kind: str, parent: Organization | None) -> None:
    problem = rules.parent_error(kind, parent.kind if parent else None)
    if problem:
        raise ValidationError({"parent": problem})
    if parent is not None and parent.is_closed:
        raise ValidationError({"parent": f"上级组织“{parent.name}”已撤销"})


def _check_sibling_name(
    name: str, parent: Organization | None, exclude_pk: int | None = None
) -> None:
    """Two open organizations under one parent never share a name (党小组 are chosen by name)."""
    siblings = Organization.objects.current().filter(parent=parent, name=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        where = f"“{parent.name}”下" if parent else "最上级"
        raise ValidationError({"name": f"{where}已有名为“{name}”的组织"})


def _check_unit_type(kind: str, unit_type: str) -> None:
    if unit_type and unit_type not in UnitType.values:
        raise ValidationError({"unit_type": "单位类型应为 村、社区、机关、企业、学校、其他 之一"})
    if kind == OrgKind.GROUP and unit_type:
        raise ValidationError({"unit_type": "党小组不设单位类型"})


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None = None,
    short_name: str = "",
    unit_type: str = "",
    founded_on: dt.date | None = None,
    term_started_on: dt.date | None = None,
) -> Organization:
    code, name = code.strip(), name.strip()
    errors: dict[str, str] = {}
    try:
        code_validator(code)
    except ValidationError as exc:
        errors["code"] = exc.messages[0]
    if not errors.get("code") and Organization.objects.filter(code=code).exists():
        errors["code"] = f"组织编码“{code}”已被使用"
    if not name:
        errors["name"] = "请填写组织名称"
    if kind not in OrgKind.values:
        errors["kind"] = "组织类型应为 党委、党总支、党支部、党小组 之一"
    if founded_on and founded_on > timezone.localdate():
        errors["founded_on"] = "成立日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    if parent is not None:
        # Lock the parent so a concurrent move cannot change the path we build on.
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    _check_placement(kind, parent)
    _check_sibling_name(name, parent)
    _check_unit_type(kind, unit_type)
    if kind == OrgKind.BRANCH and not unit_type:
        # A branch's unit type sets its committee's term; default to the parent's.
        unit_type = (parent.unit_type if parent else "") or UnitType.OTHER
    org = Organization(
        code=code,
        name=name,
        short_name=short_name.strip(),
        kind=kind,
        parent=parent,
        unit_type=unit_type,
        founded_on=founded_on,
        term_started_on=term_started_on,
        path="",
    )
    org.full_clean(exclude=["path"])
    org.save()
    org.path = rules.child_path(parent.path if parent else None, org.pk)
    org.save(update_fields=["path"])
    audit.record(
        actor, "org.create", org, organization=org, changes=audit.created(_org_values(org))
    )
    return org


@transaction.atomic
def organization_update(
    *,
    actor: User | None,
    organization: Organization,
    name: str,
    short_name: str = "",
    unit_type: str = "",
    founded_on: dt.date | None = None,
    term_started_on: dt.date | None = None,
) -> Organization:
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    before = _org_values(org)
    if not name.strip():
        raise ValidationError({"name": "请填写组织名称"})
    _check_unit_type(org.kind, unit_type)
    if founded_on and founded_on > timezone.localdate():
        raise ValidationError({"founded_on": "成立日期不能晚于今天"})
    if term_started_on and term_started_on > timezone.localdate():
        raise ValidationError({"term_started_on": "任期开始日期不能晚于今天"})
    _check_sibling_name(name.strip(), org.parent, exclude_pk=org.pk)
    org.name, org.short_name = name.strip(), short_name.strip()
    org.unit_type, org.founded_on, org.term_started_on = unit_type, founded_on, term_started_on
    org.full_clean(exclude=["path", "code"])
    org.save(update_fields=["name", "short_name", "unit_type", "founded_on", "term_started_on"])
    changes = audit.diff(before, _org_values(org))
    if changes:
        audit.record(actor, "org.update", org, organization=org, changes=changes)
    return org


@transaction.atomic
def organization_move(
    *, actor: User | None, organization: Organization, new_parent: Organization | None
) -> Organization:
    """Put an organization (and its whole subtree) under a new parent, in one transaction."""
    # Lock both rows, in a fixed order, and read fresh paths: a concurrent move could otherwise
    # slip the new parent under this subtree between the cycle check and the update.
    ids = sorted({organization.pk} | ({new_parent.pk} if new_parent else set()))
    locked = {o.pk: o for o in Organization.objects.select_for_update().filter(pk__in=ids)}
    org = locked[organization.pk]
    new_parent = locked[new_parent.pk] if new_parent is not None else None
    if org.kind == OrgKind.GROUP and new_parent != org.parent:
        raise ValidationError(
            {"parent": "党小组不能调到其他党支部：请在那个党支部建立党小组，再调整党员"}
        )
    if new_parent is not None and rules.would_cycle(org.path, new_parent.path):
        raise ValidationError({"parent": "不能把组织移到它自己或它的下级组织之下"})
    _check_placement(org.kind, new_parent)
    _check_sibling_name(org.name, new_parent, exclude_pk=org.pk)
    old_parent_name = org.parent.name if org.parent else None
    old_prefix = org.path
    new_prefix = rules.child_path(new_parent.path if new_parent else None, org.pk)
    org.parent = new_parent
    org.save(update_fields=["parent"])
    moved = Organization.objects.filter(subtree_q(old_prefix)).update(
        path=Concat(Value(new_prefix), Substr(F("path"), Length(Value(old_prefix)) + 1))
    )
    org.path = new_prefix
    audit.record(
        actor,
        "org.move",
        org,
        organization=org,
        changes={
            "parent": [old_parent_name, new_parent.name if new_parent else None],
            "subtree_size": [None, moved],
        },
    )
    return org


@transaction.atomic
def organization_close(
    *, actor: User | None, organization: Organization, closed_on: dt.date, reason: str = ""
) -> Organization:
    """撤销: the organization keeps its history and leaves current views."""
    from zhibu.members.models import Member

    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if org.is_closed:
        raise ValidationError({"closed_on": "该组织已撤销"})
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "撤销日期不能晚于今天"})
    if org.founded_on and closed_on < org.founded_on:
        raise ValidationError({"closed_on": "撤销日期不能早于成立日期"})
    open_children = org.children.filter(closed_on__isnull=True).count()
    if open_children:
        raise ValidationError({"closed_on": f"还有 {open_children} 个下级组织未撤销，请先处理"})
    members = Member.objects.current().filter(branch=org).count() + (
        Member.objects.current().filter(group=org).count() if org.kind == OrgKind.GROUP else 0
    )
    if members:
        raise ValidationError({"closed_on": f"还有 {members} 名在册人员，请先转出或调整"})
    org.closed_on = closed_on
    org.save(update_fields=["closed_on"])
    ended = end_open_positions(Position.objects.filter(organization=org), closed_on)
    audit.record(
        actor,
        "org.close",
        org,
        organization=org,
        changes={
            "closed_on": [None, closed_on],
            "reason": [None, reason],
            "positions_ended": [None, ended],
        },
    )
    return org


# --- Positions ------------------------------------------------------------------------------


def end_open_positions(positions: models.QuerySet[Position], on: dt.date) -> int:
    """End the open ones among ``positions`` on ``on`` (a day after the start at the earliest)."""
    count = 0
    for position in positions.filter(ended_on__isnull=True).select_for_update(of=("self",)):
        position.ended_on = rules.position_end_date(position.started_on, on)
        position.save(update_fields=["ended_on"])
        count += 1
    return count


def _check_role(member: Member, organization: Organization, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": "职务不正确"})
    if organization.is_closed:
        raise ValidationError({"organization": "该组织已撤销"})
    if role == Role.GROUP_LEADER and organization.kind != OrgKind.GROUP:
        raise ValidationError({"role": "党小组长只能在党小组中任职"})
    if role != Role.GROUP_LEADER and organization.kind == OrgKind.GROUP:
        raise ValidationError({"role": "党小组只设党小组长"})
    if not member.is_current:
        raise ValidationError({"member": f"{member.name}不是在册人员"})
    if member.category != "full":
        raise ValidationError({"member": f"{member.name}不是正式党员，不能担任{Role(role).label}"})
    if organization.kind == OrgKind.GROUP and member.group_id != organization.pk:
        raise ValidationError({"member": f"{member.name}不是{organization.name}的成员"})
    if organization.kind == OrgKind.BRANCH and member.branch_id != organization.pk:
        raise ValidationError({"member": f"{member.name}不是{organization.name}的党员"})
    if organization.kind in (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH) and not rules.is_in_subtree(
        member.branch.path, organization.path
    ):
        raise ValidationError({"member": f"{member.name}不在{organization.name}所辖的党组织中"})


@transaction.atomic
def position_assign(
    *,
    actor: User | None,
    member: Member,
    organization: Organization,
    role: str,
    started_on: dt.date,
) -> Position:
    _check_role(member, organization, role)
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "任职日期不能晚于今天"})
    open_positions = Position.objects.select_for_update().filter(
        organization=organization, ended_on__isnull=True
    )
    if open_positions.filter(member=member).exists():
        raise ValidationError(
            {"member": f"{member.name}在{organization.name}已有职务，请先免去原职务"}
        )
    if role == Role.SECRETARY and open_positions.filter(role=Role.SECRETARY).exists():
        raise ValidationError({"role": f"{organization.name}已有书记，请先免去原书记"})
    position = Position(member=member, organization=organization, role=role, started_on=started_on)
    position.full_clean()
    try:
        with transaction.atomic():  # a savepoint: a concurrent assignment may win the race
            position.save()
    except IntegrityError:
        raise ValidationError({"role": "刚刚有人为该组织办理了任职，请刷新后核对"}) from None
    audit.record(
        actor,
        "position.assign",
        position,
        organization=organization,
        changes=audit.created(position.as_dict()),
    )
    return position


@transaction.atomic
def position_end(*, actor: User | None, position: Position, ended_on: dt.date) -> Position:
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("member", "organization")
        .get(pk=position.pk)
    )
    if position.ended_on is not None:
        raise ValidationError({"ended_on": "该职务已免去"})
    if ended_on <= position.started_on:
        raise ValidationError({"ended_on": "免职日期应晚于任职日期"})
    position.ended_on = ended_on
    position.save(update_fields=["ended_on"])
    audit.record(
        actor,
        "position.end",
        position,
        organization=position.organization,
        changes={"ended_on": [None, ended_on]},
    )
    return position
