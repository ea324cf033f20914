"""Every write to member records: create, edit, transfers, category and status changes, import."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.core import audit, crypto
from zhibu.core.bulk import insert_many
from zhibu.members import rules
from zhibu.members.models import (
    DISCIPLINE_LABELS,
    NO_DISCIPLINE,
    PARTY_PROBATION,
    Category,
    EventKind,
    Member,
    MemberEvent,
    Status,
    Transfer,
    TransferDirection,
    TransferState,
)
from zhibu.orgs.models import Organization, OrgKind, Position
from zhibu.orgs.services import end_open_positions

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


# The fields _apply sets, for save(update_fields=...).
APPLIED_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "id_number",
    "id_number_hash",
    "id_number_tail",
    "phone",
    "phone_hash",
    "education",
    "work_unit",
    "joined_on",
    "full_on",
    "group",
    "is_mobile",
    "mobile_location",
    "is_retired",
)


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


def _lists_refresh(*branches: Organization | None) -> None:
    """Keep the lists of the branches' meetings still ahead in step with the roster (the
    meetings app owns them; imported here to keep the apps' imports one way)."""
    from zhibu.meetings.services import attendance_refresh

    for branch in {b.pk: b for b in branches if b is not None}.values():
        attendance_refresh(branch=branch)


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
    _lists_refresh(branch)
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
    member.save(update_fields=[*APPLIED_FIELDS, "in_branch_since"])
    changes = audit.diff(before, member.audit_values())
    if changes:
        audit.record(actor, "member.update", member, organization=member.branch, changes=changes)
    _lists_refresh(member.branch)
    return member


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
    step = rules.CATEGORY_STEPS.get((member.category, to))
    if step is None:
        raise ValidationError(
            {"to": f"不能从{member.get_category_display()}直接变更为{Category(to).label}"}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    last = member.events.filter(kind=EventKind.CATEGORY).order_by("-on").first()
    if last is not None and on < last.on:
        raise ValidationError({"on": f"不能早于上一次类别变更的日期 {last.on.isoformat()}"})
    if to == Category.PROBATIONARY:
        if rules.age_on(member.birth_date, on) < rules.MIN_AGE:
            raise ValidationError({"on": f"接收为预备党员时未满{rules.MIN_AGE}周岁"})
        member.joined_on = on
    if to == Category.FULL:
        earliest = rules.probation_ends(member.joined_on) if member.joined_on else None
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
    _lists_refresh(member.branch)
    return member


def _leave(actor: User | None, member: Member, on: dt.date) -> dict[str, list[Any]]:
    """Someone leaves a branch: their offices there end, a login they had is switched off."""
    from zhibu.accounts.services import account_set_active

    ended = end_open_positions(Position.objects.filter(member=member), on)
    changes: dict[str, list[Any]] = {"positions_ended": [None, ended]}
    user = User.objects.filter(member=member, is_active=True).first()
    if user is not None:
        account_set_active(actor=actor, user=user, active=False)
        changes["login"] = ["启用", "停用"]
    return changes


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
    if on < member.in_branch_since:
        raise ValidationError(
            {"on": f"不能早于转入本支部日期 {member.in_branch_since.isoformat()}"}
        )
    if to == Status.REMOVED and not note.strip():
        raise ValidationError({"note": "请写明出党的依据（如支部大会决议、上级批复文号）"})
    old = member.status
    member.status, member.status_changed_on = to, on
    member.save(update_fields=["status", "status_changed_on"])
    left = _leave(actor, member, on)
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
            **left,
        },
    )
    _lists_refresh(member.branch)
    return member


