"""Every write to member records: create, edit, transfers, category and status changes, import."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhibu.core import audit, crypto
from zhibu.core.bulk import insert_many
from zhibu.core.dates import add_years
from zhibu.members import rules
from zhibu.members.models import (
    Category,
    EventKind,
    Member,
    MemberEvent,
    Status,
    Transfer,
    TransferDirection,
)
from zhibu.orgs.models import Organization, OrgKind, Position

if TYPE_CHECKING:
    from zhibu.accounts.models import User

EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "education",
    "work_unit",
    "joined_on",
    "full_on",
    "group",
    "in_branch_since",
    "is_mobile",
    "mobile_location",
    "is_retired",
)


def _groups_of(branch: Organization) -> dict[str, Organization]:
    return {
        g.name: g for g in Organization.objects.current().filter(parent=branch, kind=OrgKind.GROUP)
    }


def _raise_problems(problems: Sequence[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for key, reason in problems:
            errors.setdefault(key, []).append(reason)
        raise ValidationError(errors)


def _check_branch(branch: Organization) -> None:
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"branch": "党员只能登记在党支部"})
    if branch.is_closed:
        raise ValidationError({"branch": f"{branch.name}已撤销"})


def _check_unique_id(id_number: str, *, exclude_pk: int | None = None) -> None:
    others = Member.objects.with_id_number(rules.normalize_id(id_number))
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            {"id_number": "该身份证号已在系统花名册中；如是转入人员，请办理组织关系转入"}
        )


def _normalized(values: Mapping[str, Any], branch: Organization) -> dict[str, Any]:
    """Clean the values a form or API sends; ``group`` may be a name or an Organization."""
    v = {k: values.get(k) for k in (*EDITABLE_FIELDS, "category")}
    for key in ("name", "ethnicity", "education", "work_unit", "mobile_location"):
        v[key] = (v[key] or "").strip()
    v["id_number"] = rules.normalize_id(v["id_number"] or "")
    v["phone"] = rules.normalize_phone(v["phone"] or "")
    group = v["group"]
    v["group"] = group.name if isinstance(group, Organization) else (group or "")
    v["is_mobile"], v["is_retired"] = bool(v["is_mobile"]), bool(v["is_retired"])
    if not v["is_mobile"]:
        v["mobile_location"] = ""
    return v


def _apply(member: Member, v: Mapping[str, Any], groups: Mapping[str, Organization]) -> None:
    info = rules.parse_id_number(v["id_number"])
    member.name = v["name"]
    member.gender = info.gender
    member.birth_date = info.birth_date
    member.ethnicity = v["ethnicity"]
    member.set_id_number(info.number)
    member.set_phone(v["phone"])
    member.education = v["education"]
    member.work_unit = v["work_unit"]
    member.joined_on = v["joined_on"]
    member.full_on = v["full_on"] if member.category == Category.FULL else None
    member.group = groups.get(v["group"]) if v["group"] else None
    member.is_mobile = bool(v.get("is_mobile"))
    member.mobile_location = v.get("mobile_location", "") if member.is_mobile else ""
    member.is_retired = bool(v.get("is_retired"))


@transaction.atomic
def member_create(*, actor: User | None, branch: Organization, values: Mapping[str, Any]) -> Member:
    """Register a person on a branch's roster (new to the system: not a transfer)."""
    _check_branch(branch)
    today = timezone.localdate()
    groups = _groups_of(branch)
    v = _normalized(values, branch)
    _raise_problems(rules.member_problems(v, today=today, groups=frozenset(groups)))
    _check_unique_id(v["id_number"])
    member = Member(branch=branch, category=v["category"])
    _apply(member, v, groups)
    member.in_branch_since = (
        v["in_branch_since"] or (v["joined_on"] if member.is_party_member else None) or today
    )
    member.save()
    audit.record(
        actor,
        "member.create",
        member,
        organization=branch,
        changes=audit.created(member.audit_values()),
    )
    return member


