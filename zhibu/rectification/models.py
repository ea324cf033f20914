"""问题清单与整改台账: problems, their measures, verification (销号), 回头看, 约谈 and 公示.

A problem is an object followed until it is fixed: it has an owner (a member, the branch
committee, or the branch), one or more measures with a responsible member and a deadline, and a
status derived from its measures until someone verifies and closes it. Closing schedules a
re-check; a re-check that finds the problem back reopens it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhibu.rectification import rules

if TYPE_CHECKING:
    from zhibu.accounts.models import User


class Source(models.TextChoices):
    LIFE_MEETING = "life_meeting", "组织生活会"
    OPINION = "opinion", "征求意见"
    EVALUATION = "evaluation", "民主评议"
    INSPECTION = "inspection", "督查"
    PATROL = "patrol", "巡察"
    SELF_CHECK = "self_check", "自查"
    OTHER = "other", "其他"


class OwnerKind(models.TextChoices):
    MEMBER = rules.OWNER_MEMBER, "党员个人"
    COMMITTEE = rules.OWNER_COMMITTEE, "支部委员会（班子）"
    BRANCH = rules.OWNER_BRANCH, "党支部"


class ProblemStatus(models.TextChoices):
    OPEN = rules.OPEN, "待整改"
    IN_PROGRESS = rules.IN_PROGRESS, "整改中"
    RECTIFIED = rules.RECTIFIED, "已完成，待销号"
    CLOSED = rules.CLOSED, "已销号"


class MeasureStatus(models.TextChoices):
    OPEN = rules.MEASURE_OPEN, "未完成"
    DONE = rules.MEASURE_DONE, "已完成"
    VERIFIED = rules.MEASURE_VERIFIED, "已核实"


class RecheckResult(models.TextChoices):
    HELD = "held", "整改成果巩固"
    RECURRED = "recurred", "问题反弹"
    CANCELLED = "cancelled", "重新整改，已取消"


class ProblemCategory(models.Model):
    """问题类别 (方面): the list the ledgers are divided by. Superusers edit it in the admin;
    a category in use is retired (``active=False``), never deleted."""

    name = models.CharField("名称", max_length=40, unique=True)
    position = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("可选用", default=True)

    class Meta:
        verbose_name = "问题类别"
        verbose_name_plural = "问题类别"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ProblemQuerySet(models.QuerySet["Problem"]):
    def visible_to(self, user: User) -> ProblemQuerySet:
        """Problems in organizations the user manages, and the user's own (as owner or as the
        member responsible for one of its measures)."""
        from zhibu.accounts.access import scope_for

        scope = scope_for(user)
        if scope.is_superuser:
            return self
        q = Q(pk__in=[])
        if scope.managed:
            q |= scope.managed_org_q("organization__")
        if scope.member is not None:
            q |= Q(owner_member=scope.member) | Q(measures__responsible=scope.member)
        return self.filter(q).distinct()

    def in_subtree(self, path: str) -> ProblemQuerySet:
        """Problems of the organizations at and below ``path``. The organizations are a
        subquery, so a branch's problems are read through the organization index, not found
        by joining every problem to its organization."""
        from zhibu.orgs.models import Organization, subtree_q

        return self.filter(
            organization_id__in=Organization.objects.filter(subtree_q(path)).values("pk")
        )

    def still_open(self) -> ProblemQuerySet:
        return self.exclude(status=ProblemStatus.CLOSED)


class Problem(models.Model):
    """问题: one problem found in one organization, followed until it is closed (销号)."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所属组织",
        on_delete=models.PROTECT,
        related_name="problems",
    )
    owner_kind = models.CharField("问题主体", max_length=20, choices=OwnerKind.choices)
    owner_member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    source = models.CharField("问题来源", max_length=20, choices=Source.choices)
    # The object the problem came from (a meeting, a poll …), when there is one.
    source_type = models.CharField(max_length=100, blank=True, editable=False)
    source_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    source_note = models.CharField("来源说明", max_length=200, blank=True)
    category = models.ForeignKey(
        ProblemCategory, verbose_name="问题类别", on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("问题表现")
    target = models.CharField("整改目标", max_length=300, blank=True)
    cause_thinking = models.TextField("原因：思想意识", blank=True)
    cause_ability = models.TextField("原因：能力作风", blank=True)
    cause_family = models.TextField("原因：家风环境", blank=True)
    cause_other = models.TextField("原因：其他", blank=True)
    year = models.PositiveSmallIntegerField("查摆年度")
    recurs = models.ForeignKey(
        "self",
        verbose_name="重复出现的往年问题",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeated_by",
    )
    # Set when a person chose ``recurs`` (or chose none); the similarity check leaves it then.
    recurs_by_hand = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        "状态", max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    remark = models.CharField("备注", max_length=300, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题清单"
        ordering = ["-year", "pk"]
        indexes = [
            models.Index(fields=["organization", "year"], name="problem_org_year"),
            models.Index(fields=["status", "organization"], name="problem_status_org"),
            models.Index(fields=["owner_member", "year"], name="problem_owner_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_kind=rules.OWNER_MEMBER) & Q(owner_member__isnull=False))
                | (~Q(owner_kind=rules.OWNER_MEMBER) & Q(owner_member__isnull=True)),
                name="problem_owner_member_iff_member",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1921, year__lte=2200), name="problem_year_range"
            ),
            models.CheckConstraint(
                condition=Q(status=rules.CLOSED, closed_on__isnull=False)
                | (~Q(status=rules.CLOSED) & Q(closed_on__isnull=True)),
                name="problem_closed_on_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        text = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return f"{self.year}年 {self.owner_label}：{text[:40]}"

    @property
    def owner_label(self) -> str:
        if self.owner_kind == rules.OWNER_MEMBER and self.owner_member is not None:
            return self.owner_member.name
        # A 党委's or 党总支's own problems are its 班子's or its own, not a 支部's.
        level = {"committee": "党委", "general_branch": "党总支"}.get(self.organization.kind)
        if level is None:
            return self.get_owner_kind_display()
        return f"{level}班子" if self.owner_kind == rules.OWNER_COMMITTEE else level

    @property
    def causes(self) -> list[tuple[str, str]]:
        pairs = [
            ("思想意识", self.cause_thinking),
            ("能力作风", self.cause_ability),
            ("家风环境", self.cause_family),
            ("其他", self.cause_other),
        ]
        return [(k, v) for k, v in pairs if v.strip()]

    @property
    def is_closed(self) -> bool:
        return self.status == ProblemStatus.CLOSED


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"rectification/{instance.measure_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class MeasureQuerySet(models.QuerySet["Measure"]):
    def unfinished(self) -> MeasureQuerySet:
        return self.filter(status=MeasureStatus.OPEN, problem__status__in=rules.ACTIVE_STATUSES)


class Measure(models.Model):
    """整改措施: one concrete step with the member responsible and a deadline."""

    problem = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField("整改措施")
    responsible = models.ForeignKey(
        "members.Member",
        verbose_name="责任人",
        on_delete=models.PROTECT,
        related_name="measures",
    )
    deadline = models.DateField("整改时限")
    status = models.CharField(
        "状态", max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.OPEN
    )
    evidence = models.TextField("完成情况及佐证", blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    verified_on = models.DateField("核实日期", null=True, blank=True)
    verified_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="measure_status_deadline")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=rules.MEASURE_OPEN, done_on__isnull=True)
                | (~Q(status=rules.MEASURE_OPEN) & Q(done_on__isnull=False)),
                name="measure_done_on_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Evidence(models.Model):
    """佐证材料: a file kept with a measure. Optional; never required to finish a measure."""

    measure = models.ForeignKey(
        Measure, verbose_name="整改措施", on_delete=models.PROTECT, related_name="files"
    )
    file = models.FileField("文件", upload_to=evidence_path, max_length=300)
    name = models.CharField("名称", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ProblemEvent(models.Model):
    """The problem's own history shown on its page (进展): 销号, reopening with the reason,
    re-check results. The audit trail keeps every change; this keeps what a reader needs."""

    class Kind(models.TextChoices):
        CLOSED = "closed", "销号"
        REOPENED = "reopened", "重新整改"
        RECHECKED = "rechecked", "回头看"
        INTERVIEW = "interview", "约谈"

    problem = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class Recheck(models.Model):
    """回头看: scheduled when a problem is closed; records whether it stayed fixed."""

    problem = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.CASCADE, related_name="rechecks"
    )
    due_on = models.DateField("回头看日期")
    done_on = models.DateField("检查日期", null=True, blank=True)
    result = models.CharField("检查结果", max_length=20, choices=RecheckResult.choices, blank=True)
    note = models.TextField("检查情况", blank=True)
    checked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "回头看"
        verbose_name_plural = "回头看"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, result="")
                | Q(done_on__isnull=False, result__in=RecheckResult.values),
                name="recheck_result_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return f"回头看 {self.due_on}"


class Interview(models.Model):
    """约谈: the committee above talks with those responsible for a long-overdue problem."""

    problem = models.ForeignKey(
        Problem, verbose_name="问题", on_delete=models.PROTECT, related_name="interviews"
    )
    held_on = models.DateField("约谈日期")
    interviewee = models.CharField("约谈对象", max_length=100)
    summary = models.TextField("约谈情况")
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "约谈"
        verbose_name_plural = "约谈"
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"约谈 {self.interviewee} {self.held_on}"


class PublicationQuerySet(models.QuerySet["Publication"]):
    def showing(self, on: dt.date) -> PublicationQuerySet:
        return self.filter(withdrawn_at__isnull=True, starts_on__lte=on, ends_on__gte=on)


class Publication(models.Model):
    """公示: what the branch's members may see of its problem list, and from when to when
    (RULES.md §8: 公示 of the list and its progress)."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="党支部",
        on_delete=models.PROTECT,
        related_name="publications",
    )
    title = models.CharField("公示标题", max_length=200)
    note = models.TextField("公示说明", blank=True)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    problems = models.ManyToManyField(Problem, verbose_name="公示的问题", related_name="+")
    show_measures = models.BooleanField("公示整改措施", default=True)
    show_progress = models.BooleanField("公示整改进展", default=True)
    contact = models.CharField("联系人及电话", max_length=100, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="publication_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_showing(self, on: dt.date) -> bool:
        return self.withdrawn_at is None and self.starts_on <= on <= self.ends_on