@transaction.atomic
def member_party_probation_set(
    *, actor: User | None, member: Member, to: str, on: dt.date, note: str = ""
) -> Member:
    """留党察看 from ``on`` (``to="party_probation"``), or its end when the member's rights are
    restored (``to="none"``): a dated event, so who could vote on a past day stays known."""
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("branch").get(pk=member.pk)
    )
    if to not in DISCIPLINE_LABELS:
        raise ValidationError({"to": "请选择登记留党察看或恢复党员权利"})
    if not member.is_current or not member.is_party_member:
        raise ValidationError({"to": f"{member.name}不是在册党员"})
    starting = to == PARTY_PROBATION
    if starting == member.party_probation:
        raise ValidationError(
            {"to": f"{member.name}已在留党察看期间" if starting else f"{member.name}没有在留党察看"}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": "日期不能晚于今天"})
    last = member.events.filter(kind=EventKind.DISCIPLINE).order_by("-on").first()
    if last is not None and on < last.on:
        raise ValidationError({"on": f"不能早于上一次登记的日期 {last.on.isoformat()}"})
    if not note.strip():
        raise ValidationError({"note": "请写明处分决定或批复的文号"})
    member.party_probation = starting
    member.save(update_fields=["party_probation"])
    MemberEvent.objects.create(
        member=member, kind=EventKind.DISCIPLINE,
        from_value=NO_DISCIPLINE if starting else PARTY_PROBATION, to_value=to, on=on,
        note=note.strip(),
    )  # fmt: skip
    audit.record(
        actor, "member.party_probation", member, organization=member.branch,
        changes={"party_probation": [not starting, starting], "on": [None, on],
                 "note": [None, note.strip()]},
    )  # fmt: skip
    _lists_refresh(member.branch)
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
    """组织关系转出. To a branch outside zhibu it is done at once; to a branch in zhibu it waits
    for that branch to accept (``member_transfer_accept``), and the member stays here until then.
    """
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
    if Transfer.objects.pending().filter(member=member).exists():
        raise ValidationError({"to_org": f"{member.name}已有一份待接收的转出，请先撤回"})
    transfer = Transfer.objects.create(
        member=member,
        direction=TransferDirection.OUT,
        on=on,
        from_org=member.branch,
        to_org=to_org,
        to_name="" if to_org else to_name.strip(),
        letter_number=letter_number.strip(),
        note=note.strip(),
        state=TransferState.PENDING if to_org else TransferState.COMPLETED,
    )
    changes: dict[str, list[Any]] = {
        "to": [None, transfer.to_label],
        "on": [None, on],
        "letter_number": [None, transfer.letter_number],
        "transfer_state": [None, transfer.get_state_display()],
    }
    if to_org is None:
        member.status, member.status_changed_on = Status.TRANSFERRED_OUT, on
        member.save(update_fields=["status", "status_changed_on"])
        changes.update(_leave(actor, member, on))
    audit.record(actor, "member.transfer_out", member, organization=member.branch, changes=changes)
    if to_org is None:
        _lists_refresh(member.branch)
    return transfer


def _pending(transfer: Transfer) -> Transfer:
    locked = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "from_org", "to_org")
        .get(pk=transfer.pk)
    )
    if locked.state != TransferState.PENDING:
        raise ValidationError(
            {"state": f"这份转接的状态是“{locked.get_state_display()}”，不能再办理"}
        )
    return locked


@transaction.atomic
def member_transfer_accept(*, actor: User | None, transfer: Transfer, on: dt.date) -> Member:
    """The receiving branch accepts: from ``on`` the member belongs to it."""
    transfer = _pending(transfer)
    member = Member.objects.select_for_update(of=("self",)).get(pk=transfer.member_id)
    if on > timezone.localdate():
        raise ValidationError({"on": "接收日期不能晚于今天"})
    if on < transfer.on:
        raise ValidationError({"on": f"接收日期不能早于转出日期 {transfer.on.isoformat()}"})
    if transfer.to_org is None:  # only transfers inside zhibu wait to be accepted
        raise ValidationError({"state": "这份转接没有接收的党支部"})
    left = end_open_positions(Position.objects.filter(member=member), on)
    old_branch = transfer.from_org
    member.branch, member.group, member.in_branch_since = transfer.to_org, None, on
    member.save(update_fields=["branch", "group", "in_branch_since"])
    transfer.state, transfer.decided_on = TransferState.COMPLETED, on
    transfer.save(update_fields=["state", "decided_on"])
    Transfer.objects.create(
        member=member,
        direction=TransferDirection.IN,
        on=on,
        from_org=old_branch,
        to_org=transfer.to_org,
        letter_number=transfer.letter_number,
        note=transfer.note,
    )
    audit.record(
        actor,
        "member.transfer_in",
        member,
        organization=transfer.to_org,
        changes={
            "from": [None, old_branch.name if old_branch else ""],
            "on": [None, on],
            "letter_number": [None, transfer.letter_number],
            "positions_ended": [None, left],
        },
    )
    _lists_refresh(old_branch, member.branch)
    return member