@transaction.atomic
def member_update(*, actor: User | None, member: Member, values: Mapping[str, Any]) -> Member:
    """Correct a member's record. Category and status change through their own services."""
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("branch", "group")
        .get(pk=member.pk)
    )
    before = member.audit_values()
    groups = _groups_of(member.branch)
    v = _normalized(values, member.branch)
    v["category"] = member.category
    v["in_branch_since"] = v["in_branch_since"] or member.in_branch_since
    _raise_problems(rules.member_problems(v, today=timezone.localdate(), groups=frozenset(groups)))
    _check_unique_id(v["id_number"], exclude_pk=member.pk)
    _apply(member, v, groups)
    member.in_branch_since = v["in_branch_since"]
    member.save()
    changes = audit.diff(before, member.audit_values())
    if changes:
        audit.record(actor, "member.update", member, organization=member.branch, changes=changes)
    return member


# Allowed category changes and the rule each follows.
CATEGORY_STEPS: dict[tuple[str, str], str] = {
    (Category.APPLICANT, Category.ACTIVIST): "确定为入党积极分子",
    (Category.ACTIVIST, Category.CANDIDATE): "确定为发展对象",
    (Category.CANDIDATE, Category.PROBATIONARY): "接收为预备党员",
    (Category.PROBATIONARY, Category.FULL): "按期转正",
    (Category.PROBATIONARY, Category.APPLICANT): "取消预备党员资格",
    (Category.ACTIVIST, Category.APPLICANT): "取消入党积极分子资格",
    (Category.CANDIDATE, Category.ACTIVIST): "取消发展对象资格",
}


@transaction.atomic
def member_category_change(
    *, actor: User | None, member: Member, to: str, on: dt.date, note: str = ""
) -> Member:
    """A dated change of category, kept as an event (e.g. 预备党员 → 正式党员)."""
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("branch").get(pk=member.pk)
    )
    if not member.is_current:
        raise ValidationError({"to": f"{member.name}不是在册人员"})
    step = CATEGORY_STEPS.get((member.category, to))
    if step is None:
        raise ValidationError(
            {"to": f"不能从{member.get_category_display()}直接变更为{Category(to).label}"}
        )
    today = timezone.localdate()
    if on > today:
        raise ValidationError({"on": "日期不能晚于今天"})
    if to == Category.PROBATIONARY:
        member.joined_on = on
    if to == Category.FULL:
        earliest = (
            add_years(member.joined_on, rules.MIN_PROBATION_YEARS) if member.joined_on else None
        )
        if earliest and on < earliest:
            raise ValidationError({"on": f"预备期一年，最早可于 {earliest.isoformat()} 转正"})
        member.full_on = on
    if to == Category.APPLICANT and member.category == Category.PROBATIONARY:
        member.joined_on = None
    before = member.get_category_display()
    old = member.category
    member.category = to
    member.save(update_fields=["category", "joined_on", "full_on"])
    MemberEvent.objects.create(
        member=member, kind=EventKind.CATEGORY, from_value=old, to_value=to, on=on, note=note
    )
    audit.record(
        actor,
        "member.category_change",
        member,
        organization=member.branch,
        changes={
            "category": [before, member.get_category_display()],
            "on": [None, on],
            "step": [None, step],
            "note": [None, note],
        },
    )
    return member


def _end_positions(member: Member, on: dt.date) -> int:
    return Position.objects.filter(member=member, ended_on__isnull=True).update(
        ended_on=max(on, timezone.localdate())
    )


@transaction.atomic
def member_status_change(
    *, actor: User | None, member: Member, to: str, on: dt.date, note: str = ""
) -> Member:
    """去世 or 出党 (a decision recorded elsewhere); the record stays as history."""
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("branch").get(pk=member.pk)
    )
    if to not in (Status.DECEASED, Status.REMOVED):
        raise ValidationError({"to": "只能登记去世或出党；转出请用组织关系转出"})
    if not member.is_current:
        raise ValidationError({"to": f"{member.name}已是“{member.get_status_display()}”状态"})
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    if to == Status.REMOVED and not note.strip():
        raise ValidationError({"note": "请写明出党的依据（如支部大会决议、上级批复文号）"})
    old = member.status
    member.status, member.status_changed_on = to, on
    member.save(update_fields=["status", "status_changed_on"])
    ended = _end_positions(member, on)
    MemberEvent.objects.create(
        member=member, kind=EventKind.STATUS, from_value=old, to_value=to, on=on, note=note
    )
    audit.record(
        actor,
        "member.status_change",
        member,
        organization=member.branch,
        changes={
            "status": [Status(old).label, Status(to).label],
            "on": [None, on],
            "note": [None, note],
            "positions_ended": [None, ended],
        },
    )
    return member


