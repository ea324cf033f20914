"""Every write to a 组织生活会 cycle (STYLE.md rule 2): keyword-only, an explicit actor, atomic,
audited. Who may call which is decided by ``lifemeetings.access`` in the views."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.ballots.models import Poll, PollKind
from zhibu.core import audit
from zhibu.core.dates import zh_date
from zhibu.lifemeetings.models import (
    LifeMeeting,
    LifeMeetingKind,
    PlanState,
    ReviewState,
    SelfReview,
    SelfReviewItem,
    Stage,
    Talk,
)
from zhibu.meetings.models import Meeting, MeetingStatus
from zhibu.members.models import Member
from zhibu.notices.services import notify
from zhibu.orgs.models import Organization, OrgKind
from zhibu.orgs.queries import officer_users
from zhibu.rectification.models import ProblemCategory
from zhibu.rectification.services import clean_text, plain


def _agenda(items: Sequence[str]) -> list[str]:
    out = [plain(i) for i in items if plain(i)]
    if len(out) > 30:
        raise ValidationError({"agenda": "议程最多30项"})
    return out


def _values(lm: LifeMeeting) -> dict[str, Any]:
    return {
        "kind": lm.get_kind_display(),
        "topic": lm.topic,
        "theme": lm.theme,
        "agenda": lm.agenda,
        "planned_on": lm.planned_on,
        "year": lm.year,
    }


def _locked(lm: LifeMeeting) -> LifeMeeting:
    return (
        LifeMeeting.objects.select_for_update(of=("self",))
        .select_related("branch__parent")
        .get(pk=lm.pk)
    )


def _check_plan(
    branch: Organization, *, year: int, kind: str, topic: str, planned_on: Any, today: dt.date
) -> dt.date:
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"branch": "组织生活会由党支部召开：请进入具体的党支部"})
    if kind not in LifeMeetingKind.values:
        raise ValidationError({"kind": "请选择组织生活会类型"})
    if kind == LifeMeetingKind.SPECIAL and not topic.strip():
        raise ValidationError({"topic": "专题组织生活会请填写上级确定的专题"})
    if not 1921 <= int(year) <= today.year + 1:
        raise ValidationError({"year": f"年度应在1921年到{today.year + 1}年之间"})
    if not isinstance(planned_on, dt.date):
        raise ValidationError({"planned_on": "请填写计划召开日期"})
    if planned_on.year not in (int(year), int(year) + 1):
        raise ValidationError({"planned_on": "计划召开日期应在该年度内（或次年年初）"})
    return planned_on


@transaction.atomic
def lifemeeting_plan(
    *,
    actor: User | None,
    branch: Organization,
    year: int,
    theme: str,
    planned_on: dt.date | None,
    kind: str = LifeMeetingKind.ANNUAL,
    topic: str = "",
    agenda: Sequence[str] = (),
    today: dt.date | None = None,
) -> LifeMeeting:
    """制定方案: the theme, agenda and date of a branch's 组织生活会 (a draft until submitted)."""
    today = today or timezone.localdate()
    planned = _check_plan(
        branch, year=year, kind=kind, topic=topic, planned_on=planned_on, today=today
    )
    if (
        kind == LifeMeetingKind.ANNUAL
        and LifeMeeting.objects.filter(branch=branch, year=year, kind=kind).exists()
    ):
        raise ValidationError({"year": f"{branch.name}已有{year}年度的组织生活会"})
    lm = LifeMeeting.objects.create(
        branch=branch, year=int(year), kind=kind, topic=plain(topic)[:200],
        theme=clean_text(theme, "theme", "会议主题", 200), agenda=_agenda(agenda),
        planned_on=planned, created_by=actor,
    )  # fmt: skip
    audit.record(actor, "lifemeeting.plan", lm, organization=branch,
                 changes=audit.created(_values(lm)))  # fmt: skip
    return lm


