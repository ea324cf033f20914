"""Read queries for the ledgers (分类分册), the 通报 list and the overdue counts.

Each query is a fixed number of SQL statements whatever the number of rows: measures come in
one prefetch, and the lateness of each problem is computed from them in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from zhibu.orgs.models import Organization, OrgKind, subtree_q
from zhibu.rectification import rules
from zhibu.rectification.models import (
    Measure,
    MeasureStatus,
    OwnerKind,
    Problem,
    ProblemCategory,
    ProblemQuerySet,
    ProblemStatus,
    Recheck,
    Source,
)

OVERDUE = "overdue"  # a status filter value: not closed and a measure past its deadline
UNCLOSED = "unclosed"  # a status filter value: every status but closed (未销号)
RECHECK_DUE = "recheck_due"  # a status filter value: closed, and its 回头看 has fallen due
EXTRA_STATUSES = [(UNCLOSED, "未销号"), (OVERDUE, "已逾期"), (RECHECK_DUE, "待回头看")]
GROUPINGS = {
    "category": "问题类别",
    "owner": "问题主体",
    "source": "问题来源",
    "status": "状态",
    "year": "年度",
}


@dataclass(frozen=True)
class LedgerFilter:
    year: int | None = None
    category: int | None = None
    owner_kind: str = ""
    source: str = ""
    status: str = ""  # a ProblemStatus value, or OVERDUE
    by: str = "category"

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> LedgerFilter:
        """Read the query string leniently: an unknown value is the same as no filter."""

        def number(key: str) -> int | None:
            value = str(data.get(key) or "").strip()
            return int(value) if value.isdigit() and len(value) <= 9 else None

        status = str(data.get("status") or "")
        return cls(
            year=number("year"),
            category=number("category"),
            owner_kind=o if (o := str(data.get("owner_kind") or "")) in OwnerKind.values else "",
            source=s if (s := str(data.get("source") or "")) in Source.values else "",
            status=status if status in [*ProblemStatus.values, *dict(EXTRA_STATUSES)] else "",
            by=b if (b := str(data.get("by") or "")) in GROUPINGS else "category",
        )

    def as_query(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("year", "category", "owner_kind", "source", "status"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out

    def apply_to_measures(self, qs: Any) -> Any:
        """The same filters on late measures (the status filter aside: late is late)."""
        if self.year:
            qs = qs.filter(problem__year=self.year)
        if self.category:
            qs = qs.filter(problem__category_id=self.category)
        if self.owner_kind:
            qs = qs.filter(problem__owner_kind=self.owner_kind)
        if self.source:
            qs = qs.filter(problem__source=self.source)
        if self.status in ProblemStatus.values:
            qs = qs.filter(problem__status=self.status)
        elif self.status == RECHECK_DUE:
            qs = qs.none()  # a closed problem has no late measure
        return qs

    def apply(self, qs: ProblemQuerySet, today: dt.date) -> ProblemQuerySet:
        if self.year:
            qs = qs.filter(year=self.year)
        if self.category:
            qs = qs.filter(category_id=self.category)
        if self.owner_kind:
            qs = qs.filter(owner_kind=self.owner_kind)
        if self.source:
            qs = qs.filter(source=self.source)
        if self.status == OVERDUE:
            late = Measure.objects.filter(status=MeasureStatus.OPEN, deadline__lt=today)
            qs = qs.still_open().filter(pk__in=late.values("problem_id"))
        elif self.status == UNCLOSED:
            qs = qs.still_open()
        elif self.status == RECHECK_DUE:
            qs = qs.filter(pk__in=_rechecks_due(today).values("problem_id"))
        elif self.status:
            qs = qs.filter(status=self.status)
        return qs


def _rechecks_due(today: dt.date) -> Any:
    return Recheck.objects.filter(done_on__isnull=True, due_on__lte=today)


def with_recheck_due(qs: ProblemQuerySet, today: dt.date) -> ProblemQuerySet:
    """Mark each problem whose 回头看 has fallen due (``recheck_due``), in the same query."""
    return qs.annotate(recheck_due=Exists(_rechecks_due(today).filter(problem_id=OuterRef("pk"))))


def with_measures(qs: ProblemQuerySet) -> ProblemQuerySet:
    return qs.select_related("organization", "owner_member", "category", "recurs").prefetch_related(
        Prefetch(
            "measures",
            queryset=Measure.objects.select_related("responsible").prefetch_related("files"),
        )
    )


def annotate(problems: Iterable[Problem], today: dt.date) -> list[Problem]:
    """Set ``level`` (the worst lateness of its unfinished measures), ``days_late`` and
    ``progress`` on each problem, from its prefetched measures."""
    remind, escalate = settings.RECTIFICATION_REMIND_DAYS, settings.RECTIFICATION_ESCALATE_DAYS
    out = []
    for p in problems:
        measures = list(p.measures.all())
        open_ = [m for m in measures if m.status == MeasureStatus.OPEN]
        if p.status == ProblemStatus.CLOSED:
            open_ = []
        p.level = rules.worst_level(  # type: ignore[attr-defined]
            rules.deadline_level(m.deadline, today, done=False, remind_days=remind,
                                 escalate_days=escalate)
            for m in open_
        )  # fmt: skip
        p.next_deadline = min((m.deadline for m in open_), default=None)  # type: ignore[attr-defined]
        p.days_late = max(((today - m.deadline).days for m in open_), default=0)  # type: ignore[attr-defined]
        p.progress = rules.progress([m.status for m in measures])  # type: ignore[attr-defined]
        for m in measures:
            m.level = rules.deadline_level(  # type: ignore[attr-defined]
                m.deadline, today, done=m.status != MeasureStatus.OPEN or p.is_closed,
                remind_days=remind, escalate_days=escalate,
            )  # fmt: skip
        out.append(p)
    return out


@dataclass
class Group:
    key: Any
    label: str
    count: int = 0
    open: int = 0
    overdue: int = 0


def _tree(org: Organization) -> Any:
    return Organization.objects.filter(subtree_q(org.path)).values("pk")


def _late_in(org: Organization, today: dt.date, days: int = 0) -> Any:
    """Late measures below ``org``. A branch has few problems: start from them (organization
    index). A committee's subtree has most of the problems: start from the late measures
    ((status, deadline) index) and keep those in the subtree."""
    late = _late_measures(today, days)
    if org.kind in (OrgKind.BRANCH, OrgKind.GROUP):
        return late.filter(
            problem__in=Problem.objects.filter(organization_id__in=_tree(org)).values("pk")
        )
    return late.filter(problem__organization_id__in=_tree(org))


def _late_measures(today: dt.date, days: int = 0) -> Any:
    """Unfinished measures more than ``days`` past their deadline, found through the (status,
    deadline) index. A closed problem has no unfinished measure (closing needs every one done;
    reopening adds a new one and the problem is no longer closed), so the problem's status
    need not be read."""
    return Measure.objects.filter(
        status=MeasureStatus.OPEN, deadline__lt=today - dt.timedelta(days=days)
    )


def groups(
    org: Organization,
    flt: LedgerFilter,
    today: dt.date,
    categories: Iterable[ProblemCategory] | None = None,
) -> list[Group]:
    """Counts per volume (分册) of the ledger: one aggregate over the problems, one over the
    late measures (so the problems are not joined to all their measures)."""
    qs = flt.apply(Problem.objects.in_subtree(org.path), today)
    key = {
        "category": "category_id",
        "owner": "owner_kind",
        "source": "source",
        "status": "status",
        "year": "year",
    }[flt.by]
    rows = (
        qs.order_by()
        .values(key)
        .annotate(n=Count("pk"), still=Count("pk", filter=~Q(status=ProblemStatus.CLOSED)))
    )
    late = dict(
        flt.apply_to_measures(_late_in(org, today))
        .order_by()
        .values_list(f"problem__{key}")
        .annotate(n=Count("problem_id", distinct=True))
    )
    labels: dict[Any, str]
    if flt.by == "category":
        labels = {c.pk: c.name for c in (categories or ProblemCategory.objects.all())}
        order = list(labels)
    elif flt.by == "owner":
        labels, order = dict(OwnerKind.choices), list(OwnerKind.values)
    elif flt.by == "source":
        labels, order = dict(Source.choices), list(Source.values)
    elif flt.by == "status":
        labels, order = dict(ProblemStatus.choices), list(ProblemStatus.values)
    else:
        labels, order = {}, []
    out = [
        Group(key=r[key], label=labels.get(r[key], f"{r[key]}年" if flt.by == "year" else "—"),
              count=r["n"], open=r["still"], overdue=late.get(r[key], 0))
        for r in rows
    ]  # fmt: skip
    if flt.by == "year":
        return sorted(out, key=lambda g: -g.key)
    return sorted(out, key=lambda g: order.index(g.key) if g.key in order else len(order))


def ledger(org: Organization, flt: LedgerFilter, today: dt.date) -> ProblemQuerySet:
    qs = flt.apply(Problem.objects.in_subtree(org.path), today)
    order = {
        "category": ("category__position", "category_id"),
        "owner": ("owner_kind",),
        "source": ("source",),
        "status": ("status",),
        "year": ("-year",),
    }[flt.by]
    return with_recheck_due(with_measures(qs), today).order_by(
        *order, "organization__path", "-year", "pk"
    )


@dataclass
class BranchOverdue:
    organization: Organization
    open: int = 0
    overdue: int = 0
    escalated: int = 0


def overdue_by_branch(org: Organization, today: dt.date) -> list[BranchOverdue]:
    """For a committee: each organization below it with problems, how many are still open, how
    many have a measure past its deadline, and how many are past the escalation threshold.

    Two aggregates: the open problems (index on status and organization), and the late
    measures (index on status and deadline); neither reads the closed problems.
    """
    escalate = settings.RECTIFICATION_ESCALATE_DAYS
    in_tree = _tree(org)
    counts = dict(
        Problem.objects.filter(status__in=rules.ACTIVE_STATUSES, organization_id__in=in_tree)
        .order_by()
        .values_list("organization_id")
        .annotate(n=Count("pk"))
    )
    late: dict[int, tuple[int, int]] = {
        o: (n, very)
        for o, n, very in _late_in(org, today)
        .order_by()
        .values_list("problem__organization_id")
        .annotate(
            n=Count("problem_id", distinct=True),
            very=Count(
                "problem_id",
                distinct=True,
                filter=Q(deadline__lt=today - dt.timedelta(days=escalate)),
            ),
        )
    }
    orgs = Organization.objects.filter(pk__in=list(counts)).order_by("path")
    return [BranchOverdue(o, counts[o.pk], *late.get(o.pk, (0, 0))) for o in orgs]


def overdue_by_child(org: Organization, today: dt.date) -> list[BranchOverdue]:
    """``overdue_by_branch`` summed per organization directly below ``org`` (and ``org``'s own
    problems first), so a county sees its townships and drills down, not 1,500 rows."""
    rows = overdue_by_branch(org, today)
    children = list(Organization.objects.filter(parent=org).order_by("path"))
    out: dict[int, BranchOverdue] = {}
    for row in rows:
        path = row.organization.path
        top = (
            row.organization
            if row.organization.pk == org.pk
            else next((c for c in children if path.startswith(c.path)), row.organization)
        )
        total = out.setdefault(top.pk, BranchOverdue(top))
        total.open += row.open
        total.overdue += row.overdue
        total.escalated += row.escalated
    return sorted(out.values(), key=lambda r: r.organization.path)


def bulletin(org: Organization, today: dt.date) -> ProblemQuerySet:
    """通报: problems in the subtree with a measure more than the threshold past its deadline."""
    escalate = settings.RECTIFICATION_ESCALATE_DAYS
    very = _late_measures(today, escalate)
    qs = (
        Problem.objects.in_subtree(org.path)
        .filter(pk__in=very.values("problem_id"))
        .prefetch_related("interviews")
        .order_by("organization__path", "pk")
    )
    return with_measures(qs)


@dataclass
class MyWork:
    measures: list[Measure] = field(default_factory=list)  # unfinished, mine to do
    problems: list[Problem] = field(default_factory=list)  # owned by me, not closed
    levels: Counter[str] = field(default_factory=Counter)


def my_work(member_id: int, today: dt.date) -> MyWork:
    """A member's own: the measures they must carry out and the problems found in them."""
    remind, escalate = settings.RECTIFICATION_REMIND_DAYS, settings.RECTIFICATION_ESCALATE_DAYS
    measures = list(
        Measure.objects.unfinished()
        .filter(responsible_id=member_id)
        .select_related("problem__organization")
        .order_by("deadline", "pk")
    )
    out = MyWork(measures=measures)
    for m in measures:
        m.level = rules.deadline_level(  # type: ignore[attr-defined]
            m.deadline, today, done=False, remind_days=remind, escalate_days=escalate
        )
        out.levels[m.level] += 1  # type: ignore[attr-defined]
    out.problems = annotate(
        with_measures(
            Problem.objects.still_open().filter(owner_member_id=member_id).order_by("-year", "pk")
        ),
        today,
    )
    return out


@dataclass
class HomeCounts:
    open: int
    overdue: int
    escalated: int
    escalate_days: int
    late_branches: list[BranchOverdue]


def home_counts(org: Organization, today: dt.date, limit: int = 10) -> HomeCounts:
    """The officers' home card: totals for the subtree and the branches most behind."""
    rows = overdue_by_branch(org, today)
    late = sorted((r for r in rows if r.overdue), key=lambda r: (-r.overdue, r.organization.path))
    return HomeCounts(
        open=sum(r.open for r in rows),
        overdue=sum(r.overdue for r in rows),
        escalated=sum(r.escalated for r in rows),
        escalate_days=settings.RECTIFICATION_ESCALATE_DAYS,
        late_branches=late[:limit],
    )
