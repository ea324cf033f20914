"""Every write to the problem list and the 整改台账 (STYLE.md rule 2): keyword-only, an explicit
actor, atomic, one audit event each.

Who may do what is decided by ``rectification.access`` in the views; the services check what
makes a change wrong whoever asks (a closed problem is not edited, a measure's responsible
member is in the branch, a deadline is a real date, closing needs every measure done).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.core import audit
from zhibu.core.dates import zh_date
from zhibu.meetings.services import ATTACHMENT_MAX_BYTES as EVIDENCE_MAX_BYTES
from zhibu.meetings.services import ATTACHMENT_TYPES as EVIDENCE_TYPES
from zhibu.members.models import PARTY_CATEGORIES, Member
from zhibu.notices.services import notify
from zhibu.orgs.models import Organization, OrgKind
from zhibu.orgs.queries import officer_users
from zhibu.rectification import rules
from zhibu.rectification.models import (
    Evidence,
    Interview,
    Measure,
    MeasureStatus,
    OwnerKind,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemStatus,
    Publication,
    Recheck,
    RecheckResult,
    Source,
)

MAX_MEASURES = 20
BRANCH_KINDS = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE)


# --- helpers --------------------------------------------------------------------------------


def _values(problem: Problem) -> dict[str, Any]:
    return {
        "owner": problem.owner_label,
        "source": problem.get_source_display(),
        "category": problem.category.name,
        "description": problem.description,
        "target": problem.target,
        "cause_thinking": problem.cause_thinking,
        "cause_ability": problem.cause_ability,
        "cause_family": problem.cause_family,
        "cause_other": problem.cause_other,
        "year": problem.year,
        "remark": problem.remark,
    }


def _measure_values(m: Measure) -> dict[str, Any]:
    return {
        "text": m.text,
        "responsible": m.responsible.name,
        "deadline": m.deadline,
        "status": m.get_status_display(),
    }


def _locked(problem: Problem) -> Problem:
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("organization", "owner_member", "category")
        .get(pk=problem.pk)
    )


def _refresh_status(problem: Problem) -> tuple[str, str]:
    """Derive the status from the measures (a closed problem stays closed)."""
    before = problem.status
    statuses = list(problem.measures.values_list("status", flat=True))
    problem.status = rules.problem_status(statuses, closed=problem.status == rules.CLOSED)
    if problem.status != before:
        problem.save(update_fields=["status"])
    return before, problem.status


def plain(value: str) -> str:
    """Text as stored: line breaks as ``\n`` (browsers post ``\r\n``), so that the 材料质检
    findings' character offsets mean the same in the stored text and on the page."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def clean_text(value: str, field: str, label: str, max_length: int | None = None) -> str:
    value = plain(value)
    if not value:
        raise ValidationError({field: f"请填写{label}"})
    if max_length and len(value) > max_length:
        raise ValidationError({field: f"{label}不能超过{max_length}个字"})
    return value


def _responsible_ok(problem_org: Organization, member: Member | None, field: str) -> Member:
    if member is None:
        raise ValidationError({field: "请选择责任人"})
    if not member.is_current:
        raise ValidationError({field: f"{member.name}已不在党组织中，不能担任责任人"})
    if not member.is_party_member:
        raise ValidationError({field: f"{member.name}不是党员，不能担任整改责任人"})
    if not member.branch.path.startswith(problem_org.path):
        raise ValidationError({field: f"{member.name}不是{problem_org.name}的党员，不能担任责任人"})
    return member


def _deadline_ok(deadline: Any, field: str, today: dt.date) -> dt.date:
    if not isinstance(deadline, dt.date):
        raise ValidationError({field: "请填写整改时限（日期）"})
    if deadline < today:
        raise ValidationError({field: "整改时限不能早于今天"})
    if deadline > today + dt.timedelta(days=366 * 3):
        raise ValidationError({field: "整改时限不能超过三年；长期坚持的事项请分阶段写明时限"})
    return deadline


@dataclass(frozen=True)
class MeasureInput:
    text: str
    responsible: Member | None
    deadline: dt.date | None


def _new_measures(
    problem: Problem, measures: Sequence[MeasureInput], today: dt.date, start: int = 0
) -> list[Measure]:
    """Checked, unsaved measures. One measure reports errors on its own fields (``text``,
    ``responsible``, ``deadline``); several report them under ``measures``, numbered."""
    rows = []
    for i, m in enumerate(measures):
        try:
            rows.append(
                Measure(
                    problem=problem,
                    text=clean_text(m.text, "text", "整改措施", 2000),
                    responsible=_responsible_ok(problem.organization, m.responsible, "responsible"),
                    deadline=_deadline_ok(m.deadline, "deadline", today),
                    position=start + i,
                )
            )
        except ValidationError as exc:
            if len(measures) == 1:
                raise
            raise ValidationError(
                {"measures": [f"第{i + 1}项措施：{msg}" for msg in exc.messages]}
            ) from None
    return rows


