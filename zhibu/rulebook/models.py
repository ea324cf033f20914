"""The rulebook: how often each kind of meeting must be held, as versioned data with its source."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhibu.meetings.models import MeetingKind
from zhibu.rulebook import rules


class PeriodUnit(models.TextChoices):
    MONTH = rules.MONTH, "月"
    QUARTER = rules.QUARTER, "季度"
    HALF_YEAR = rules.HALF_YEAR, "半年"
    YEAR = rules.YEAR, "年"


class AppliesTo(models.TextChoices):
    BRANCH = rules.BRANCH, "每个党支部"
    BRANCH_WITH_COMMITTEE = rules.BRANCH_WITH_COMMITTEE, "设支部委员会的党支部"
    GROUP = rules.GROUP, "每个党小组"
    COMMITTEE = rules.COMMITTEE, "每个党委"


class GivenBy(models.TextChoices):
    ANYONE = rules.ANYONE, "不限"
    SECRETARY = rules.SECRETARY, "本组织书记"


class RequirementQuerySet(models.QuerySet["Requirement"]):
    def in_force(self, on: dt.date | None = None) -> RequirementQuerySet:
        day = on or timezone.localdate()
        return self.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day), effective_from__lte=day
        )


class Requirement(models.Model):
    """制度要求: one version of "a meeting of this kind, at least N times per period".

    Versions of one requirement share ``kind``, ``applies_to`` and ``given_by``. A change is a new version with
    an effective date (``services.requirement_revise``); the version it replaced keeps its rows
    and ends the day before (``effective_to`` is the last day in force), so compliance for a past
    period still uses the rule in force then.
    """

    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    applies_to = models.CharField("适用范围", max_length=30, choices=AppliesTo.choices)
    given_by = models.CharField(
        "授课人", max_length=20, choices=GivenBy.choices, blank=True, default=GivenBy.ANYONE
    )
    period = models.CharField("周期", max_length=20, choices=PeriodUnit.choices)
    min_count = models.PositiveSmallIntegerField("每周期至少（次）", default=1)
    effective_from = models.DateField("施行日期")
    effective_to = models.DateField("停止日期", null=True, blank=True, help_text="最后一天仍然有效")
    source = models.CharField("依据", max_length=300)
    note = models.TextField("说明", blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name="修订前版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        verbose_name = "制度要求"
        verbose_name_plural = "制度要求"
        ordering = ["kind", "applies_to", "given_by", "effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="requirement_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(applies_to__in=AppliesTo.values), name="requirement_applies_to_valid"
            ),
            models.CheckConstraint(
                condition=Q(given_by__in=GivenBy.values), name="requirement_given_by_valid"
            ),
            # Only a 党课 has a lecturer, and a group has no secretary of its own.
            models.CheckConstraint(
                condition=Q(given_by=GivenBy.ANYONE)
                | Q(kind=MeetingKind.LECTURE, applies_to__in=list(rules.SECRETARY_LABELS)),
                name="requirement_given_by_lecture",
            ),
            # A committee holds no meetings of its own: it is held only to what its secretary
            # gives somewhere in its subtree.
            models.CheckConstraint(
                condition=~Q(applies_to=AppliesTo.COMMITTEE) | Q(given_by=GivenBy.SECRETARY),
                name="requirement_committee_given_by_secretary",
            ),
            models.CheckConstraint(
                condition=Q(period__in=PeriodUnit.values), name="requirement_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(min_count__gte=1, min_count__lte=31), name="requirement_min_count_range"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="requirement_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["kind", "applies_to", "given_by"],
                condition=Q(effective_to__isnull=True),
                name="requirement_one_open_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.rule_text}"

    @property
    def label(self) -> str:
        """党课 · 党支部书记讲党课 · 党委书记讲党课."""
        if self.given_by == GivenBy.SECRETARY:
            return f"{rules.SECRETARY_LABELS[self.applies_to]}讲{self.get_kind_display()}"
        return self.get_kind_display()

    @property
    def rule_text(self) -> str:
        """每季度至少1次."""
        return f"{rules.UNIT_LABELS[self.period]}至少{self.min_count}次"

    @property
    def plain_text(self) -> str:
        """The requirement in one plain sentence: 设支部委员会的党支部每月至少召开1次支部委员会会议,
        党支部书记每年至少为党员讲1次党课."""
        if self.given_by == GivenBy.SECRETARY:
            return (
                f"{rules.SECRETARY_LABELS[self.applies_to]}{rules.UNIT_LABELS[self.period]}"
                f"至少为党员讲{self.min_count}次{self.get_kind_display()}"
            )
        verb = "讲" if self.kind == "lecture" else "开展" if self.kind == "theme_day" else "召开"
        return (
            f"{self.get_applies_to_display()}{rules.UNIT_LABELS[self.period]}至少{verb}"
            f"{self.min_count}次{self.get_kind_display()}"
        )

    def as_version(self) -> rules.Version:
        return rules.Version(
            id=self.pk,
            kind=self.kind,
            applies_to=self.applies_to,
            unit=self.period,
            min_count=self.min_count,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            given_by=self.given_by,
        )

    def audit_values(self) -> dict[str, object]:
        return {
            "kind": self.get_kind_display(),
            "applies_to": self.get_applies_to_display(),
            "given_by": self.get_given_by_display(),
            "period": self.get_period_display(),
            "min_count": self.min_count,
            "effective_from": self.effective_from,
            "effective_to": self.effective_to,
            "source": self.source,
            "note": self.note,
        }
