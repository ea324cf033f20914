"""Read queries about organizations: counts and structure findings for one branch or a subtree.

Each function runs a fixed number of queries however many branches or members there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from zhibu.members.models import Category, Member
from zhibu.orgs import rules
from zhibu.orgs.models import COMMITTEE_ROLES, Organization, OrgKind, Position, subtree_q


@dataclass
class BranchHealth:
    branch: Organization
    counts: dict[str, int]
    committee_size: int
    findings: list[rules.Finding]

    @property
    def party_members(self) -> int:
        return self.counts.get(Category.FULL, 0) + self.counts.get(Category.PROBATIONARY, 0)

    @property
    def level(self) -> str:
        levels = {f.level for f in self.findings}
        return "danger" if "danger" in levels else "warning" if levels else "ok"


@dataclass
class SubtreeSummary:
    root: Organization
    kind_counts: dict[str, int] = field(default_factory=dict)
    category_counts: dict[str, int] = field(default_factory=dict)
    branches: list[BranchHealth] = field(default_factory=list)

    @property
    def total_members(self) -> int:
        return sum(self.category_counts.values())

    @property
    def branches_with_findings(self) -> list[BranchHealth]:
        order = {"danger": 0, "warning": 1, "ok": 2}
        flagged = [b for b in self.branches if b.findings]
        return sorted(flagged, key=lambda b: (order[b.level], b.branch.path))


def branch_health(branches: list[Organization], today: dt.date | None = None) -> list[BranchHealth]:
    """Counts and structure findings for these branches, in three queries."""
    today = today or timezone.localdate()
    ids = [b.pk for b in branches]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Member.objects.current()
        .filter(branch_id__in=ids)
        .values("branch_id", "category")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["branch_id"]][row["category"]] = row["n"]
    committee: dict[int, int] = {
        row["organization_id"]: row["n"]
        for row in Position.objects.active(today)
        .filter(organization_id__in=ids, role__in=COMMITTEE_ROLES)
        .values("organization_id")
        .annotate(n=Count("member", distinct=True))
        .order_by()
    }
    out = []
    for b in branches:
        c = counts[b.pk]
        full = c.get(Category.FULL, 0)
        party = full + c.get(Category.PROBATIONARY, 0)
        findings = rules.structure_findings(
            full_members=full,
            party_members=party,
            committee_size=committee.get(b.pk, 0),
            term_started_on=b.term_started_on,
            unit_type=b.unit_type,
            today=today,
        )
        out.append(BranchHealth(b, c, committee.get(b.pk, 0), findings))
    return out


def subtree_summary(root: Organization, today: dt.date | None = None) -> SubtreeSummary:
    summary = SubtreeSummary(root=root)
    current = Organization.objects.current().filter(subtree_q(root.path))
    summary.kind_counts = {
        row["kind"]: row["n"] for row in current.values("kind").annotate(n=Count("pk")).order_by()
    }
    summary.category_counts = {
        row["category"]: row["n"]
        for row in Member.objects.current()
        .filter(branch__in=current.filter(kind=OrgKind.BRANCH))
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    }
    branches = list(current.filter(kind=OrgKind.BRANCH).order_by("path"))
    summary.branches = branch_health(branches, today)
    return summary


def children_with_counts(org: Organization) -> list[Organization]:
    """Current children, each annotated with ``n_children`` and ``n_members`` (one query)."""
    return list(
        Organization.objects.current()
        .filter(parent=org)
        .annotate(
            n_children=Count("children", filter=Q(children__closed_on__isnull=True), distinct=True),
            n_members=Count("members", filter=Q(members__status="active"), distinct=True),
            n_group_members=Count(
                "group_members", filter=Q(group_members__status="active"), distinct=True
            ),
        )
        .order_by("code")
    )


def officer_users(org: Organization, *, secretaries_only: bool = False) -> list[Any]:
    """The active accounts of the organization's officers in post (书记 and 副书记 only, when
    ``secretaries_only``): who is told of what needs the organization's decision."""
    from zhibu.accounts.models import User

    roles = ["secretary", "deputy_secretary"] if secretaries_only else list(COMMITTEE_ROLES)
    return list(
        User.objects.filter(
            is_active=True,
            member__positions__organization=org,
            member__positions__role__in=roles,
            member__positions__ended_on__isnull=True,
        ).distinct()
    )