def _recurs_ok(problem: Problem, earlier: Problem | None) -> None:
    if earlier is None:
        return
    same_owner = (
        earlier.owner_member_id == problem.owner_member_id
        if problem.owner_member_id is not None
        else (earlier.organization_id, earlier.owner_kind)
        == (problem.organization_id, problem.owner_kind)
    )
    if earlier.pk == problem.pk or earlier.year >= problem.year or not same_owner:
        raise ValidationError({"recurs": "只能选同一主体往年的问题"})


def _earlier_match(problem: Problem) -> Problem | None:
    """The same owner's most alike problem of an earlier year, when alike enough (老问题)."""
    from zhibu.textcheck.similarity import similarity

    earlier = Problem.objects.filter(
        organization=problem.organization, owner_kind=problem.owner_kind, year__lt=problem.year
    )
    if problem.owner_kind == rules.OWNER_MEMBER:
        earlier = Problem.objects.filter(owner_member=problem.owner_member, year__lt=problem.year)
    best, best_score = None, settings.TEXTCHECK_SIMILARITY
    for row in earlier.exclude(pk=problem.pk).only("pk", "description", "year"):
        score = similarity(problem.description, row.description)
        if score >= best_score:
            best, best_score = row, score
    return best


def _recurred_in(earlier: Problem, problem: Problem, actor: User | None, today: dt.date) -> None:
    """The earlier problem came back as a new one: its pending 回头看 has its answer."""
    note = f"{problem.year}年再次查摆出同一问题（问题#{problem.pk}），按新问题整改"
    if earlier.rechecks.filter(done_on__isnull=True).update(
        done_on=today, result=RecheckResult.RECURRED, note=note, checked_by=actor
    ):
        ProblemEvent.objects.create(problem=earlier, kind=ProblemEvent.Kind.RECHECKED, on=today,
                                    note=f"{RecheckResult.RECURRED.label}：{note}", by=actor)  # fmt: skip
        audit.record(
            actor, "recheck.record", earlier, organization=earlier.organization,
            changes={"result": [None, RecheckResult.RECURRED.label], "note": [None, note]},
        )  # fmt: skip


def source_of(obj: Model | None) -> tuple[str, int | None]:
    return (obj._meta.label_lower, obj.pk) if obj is not None else ("", None)


# --- categories -------------------------------------------------------------------------------


@transaction.atomic
def category_save(
    *,
    actor: User | None,
    category: ProblemCategory | None,
    name: str,
    position: int = 0,
    active: bool = True,
) -> ProblemCategory:
    """Add or change a 问题类别 (the editable list). Problems keep their category when it is
    renamed or retired."""
    name = clean_text(name, "name", "类别名称", 40)
    clash = ProblemCategory.objects.filter(name=name)
    if category is not None and category.pk:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"name": f"已有类别“{name}”"})
    if category is None or not category.pk:
        row = ProblemCategory.objects.create(name=name, position=position, active=active)
        audit.record(actor, "category.create", row,
                     changes=audit.created({"name": name, "position": position, "active": active}))  # fmt: skip
        return row
    row = ProblemCategory.objects.select_for_update().get(pk=category.pk)
    before = {"name": row.name, "position": row.position, "active": row.active}
    row.name, row.position, row.active = name, position, active
    row.save(update_fields=["name", "position", "active"])
    changes = audit.diff(before, {"name": name, "position": position, "active": active})
    if changes:
        audit.record(actor, "category.update", row, changes=changes)
    return row


