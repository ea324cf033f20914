"""The organization tree (党委 → 党总支 → 党支部 → 党小组) and positions in it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhibu.core.fields import PathField
from zhibu.orgs import rules

if TYPE_CHECKING:
    from zhibu.accounts.models import User


class OrgKind(models.TextChoices):
    COMMITTEE = rules.COMMITTEE, "党委"
    GENERAL_BRANCH = rules.GENERAL_BRANCH, "党总支"
    BRANCH = rules.BRANCH, "党支部"
    GROUP = rules.GROUP, "党小组"


class UnitType(models.TextChoices):
    """The kind of unit a branch is in; it sets the committee's term (RULES.md §2)."""

    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    AGENCY = "agency", "机关"
    ENTERPRISE = "enterprise", "企业"
    SCHOOL = "school", "学校"
    OTHER = "other", "其他"


def subtree_q(path: str, prefix: str = "") -> Q:
    """Rows whose ``<prefix>path`` lies in the subtree at ``path`` (one index range)."""
    lo, hi = rules.subtree_bounds(path)
    return Q(**{f"{prefix}path__gte": lo, f"{prefix}path__lt": hi})


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def current(self) -> OrganizationQuerySet:
        """Organizations not closed: what current views show."""
        return self.filter(closed_on__isnull=True)

    def subtree(self, org: Organization) -> OrganizationQuerySet:
        return self.filter(subtree_q(org.path))

    def visible_to(self, user: User) -> OrganizationQuerySet:
        from zhibu.accounts.access import scope_for

        return self.filter(scope_for(user).org_q())

    def managed_by(self, user: User) -> OrganizationQuerySet:
        from zhibu.accounts.access import scope_for

        return self.filter(scope_for(user).managed_org_q())


code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$",
    "组织编码只能由字母、数字、下划线和连字符组成，以字母或数字开头，最长32位",
)


class Organization(models.Model):
    """A node of the tree. A closed organization keeps its history and leaves current views."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    code = models.CharField("组织编码", max_length=32, unique=True, validators=[code_validator])
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = PathField("路径", max_length=255, db_index=True, editable=False)
    unit_type = models.CharField("单位类型", max_length=20, choices=UnitType.choices, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    closed_on = models.DateField("撤销日期", null=True, blank=True)
    term_started_on = models.DateField("本届任期开始", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrgKind.values), name="org_kind_valid"),
            models.CheckConstraint(
                condition=Q(unit_type__in=[*UnitType.values, ""]), name="org_unit_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(closed_on__gte=models.F("founded_on")),
                name="org_closed_after_founded",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(closed_on__isnull=True),
                name="org_open_sibling_names_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgKind.BRANCH

    @property
    def holds_members(self) -> bool:
        """Members are registered in branches; committees see theirs through the subtree."""
        return self.kind == OrgKind.BRANCH

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self) -> list[int]:
        return rules.ancestor_ids(self.path)[:-1]

    def term_end(self) -> dt.date | None:
        if self.term_started_on is None:
            return None
        return rules.term_end(self.term_started_on, self.unit_type)


class Role(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANIZATION_OFFICER = "organization_officer", "组织委员"
    PUBLICITY_OFFICER = "publicity_officer", "宣传委员"
    DISCIPLINE_OFFICER = "discipline_officer", "纪检委员"
    COMMITTEE_MEMBER = "committee_member", "委员"
    GROUP_LEADER = "group_leader", "党小组长"


# The order positions are listed in: 书记 first, as on every roster of officers.
ROLE_RANK = {role: rank for rank, role in enumerate(Role.values)}

# Roles that sit on an organization's committee and so manage it and everything below it.
COMMITTEE_ROLES = frozenset(Role.values) - {Role.GROUP_LEADER}


class PositionQuerySet(models.QuerySet["Position"]):
    def active(self, on: dt.date | None = None) -> PositionQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)


class Position(models.Model):
    """A member's office in an organization for a period (``ended_on`` is the first day out)."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="positions"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="组织", on_delete=models.PROTECT, related_name="positions"
    )
    role = models.CharField("职务", max_length=30, choices=Role.choices)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("免职日期", null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["organization", "role", "started_on"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="position_role_valid"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                name="position_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(role="secretary", ended_on__isnull=True),
                name="position_one_open_secretary",
            ),
            models.UniqueConstraint(
                fields=["member", "organization"],
                condition=Q(ended_on__isnull=True),
                name="position_one_open_per_member_org",
            ),
        ]
        indexes = [models.Index(fields=["member", "ended_on"], name="position_member_idx")]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_role_display()} {self.member}"

    def is_active(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)

    def as_dict(self) -> dict[str, Any]:
        return {
            "member": self.member.name,
            "organization": self.organization.name,
            "role": self.get_role_display(),
            "started_on": self.started_on,
            "ended_on": self.ended_on,
        }