@transaction.atomic
def member_transfer_reject(
    *, actor: User | None, transfer: Transfer, on: dt.date, reason: str
) -> Transfer:
    """The receiving branch sends the letter back; 不得无故拒收, so a reason is required."""
    transfer = _pending(transfer)
    if not reason.strip():
        raise ValidationError({"reason": "请写明退回的理由（无正当理由不得拒收）"})
    transfer.state, transfer.decided_on = TransferState.REJECTED, on
    transfer.decision_note = reason.strip()
    transfer.save(update_fields=["state", "decided_on", "decision_note"])
    audit.record(
        actor,
        "member.transfer_reject",
        transfer.member,
        organization=transfer.to_org,
        changes={"reason": [None, reason.strip()], "on": [None, on]},
    )
    return transfer


@transaction.atomic
def member_transfer_cancel(*, actor: User | None, transfer: Transfer) -> Transfer:
    """The sending branch withdraws a transfer the receiving branch has not yet accepted."""
    transfer = _pending(transfer)
    transfer.state, transfer.decided_on = TransferState.CANCELLED, timezone.localdate()
    transfer.save(update_fields=["state", "decided_on"])
    audit.record(
        actor,
        "member.transfer_cancel",
        transfer.member,
        organization=transfer.from_org,
        changes={"to": [transfer.to_label, None]},
    )
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
        # Never name the branch: the person may be in one the actor has no business knowing.
        raise ValidationError(
            {"id_number": "此人仍在系统花名册中，请由其所在党支部办理组织关系转出"}
        )
    if existing is not None and existing.status != Status.TRANSFERRED_OUT:
        raise ValidationError({"id_number": "此人的党籍状态不允许转入，请与上级党委联系"})
    if existing is not None and existing.status_changed_on and on < existing.status_changed_on:
        raise ValidationError({"on": "转入日期不能早于此人上次转出的日期"})
    if existing is not None:
        groups = _groups_of(branch)
        vv = _normalized(v, branch)
        vv["category"] = vv.get("category") or existing.category
        today = timezone.localdate()
        _raise_problems(rules.member_problems(vv, today=today, groups=frozenset(groups)))
        before = existing.audit_values()
        existing.branch, existing.category = branch, vv["category"]
        _apply(existing, vv, groups)
        existing.in_branch_since, existing.status, existing.status_changed_on = (
            on,
            Status.ACTIVE,
            on,
        )
        existing.save(
            update_fields=[
                *APPLIED_FIELDS,
                "in_branch_since",
                "branch",
                "category",
                "status",
                "status_changed_on",
            ]
        )
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
    _lists_refresh(branch)
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
    """Validate every row; cross-row duplicates and the existing roster are checked here.

    With a wrong header row the rows are not checked: every row would only repeat the header's
    problem (a missing 身份证号 column is 40,000 "必填" lines).
    """
    result = ImportResult(errors=list(header_errors))
    if header_errors:
        return result, []
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


def roster_import(
    *,
    actor: User | None,
    branch: Organization,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    header_errors: Sequence[tuple[int, str, str]] = (),
    dry_run: bool = False,
) -> ImportResult:
    """Import a roster: every row valid and all written, or nothing written at all.

    Checking runs before the write transaction, so a big file does not hold the database's
    write lock (on SQLite, the whole site's) while it is read; the transaction then re-checks
    the one thing that can change meanwhile, the IDs already on a roster.
    """
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
    with transaction.atomic():
        _roster_write(actor, branch, members, [v["_row"] for v in clean], result)
    return result


def _roster_write(
    actor: User | None,
    branch: Organization,
    members: list[Member],
    row_numbers: list[int],
    result: ImportResult,
) -> None:
    hashes = [m.id_number_hash for m in members]
    taken: set[str] = set()
    for start in range(0, len(hashes), 500):
        taken.update(
            Member.objects.filter(id_number_hash__in=hashes[start : start + 500]).values_list(
                "id_number_hash", flat=True
            )
        )
    if taken:  # written by someone else since the check: report, write nothing
        for n, m in zip(row_numbers, members, strict=True):
            if m.id_number_hash in taken:
                result.errors.append(
                    (n, "身份证号", "该身份证号刚被登记到系统花名册中，请核对后重试")
                )
        return
    insert_many(Member, members)
    pks: dict[str, int] = {}
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
            changes={
                "rows": [None, result.rows],
                "counts": [None, {Category(k).label: n for k, n in result.counts.items()}],
            },
        )
    )
    audit.record_many(actor, events)
    _lists_refresh(branch)
    result.written = True


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
