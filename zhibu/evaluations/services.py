"""Every write to a 民主评议党员 (STYLE.md rules 2 and 3): keyword-only, an explicit actor,
atomic, one audit event each.

The 互评/民主测评 is an evaluation poll of ``ballots``, created, opened and closed through its
services only: what a member voted never passes through here. The tally is read through
``ballots.queries.tally``, which shows nothing below the poll's ``min_responses_to_show``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.ballots import rules as ballot_rules
from zhibu.ballots import services as ballots
from zhibu.ballots.models import PollKind
from zhibu.core import audit
from zhibu.core.dates import zh_date
from zhibu.evaluations import rules
from zhibu.evaluations.models import (
    EntryCategory,
    Evaluation,
    EvaluationEntry,
    Stage,
)
from zhibu.evaluations.queries import tallies
from zhibu.lifemeetings.models import LifeMeeting
from zhibu.meetings.models import Meeting, MeetingKind, MeetingStatus
from zhibu.members.models import Category, Member
from zhibu.notices.services import notify
from zhibu.orgs.models import Organization, OrgKind
from zhibu.rectification import services as rectification
from zhibu.rectification.models import ProblemCategory, Source
from zhibu.rectification.services import MeasureInput, plain

MAX_SUMMARY = 3000
MAX_PUBLICATION_DAYS = 90
DEFAULT_CORRECTION_CATEGORY = "其他"


def excellent_share() -> Fraction:
    """The cap on 优秀 as a share of 正式党员: ``EVALUATION_EXCELLENT_SHARE`` in the settings,
    else the environment's ``ZHIBU_EVALUATION_EXCELLENT_SHARE``, else 1/3 (RULES.md §7)."""
    raw = getattr(settings, "EVALUATION_EXCELLENT_SHARE", None) or os.environ.get(
        "ZHIBU_EVALUATION_EXCELLENT_SHARE"
    )
    return rules.parse_share(raw) if raw else rules.DEFAULT_EXCELLENT_SHARE


def _locked(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("branch", "poll")
        .get(pk=evaluation.pk)
    )


def _members(evaluation: Evaluation) -> list[User]:
    ids = evaluation.entries.values("member_id")
    return list(User.objects.filter(member__in=ids, is_active=True))


def _names(grades: Mapping[int, str], names: Mapping[int, str]) -> dict[str, str]:
    """Grades as the audit trail shows them: 姓名 → 等次."""
    return {names[pk]: rules.GRADE_LABELS[g] for pk, g in grades.items() if g}


# --- start -----------------------------------------------------------------------------------


@transaction.atomic
def evaluation_start(
    *,
    actor: User | None,
    branch: Organization,
    year: int,
    life_meeting: LifeMeeting | None = None,
    today: dt.date | None = None,
    send_notice: bool = True,
) -> Evaluation:
    """Begin a branch's 民主评议党员 for a year: each current party member gets an entry, as
    a 正式党员 (graded) or a 预备党员 (takes part, not graded) as they are today."""
    today = today or timezone.localdate()
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError("民主评议党员由党支部组织：请先进入具体的党支部")
    if not 1921 <= int(year) <= today.year + 1:
        raise ValidationError({"year": f"评议年度应在1921年到{today.year + 1}年之间"})
    if Evaluation.objects.filter(branch=branch, year=year).exists():
        raise ValidationError({"year": f"{branch.name}已有{year}年度的民主评议"})
    if life_meeting is not None and (
        life_meeting.branch_id != branch.pk or life_meeting.year != int(year)
    ):
        raise ValidationError({"life_meeting": "请选择本支部同一年度的组织生活会"})
    members = list(
        Member.objects.current().party_members().filter(branch=branch).order_by("name", "pk")
    )
    if not any(m.category == Category.FULL for m in members):
        raise ValidationError("这个党支部还没有在册的正式党员，无法开展民主评议")
    evaluation = Evaluation.objects.create(
        branch=branch, year=int(year), life_meeting=life_meeting, created_by=actor
    )
    EvaluationEntry.objects.bulk_create(
        [
            EvaluationEntry(
                evaluation=evaluation,
                member=m,
                category=EntryCategory.FULL
                if m.category == Category.FULL
                else EntryCategory.PROBATIONARY,
            )
            for m in members
        ]
    )
    full = sum(1 for m in members if m.category == Category.FULL)
    audit.record(
        actor, "evaluation.start", evaluation, organization=branch,
        changes=audit.created({
            "year": evaluation.year, "life_meeting": life_meeting,
            "full_members": full, "probationary_members": len(members) - full,
        }),
    )  # fmt: skip
    if not send_notice:  # a record entered afterwards (the demo's past years)
        return evaluation
    users = User.objects.filter(member__in=members, is_active=True)
    notify(users=users, key=f"evaluation-{evaluation.pk}-start",
           title=f"请撰写{evaluation.year}年度民主评议个人小结",
           body=f"{branch.name}开展民主评议党员，请对照党员标准写个人小结。",
           url=reverse("evaluations:mine"))  # fmt: skip
    return evaluation