# --- problems -------------------------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    actor: User | None,
    organization: Organization,
    owner_kind: str,
    owner_member: Member | None = None,
    source: str,
    category: ProblemCategory,
    description: str,
    year: int,
    measures: Sequence[MeasureInput],
    target: str = "",
    cause_thinking: str = "",
    cause_ability: str = "",
    cause_family: str = "",
    cause_other: str = "",
    source_note: str = "",
    source_object: Model | None = None,
    remark: str = "",
    today: dt.date | None = None,
) -> Problem:
    """查摆一个问题 with its measures. The problem's earlier-year twin, if any, is linked as
    ``recurs`` (老问题)."""
    today = today or timezone.localdate()
    if organization.kind not in BRANCH_KINDS:
        raise ValidationError({"organization": "问题应登记在党支部（或党总支、党委）"})
    if owner_kind not in OwnerKind.values:
        raise ValidationError({"owner_kind": "请选择问题主体"})
    if owner_kind == rules.OWNER_MEMBER:
        if owner_member is None:
            raise ValidationError({"owner_member": "问题主体是党员个人时，请选择党员"})
        if owner_member.branch_id != organization.pk or not owner_member.is_party_member:
            raise ValidationError({"owner_member": f"{owner_member.name}不是本支部的党员"})
    else:
        owner_member = None
    if source not in Source.values:
        raise ValidationError({"source": "请选择问题来源"})
    if not category.active:
        raise ValidationError({"category": f"问题类别“{category.name}”已停用"})
    if not 1921 <= int(year) <= today.year + 1:
        raise ValidationError({"year": f"查摆年度应在1921年到{today.year + 1}年之间"})
    if not measures:
        raise ValidationError({"measures": "每个问题至少要有一项整改措施"})
    if len(measures) > MAX_MEASURES:
        raise ValidationError({"measures": f"一个问题最多{MAX_MEASURES}项整改措施"})
    source_type, source_id = source_of(source_object)
    problem = Problem(
        organization=organization,
        owner_kind=owner_kind,
        owner_member=owner_member,
        source=source,
        source_type=source_type,
        source_id=source_id,
        source_note=source_note.strip()[:200],
        category=category,
        description=clean_text(description, "description", "问题表现", 4000),
        target=plain(target)[:300],
        cause_thinking=plain(cause_thinking),
        cause_ability=plain(cause_ability),
        cause_family=plain(cause_family),
        cause_other=plain(cause_other),
        year=int(year),
        remark=remark.strip()[:300],
        created_by=actor,
    )
    rows = _new_measures(problem, measures, today)
    problem.recurs = _earlier_match(problem)
    problem.save()
    Measure.objects.bulk_create(rows)
    if problem.recurs is not None:
        _recurred_in(problem.recurs, problem, actor, today)
    for row in rows:
        _deadline_notice(row, problem, actor)
    audit.record(
        actor, "problem.create", problem, organization=organization,
        changes=audit.created(
            _values(problem)
            | {"measures": [f"{r.text}（{r.responsible.name}，{r.deadline}前）" for r in rows]}
            | {"recurs": str(problem.recurs) if problem.recurs else None}
        ),
    )  # fmt: skip
    return problem


@transaction.atomic
def problem_update(*, actor: User | None, problem: Problem, **fields: Any) -> Problem:
    """Change what the problem says (not its measures or status). Closed problems are kept as
    they were closed: reopen first."""
    problem = _locked(problem)
    if problem.is_closed:
        raise ValidationError("问题已销号，不能修改；如需继续整改，请先重新打开")
    allowed = {
        "source", "category", "description", "target", "cause_thinking", "cause_ability",
        "cause_family", "cause_other", "source_note", "remark", "recurs",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"problem_update() got unexpected fields: {sorted(unknown)}")
    before = _values(problem)
    if "description" in fields:
        fields["description"] = clean_text(fields["description"], "description", "问题表现", 4000)
    if "source" in fields and fields["source"] not in Source.values:
        raise ValidationError({"source": "请选择问题来源"})
    category = fields.get("category")
    if category is not None and not category.active and category.pk != problem.category_id:
        raise ValidationError({"category": f"问题类别“{category.name}”已停用"})
    recurs_before = problem.recurs_id
    if "recurs" in fields:
        _recurs_ok(problem, fields["recurs"])
        if (fields["recurs"].pk if fields["recurs"] else None) != recurs_before:
            problem.recurs_by_hand = True
    for key, value in fields.items():
        setattr(problem, key, plain(value) if isinstance(value, str) else value)
    # A person's choice of 老问题 stands; otherwise new words are compared again.
    if "description" in fields and not problem.recurs_by_hand:
        problem.recurs = _earlier_match(problem)
    if problem.recurs_id != recurs_before:
        before["recurs"] = str(Problem.objects.get(pk=recurs_before)) if recurs_before else None
    problem.save()
    after = _values(problem)
    if "recurs" in before:
        after["recurs"] = str(problem.recurs) if problem.recurs else None
    changes = audit.diff(before, after)
    if changes:
        audit.record(actor, "problem.update", problem, organization=problem.organization,
                     changes=changes)  # fmt: skip
    return problem