@transaction.atomic
def lifemeeting_update(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    theme: str,
    planned_on: dt.date | None,
    topic: str = "",
    agenda: Sequence[str] = (),
    today: dt.date | None = None,
) -> LifeMeeting:
    """Change the plan while it is a draft or was returned; an approved plan is what the
    committee agreed to."""
    today = today or timezone.localdate()
    lm = _locked(life_meeting)
    if lm.plan_state not in (PlanState.DRAFT, PlanState.RETURNED):
        raise ValidationError("方案已提交或已审核同意，不能再修改")
    planned = _check_plan(lm.branch, year=lm.year, kind=lm.kind, topic=topic,
                          planned_on=planned_on, today=today)  # fmt: skip
    before = _values(lm)
    lm.theme = clean_text(theme, "theme", "会议主题", 200)
    lm.topic = plain(topic)[:200]
    lm.agenda = _agenda(agenda)
    lm.planned_on = planned
    lm.save(update_fields=["theme", "topic", "agenda", "planned_on"])
    changes = audit.diff(before, _values(lm))
    if changes:
        audit.record(actor, "lifemeeting.update", lm, organization=lm.branch, changes=changes)
    return lm


def _reviewers(branch: Organization) -> list[User]:
    return officer_users(branch.parent) if branch.parent is not None else []


@transaction.atomic
def lifemeeting_submit(*, actor: User | None, life_meeting: LifeMeeting) -> LifeMeeting:
    """Send the plan to the committee above for 会前审核."""
    lm = _locked(life_meeting)
    if lm.plan_state not in (PlanState.DRAFT, PlanState.RETURNED):
        raise ValidationError("方案已经提交")
    if lm.branch.parent is None:
        raise ValidationError("没有上级党组织，无法报送审核")
    before = lm.get_plan_state_display()
    lm.plan_state = PlanState.SUBMITTED
    lm.save(update_fields=["plan_state"])
    audit.record(actor, "lifemeeting.submit", lm, organization=lm.branch,
                 changes={"plan_state": [before, lm.get_plan_state_display()]})  # fmt: skip
    notify(
        users=_reviewers(lm.branch),
        key=f"lifemeeting:{lm.pk}:submitted:{timezone.now():%Y%m%d%H%M%S}",
        title=f"组织生活会方案待审核：{lm.branch.name}",
        body=f"{lm.theme}（计划{zh_date(lm.planned_on)}召开）",
        url=reverse("lifemeetings:detail", args=[lm.pk]),
    )
    return lm


@transaction.atomic
def lifemeeting_review(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    approve: bool,
    comment: str = "",
    contact_leader: Member | None = None,
) -> LifeMeeting:
    """会前审核主题 by the committee above: approve (the preparation starts) or return with
    comments. A committee leader may be assigned to attend (联系指导)."""
    lm = _locked(life_meeting)
    if lm.plan_state != PlanState.SUBMITTED:
        raise ValidationError("方案没有在待审核状态")
    comment = plain(comment)
    if not approve and not comment:
        raise ValidationError({"comment": "退回修改时请写明意见"})
    before = _values(lm) | {"plan_state": lm.get_plan_state_display()}
    lm.plan_state = PlanState.APPROVED if approve else PlanState.RETURNED
    lm.plan_comment = comment
    lm.reviewed_by = actor
    lm.reviewed_at = timezone.now()
    if approve:
        lm.stage = Stage.PREPARATION
        lm.contact_leader = contact_leader
    lm.save(update_fields=["plan_state", "plan_comment", "reviewed_by", "reviewed_at", "stage",
                           "contact_leader"])  # fmt: skip
    audit.record(
        actor, "lifemeeting.approve" if approve else "lifemeeting.return", lm,
        organization=lm.branch,
        changes={"plan_state": [before["plan_state"], lm.get_plan_state_display()],
                 "comment": [None, comment or None],
                 "contact_leader": [None, contact_leader.name if contact_leader else None]},
    )  # fmt: skip
    notify(
        users=officer_users(lm.branch),
        key=f"lifemeeting:{lm.pk}:reviewed:{timezone.now():%Y%m%d%H%M%S}",
        title=("组织生活会方案已审核同意" if approve else "组织生活会方案被退回修改")
        + f"：{lm.theme}",
        body=comment,
        url=reverse("lifemeetings:detail", args=[lm.pk]),
    )
    return lm


@transaction.atomic
def lifemeeting_study_set(
    *, actor: User | None, life_meeting: LifeMeeting, meetings: Iterable[Meeting]
) -> LifeMeeting:
    """Which held meetings were the collective study before the 组织生活会 (RULES.md §8:
    required; without it the meeting is not ready)."""
    lm = _locked(life_meeting)
    chosen = list({m.pk: m for m in meetings}.values())
    for m in chosen:
        if m.branch_id != lm.branch_id or m.status != MeetingStatus.HELD:
            raise ValidationError({"meetings": "只能选择本支部已召开的会议"})
    before = sorted(lm.study_meetings.values_list("title", flat=True))
    lm.study_meetings.set(chosen)
    after = sorted(m.title for m in chosen)
    if before != after:
        audit.record(actor, "lifemeeting.study", lm, organization=lm.branch,
                     changes={"study": [before, after]})  # fmt: skip
    return lm