# --- 自评 --------------------------------------------------------------------------------------


@transaction.atomic
def self_assessment_save(
    *, actor: User | None, entry: EvaluationEntry, summary: str, submit: bool = False
) -> EvaluationEntry:
    """The member's own 个人小结 against the member standards: saved as a draft, or submitted.
    Only the member writes it, and only until the committee proposes the grades."""
    row = (
        EvaluationEntry.objects.select_for_update(of=("self",))
        .select_related("evaluation__branch", "member")
        .get(pk=entry.pk)
    )
    evaluation = row.evaluation
    if actor is None or actor.member_id != row.member_id:
        raise ValidationError("个人小结只能由本人撰写")
    if evaluation.reached(Stage.PROPOSED):
        raise ValidationError("支委会已经提出评定意见，个人小结不能再修改")
    text = plain(summary)
    if len(text) > MAX_SUMMARY:
        raise ValidationError({"summary": f"个人小结不能超过{MAX_SUMMARY}个字"})
    if submit and not text:
        raise ValidationError({"summary": "请先写个人小结再提交"})
    before = {"self_assessment": len(row.summary), "submitted": row.is_submitted}
    row.summary = text
    if submit:
        row.submitted_at = timezone.now()
    row.save(update_fields=["summary", "submitted_at"])
    after = {"self_assessment": len(text), "submitted": row.is_submitted}
    audit.record(
        actor, "evaluation.self_assessment_submit" if submit else "evaluation.self_assessment_save",
        evaluation, organization=evaluation.branch,
        label=f"{evaluation}（{row.member.name}的个人小结）", changes=audit.diff(before, after),
    )  # fmt: skip
    return row


# --- 互评 / 民主测评 ----------------------------------------------------------------------------


@transaction.atomic
def evaluation_voting_open(
    *,
    actor: User | None,
    evaluation: Evaluation,
    closes_at: dt.datetime | None = None,
    min_responses_to_show: int = 3,
) -> Evaluation:
    """Start the 民主测评: an evaluation poll with one grade question per 正式党员, open to
    every party member of the evaluation (预备党员 vote too; they are not graded)."""
    ev = _locked(evaluation)
    if ev.stage != Stage.SELF_ASSESSMENT or ev.poll_id is not None:
        raise ValidationError("民主测评已经开始")
    entries = list(ev.entries.select_related("member__branch").order_by("member__name", "pk"))
    voters = [e.member for e in entries if e.member.is_current and e.member.is_party_member]
    graded = [e.member for e in entries if e.is_full]
    if not graded:
        raise ValidationError("没有需要评定等次的正式党员")
    if closes_at is not None and closes_at <= timezone.now():
        raise ValidationError({"closes_at": "截止时间要晚于现在"})
    poll = ballots.poll_create(
        actor=actor, organization=ev.branch, kind=PollKind.EVALUATION,
        title=f"{ev.year}年度民主评议党员测评",
        description="无记名。请对照党员标准，对每位正式党员评定一个等次；预备党员参加评议但不评定等次。",
        questions=ballot_rules.evaluation_questions((m.pk, m.name) for m in graded),
        closes_at=closes_at, min_responses_to_show=min_responses_to_show,
    )  # fmt: skip
    ballots.poll_open(actor=actor, poll=poll, voters=voters)
    ev.poll, ev.stage = poll, Stage.VOTING
    ev.save(update_fields=["poll", "stage"])
    audit.record(
        actor, "evaluation.voting_open", ev, organization=ev.branch,
        changes={"stage": [Stage.SELF_ASSESSMENT.label, Stage.VOTING.label],
                 "evaluation_poll": [None, poll.title], "voters": len(voters)},
    )  # fmt: skip
    return ev


# --- the committee proposes ------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    evaluation: Evaluation
    check: rules.GradeCheck


def grade_check(
    evaluation: Evaluation, proposed: Mapping[int, str] | None = None
) -> rules.GradeCheck:
    """The rules applied to the proposed grades (stored ones unless given; by member id)."""
    entries = list(evaluation.entries.select_related("member"))
    if proposed is None:
        proposed = {e.member_id: e.proposed_grade for e in entries if e.proposed_grade}
    _, by_member = tallies(evaluation)
    return rules.check_grades(
        proposed,
        full=[e.member_id for e in entries if e.is_full],
        probationary=[e.member_id for e in entries if not e.is_full],
        tallies=by_member or {},
        names={e.member_id: e.member.name for e in entries},
        share=excellent_share(),
    )