@transaction.atomic
def problem_close(
    *, actor: User | None, problem: Problem, note: str = "", today: dt.date | None = None
) -> Problem:
    """销号: every measure done and checked by the person closing; a 回头看 is scheduled."""
    today = today or timezone.localdate()
    problem = _locked(problem)
    if problem.is_closed:
        raise ValidationError("问题已经销号")
    if problem.status != ProblemStatus.RECTIFIED:
        left = problem.measures.filter(status=MeasureStatus.OPEN).count()
        raise ValidationError(f"还有{left}项整改措施没有完成，不能销号")
    problem.measures.filter(status=MeasureStatus.DONE).update(
        status=MeasureStatus.VERIFIED, verified_on=today, verified_by=actor
    )
    problem.status = ProblemStatus.CLOSED
    problem.closed_on = today
    problem.closed_by = actor
    problem.save(update_fields=["status", "closed_on", "closed_by"])
    due = rules.recheck_due(today, settings.RECTIFICATION_RECHECK_MONTHS)
    Recheck.objects.create(problem=problem, due_on=due)
    ProblemEvent.objects.create(problem=problem, kind=ProblemEvent.Kind.CLOSED, on=today,
                                note=note.strip(), by=actor)  # fmt: skip
    audit.record(
        actor, "problem.close", problem, organization=problem.organization,
        changes={"status": [ProblemStatus.RECTIFIED.label, ProblemStatus.CLOSED.label],
                 "recheck_due": [None, due], "note": [None, note.strip() or None]},
    )  # fmt: skip
    _notify_owner(problem, "closed", f"问题已销号：{_short(problem)}",
                  f"{zh_date(today)}销号，{zh_date(due)}前后将回头看。")  # fmt: skip
    return problem


@transaction.atomic
def problem_reopen(
    *,
    actor: User | None,
    problem: Problem,
    reason: str,
    measure: MeasureInput,
    today: dt.date | None = None,
    verb: str = "problem.reopen",
) -> Problem:
    """重新整改 a closed problem: a reason and a new measure (the old ones were done and did not
    hold, so repeating them would change nothing: "措施仍然是旧措施"). The pending 回头看 is
    dropped; closing again schedules a new one."""
    today = today or timezone.localdate()
    problem = _locked(problem)
    if not problem.is_closed:
        raise ValidationError("只有已销号的问题才能重新打开")
    reason = clean_text(reason, "reason", "重新整改的原因", 2000)
    start = problem.measures.count()
    [row] = _new_measures(problem, [measure], today, start=start)
    row.save()
    problem.status = ProblemStatus.IN_PROGRESS  # the new measure is open, the old ones done
    problem.closed_on = None
    problem.closed_by = None
    problem.save(update_fields=["status", "closed_on", "closed_by"])
    cancelled = problem.rechecks.filter(done_on__isnull=True).update(
        done_on=today, result=RecheckResult.CANCELLED, note=f"重新整改，本次回头看取消：{reason}",
        checked_by=actor,
    )  # fmt: skip
    ProblemEvent.objects.create(problem=problem, kind=ProblemEvent.Kind.REOPENED, on=today,
                                note=reason, by=actor)  # fmt: skip
    audit.record(
        actor, verb, problem, organization=problem.organization,
        changes={"status": [ProblemStatus.CLOSED.label, ProblemStatus.IN_PROGRESS.label],
                 "reason": [None, reason],
                 "measure": [None, f"{row.text}（{row.responsible.name}，{row.deadline}前）"]}
        | ({"recheck": ["待回头看", RecheckResult.CANCELLED.label]} if cancelled else {}),
    )  # fmt: skip
    _deadline_notice(row, problem, actor)
    return problem


# --- measures -------------------------------------------------------------------------------


def _locked_measure(measure: Measure) -> tuple[Measure, Problem]:
    problem = _locked(measure.problem)
    row = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("responsible")
        .get(pk=measure.pk)
    )
    row.problem = problem
    return row, problem


@transaction.atomic
def measure_add(
    *, actor: User | None, problem: Problem, measure: MeasureInput, today: dt.date | None = None
) -> Measure:
    today = today or timezone.localdate()
    problem = _locked(problem)
    if problem.is_closed:
        raise ValidationError("问题已销号，不能再加措施；如需继续整改，请重新打开")
    start = problem.measures.count()
    if start >= MAX_MEASURES:
        raise ValidationError(f"一个问题最多{MAX_MEASURES}项整改措施")
    [row] = _new_measures(problem, [measure], today, start=start)
    row.save()
    before, after = _refresh_status(problem)
    audit.record(
        actor, "measure.add", problem, organization=problem.organization,
        changes={"measure": [None, f"{row.text}（{row.responsible.name}，{row.deadline}前）"]}
        | ({"status": [dict(ProblemStatus.choices)[before], dict(ProblemStatus.choices)[after]]}
           if before != after else {}),
    )  # fmt: skip
    _deadline_notice(row, problem, actor)
    return row