@transaction.atomic
def lifemeeting_poll_set(
    *, actor: User | None, life_meeting: LifeMeeting, poll: Poll | None
) -> LifeMeeting:
    """Which anonymous opinion poll (征求意见, ballots) collects opinions for this meeting."""
    lm = _locked(life_meeting)
    if poll is not None and (poll.organization_id != lm.branch_id or poll.kind != PollKind.OPINION):
        raise ValidationError({"poll": "只能选择本支部的征求意见"})
    before = str(lm.opinion_poll) if lm.opinion_poll_id else None
    lm.opinion_poll = poll
    lm.save(update_fields=["opinion_poll"])
    after = str(poll) if poll else None
    if before != after:
        audit.record(actor, "lifemeeting.poll", lm, organization=lm.branch,
                     changes={"poll": [before, after]})  # fmt: skip
    return lm


@transaction.atomic
def talk_record(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    first: Member | None,
    second: Member | None,
    held_on: dt.date | None,
    topics: str,
    summary: str,
    place: str = "",
    follow_up: str = "",
    today: dt.date | None = None,
) -> Talk:
    """谈心谈话: 谈什么、跟谁谈、怎么谈, recorded once it was held."""
    today = today or timezone.localdate()
    lm = _locked(life_meeting)
    if lm.stage in (Stage.FOLLOW_UP, Stage.CLOSED):
        raise ValidationError("会议已经召开，谈心谈话应在会前进行")
    if first is None or second is None:
        raise ValidationError({"second": "请选择谈话双方"})
    if first.pk == second.pk:
        raise ValidationError({"second": "谈话双方不能是同一个人"})
    for who, field in ((first, "first"), (second, "second")):
        if who.branch_id != lm.branch_id or not who.is_current or not who.is_party_member:
            raise ValidationError({field: f"{who.name}不是本支部的党员"})
    if not isinstance(held_on, dt.date):
        raise ValidationError({"held_on": "请填写谈话日期"})
    if held_on > today:
        raise ValidationError({"held_on": "谈话日期不能晚于今天（谈过之后再登记）"})
    talk = Talk.objects.create(
        life_meeting=lm, first=first, second=second, held_on=held_on,
        place=plain(place)[:100], topics=clean_text(topics, "topics", "谈话内容", 4000),
        summary=clean_text(summary, "summary", "谈话情况", 4000), follow_up=plain(follow_up),
        recorded_by=actor,
    )  # fmt: skip
    audit.record(
        actor, "talk.record", lm, organization=lm.branch,
        changes={"talk": [None, f"{first.name}—{second.name}（{held_on}）"]},
    )  # fmt: skip
    return talk


# --- 对照检查材料 ---------------------------------------------------------------------------------

MAX_ITEMS = 20


@dataclass(frozen=True)
class ItemInput:
    category: ProblemCategory | None
    problem: str
    measure: str
    deadline: dt.date | None


def _items(review: SelfReview, items: Sequence[ItemInput], today: dt.date) -> list[SelfReviewItem]:
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": f"最多{MAX_ITEMS}个问题"})
    out = []
    for i, it in enumerate(items):
        n = f"第{i + 1}个问题："
        if it.category is None:
            raise ValidationError({"items": n + "请选择问题类别"})
        problem, measure = plain(it.problem), plain(it.measure)
        if not problem or not measure:
            raise ValidationError({"items": n + "请写明问题和整改措施"})
        if not isinstance(it.deadline, dt.date):
            raise ValidationError({"items": n + "请填写整改时限"})
        if it.deadline < today:
            raise ValidationError({"items": n + "整改时限不能早于今天"})
        out.append(SelfReviewItem(review=review, category=it.category, problem=problem[:4000],
                                  measure=measure[:2000], deadline=it.deadline, position=i))  # fmt: skip
    return out


