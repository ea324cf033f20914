"""The 组织生活会 cycle (RULES.md §8): the plan and its approval above, the preparation (collective
study, opinions, 谈心谈话), the meeting, and what follows it.

The preparation checklist is never ticked by hand: each step is computed from records (the
study meetings linked to the cycle, the opinion poll, the talks held).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from zhibu.accounts.models import User


class LifeMeetingKind(models.TextChoices):
    ANNUAL = "annual", "年度组织生活会"
    SPECIAL = "special", "专题组织生活会"


class Stage(models.TextChoices):
    PLAN = "plan", "制定方案"
    PREPARATION = "preparation", "会前准备"
    MEETING = "meeting", "召开会议"
    FOLLOW_UP = "follow_up", "会后整改"
    CLOSED = "closed", "已完成"


class PlanState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待上级审核"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已审核同意"


class LifeMeetingQuerySet(models.QuerySet["LifeMeeting"]):
    def visible_to(self, user: User) -> LifeMeetingQuerySet:
        """Cycles of branches the user manages, and of the user's own branch (its members
        take part in every step)."""
        from zhibu.accounts.access import scope_for

        return self.filter(scope_for(user).branch_activity_q())


class LifeMeeting(models.Model):
    """One 组织生活会 of one branch: its plan, preparation, meeting and follow-up."""

    branch = models.ForeignKey(
        "orgs.Organization",
        verbose_name="党支部",
        on_delete=models.PROTECT,
        related_name="life_meetings",
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField(
        "类型", max_length=20, choices=LifeMeetingKind.choices, default=LifeMeetingKind.ANNUAL
    )
    topic = models.CharField("专题（上级确定）", max_length=200, blank=True)
    theme = models.CharField("会议主题", max_length=200)
    agenda = models.JSONField("会议议程", default=list, blank=True)
    planned_on = models.DateField("计划召开日期")
    meeting = models.OneToOneField(
        "meetings.Meeting",
        verbose_name="会议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="life_meeting",
    )
    stage = models.CharField("环节", max_length=20, choices=Stage.choices, default=Stage.PLAN)
    plan_state = models.CharField(
        "方案审核", max_length=20, choices=PlanState.choices, default=PlanState.DRAFT
    )
    plan_comment = models.TextField("上级审核意见", blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    contact_leader = models.ForeignKey(
        "members.Member",
        verbose_name="上级联系指导人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion_poll = models.ForeignKey(
        "ballots.Poll",
        verbose_name="征求意见",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    study_meetings = models.ManyToManyField(
        "meetings.Meeting", verbose_name="集中学习", blank=True, related_name="+"
    )
    publication = models.ForeignKey(
        "rectification.Publication",
        verbose_name="问题清单公示",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    report_submitted_at = models.DateTimeField("情况报告报送时间", null=True, blank=True)
    report_submitted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LifeMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "组织生活会"
        verbose_name_plural = "组织生活会"
        ordering = ["-year", "-planned_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"],
                condition=Q(kind="annual"),
                name="lifemeeting_one_annual_per_year",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1921, year__lte=2200), name="lifemeeting_year_range"
            ),
            models.CheckConstraint(
                condition=Q(kind="annual") | ~Q(topic=""), name="lifemeeting_special_has_topic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}：{self.theme}"


class Talk(models.Model):
    """谈心谈话: who talked with whom, when and where, what about, and what follows."""

    life_meeting = models.ForeignKey(
        LifeMeeting, verbose_name="组织生活会", on_delete=models.CASCADE, related_name="talks"
    )
    first = models.ForeignKey(
        "members.Member", verbose_name="谈话人", on_delete=models.PROTECT, related_name="+"
    )
    second = models.ForeignKey(
        "members.Member", verbose_name="谈话对象", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("谈话日期")
    place = models.CharField("地点", max_length=100, blank=True)
    topics = models.TextField("谈话内容（谈什么）")
    summary = models.TextField("谈话情况")
    follow_up = models.TextField("后续事项", blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = "谈心谈话"
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(first=models.F("second")), name="talk_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.first} 与 {self.second} {self.held_on}"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "审核通过"


class SelfReview(models.Model):
    """对照检查材料: one member's (or the committee's) written self-examination for the
    meeting — 上年度整改落实情况, the problems found (each with a fact), the causes in three
    dimensions, and measures with deadlines (FORMS.md)."""

    life_meeting = models.ForeignKey(
        LifeMeeting, verbose_name="组织生活会", on_delete=models.CASCADE, related_name="reviews"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        "状态", max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    opening = models.TextField("学习和准备情况", blank=True)
    last_year = models.TextField("上年度整改落实情况", blank=True)
    cause_thinking = models.TextField("原因：思想意识", blank=True)
    cause_ability = models.TextField("原因：能力作风", blank=True)
    cause_family = models.TextField("原因：家风环境", blank=True)
    free_text = models.TextField("其他", blank=True)
    comment = models.TextField("审核意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "对照检查材料"
        verbose_name_plural = "对照检查材料"
        ordering = ["life_meeting", "member__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["life_meeting", "member"], name="selfreview_one_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} 对照检查材料"

    @property
    def editable(self) -> bool:
        return self.state in (ReviewState.DRAFT, ReviewState.RETURNED)


class SelfReviewItem(models.Model):
    """One problem found in the self-review, with its measure and deadline."""

    review = models.ForeignKey(
        SelfReview, verbose_name="对照检查材料", on_delete=models.CASCADE, related_name="items"
    )
    category = models.ForeignKey(
        "rectification.ProblemCategory",
        verbose_name="问题类别",
        on_delete=models.PROTECT,
        related_name="+",
    )
    problem = models.TextField("查摆的问题（写具体事实）")
    measure = models.TextField("整改措施")
    deadline = models.DateField("整改时限")
    position = models.PositiveSmallIntegerField(default=0)
    ledger_problem = models.ForeignKey(
        "rectification.Problem",
        verbose_name="列入整改台账",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "查摆的问题"
        verbose_name_plural = "查摆的问题"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.problem[:40]


class Speaker(models.Model):
    """One member's turn in 批评与自我批评: whether they spoke, and what they undertook
    (本人表态). What they said about themselves and what others said to them are
    ``Criticism`` rows."""

    life_meeting = models.ForeignKey(
        LifeMeeting, verbose_name="组织生活会", on_delete=models.CASCADE, related_name="speakers"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    spoke = models.BooleanField("是否发言", null=True, blank=True)
    pledge = models.TextField("本人表态", blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "发言人"
        verbose_name_plural = "发言人"
        ordering = ["life_meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["life_meeting", "member"], name="speaker_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member}（{'已发言' if self.spoke else '未发言'}）"


class Criticism(models.Model):
    """批评与自我批评: a self-criticism (``is_self``) or a criticism one member made of
    another in the meeting, as the recorder wrote it down."""

    life_meeting = models.ForeignKey(
        LifeMeeting, verbose_name="组织生活会", on_delete=models.CASCADE, related_name="criticisms"
    )
    target = models.ForeignKey(
        "members.Member", verbose_name="被批评人", on_delete=models.PROTECT, related_name="+"
    )
    critic = models.ForeignKey(
        "members.Member", verbose_name="批评人", on_delete=models.PROTECT, related_name="+"
    )
    is_self = models.BooleanField("自我批评", default=False)
    content = models.TextField("内容")
    position = models.PositiveSmallIntegerField(default=0)
    ledger_problem = models.ForeignKey(
        "rectification.Problem",
        verbose_name="列入整改台账",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "批评与自我批评"
        verbose_name_plural = "批评与自我批评"
        ordering = ["life_meeting", "target", "-is_self", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_self=True, critic=models.F("target"))
                | Q(is_self=False) & ~Q(critic=models.F("target")),
                name="criticism_self_is_own",
            ),
        ]

    def __str__(self) -> str:
        return self.content[:40]


class OpinionUse(models.Model):
    """An opinion poll's free-text answer turned into a rectification problem. Only the
    answer's digest is kept (the text is in the problem), so the page can say which answers
    are taken up; nothing here points to a ballot."""

    life_meeting = models.ForeignKey(
        LifeMeeting,
        verbose_name="组织生活会",
        on_delete=models.CASCADE,
        related_name="opinion_uses",
    )
    digest = models.CharField(max_length=64)
    problem = models.ForeignKey(
        "rectification.Problem", verbose_name="问题", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "意见转为问题"
        verbose_name_plural = "意见转为问题"
        constraints = [
            models.UniqueConstraint(fields=["life_meeting", "digest"], name="opinion_used_once"),
        ]

    def __str__(self) -> str:
        return f"意见转为问题 #{self.problem_id}"