@transaction.atomic
def measure_update(
    *,
    actor: User | None,
    measure: Measure,
    text: str,
    responsible: Member | None,
    deadline: dt.date | None,
    today: dt.date | None = None,
) -> Measure:
    """Change an unfinished measure. Moving its deadline is allowed and stays in the trail, so a
    committee sees how often a date slipped."""
    today = today or timezone.localdate()
    row, problem = _locked_measure(measure)
    if problem.is_closed or row.status != MeasureStatus.OPEN:
        raise ValidationError("已完成的措施不能修改")
    before = _measure_values(row)
    row.text = clean_text(text, "text", "整改措施", 2000)
    row.responsible = _responsible_ok(problem.organization, responsible, "responsible")
    if deadline != row.deadline:
        row.deadline = _deadline_ok(deadline, "deadline", today)
    row.save(update_fields=["text", "responsible", "deadline"])
    changes = audit.diff(before, _measure_values(row))
    if changes:
        audit.record(actor, "measure.update", problem, organization=problem.organization,
                     changes=changes, label=f"{problem}（措施：{row.text[:30]}）")  # fmt: skip
    if "responsible" in changes or "deadline" in changes:
        _deadline_notice(row, problem, actor)
    return row


def _evidence_check(files: Iterable[UploadedFile]) -> list[UploadedFile]:
    out = []
    for f in files:
        name = (f.name or "").rsplit("/", 1)[-1]
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if suffix not in EVIDENCE_TYPES:
            raise ValidationError(
                {"files": "佐证材料只能是图片、PDF、Word、Excel、PowerPoint 或文本文件"}
            )
        if (f.size or 0) > EVIDENCE_MAX_BYTES:
            raise ValidationError({"files": f"“{name}”超过20MB"})
        out.append(f)
    return out


@transaction.atomic
def measure_complete(
    *,
    actor: User | None,
    measure: Measure,
    evidence: str,
    done_on: dt.date | None = None,
    files: Sequence[UploadedFile] = (),
    today: dt.date | None = None,
) -> Measure:
    """The responsible member (or an officer) reports a measure done, saying what was done."""
    today = today or timezone.localdate()
    done_on = done_on or today
    row, problem = _locked_measure(measure)
    if problem.is_closed:
        raise ValidationError("问题已销号")
    if row.status != MeasureStatus.OPEN:
        raise ValidationError("这项措施已经登记完成")
    evidence = clean_text(evidence, "evidence", "完成情况（做了什么、效果如何）", 4000)
    if done_on > today:
        raise ValidationError({"done_on": "完成日期不能晚于今天"})
    if done_on.year < problem.year:
        raise ValidationError({"done_on": "完成日期不能早于问题查摆的年度"})
    checked = _evidence_check(files)
    row.status = MeasureStatus.DONE
    row.evidence = evidence
    row.done_on = done_on
    row.save(update_fields=["status", "evidence", "done_on"])
    for f in checked:
        name = (f.name or "").rsplit("/", 1)[-1]
        ev = Evidence(measure=row, name=name[:200], size=f.size or 0, uploaded_by=actor)
        ev.file.save(name, f, save=False)
        ev.save()
    before, after = _refresh_status(problem)
    labels = dict(ProblemStatus.choices)
    audit.record(
        actor, "measure.complete", problem, organization=problem.organization,
        changes={"measure": [None, row.text[:60]], "evidence": [None, evidence],
                 "done_on": [None, done_on],
                 "files": [None, [f.name for f in checked] or None]}
        | ({"status": [labels[before], labels[after]]} if before != after else {}),
    )  # fmt: skip
    if after == rules.RECTIFIED:
        _notify_closers(problem)
    return row


@transaction.atomic
def measure_return(*, actor: User | None, measure: Measure, reason: str) -> Measure:
    """退回: the secretary finds a measure reported done is not; it is open again, with why."""
    row, problem = _locked_measure(measure)
    if problem.is_closed:
        raise ValidationError("问题已销号；如需继续整改，请重新打开")
    if row.status == MeasureStatus.OPEN:
        raise ValidationError("这项措施还没有登记完成")
    reason = clean_text(reason, "reason", "退回的原因", 1000)
    row.status = MeasureStatus.OPEN
    row.done_on = None
    row.evidence = f"{row.evidence}\n【退回】{reason}".strip()
    row.save(update_fields=["status", "done_on", "evidence"])
    before, after = _refresh_status(problem)
    labels = dict(ProblemStatus.choices)
    audit.record(
        actor, "measure.return", problem, organization=problem.organization,
        changes={"measure": [row.text[:60], row.text[:60]], "reason": [None, reason]}
        | ({"status": [labels[before], labels[after]]} if before != after else {}),
    )  # fmt: skip
    notify(
        users=User.objects.filter(member=row.responsible),
        key=f"measure:{row.pk}:returned:{timezone.now():%Y%m%d%H%M%S%f}",
        title=f"整改措施被退回：{row.text[:30]}",
        body=reason,
        url=reverse("rectification:detail", args=[problem.pk]),
    )
    return row


# --- 回头看 and 约谈 ----------------------------------------------------------------------------