@transaction.atomic
def self_review_save(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    member: Member,
    items: Sequence[ItemInput],
    opening: str = "",
    last_year: str = "",
    cause_thinking: str = "",
    cause_ability: str = "",
    cause_family: str = "",
    free_text: str = "",
    today: dt.date | None = None,
) -> SelfReview:
    """Write or rewrite one's 对照检查材料 while it is a draft or was returned. The 材料质检
    advises on the page; nothing here refuses vague words (PRODUCT.md capability 6)."""
    today = today or timezone.localdate()
    lm = _locked(life_meeting)
    if lm.plan_state != PlanState.APPROVED:
        raise ValidationError("方案经上级审核同意后，才开始撰写对照检查材料")
    if lm.stage in (Stage.FOLLOW_UP, Stage.CLOSED):
        raise ValidationError("会议已经召开，对照检查材料不能再修改")
    if member.branch_id != lm.branch_id or not member.is_current or not member.is_party_member:
        raise ValidationError(f"{member.name}不是本支部的党员")
    review, created = SelfReview.objects.select_for_update().get_or_create(
        life_meeting=lm, member=member
    )
    if not review.editable:
        raise ValidationError("材料已提交，等待审核；退回后才能修改")
    rows = _items(review, items, today)
    before = {"items": review.items.count()}
    review.opening = plain(opening)
    review.last_year = plain(last_year)
    review.cause_thinking = plain(cause_thinking)
    review.cause_ability = plain(cause_ability)
    review.cause_family = plain(cause_family)
    review.free_text = plain(free_text)
    review.save()
    review.items.all().delete()
    SelfReviewItem.objects.bulk_create(rows)
    audit.record(actor, "selfreview.save", lm, organization=lm.branch,
                 label=f"{lm}（{member.name}的对照检查材料）",
                 changes={"member": [None, member.name],
                          "items": [None if created else before["items"], len(rows)]})  # fmt: skip
    return review


@transaction.atomic
def self_review_submit(*, actor: User | None, review: SelfReview) -> SelfReview:
    row = (
        SelfReview.objects.select_for_update()
        .select_related("life_meeting__branch", "member")
        .get(pk=review.pk)
    )
    if not row.editable:
        raise ValidationError("材料已经提交")
    if not row.items.exists():
        raise ValidationError("请至少查摆一个问题，写明整改措施和时限后再提交")
    before = row.get_state_display()
    row.state = ReviewState.SUBMITTED
    row.submitted_at = timezone.now()
    row.save(update_fields=["state", "submitted_at"])
    lm = row.life_meeting
    audit.record(actor, "selfreview.submit", lm, organization=lm.branch,
                 label=f"{lm}（{row.member.name}的对照检查材料）",
                 changes={"state": [before, row.get_state_display()]})  # fmt: skip
    notify(
        users=officer_users(lm.branch, secretaries_only=True),
        key=f"selfreview:{row.pk}:submitted:{timezone.now():%Y%m%d%H%M%S}",
        title=f"对照检查材料待审核：{row.member.name}",
        body=lm.theme,
        url=reverse("lifemeetings:self_review", args=[row.pk]),
    )
    return row


@transaction.atomic
def self_review_decide(
    *, actor: User | None, review: SelfReview, accept: bool, comment: str = ""
) -> SelfReview:
    """The secretary accepts the material, or returns it with what to change."""
    row = (
        SelfReview.objects.select_for_update()
        .select_related("life_meeting__branch", "member")
        .get(pk=review.pk)
    )
    if row.state != ReviewState.SUBMITTED:
        raise ValidationError("材料没有在待审核状态")
    comment = plain(comment)
    if not accept and not comment:
        raise ValidationError({"comment": "退回时请写明要修改什么"})
    before = row.get_state_display()
    row.state = ReviewState.ACCEPTED if accept else ReviewState.RETURNED
    row.comment = comment
    row.reviewed_by = actor
    row.reviewed_at = timezone.now()
    row.save(update_fields=["state", "comment", "reviewed_by", "reviewed_at"])
    lm = row.life_meeting
    audit.record(actor, "selfreview.accept" if accept else "selfreview.return", lm,
                 organization=lm.branch, label=f"{lm}（{row.member.name}的对照检查材料）",
                 changes={"state": [before, row.get_state_display()],
                          "comment": [None, comment or None]})  # fmt: skip
    notify(
        users=User.objects.filter(member=row.member),
        key=f"selfreview:{row.pk}:decided:{timezone.now():%Y%m%d%H%M%S}",
        title="对照检查材料" + ("已审核通过" if accept else "被退回修改"),
        body=comment,
        url=reverse("lifemeetings:my_review", args=[lm.pk]),
    )
    return row
