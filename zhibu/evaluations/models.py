"""民主评议党员 (RULES.md §7): once a year per branch — each member's 自评 (个人小结), the
members' 互评/民主测评 as an evaluation poll of ``ballots``, the 支委会's proposed grades, the
支部党员大会's confirmation, and the 公示 of the results.

What members voted lives only in ``ballots`` (counted by ``ballots.queries.tally``); nothing
here records who voted what.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhibu.evaluations import rules

if TYPE_CHECKING:
    from zhibu.accounts.models import User


class Stage(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", "个人自评"
    VOTING = "voting", "民主测评"
    PROPOSED = "proposed", "支委会评定"
    CONFIRMED = "confirmed", "党员大会确定"
    PUBLISHED = "published", "结果公示"


STAGE_ORDER = [s.value for s in Stage]


class Grade(models.TextChoices):
    EXCELLENT = rules.EXCELLENT, "优秀"
    QUALIFIED = rules.QUALIFIED, "合格"
    BASICALLY_QUALIFIED = rules.BASICALLY_QUALIFIED, "基本合格"
    UNQUALIFIED = rules.UNQUALIFIED, "不合格"


class EntryCategory(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    def visible_to(self, user: User) -> EvaluationQuerySet:
        """Evaluations of the organizations the user manages (the branch's officers and the
        committees above), and of the user's own branch (its party members take part)."""
        from zhibu.accounts.access import scope_for

        return self.filter(scope_for(user).branch_activity_q())

    def confirmed(self) -> EvaluationQuerySet:
        return self.filter(stage__in=[Stage.CONFIRMED, Stage.PUBLISHED])


class Evaluation(models.Model):
    """One branch's 民主评议党员 for one year."""

    branch = models.ForeignKey(
        "orgs.Organization",
        verbose_name="党支部",
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    year = models.PositiveSmallIntegerField("年度")
    life_meeting = models.ForeignKey(
        "lifemeetings.LifeMeeting",
        verbose_name="组织生活会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.CharField(
        "环节", max_length=20, choices=Stage.choices, default=Stage.SELF_ASSESSMENT
    )
    poll = models.OneToOneField(
        "ballots.Poll",
        verbose_name="民主测评",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluation",
    )
    proposed_at = models.DateTimeField("支委会评定时间", null=True, blank=True)
    proposed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assembly = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="支部党员大会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_on = models.DateField("党员大会确定日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publish_starts_on = models.DateField("公示开始", null=True, blank=True)
    publish_ends_on = models.DateField("公示结束", null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="evaluation_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=1921, year__lte=2200), name="evaluation_year_range"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="evaluation_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(publish_starts_on__isnull=True)
                | Q(publish_ends_on__isnull=True)
                | Q(publish_ends_on__gte=models.F("publish_starts_on")),
                name="evaluation_publication_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度民主评议党员"

    def reached(self, stage: str) -> bool:
        return STAGE_ORDER.index(self.stage) >= STAGE_ORDER.index(stage)

    @property
    def summaries_closed(self) -> bool:
        """Once the committee has proposed grades, the 个人小结 are what it judged."""
        return self.reached(Stage.PROPOSED)

    @property
    def is_confirmed(self) -> bool:
        return self.reached(Stage.CONFIRMED)

    def is_showing(self, on: dt.date) -> bool:
        """Within the 公示 dates: when the branch's members may see the results."""
        return (
            self.stage == Stage.PUBLISHED
            and self.publish_starts_on is not None
            and self.publish_ends_on is not None
            and self.publish_starts_on <= on <= self.publish_ends_on
        )


class EvaluationEntry(models.Model):
    """One party member in one evaluation: their 个人小结, and the grade proposed and
    confirmed. A 预备党员 takes part (writes a 小结, votes) but is never graded."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="民主评议", on_delete=models.CASCADE, related_name="entries"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField("评议时类别", max_length=20, choices=EntryCategory.choices)
    summary = models.TextField("个人小结", blank=True)
    submitted_at = models.DateTimeField("小结提交时间", null=True, blank=True)
    proposed_grade = models.CharField(
        "支委会拟定等次", max_length=20, choices=Grade.choices, blank=True
    )
    grade = models.CharField("评定等次", max_length=20, choices=Grade.choices, blank=True)
    problem = models.ForeignKey(
        "rectification.Problem",
        verbose_name="限期改正",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "评议对象"
        verbose_name_plural = "评议对象"
        ordering = ["evaluation", "category", "member__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "member"], name="evaluation_entry_once"),
            models.CheckConstraint(
                condition=Q(category__in=EntryCategory.values),
                name="evaluation_entry_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(proposed_grade="") | Q(proposed_grade__in=Grade.values),
                name="evaluation_entry_proposed_valid",
            ),
            models.CheckConstraint(
                condition=Q(grade="") | Q(grade__in=Grade.values),
                name="evaluation_entry_grade_valid",
            ),
            models.CheckConstraint(
                condition=Q(category=EntryCategory.FULL) | Q(proposed_grade="", grade=""),
                name="evaluation_entry_probationary_not_graded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation}：{self.member_id}"

    @property
    def is_full(self) -> bool:
        return self.category == EntryCategory.FULL

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