@transaction.atomic
def member_transfer_out(
    *,
    actor: User | None,
    member: Member,
    on: dt.date,
    to_org: Organization | None = None,
    to_name: str = "",
    letter_number: str = "",
    note: str = "",
) -> Transfer:
    """组织关系转出: to a branch in zhibu (the member moves there) or to one outside it."""
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("branch").get(pk=member.pk)
    )
    if not member.is_current:
        raise ValidationError({"to_org": f"{member.name}不是在册人员"})
    if on > timezone.localdate():
        raise ValidationError({"on": "转出日期不能晚于今天"})
    if on < member.in_branch_since:
        raise ValidationError({"on": f"转出日期不能早于转入本支部日期 {member.in_branch_since}"})
    if to_org is None and not to_name.strip():
        raise ValidationError({"to_name": "请选择或填写转入的党组织"})
    if to_org is not None:
        _check_branch(to_org)
        if to_org.pk == member.branch_id:
            raise ValidationError({"to_org": "转入组织不能是本支部"})
    old_branch = member.branch
    transfer = Transfer.objects.create(
        member=member,
        direction=TransferDirection.OUT,
        on=on,
        from_org=old_branch,
        to_org=to_org,
        to_name="" if to_org else to_name.strip(),
        letter_number=letter_number.strip(),
        note=note.strip(),
    )
    ended = _end_positions(member, on)
    if to_org is not None:
        member.branch, member.group, member.in_branch_since = to_org, None, on
        member.save(update_fields=["branch", "group", "in_branch_since"])
        Transfer.objects.create(
            member=member,
            direction=TransferDirection.IN,
            on=on,
            from_org=old_branch,
            to_org=to_org,
            letter_number=letter_number.strip(),
            note=note.strip(),
        )
    else:
        member.status, member.status_changed_on = Status.TRANSFERRED_OUT, on
        member.save(update_fields=["status", "status_changed_on"])
    changes = {
        "branch": [old_branch.name, transfer.to_label],
        "on": [None, on],
        "letter_number": [None, transfer.letter_number],
        "positions_ended": [None, ended],
    }
    audit.record(actor, "member.transfer_out", member, organization=old_branch, changes=changes)
    if to_org is not None:
        audit.record(actor, "member.transfer_in", member, organization=to_org, changes=changes)
    return transfer


@transaction.atomic
def member_transfer_in(
    *,
    actor: User | None,
    branch: Organization,
    on: dt.date,
    from_name: str,
    values: Mapping[str, Any],
    letter_number: str = "",
    note: str = "",
) -> Member:
    """组织关系转入 from outside zhibu; a person who once transferred out comes back."""
    _check_branch(branch)
    if on > timezone.localdate():
        raise ValidationError({"on": "转入日期不能晚于今天"})
    if not from_name.strip():
        raise ValidationError({"from_name": "请填写转出的党组织"})
    v = dict(values)
    v["in_branch_since"] = on
    existing = Member.objects.with_id_number(rules.normalize_id(v.get("id_number") or "")).first()
    if existing is not None and existing.is_current:
        raise ValidationError(
            {"id_number": f"此人仍在系统花名册中（{existing.branch.name}），请由原支部办理转出"}
        )
    if existing is not None and existing.status != Status.TRANSFERRED_OUT:
        raise ValidationError(
            {"id_number": f"此人的状态为“{existing.get_status_display()}”，不能转入"}
        )
    if existing is not None:
        groups = _groups_of(branch)
        vv = _normalized(v, branch)
        vv["category"] = vv.get("category") or existing.category
        _raise_problems(
            rules.member_problems(vv, today=timezone.localdate(), groups=frozenset(groups))
        )
        before = existing.audit_values()
        existing.branch, existing.category = branch, vv["category"]
        _apply(existing, vv, groups)
        existing.in_branch_since, existing.status, existing.status_changed_on = (
            on,
            Status.ACTIVE,
            on,
        )
        existing.save()
        member = existing
        changes = audit.diff(before, member.audit_values())
    else:
        member = member_create(actor=actor, branch=branch, values=v)
        changes = {}
    Transfer.objects.create(
        member=member,
        direction=TransferDirection.IN,
        on=on,
        from_name=from_name.strip(),
        to_org=branch,
        letter_number=letter_number.strip(),
        note=note.strip(),
    )
    changes.update(
        {
            "from": [None, from_name.strip()],
            "on": [None, on],
            "letter_number": [None, letter_number.strip()],
        }
    )
    audit.record(actor, "member.transfer_in", member, organization=branch, changes=changes)
    return member