@transaction.atomic
def recheck_record(
    *,
    actor: User | None,
    recheck: Recheck,
    result: str,
    note: str,
    measure: MeasureInput | None = None,
    today: dt.date | None = None,
) -> Recheck:
    """Record a 回头看. "Held" ends it; "recurred" reopens the problem with a new measure."""
    today = today or timezone.localdate()
    row = Recheck.objects.select_for_update().select_related("problem").get(pk=recheck.pk)
    if row.done_on is not None:
        raise ValidationError("这次回头看已经登记")
    if result not in RecheckResult.values:
        raise ValidationError({"result": "请选择检查结果"})
    note = clean_text(note, "note", "检查情况", 2000)
    if result == RecheckResult.RECURRED and measure is None:
        raise ValidationError({"measure_text": "问题反弹时，请写明新的整改措施"})
    row.done_on, row.result, row.note, row.checked_by = today, result, note, actor
    row.save(update_fields=["done_on", "result", "note", "checked_by"])
    problem = row.problem
    ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.RECHECKED, on=today,
        note=f"{RecheckResult(result).label}：{note}", by=actor,
    )  # fmt: skip
    audit.record(
        actor, "recheck.record", problem, organization=problem.organization,
        changes={"result": [None, RecheckResult(result).label], "note": [None, note]},
    )  # fmt: skip
    if result == RecheckResult.RECURRED and measure is not None:
        problem_reopen(actor=actor, problem=problem, reason=f"回头看发现问题反弹：{note}",
                       measure=measure, today=today, verb="problem.recur")  # fmt: skip
    return row


@transaction.atomic
def interview_record(
    *,
    actor: User | None,
    problem: Problem,
    held_on: dt.date | None,
    interviewee: str,
    summary: str,
    today: dt.date | None = None,
) -> Interview:
    """约谈 by the committee about a long-overdue problem."""
    today = today or timezone.localdate()
    problem = _locked(problem)
    if not isinstance(held_on, dt.date):
        raise ValidationError({"held_on": "请填写约谈日期"})
    if held_on > today:
        raise ValidationError({"held_on": "约谈日期不能晚于今天（约谈后再登记）"})
    row = Interview.objects.create(
        problem=problem,
        held_on=held_on,
        interviewee=clean_text(interviewee, "interviewee", "约谈对象", 100),
        summary=clean_text(summary, "summary", "约谈情况", 4000),
        recorded_by=actor,
    )
    ProblemEvent.objects.create(problem=problem, kind=ProblemEvent.Kind.INTERVIEW, on=held_on,
                                note=f"约谈{row.interviewee}：{row.summary}", by=actor)  # fmt: skip
    audit.record(
        actor, "interview.record", problem, organization=problem.organization,
        changes={"interviewee": [None, row.interviewee], "held_on": [None, held_on],
                 "summary": [None, row.summary]},
    )  # fmt: skip
    return row


# --- 公示 -------------------------------------------------------------------------------------


@transaction.atomic
def publication_create(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    problems: Iterable[Problem],
    show_measures: bool = True,
    show_progress: bool = True,
    note: str = "",
    contact: str = "",
    today: dt.date | None = None,
) -> Publication:
    today = today or timezone.localdate()
    title = clean_text(title, "title", "公示标题", 200)
    if not isinstance(starts_on, dt.date):
        raise ValidationError({"starts_on": "请填写公示开始日期"})
    if not isinstance(ends_on, dt.date):
        raise ValidationError({"ends_on": "请填写公示结束日期"})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "公示结束日期不能早于开始日期"})
    chosen = list({p.pk: p for p in problems}.values())
    if not chosen:
        raise ValidationError({"problems": "请至少选择一个要公示的问题"})
    stray = [p for p in chosen if p.organization_id != organization.pk]
    if stray:
        raise ValidationError({"problems": "只能公示本支部的问题"})
    row = Publication.objects.create(
        organization=organization, title=title, note=note.strip(), starts_on=starts_on,
        ends_on=ends_on, show_measures=show_measures, show_progress=show_progress,
        contact=contact.strip()[:100], created_by=actor,
    )  # fmt: skip
    row.problems.set(chosen)
    audit.record(
        actor, "publication.create", row, organization=organization,
        changes=audit.created({"title": title, "starts_on": starts_on, "ends_on": ends_on,
                               "problems": len(chosen), "show_measures": show_measures,
                               "show_progress": show_progress}),
    )  # fmt: skip
    if starts_on <= today:
        _announce(row)
    # A 公示 starting later is announced on its first day by ``zhibu remind``.
    return row