@transaction.atomic
def grades_propose(
    *, actor: User | None, evaluation: Evaluation, grades: Mapping[int, str]
) -> Proposal:
    """支委会 proposes a grade for each 正式党员 (``grades``: member id → grade), after the
    民主测评 is over. Saved even when the check finds errors (too many 优秀, someone left out):
    the page shows them, and confirmation stays blocked until they are put right."""
    ev = _locked(evaluation)
    if ev.poll is None or not ev.poll.is_over:
        raise ValidationError("民主测评结束后，支委会才能提出评定意见")
    if ev.reached(Stage.CONFIRMED):
        raise ValidationError("支部党员大会已经确定评定结果，不能再修改")
    entries = {e.member_id: e for e in ev.entries.select_related("member")}
    grades = {int(k): (v or "") for k, v in grades.items()}
    errors = []
    for pk, grade in grades.items():
        entry = entries.get(pk)
        if entry is None:
            errors.append("评定对象必须是参加这次评议的党员")
        elif grade and grade not in rules.GRADES:
            errors.append(f"{entry.member.name}的评定等次无效")
        elif grade and not entry.is_full:
            errors.append(f"{entry.member.name}是预备党员，参加评议但不评定等次")
    if errors:
        raise ValidationError(errors)
    names = {pk: e.member.name for pk, e in entries.items()}
    before = {pk: e.proposed_grade for pk, e in entries.items()}
    changed = []
    for pk, grade in grades.items():
        entry = entries[pk]
        if entry.proposed_grade != grade:
            entry.proposed_grade = grade
            changed.append(entry)
    EvaluationEntry.objects.bulk_update(changed, ["proposed_grade"])
    stage_before = ev.get_stage_display()
    ev.stage, ev.proposed_at, ev.proposed_by = Stage.PROPOSED, timezone.now(), actor
    ev.save(update_fields=["stage", "proposed_at", "proposed_by"])
    after = {pk: e.proposed_grade for pk, e in entries.items()}
    check = grade_check(ev, {pk: g for pk, g in after.items() if g})
    audit.record(
        actor, "evaluation.propose", ev, organization=ev.branch,
        changes={"stage": [stage_before, ev.get_stage_display()],
                 "grades": [_names(before, names) or None, _names(after, names)],
                 "warnings": [None, len(check.errors) + len(check.warnings)]},
    )  # fmt: skip
    return Proposal(ev, check)