# --- Roster import --------------------------------------------------------------------------


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, column, reason)
    counts: Counter[str] = field(default_factory=Counter)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [f"第{n}行 {col}: {reason}" for n, col, reason in self.errors]

    def summary(self) -> str:
        parts = "，".join(
            f"{label} {self.counts[code]} 人"
            for code, label in Category.choices
            if self.counts[code]
        )
        verb = "已导入" if self.written else "检查通过，可导入"
        return f"{verb} {sum(self.counts.values())} 人" + (f"：{parts}" if parts else "")


def roster_check(
    *,
    branch: Organization,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    header_errors: Sequence[tuple[int, str, str]] = (),
) -> tuple[ImportResult, list[dict[str, Any]]]:
    """Validate every row; cross-row duplicates and the existing roster are checked here."""
    result = ImportResult(errors=list(header_errors))
    today = timezone.localdate()
    groups = frozenset(_groups_of(branch))
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        result.rows += 1
        row = rules.validate_row(raw, today=today, groups=groups)
        for column, reason in row.errors:
            result.errors.append((number, column, reason))
        if row.errors:
            continue
        id_number = row.values["id_number"]
        if id_number in seen:
            result.errors.append((number, "身份证号", f"与第{seen[id_number]}行重复"))
            continue
        seen[id_number] = number
        row.values["_row"] = number
        clean.append(row.values)
    # One query per 500 rows for the IDs already on any roster.
    by_hash = {crypto.keyed_hash(v["id_number"], purpose="id_number"): v for v in clean}
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):
        for h in Member.objects.filter(id_number_hash__in=hashes[start : start + 500]).values_list(
            "id_number_hash", flat=True
        ):
            number = by_hash[h]["_row"]
            result.errors.append(
                (number, "身份证号", "该身份证号已在系统花名册中；如是转入人员，请办理组织关系转入")
            )
    result.errors.sort(key=lambda e: e[0])
    if result.rows == 0 and not result.errors:
        result.errors.append((2, "姓名", "表格中没有数据行"))
    for v in clean:
        result.counts[v["category"]] += 1
    return result, clean


@transaction.atomic
def roster_import(
    *,
    actor: User | None,
    branch: Organization,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    header_errors: Sequence[tuple[int, str, str]] = (),
    dry_run: bool = False,
) -> ImportResult:
    """Import a roster: every row valid and all written, or nothing written at all."""
    _check_branch(branch)
    result, clean = roster_check(branch=branch, rows=rows, header_errors=header_errors)
    if not result.ok or dry_run:
        return result
    groups = _groups_of(branch)
    members = []
    for v in clean:
        member = Member(branch=branch, category=v["category"])
        _apply(member, v, groups)
        member.in_branch_since = v["in_branch_since"]
        members.append(member)
    insert_many(Member, members)
    pks: dict[str, int] = {}
    hashes = [m.id_number_hash for m in members]
    for start in range(0, len(hashes), 500):
        pks.update(
            Member.objects.filter(id_number_hash__in=hashes[start : start + 500]).values_list(
                "id_number_hash", "pk"
            )
        )
    events = []
    for m in members:
        m.pk = pks[m.id_number_hash]
        events.append(
            audit.event_for(
                "member.create",
                m,
                organization=branch,
                changes=audit.created({**m.audit_values(), "source": "花名册导入"}),
            )
        )
    events.append(
        audit.event_for(
            "roster.import",
            branch,
            organization=branch,
            changes={"rows": [None, result.rows], "counts": [None, dict(result.counts)]},
        )
    )
    audit.record_many(actor, events)
    result.written = True
    return result


@transaction.atomic
def roster_export(
    *, actor: User | None, organization: Organization, members: Iterable[Member]
) -> bytes:
    """The roster as .xlsx in the import's columns. Taking personal data out is recorded."""
    from zhibu.members import roster

    members = list(members)
    data = roster.build_workbook(members)
    audit.record(
        actor,
        "roster.export",
        organization,
        organization=organization,
        changes={"rows": [None, len(members)]},
    )
    return data