def _announce(row: Publication) -> int:
    """Tell the branch's party members (who may read it) that a 公示 is up."""
    return notify(
        users=User.objects.filter(
            is_active=True,
            member__branch_id=row.organization_id,
            member__status="active",
            member__category__in=PARTY_CATEGORIES,
        ),
        key=f"publication:{row.pk}",
        title=f"公示：{row.title}",
        body=f"公示期 {zh_date(row.starts_on)} 至 {zh_date(row.ends_on)}。",
        url=reverse("rectification:publication", args=[row.pk]),
    )


@transaction.atomic
def publication_withdraw(*, actor: User | None, publication: Publication) -> Publication:
    row = Publication.objects.select_for_update().get(pk=publication.pk)
    if row.withdrawn_at is not None:
        return row
    row.withdrawn_at = timezone.now()
    row.save(update_fields=["withdrawn_at"])
    audit.record(actor, "publication.withdraw", row, organization=row.organization,
                 changes={"withdrawn_at": [None, row.withdrawn_at]})  # fmt: skip
    return row


# --- notices ----------------------------------------------------------------------------------


def _short(problem: Problem) -> str:
    return problem.description.strip().splitlines()[0][:30] if problem.description else ""


def _notify_owner(problem: Problem, what: str, title: str, body: str) -> None:
    if problem.owner_member_id is None:
        return
    notify(
        users=User.objects.filter(member_id=problem.owner_member_id),
        key=f"problem:{problem.pk}:{what}:{problem.closed_on or timezone.localdate()}",
        title=title,
        body=body,
        url=reverse("rectification:detail", args=[problem.pk]),
    )


def closers(problem: Problem) -> list[User]:
    """Who verifies and closes (and is told of 待销号 and 回头看): the branch's secretaries for a
    member's problem; the committee above for the branch's or its committee's own problems
    (对单销号 by the level above). Never the member the problem is about: when that is the
    secretary, the branch's other officers, else whoever closed it, else the level above."""
    org = problem.organization
    if problem.owner_kind != rules.OWNER_MEMBER and org.parent_id is not None:
        return officer_users(org.parent)  # type: ignore[arg-type]
    owner = problem.owner_member_id

    def others(users: list[User]) -> list[User]:
        return [u for u in users if owner is None or u.member_id != owner]

    for candidates in (
        lambda: officer_users(org, secretaries_only=True),
        lambda: officer_users(org),
        lambda: [problem.closed_by] if problem.closed_by_id else [],
        lambda: officer_users(org.parent) if org.parent_id else [],  # type: ignore[arg-type]
    ):
        found = others([u for u in candidates() if u is not None])
        if found:
            return found
    return []


def escalation_users(org: Organization) -> list[User]:
    """Who hears of a problem long overdue: the officers of the level above, and of the nearest
    党委 above when that level is a 党总支 (the committee keeps the 通报)."""
    users: dict[int, User] = {}
    parent = org.parent
    while parent is not None:
        for u in officer_users(parent):
            users[u.pk] = u
        if parent.kind == OrgKind.COMMITTEE:
            break
        parent = parent.parent
    return list(users.values())


def _notify_closers(problem: Problem) -> None:
    notify(
        users=closers(problem),
        key=f"problem:{problem.pk}:rectified:{timezone.localdate()}",
        title=f"整改措施已全部完成，待核实销号：{_short(problem)}",
        body=f"{problem.organization.name} · {problem.owner_label}",
        url=reverse("rectification:detail", args=[problem.pk]),
    )


def _deadline_notice(row: Measure, problem: Problem, actor: User | None = None) -> None:
    """Tell the responsible member about a measure put on them (not when they put it there)."""
    users = User.objects.filter(member_id=row.responsible_id)
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    notify(
        users=users,
        key=f"measure:{row.pk}:assigned:{row.responsible_id}:{row.deadline.isoformat()}",
        title=f"您有一项整改措施：{row.text[:30]}",
        body=f"时限：{zh_date(row.deadline)}前。问题：{_short(problem)}",
        url=reverse("rectification:detail", args=[problem.pk]),
    )


@dataclass
class DeadlineReminded:
    soon: int = 0
    due: int = 0
    overdue: int = 0
    escalated: int = 0
    rechecks: int = 0
    publications: int = 0

    @property
    def notices(self) -> int:
        return (
            self.soon + self.due + self.overdue + self.escalated + self.rechecks
            + self.publications
        )  # fmt: skip


def _sent(keys: Iterable[str]) -> set[str]:
    """Which of these notice keys went out already (to anyone): one query for the whole run,
    so a daily job over years of late measures does not ask once per measure."""
    from zhibu.notices.models import Notice

    wanted = list(set(keys))
    out: set[str] = set()
    for i in range(0, len(wanted), 500):
        out |= set(Notice.objects.filter(key__in=wanted[i : i + 500]).values_list("key", flat=True))
    return out