# --- the branch assembly confirms ------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """限期改正 for a 正式党员 graded 不合格: what falls short, what they will do, and how long
    the officers give them (6 months by default, at most 12)."""

    description: str
    measure: str
    months: int = rules.CORRECTION_MONTHS_DEFAULT
    category: ProblemCategory | None = None


def _check_assembly(ev: Evaluation, assembly: Meeting | None, confirmed_on: Any) -> dt.date:
    if assembly is None:
        raise ValidationError({"assembly": "请选择确定评定结果的支部党员大会"})
    if (
        assembly.branch_id != ev.branch_id
        or assembly.kind != MeetingKind.BRANCH_ASSEMBLY
        or assembly.status != MeetingStatus.HELD
    ):
        raise ValidationError({"assembly": "请选择本支部已经召开的支部党员大会"})
    if not isinstance(confirmed_on, dt.date):
        raise ValidationError({"confirmed_on": "请填写党员大会确定的日期"})
    if confirmed_on > timezone.localdate():
        raise ValidationError({"confirmed_on": "确定日期不能晚于今天"})
    if confirmed_on < assembly.date:
        raise ValidationError({"confirmed_on": "确定日期不能早于党员大会召开的日期"})
    return confirmed_on


def _correction_category(chosen: ProblemCategory | None) -> ProblemCategory:
    if chosen is not None:
        return chosen
    category = (
        ProblemCategory.objects.filter(active=True, name=DEFAULT_CORRECTION_CATEGORY).first()
        or ProblemCategory.objects.filter(active=True).order_by("position", "pk").first()
    )
    if category is None:
        raise ValidationError("整改台账还没有可用的问题类别，请先设置问题类别")
    return category


@transaction.atomic
def grades_confirm(
    *,
    actor: User | None,
    evaluation: Evaluation,
    assembly: Meeting | None,
    confirmed_on: dt.date | None,
    corrections: Mapping[int, Correction] | None = None,
) -> Evaluation:
    """支部党员大会 confirms the committee's proposed grades (RULES.md §7). Blocked while the
    check finds errors. Each 正式党员 graded 不合格 gets a 限期改正 case in the rectification
    ledger (``corrections``: member id → what and how long), owned by the member."""
    ev = _locked(evaluation)
    if ev.stage != Stage.PROPOSED:
        raise ValidationError("支委会提出评定意见后，才能由支部党员大会确定")
    on = _check_assembly(ev, assembly, confirmed_on)
    check = grade_check(ev)
    if not check.ok:
        raise ValidationError(check.errors)
    corrections = corrections or {}
    entries = list(ev.entries.select_related("member").order_by("member__name", "pk"))
    unqualified = [e for e in entries if e.is_full and e.proposed_grade == rules.UNQUALIFIED]
    missing = [e.member.name for e in unqualified if e.member_id not in corrections]
    if missing:
        raise ValidationError(
            f"请为评定为不合格的{'、'.join(missing)}写明限期改正的问题、措施和期限"
        )
    for entry in entries:
        entry.grade = entry.proposed_grade if entry.is_full else ""
    for entry in unqualified:
        c = corrections[entry.member_id]
        try:
            deadline = rules.correction_deadline(on, int(c.months))
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"{entry.member.name}：{exc}") from None
        try:
            entry.problem = rectification.problem_create(
                actor=actor, organization=ev.branch, owner_kind="member",
                owner_member=entry.member, source=Source.EVALUATION,
                category=_correction_category(c.category), description=c.description,
                year=ev.year, target="限期改正，达到党员标准",
                measures=[MeasureInput(text=c.measure, responsible=entry.member,
                                       deadline=deadline)],
                source_note=f"{ev.year}年度民主评议：不合格，限期改正{int(c.months)}个月",
                source_object=ev,
            )  # fmt: skip
        except ValidationError as exc:
            raise ValidationError(
                [f"{entry.member.name}的限期改正：{m}" for m in exc.messages]
            ) from None
    EvaluationEntry.objects.bulk_update(entries, ["grade", "problem"])
    ev.stage, ev.assembly, ev.confirmed_on, ev.confirmed_by = Stage.CONFIRMED, assembly, on, actor
    ev.save(update_fields=["stage", "assembly", "confirmed_on", "confirmed_by"])
    names = {e.member_id: e.member.name for e in entries}
    audit.record(
        actor, "evaluation.confirm", ev, organization=ev.branch,
        changes={"stage": [Stage.PROPOSED.label, Stage.CONFIRMED.label],
                 "assembly": [None, str(assembly)], "confirmed_on": [None, on.isoformat()],
                 "grades": [None, _names({e.member_id: e.grade for e in entries}, names)],
                 "counts": [None, {rules.GRADE_LABELS[g]: n for g, n in rules.grade_counts(
                     e.grade for e in entries).items()}]},
    )  # fmt: skip
    return ev


# --- 公示 ----------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_publish(
    *, actor: User | None, evaluation: Evaluation, starts_on: Any, ends_on: Any
) -> Evaluation:
    """公示 the confirmed results to the branch's party members from ``starts_on`` to
    ``ends_on`` (the dates may be changed later, e.g. to end it early)."""
    ev = _locked(evaluation)
    if not ev.reached(Stage.CONFIRMED):
        raise ValidationError("支部党员大会确定评定结果后，才能公示")
    if not isinstance(starts_on, dt.date):
        raise ValidationError({"starts_on": "请填写公示开始日期"})
    if not isinstance(ends_on, dt.date):
        raise ValidationError({"ends_on": "请填写公示结束日期"})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "公示结束日期不能早于开始日期"})
    if (ends_on - starts_on).days > MAX_PUBLICATION_DAYS:
        raise ValidationError({"ends_on": f"公示期不能超过{MAX_PUBLICATION_DAYS}天"})
    before = {"stage": ev.get_stage_display(), "starts_on": ev.publish_starts_on,
              "ends_on": ev.publish_ends_on}  # fmt: skip
    ev.stage, ev.publish_starts_on, ev.publish_ends_on = Stage.PUBLISHED, starts_on, ends_on
    ev.save(update_fields=["stage", "publish_starts_on", "publish_ends_on"])
    after = {"stage": ev.get_stage_display(), "starts_on": starts_on, "ends_on": ends_on}
    audit.record(actor, "evaluation.publish", ev, organization=ev.branch,
                 changes=audit.diff(before, after))  # fmt: skip
    notify(users=_members(ev), key=f"evaluation-{ev.pk}-published-{starts_on:%Y%m%d}",
           title=f"{ev.year}年度民主评议党员结果公示",
           body=f"公示期：{zh_date(starts_on, weekday=False)}至{zh_date(ends_on, weekday=False)}",
           url=reverse("evaluations:results", args=[ev.pk]))  # fmt: skip
    return ev
