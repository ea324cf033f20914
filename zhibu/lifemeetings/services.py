"""Every write to a 组织生活会 cycle (STYLE.md rule 2): keyword-only, an explicit actor, atomic,
audited. Who may call which is decided by ``lifemeetings.access`` in the views."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from zhibu.accounts.models import User
from zhibu.ballots.models import Poll, PollKind
from zhibu.core import audit
from zhibu.core.dates import zh_date
from zhibu.lifemeetings.models import (
    Criticism,
    LifeMeeting,
    LifeMeetingKind,
    OpinionUse,
    PlanState,
    ReviewState,
    SelfReview,
    SelfReviewItem,
    Speaker,
    Stage,
    Talk,
)
from zhibu.meetings.models import Meeting, MeetingKind, MeetingStatus
from zhibu.members.models import Member
from zhibu.notices.services import notify
from zhibu.orgs.models import Organization, OrgKind
from zhibu.orgs.queries import officer_users
from zhibu.rectification.models import Problem, ProblemCategory
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


# --- the meeting ---------------------------------------------------------------------------------


@transaction.atomic
def lifemeeting_convene(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    send_notice: bool = True,
) -> LifeMeeting:
    """Schedule the meeting itself (a ``Meeting`` of kind 组织生活会, with the plan's agenda):
    its attendance, sign-in and minutes are the meetings app's. It may be scheduled with the
    preparation unfinished; the dashboard says plainly what is missing, and the audit event
    keeps what was missing on the day."""
    from zhibu.lifemeetings.queries import preparation
    from zhibu.meetings.services import meeting_plan, observer_add

    lm = _locked(life_meeting)
    if lm.plan_state != PlanState.APPROVED:
        raise ValidationError("方案经上级审核同意后，才能安排召开会议")
    if lm.meeting_id is not None or lm.stage != Stage.PREPARATION:
        raise ValidationError("会议已经安排")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise ValidationError({"starts_at": "请填写会议的开始和结束时间"})
    title = f"{lm.year}年度组织生活会" if lm.kind == LifeMeetingKind.ANNUAL else lm.topic
    meeting = meeting_plan(
        actor=actor, branch=lm.branch, kind=MeetingKind.LIFE_MEETING, title=f"{title}：{lm.theme}"[:200],
        starts_at=starts_at, ends_at=ends_at, place=place, host=host, recorder=recorder,
        agenda=[(item, False) for item in lm.agenda], send_notice=send_notice,
    )  # fmt: skip
    if lm.contact_leader is not None:
        observer_add(actor=actor, meeting=meeting, member=lm.contact_leader,
                     guest_title="上级联系指导人")  # fmt: skip
    missing = [i.label for i in preparation(lm).items if i.state != "done"]
    lm.meeting = meeting
    lm.stage = Stage.MEETING
    lm.save(update_fields=["meeting", "stage"])
    audit.record(
        actor, "lifemeeting.convene", lm, organization=lm.branch,
        changes={"stage": [Stage.PREPARATION.label, Stage.MEETING.label],
                 "meeting": [None, meeting.title], "not_ready": [None, missing or None]},
    )  # fmt: skip
    return lm


def _party_member_of(lm: LifeMeeting, who: Member, field: str) -> None:
    if who.branch_id != lm.branch_id or not who.is_party_member:
        raise ValidationError({field: f"{who.name}不是本支部的党员"})


@dataclass(frozen=True)
class CriticismInput:
    critic: Member | None
    content: str


@transaction.atomic
def speech_record(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    member: Member,
    spoke: bool | None,
    self_criticism: str = "",
    pledge: str = "",
    criticisms: Sequence[CriticismInput] = (),
) -> Speaker:
    """批评与自我批评 as the recorder took it down for one member: whether they spoke, their
    self-criticism, the criticisms others made of them (批评人: 意见), and what they undertook
    (本人表态). Recording again replaces what was recorded for that member."""
    lm = _locked(life_meeting)
    if lm.stage != Stage.MEETING or lm.meeting is None:
        raise ValidationError("会议安排后、会后整改开始前，记录批评与自我批评")
    if lm.meeting.starts_at > timezone.now():
        raise ValidationError("会议还没有开始")
    _party_member_of(lm, member, "member")
    if spoke is None:
        raise ValidationError({"spoke": "请选择是否发言"})
    own = plain(self_criticism)
    if spoke and not own:
        raise ValidationError({"self_criticism": "请记录自我批评的要点"})
    if not spoke and own:
        raise ValidationError({"self_criticism": "没有发言的党员不记录自我批评"})
    rows: list[Criticism] = []
    if own:
        rows.append(Criticism(life_meeting=lm, target=member, critic=member, is_self=True,
                              content=own[:4000], position=0))  # fmt: skip
    for i, c in enumerate(criticisms, start=1):
        content = plain(c.content)
        if c.critic is None and not content:
            continue
        if c.critic is None or not content:
            raise ValidationError({"criticisms": f"第{i}条批评意见：请选择批评人并写明意见"})
        _party_member_of(lm, c.critic, "criticisms")
        if c.critic.pk == member.pk:
            raise ValidationError({"criticisms": f"第{i}条：本人的意见请记在“自我批评”里"})
        rows.append(Criticism(life_meeting=lm, target=member, critic=c.critic, is_self=False,
                              content=content[:4000], position=i))  # fmt: skip
    existing = Criticism.objects.filter(life_meeting=lm, target=member)
    before_n = existing.count()
    existing.delete()
    Criticism.objects.bulk_create(rows)
    speaker, created = Speaker.objects.update_or_create(
        life_meeting=lm, member=member,
        defaults={"spoke": spoke, "pledge": plain(pledge)[:4000], "recorded_by": actor,
                  "recorded_at": timezone.now()},
    )  # fmt: skip
    audit.record(
        actor, "speech.record", lm, organization=lm.branch,
        label=f"{lm}（{member.name}的发言）",
        changes={"member": [None, member.name], "spoke": [None, "是" if spoke else "否"],
                 "criticisms": [None if created else before_n, len(rows)]},
    )  # fmt: skip
    return speaker


@transaction.atomic
def lifemeeting_conclude(*, actor: User | None, life_meeting: LifeMeeting) -> LifeMeeting:
    """The meeting was held (its minutes confirmed): the follow-up begins — problems into the
    ledger, feedback to each member, the 公示 and the report."""
    lm = _locked(life_meeting)
    if lm.stage != Stage.MEETING or lm.meeting is None:
        raise ValidationError("会议还没有安排")
    if lm.meeting.status != MeetingStatus.HELD:
        raise ValidationError("请先在会议页面确认会议记录（会议召开后），再进入会后整改")
    lm.stage = Stage.FOLLOW_UP
    lm.save(update_fields=["stage"])
    audit.record(actor, "lifemeeting.conclude", lm, organization=lm.branch,
                 changes={"stage": [Stage.MEETING.label, Stage.FOLLOW_UP.label]})  # fmt: skip
    return lm


# --- follow-up -----------------------------------------------------------------------------------

ITEM = "item"
CRITICISM = "criticism"


@dataclass(frozen=True)
class ConfirmInput:
    """One line of a member's 整改清单 as the secretary confirms it: from a self-review item
    or a criticism received (``source`` and ``pk``), with the wording, category, measure and
    deadline as confirmed."""

    source: str
    pk: int
    category: ProblemCategory | None
    description: str
    measure: str
    deadline: dt.date | None


def _follow_up(lm: LifeMeeting) -> None:
    if lm.stage != Stage.FOLLOW_UP:
        raise ValidationError("会议召开后（会后整改环节）才能办理")


@transaction.atomic
def problems_confirm(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    member: Member,
    entries: Sequence[ConfirmInput],
    today: dt.date | None = None,
) -> list[Problem]:
    """The secretary confirms a member's 整改清单: each chosen problem from their 对照检查材料
    and each criticism they received becomes a rectification problem (source 组织生活会,
    owner the member) with its measure and deadline. An entry already in the ledger is not
    entered twice."""
    from zhibu.rectification.services import MeasureInput, problem_create

    lm = _locked(life_meeting)
    _follow_up(lm)
    _party_member_of(lm, member, "member")
    if not entries:
        raise ValidationError("请至少选择一个问题列入整改清单")
    items = {i.pk: i for i in SelfReviewItem.objects.select_for_update().filter(
        review__life_meeting=lm, review__member=member)}  # fmt: skip
    crits = {c.pk: c for c in Criticism.objects.select_for_update().filter(
        life_meeting=lm, target=member)}  # fmt: skip
    created = []
    for n, e in enumerate(entries, start=1):
        row: SelfReviewItem | Criticism | None = (
            items.get(e.pk) if e.source == ITEM else crits.get(e.pk) if e.source == CRITICISM
            else None
        )  # fmt: skip
        if row is None:
            raise ValidationError(f"第{n}项不是{member.name}在这次组织生活会上查摆或收到的问题")
        if row.ledger_problem_id is not None:
            raise ValidationError(f"第{n}项已列入整改台账")
        if e.category is None:
            raise ValidationError(f"第{n}项：请选择问题类别")
        if isinstance(row, Criticism):
            note = (f"{lm.year}年度组织生活会·自我批评" if row.is_self
                    else f"{lm.year}年度组织生活会·{row.critic.name}的批评意见")  # fmt: skip
        else:
            note = f"{lm.year}年度组织生活会·对照检查"
        try:
            problem = problem_create(
                actor=actor, organization=lm.branch, owner_kind="member", owner_member=member,
                source="life_meeting", category=e.category, description=e.description,
                year=lm.year, measures=[MeasureInput(e.measure, member, e.deadline)],
                source_note=note, source_object=lm.meeting or lm, today=today,
            )  # fmt: skip
        except ValidationError as exc:
            raise ValidationError(f"第{n}项：" + "；".join(exc.messages)) from exc
        row.ledger_problem = problem
        row.save(update_fields=["ledger_problem"])
        created.append(problem)
    audit.record(actor, "lifemeeting.problems_confirm", lm, organization=lm.branch,
                 label=f"{lm}（{member.name}的整改清单）",
                 changes={"member": [None, member.name], "problems": [None, len(created)]})  # fmt: skip
    notify(
        users=User.objects.filter(member=member),
        key=f"lifemeeting:{lm.pk}:confirmed:{member.pk}:{timezone.now():%Y%m%d%H%M%S}",
        title=f"您的整改清单已确认（{len(created)}个问题）",
        body=lm.theme,
        url=reverse("rectification:mine"),
    )
    return created


def opinion_digest(poll_id: int, text: str) -> str:
    return hashlib.sha256(f"{poll_id}\n{plain(text)}".encode()).hexdigest()


@sensitive_variables()  # no answer in an error report
def opinion_texts(poll: Poll) -> set[str]:
    """The poll's written answers (a set: no order, no ballot); none while the poll is open
    or has too few ballots to show anything without identifying anyone."""
    from zhibu.ballots.models import Ballot, PollState
    from zhibu.ballots.rules import TEXT, results_visible

    if poll.state not in (PollState.CLOSED, PollState.PUBLISHED):
        return set()
    contents = list(Ballot.objects.filter(poll=poll).values_list("content", flat=True))
    if not results_visible(len(contents), poll.min_responses_to_show):
        return set()
    qids = [str(q["id"]) for q in poll.questions if q.get("type") == TEXT]
    out = set()
    for content in contents:
        for qid in qids:
            value = content.get(qid) if isinstance(content, dict) else None
            if isinstance(value, str) and value.strip():
                out.add(plain(value))
    return out


@transaction.atomic
def opinion_take_up(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    text: str,
    owner_kind: str,
    owner_member: Member | None,
    category: ProblemCategory | None,
    measure: str,
    responsible: Member | None,
    deadline: dt.date | None,
    today: dt.date | None = None,
) -> Problem:
    """One opinion from the closed poll becomes a rectification problem (source 征求意见),
    owned by whom the secretary chooses. Only an answer the poll actually holds can be taken
    up, and each only once."""
    from zhibu.ballots.models import PollState
    from zhibu.rectification.services import MeasureInput, problem_create

    lm = _locked(life_meeting)
    poll = lm.opinion_poll
    if poll is None or poll.state not in (PollState.CLOSED, PollState.PUBLISHED):
        raise ValidationError("征求意见结束后，才能把意见转为问题")
    words = plain(text)
    texts = opinion_texts(poll)
    if not texts:
        raise ValidationError("意见份数太少，为了不让人猜出是谁写的，不能显示和转为问题")
    if words not in texts:
        raise ValidationError("这条意见不在本次征求意见的答卷中")
    digest = opinion_digest(poll.pk, words)
    if OpinionUse.objects.filter(life_meeting=lm, digest=digest).exists():
        raise ValidationError("这条意见已经转为问题")
    if category is None:
        raise ValidationError({"category": "请选择问题类别"})
    problem = problem_create(
        actor=actor, organization=lm.branch, owner_kind=owner_kind, owner_member=owner_member,
        source="opinion", category=category, description=words, year=lm.year,
        measures=[MeasureInput(measure, responsible, deadline)], source_note=poll.title[:200],
        source_object=poll, today=today,
    )  # fmt: skip
    OpinionUse.objects.create(life_meeting=lm, digest=digest, problem=problem)
    audit.record(actor, "lifemeeting.opinion_take_up", lm, organization=lm.branch,
                 changes={"problem": [None, words[:60]]})  # fmt: skip
    return problem


def cycle_problems(lm: LifeMeeting) -> Any:
    """The rectification problems this cycle put in the ledger: from the 对照检查材料, the
    criticisms and the opinions taken up."""
    from django.db.models import Q

    from zhibu.rectification.models import Problem

    return Problem.objects.filter(
        Q(pk__in=SelfReviewItem.objects.filter(review__life_meeting=lm).values("ledger_problem"))
        | Q(pk__in=Criticism.objects.filter(life_meeting=lm).values("ledger_problem"))
        | Q(pk__in=OpinionUse.objects.filter(life_meeting=lm).values("problem"))
    )


@transaction.atomic
def lifemeeting_publish(
    *,
    actor: User | None,
    life_meeting: LifeMeeting,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    contact: str = "",
    show_measures: bool = True,
    show_progress: bool = True,
    today: dt.date | None = None,
) -> LifeMeeting:
    """公示 the problem list (and its progress) the meeting produced to the branch's members."""
    from zhibu.rectification.services import publication_create

    lm = _locked(life_meeting)
    _follow_up(lm)
    problems = list(cycle_problems(lm))
    if not problems:
        raise ValidationError("还没有列入整改清单的问题：请先确认各党员的整改清单")
    publication = publication_create(
        actor=actor, organization=lm.branch,
        title=f"{lm.branch.name}{lm.year}年度组织生活会问题清单及整改情况公示",
        starts_on=starts_on, ends_on=ends_on, problems=problems, show_measures=show_measures,
        show_progress=show_progress, contact=contact, today=today,
    )  # fmt: skip
    lm.publication = publication
    lm.save(update_fields=["publication"])
    audit.record(actor, "lifemeeting.publish", lm, organization=lm.branch,
                 changes={"publication": [None, publication.title]})  # fmt: skip
    return lm


@transaction.atomic
def lifemeeting_report_submit(*, actor: User | None, life_meeting: LifeMeeting) -> LifeMeeting:
    """报送情况报告: the report generated from the cycle's records goes to the committee above,
    and the cycle is complete (its problems go on in the ledger)."""
    lm = _locked(life_meeting)
    _follow_up(lm)
    if not cycle_problems(lm).exists():
        raise ValidationError("还没有列入整改清单的问题：请先确认各党员的整改清单")
    if lm.branch.parent is None:
        raise ValidationError("没有上级党组织，无法报送")
    lm.stage = Stage.CLOSED
    lm.report_submitted_at = timezone.now()
    lm.report_submitted_by = actor
    lm.save(update_fields=["stage", "report_submitted_at", "report_submitted_by"])
    audit.record(actor, "lifemeeting.report", lm, organization=lm.branch,
                 changes={"stage": [Stage.FOLLOW_UP.label, Stage.CLOSED.label]})  # fmt: skip
    notify(
        users=_reviewers(lm.branch),
        key=f"lifemeeting:{lm.pk}:report",
        title=f"组织生活会情况报告：{lm.branch.name}",
        body=lm.theme,
        url=reverse("lifemeetings:detail", args=[lm.pk]),
    )
    return lm