def deadline_reminders_send(*, today: dt.date | None = None) -> DeadlineReminded:
    """Daily (``zhibu remind``): the responsible member ``RECTIFICATION_REMIND_DAYS`` before and on
    the deadline; the branch secretary once a measure is overdue; the level above (and the
    nearest 党委) once it is more than ``RECTIFICATION_ESCALATE_DAYS`` overdue; the 回头看 that
    fall due; and the 公示 that start today.

    Each notice's key names the measure and its deadline, so a run repeated the same day sends
    nothing new, and a deadline moved later starts the sequence again.
    """
    today = today or timezone.localdate()
    remind, escalate = settings.RECTIFICATION_REMIND_DAYS, settings.RECTIFICATION_ESCALATE_DAYS
    out = DeadlineReminded()
    rows = list(
        Measure.objects.unfinished()
        .filter(deadline__lte=today + dt.timedelta(days=remind))
        .select_related("problem__organization__parent", "problem__owner_member", "responsible")
        .order_by("deadline", "pk")
    )
    steps: list[tuple[Measure, str, str]] = []
    for m in rows:
        level = rules.deadline_level(m.deadline, today, done=False, remind_days=remind,
                                     escalate_days=escalate)  # fmt: skip
        base = f"measure:{m.pk}:{m.deadline.isoformat()}"
        if level in (rules.LEVEL_SOON, rules.LEVEL_DUE):
            steps.append((m, level, f"{base}:{level}"))
        if level in (rules.LEVEL_OVERDUE, rules.LEVEL_ESCALATED):
            steps.append((m, rules.LEVEL_OVERDUE, f"{base}:overdue"))
        if level == rules.LEVEL_ESCALATED:
            steps.append((m, rules.LEVEL_ESCALATED, f"{base}:escalated"))
    sent = _sent(key for _, _, key in steps)
    officers: dict[tuple[str, int], list[User]] = {}
    for m, step, key in steps:
        if key in sent:
            continue
        problem, org = m.problem, m.problem.organization
        url = reverse("rectification:detail", args=[problem.pk])
        late = (today - m.deadline).days
        if step == rules.LEVEL_SOON:
            out.soon += notify(users=User.objects.filter(member_id=m.responsible_id), key=key,
                               url=url, title=f"整改时限还有{-late}天：{m.text[:30]}",
                               body=f"请在{zh_date(m.deadline)}前完成，完成后在问题页面登记。")  # fmt: skip
        elif step == rules.LEVEL_DUE:
            out.due += notify(users=User.objects.filter(member_id=m.responsible_id), key=key,
                              url=url, title=f"今天是整改时限：{m.text[:30]}",
                              body="请今天完成并登记完成情况；不能完成的请向支部书记说明。")  # fmt: skip
        elif step == rules.LEVEL_OVERDUE:
            if ("branch", org.pk) not in officers:
                officers[("branch", org.pk)] = officer_users(org, secretaries_only=True)
            out.overdue += notify(
                users=officers[("branch", org.pk)], key=key, url=url,
                title=f"整改措施已逾期：{m.responsible.name}「{m.text[:24]}」",
                body=f"时限{zh_date(m.deadline)}，已逾期{late}天。问题：{_short(problem)}",
            )  # fmt: skip
        else:
            if ("above", org.pk) not in officers:
                officers[("above", org.pk)] = escalation_users(org)
            out.escalated += notify(
                users=officers[("above", org.pk)], key=key, url=url,
                title=f"整改逾期超过{escalate}天：{org.name} {problem.owner_label}",
                body=f"「{m.text[:40]}」时限{zh_date(m.deadline)}，已逾期{late}天，已列入通报。",
            )  # fmt: skip
    due = list(
        Recheck.objects.filter(done_on__isnull=True, due_on__lte=today)
        .select_related("problem__organization__parent", "problem__closed_by")
        .order_by("due_on", "pk")
    )
    sent = _sent(f"recheck:{r.pk}:due" for r in due)
    for r in due:
        if f"recheck:{r.pk}:due" in sent:
            continue
        out.rechecks += notify(
            users=closers(r.problem), key=f"recheck:{r.pk}:due",
            title=f"回头看到期：{_short(r.problem)}",
            body=f"{r.problem.organization.name} · {r.problem.owner_label}，"
                 f"{zh_date(r.problem.closed_on or r.due_on)}销号，请检查整改成果是否巩固。",
            url=reverse("rectification:detail", args=[r.problem_id]),
        )  # fmt: skip
    showing = list(Publication.objects.showing(today))
    sent = _sent(f"publication:{p.pk}" for p in showing)
    for pub in showing:
        if f"publication:{pub.pk}" not in sent:
            out.publications += _announce(pub)
    return out
