"""Compliance of a subtree with the rulebook, and the six-month rule (RULES.md §1, §7).

``compute`` answers for any organization and date range in a fixed number of queries, however
large the subtree: the database does the counting (held meetings per unit, kind and month; the
last participation per member) and Python only walks the aggregates. The secretaries' own 党课
(``given_by`` "secretary") are the one thing read meeting by meeting: only held 党课 whose
lecturer has ever been a secretary, a few per branch a year. The rules themselves
(periods, versions, statuses, months) are the pure functions of ``rulebook/rules.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhibu.core.models import AuditChainHead
from zhibu.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from zhibu.members.models import Member
from zhibu.orgs.models import COMMITTEE_ROLES, Organization, OrgKind, Position, Role, subtree_q
from zhibu.orgs.rules import ancestor_ids
from zhibu.rulebook import rules
from zhibu.rulebook.models import Requirement

KIND_LABELS = dict(MeetingKind.choices)
KIND_ORDER = [k for k, _ in MeetingKind.choices]


def requirement_key(kind: str, given_by: str = rules.ANYONE) -> str:
    """What a unit's requirement is called on the board and in anchors: the kind of meeting,
    or ``lecture_by_secretary`` for the 党课 the unit's secretary must give."""
    return f"{kind}_by_{given_by}" if given_by else kind


# The board's columns in order: each kind, then the same kind given by the secretary.
KEY_ORDER = [requirement_key(k, g) for k in KIND_ORDER for g in rules.GIVEN_BY]
SHORT_LABELS = {
    "branch_assembly": "党员大会",
    "committee_meeting": "支委会",
    "group_meeting": "党小组会",
    "lecture": "党课",
    "lecture_by_secretary": "书记讲党课",
    "theme_day": "主题党日",
    "life_meeting": "组织生活会",
}
MAX_RANGE_DAYS = 3 * 366
# Status colours always come with a word (UI.md): 正常 green, 待完成 amber, 缺失 red-orange.
BADGES = {
    rules.OK: "badge-ok",
    rules.DUE: "badge-warn",
    rules.MISSING: "badge-danger",
    rules.BEHIND: "badge-danger",
    "": "badge-muted",
}
LEVEL_BADGES = {
    rules.LEVEL_OK: "badge-ok",
    rules.LEVEL_WARNING: "badge-warn",
    rules.LEVEL_CRITICAL: "badge-danger",
}


# --- results ------------------------------------------------------------------------------


@dataclass
class MeetingRef:
    pk: int
    title: str
    date: dt.date


@dataclass(slots=True)
class PeriodResult:
    period: rules.Period
    min_count: int
    held: int  # meetings held in the period
    status: str  # ok · due · missing
    # Filled by ``attach_meetings`` for the one unit a page drills into; an empty tuple until
    # then, so a county's 75,000 periods do not each allocate a list.
    meetings: Sequence[MeetingRef] = ()

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def badge(self) -> str:
        return BADGES[self.status]


@dataclass
class RequirementResult:
    """One requirement (all its versions) for one unit over the range."""

    kind: str
    applies_to: str
    periods: list[PeriodResult]
    versions: list[Requirement]
    given_by: str = rules.ANYONE

    @property
    def key(self) -> str:
        return requirement_key(self.kind, self.given_by)

    @property
    def who(self) -> str:
        """Who must give the meeting: 党支部书记, 党委书记, or "" when anyone may."""
        return rules.SECRETARY_LABELS[self.applies_to] if self.given_by else ""

    @property
    def label(self) -> str:
        """支部党员大会 · 党支部书记讲党课 · 党委书记讲党课."""
        if self.given_by:
            return f"{rules.SECRETARY_LABELS[self.applies_to]}讲{KIND_LABELS[self.kind]}"
        return KIND_LABELS[self.kind]

    @property
    def unit(self) -> str:
        return self.periods[-1].period.unit if self.periods else self.versions[-1].period

    @property
    def required(self) -> int:
        return len(self.periods)

    @property
    def held(self) -> int:
        """Periods satisfied (not meetings)."""
        return sum(1 for p in self.periods if p.status == rules.OK)

    @property
    def missing(self) -> list[str]:
        return [p.label for p in self.periods if p.status == rules.MISSING]

    @property
    def due(self) -> list[str]:
        return [p.label for p in self.periods if p.status == rules.DUE]

    @property
    def status(self) -> str:
        return rules.requirement_status(p.status for p in self.periods)

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def badge(self) -> str:
        return BADGES[self.status]

    @property
    def current(self) -> Requirement:
        """The version governing the last period: the rule as it now reads for this range."""
        return self.versions[-1]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "given_by": self.given_by,
            "label": self.label,
            "unit": self.unit,
            "required": self.required,
            "held": self.held,
            "missing": self.missing,
            "due": self.due,
            "status": self.status,
            "periods": [
                {"period": p.label, "min_count": p.min_count, "held": p.held, "status": p.status}
                for p in self.periods
            ],
        }


@dataclass
class UnitResult:
    """A branch, a group or a committee, with each requirement that applied to it in the range
    (a committee: only its secretary's own 党课)."""

    id: int
    code: str
    name: str
    kind: str
    path: str
    parent_id: int | None
    parent_code: str
    closed_on: dt.date | None
    requirements: list[RequirementResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        return rules.requirement_status(r.status for r in self.requirements)

    @property
    def n_missing(self) -> int:
        return sum(len(r.missing) for r in self.requirements)

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def badge(self) -> str:
        return BADGES[self.status]

    @property
    def is_group(self) -> bool:
        return self.kind == OrgKind.GROUP

    @property
    def is_committee(self) -> bool:
        return self.kind == OrgKind.COMMITTEE

    @property
    def is_current(self) -> bool:
        return self.closed_on is None

    @property
    def kinds(self) -> list[str]:
        """The keys of its requirements (``requirement_key``)."""
        return [r.key for r in self.requirements]

    def requirement(self, key: str) -> RequirementResult | None:
        """The requirement of this key: ``lecture`` is the quarterly 党课 anyone may give,
        ``lecture_by_secretary`` the secretary's own."""
        return next((r for r in self.requirements if r.key == key), None)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name, "kind": self.kind}
        if self.is_group:
            out["branch"] = self.parent_code
        out["status"] = self.status
        out["requirements"] = [r.as_json() for r in self.requirements]
        return out


@dataclass
class MemberResult:
    id: int
    name: str
    id_number_tail: str
    branch_id: int
    branch_code: str
    branch_name: str
    in_branch_since: dt.date
    last_participation: dt.date | None
    months_without_life: int
    level: str

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS[self.level]

    @property
    def badge(self) -> str:
        return LEVEL_BADGES[self.level]

    def as_json(self) -> dict[str, Any]:
        return {
            "id_number_tail": self.id_number_tail,
            "name": self.name,
            "unit": self.branch_code,
            "months_without_life": self.months_without_life,
            "level": self.level,
            "last_participation": self.last_participation.isoformat()
            if self.last_participation
            else None,
            "in_branch_since": self.in_branch_since.isoformat(),
        }


@dataclass
class Cell:
    """One square of the board: a requirement for a branch (党小组会: summed over its groups).
    ``kind`` is the requirement's key (``requirement_key``)."""

    kind: str
    required: int = 0
    held: int = 0
    status: str = ""  # "" when the requirement does not apply
    missing: int = 0
    note: str = ""

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS.get(self.status, "不适用")

    @property
    def badge(self) -> str:
        return BADGES[self.status]


@dataclass
class BranchRow:
    branch: UnitResult
    groups: list[UnitResult]
    cells: list[Cell]

    @property
    def status(self) -> str:
        return rules.requirement_status(c.status for c in self.cells if c.status)

    @property
    def n_missing(self) -> int:
        return sum(c.missing for c in self.cells)

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def badge(self) -> str:
        return BADGES[self.status]


@dataclass
class MonthRow:
    month: str  # 2026-03
    ok: int = 0
    due: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.ok + self.due + self.missing

    @property
    def rate(self) -> int | None:
        """Share of the periods ended this month that were satisfied, in percent."""
        done = self.ok + self.missing
        return round(self.ok * 100 / done) if done else None


@dataclass
class Result:
    org: Organization
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    life_end: dt.date  # the six-month rule counts to here: the range end, or today if earlier
    units: list[UnitResult]
    members: list[MemberResult]  # party members at warning or critical, most months first
    party_members: int  # all party members counted

    @property
    def kinds(self) -> list[str]:
        """The requirements any branch or group is held to, as keys in the usual order (the
        board's columns)."""
        return keys_of(u for u in self.units if not u.is_committee)

    @property
    def committees(self) -> list[UnitResult]:
        """The committees (党委) of the subtree held to their secretary's own 党课."""
        return [u for u in self.units if u.is_committee]

    def branch_rows(self) -> list[BranchRow]:
        """One row per branch with its groups (remembered: callers copy before sorting)."""
        cached = self.__dict__.get("_branch_rows")
        if cached is not None:
            return list(cached)
        rows = self._branch_rows()
        self.__dict__["_branch_rows"] = rows
        return list(rows)

    def _branch_rows(self) -> list[BranchRow]:
        groups: dict[int | None, list[UnitResult]] = defaultdict(list)
        for u in self.units:
            if u.is_group:
                groups[u.parent_id].append(u)
        kinds = self.kinds
        rows = []
        for u in self.units:
            if u.is_group or u.is_committee:
                continue
            cells = [_cell(kind, u, groups[u.id]) for kind in kinds]
            rows.append(BranchRow(u, groups[u.id], cells))
        return rows

    def by_month(self) -> list[MonthRow]:
        """Requirement periods by the month they end in (later ones in the range's last month)."""
        cached = self.__dict__.get("_by_month")
        if cached is None:
            cached = self.__dict__["_by_month"] = self._by_month()
        return cached

    def _by_month(self) -> list[MonthRow]:
        months = {
            n: MonthRow(f"{y}-{m:02d}")
            for n in rules.month_span(self.date_from, self.date_to)
            for y, m in [rules.month_of_number(n)]
        }
        last = rules.month_number(self.date_to.year, self.date_to.month)
        for u in self.units:
            for r in u.requirements:
                for p in r.periods:
                    end = p.period.months[-1]
                    row = months.get(min(end, last))
                    if row is not None:
                        setattr(row, p.status, getattr(row, p.status) + 1)
        return list(months.values())

    def chart_data(self, rows: list[MonthRow] | None = None) -> dict[str, Any]:
        rows = self.by_month() if rows is None else rows
        return {
            "labels": [r.month for r in rows],
            "series": [
                {"key": "ok", "label": "正常", "data": [r.ok for r in rows]},
                {"key": "due", "label": "待完成", "data": [r.due for r in rows]},
                {"key": "missing", "label": "缺失", "data": [r.missing for r in rows]},
            ],
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "org": self.org.code,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "today": self.today.isoformat(),
            "units": [u.as_json() for u in self.units],
            "members": [m.as_json() for m in self.members],
            "party_members": self.party_members,
            "thresholds": {
                "warning": rules.LIFE.warning,
                "critical": rules.LIFE.critical,
                "source": rules.LIFE.source,
            },
        }


def keys_of(units: Iterable[UnitResult]) -> list[str]:
    """The keys of the requirements any of ``units`` is held to, in the usual order."""
    seen = {r.key for u in units for r in u.requirements}
    return [k for k in KEY_ORDER if k in seen]


def _cell(kind: str, branch: UnitResult, groups: list[UnitResult]) -> Cell:
    if kind == "group_meeting":
        parts = [r for g in groups if (r := g.requirement(kind)) is not None and r.required]
        if not parts:
            return Cell(kind, note="没有党小组" if not groups else "")
        return Cell(
            kind,
            required=sum(r.required for r in parts),
            held=sum(r.held for r in parts),
            status=rules.requirement_status(r.status for r in parts),
            missing=sum(len(r.missing) for r in parts),
            note=f"{len(parts)} 个党小组",
        )
    r = branch.requirement(kind)
    if r is None:
        return Cell(kind, note="未设支委会" if kind == "committee_meeting" else "")
    return Cell(kind, r.required, r.held, r.status, len(r.missing))


# --- the computation ----------------------------------------------------------------------


def _tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=_tz())


def _lines(rows: list[Requirement]) -> dict[tuple[str, str, str], list[Requirement]]:
    lines: dict[tuple[str, str, str], list[Requirement]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r.effective_from):
        lines[(r.kind, r.applies_to, r.given_by)].append(r)
    return lines


def _scope_filters(org: Organization) -> tuple[Q, Q]:
    """(meetings, members) of ``org``'s subtree; for a group, its own meetings and members."""
    if org.kind == OrgKind.GROUP:
        return Q(group_id=org.pk), Q(group_id=org.pk)
    return subtree_q(org.path, "branch__"), subtree_q(org.path, "branch__")


@dataclass(frozen=True)
class _Line:
    """One requirement's plan for the range: each period with the figures of its version."""

    kind: str
    applies_to: str
    given_by: str
    # period, minimum count, version id, last day, the columns of _held_counts it spans, and
    # the status it has when too few were held (due or missing: the same for every unit)
    items: list[tuple[rules.Period, int, int, dt.date, range, str]]


F = TypeVar("F", bound=Callable[..., Any])


def _without_gc_pauses(func: F) -> F:
    """Run ``func`` with the cyclic garbage collector paused: a county's result is tens of
    thousands of small objects, which set off full collections of the whole process's heap
    (a third of the computation); the results hold no reference cycles to collect."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper  # type: ignore[return-value]


@_without_gc_pauses
def compute(
    org: Organization, date_from: dt.date, date_to: dt.date, today: dt.date | None = None
) -> Result:
    """Compliance of every branch and group in ``org``'s subtree open during the range (and of
    every committee, held to its secretary's own 党课), and the party members at warning or
    critical under the six-month rule.

    Seven queries whatever the size of the subtree: requirements, units, held meetings counted
    per unit, kind and stretch of time, committee positions (the secretaries among them), the
    held 党课 given by someone who has been a secretary (only when a requirement counts the
    secretary's own: six queries otherwise), the flagged members with their last
    participation, and the number of party members. The per-unit work in Python is linear in
    units × periods.

    A 党课 counts for a ``given_by`` "secretary" requirement of a unit when its lecturer held
    the unit's secretary position on the meeting's (local) date: a branch's own 党课 for the
    branch, any 党课 of its subtree for a committee (``rules.credited_secretaries``). Those
    periods carry their meetings (``PeriodResult.meetings``) straight away.

    A unit is held to a period when it exists on the period's last day — the same day that picks
    the requirement's version — and, for 支委会, when it has a committee that day
    (``rules.has_committee``). Meetings count by their local (``TIME_ZONE``) date, over the
    whole period even where it reaches beyond the range; a period still running at the end of
    the range (or today) is due, not missing. The six-month rule counts to the end of the
    range, or to today if that is earlier.
    """
    if date_to < date_from:
        raise ValueError("date_from is after date_to")
    today = today or timezone.localdate()
    versions = {r.pk: r for r in Requirement.objects.all()}
    plans = [
        (line, rules.plan_periods([r.as_version() for r in rows], date_from, date_to))
        for line, rows in sorted(
            _lines(list(versions.values())).items(),
            key=lambda item: (KIND_ORDER.index(item[0][0]), item[0][2]),
        )
    ]
    # The days where some period starts or ends cut time into buckets; every period is a run
    # of whole buckets, so meetings are counted once per bucket and summed per period.
    one = dt.timedelta(days=1)
    bounds = sorted(
        {p.start for *_, plan in plans for p, _ in plan}
        | {p.end + one for *_, plan in plans for p, _ in plan}
    ) or [date_from, date_to + one]
    column = {day: i for i, day in enumerate(bounds)}
    horizon = min(date_to, today)
    short = {  # rules.period_status for a period where too few were held
        p.end: rules.period_status(held=0, min_count=1, period_end=p.end, range_end=horizon, today=today)
        for *_, plan in plans for p, _ in plan
    }  # fmt: skip
    lines = [
        _Line(kind, applies_to, given_by,
              [(p, v.min_count, v.id, p.end, range(column[p.start], column[p.end + one]),
                short[p.end]) for p, v in plan])
        for (kind, applies_to, given_by), plan in plans
    ]  # fmt: skip
    meeting_q, member_q = _scope_filters(org)
    unit_kinds = [OrgKind.BRANCH, OrgKind.GROUP, OrgKind.COMMITTEE]
    unit_rows = list(
        Organization.objects.filter(subtree_q(org.path), kind__in=unit_kinds)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=date_to))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=date_from))
        .order_by()
        .values_list("pk", "code", "name", "kind", "path", "parent_id", "parent__code",
                     "founded_on", "closed_on")
    )  # fmt: skip
    counts = _held_counts(meeting_q, bounds)
    positions, secretaries = _committee_positions(org, bounds[0], bounds[-1])
    given: dict[int, dict[int, int]] = {}
    credited: dict[int, list[tuple[dt.date, MeetingRef]]] = {}
    if any(line.given_by == rules.SECRETARY and line.items for line in lines):
        given, credited = _secretary_lectures(meeting_q, bounds, secretaries)

    units = []
    for pk, code, name, kind, path, parent_id, parent_code, founded, closed in unit_rows:
        unit = UnitResult(pk, code, name, kind, path, parent_id, parent_code or "", closed)
        mine = counts.get(pk, {})
        for line in lines:
            if rules.UNIT_KINDS[line.applies_to] != kind:
                continue
            by_secretary = line.given_by == rules.SECRETARY
            held = given.get(pk) if by_secretary else mine.get(line.kind)
            refs = credited.get(pk, []) if by_secretary else []  # by day, as the query sorts
            ref_days = [day for day, _ in refs]
            committee = line.applies_to == rules.BRANCH_WITH_COMMITTEE
            terms = positions.get(pk, ()) if committee else ()
            steady = (
                rules.committee_throughout(terms, line.items[0][3], line.items[-1][3])
                if committee and line.items
                else None
            )
            periods, used = [], {}
            for period, min_count, version_id, end, columns, too_few in line.items:
                if (founded is not None and founded > end) or (
                    closed is not None and end >= closed
                ):
                    continue  # not open on the period's last day (rules.is_open)
                if committee and not (
                    steady if steady is not None else rules.has_committee(terms, end)
                ):
                    continue
                if not held:
                    n = 0
                elif len(columns) == 1:
                    n = held.get(columns[0], 0)
                else:
                    n = sum(map(held.get, columns, repeat(0)))
                # rules.period_status, with the "too few" half worked out once per period above
                status = rules.OK if n >= min_count else too_few
                done = PeriodResult(period, min_count, n, status)
                if by_secretary:  # those in the period (period.contains), found by bisection
                    first = bisect_left(ref_days, period.start)
                    done.meetings = [m for _, m in refs[first : bisect_right(ref_days, period.end)]]
                periods.append(done)
                used[version_id] = versions[version_id]
            if periods:
                unit.requirements.append(
                    RequirementResult(line.kind, line.applies_to, periods, list(used.values()),
                                      line.given_by)
                )  # fmt: skip
        if kind == OrgKind.COMMITTEE and not unit.requirements:
            continue  # a committee is listed only for what it is held to
        units.append(unit)

    # Committees first, then by code, each group right after its branch (paths keep subtrees
    # together but order siblings by id as text, /1/10/ before /1/2/).
    units.sort(
        key=lambda u: (not u.is_committee, u.parent_code if u.is_group else u.code, u.is_group,
                       u.code)
    )  # fmt: skip
    members = flagged_members(member_q, horizon)
    party = Member.objects.current().party_members().filter(member_q).count()
    return Result(org, date_from, date_to, today, horizon, units, members, party)


_remembered: OrderedDict[tuple[Any, ...], Result] = OrderedDict()
_remembered_lock = threading.Lock()
REMEMBER = 4  # results kept per process: a few boards being paged, sorted and filtered


def compute_cached(
    org: Organization, date_from: dt.date, date_to: dt.date, today: dt.date | None = None
) -> Result:
    """``compute``, remembered in this process until anything is written.

    Every write goes through a service that appends to the audit chain, so the chain head's
    sequence number is a version of the whole database: one cheap query tells whether a result
    computed earlier is still true. A county board (0.5 s to compute) then pages, sorts and
    filters without computing again.
    """
    today = today or timezone.localdate()
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    key = (org.pk, org.path, date_from, date_to, today, head)
    with _remembered_lock:
        hit = _remembered.get(key)
        if hit is not None:
            _remembered.move_to_end(key)
            return hit
    result = compute(org, date_from, date_to, today)
    with _remembered_lock:
        _remembered[key] = result
        while len(_remembered) > REMEMBER:
            _remembered.popitem(last=False)
    return result


def _held_counts(meeting_q: Q, bounds: list[dt.date]) -> dict[int, dict[str, dict[int, int]]]:
    """Held meetings per unit (the group for 党小组会, else the branch), kind and bucket.

    Bucket ``i`` runs from local midnight of ``bounds[i]`` to that of ``bounds[i + 1]``. One row
    per unit and kind, one column per bucket (a filtered COUNT): the database counts, on SQLite
    and PostgreSQL alike, and Python receives a few thousand rows for a county, not one per
    meeting, and converts no timestamp.
    """
    edges = [_local_midnight(day) for day in bounds]
    buckets = {
        f"b{i}": Count("pk", filter=Q(starts_at__gte=edges[i], starts_at__lt=edges[i + 1]))
        for i in range(len(edges) - 1)
    }
    rows = (
        Meeting.objects.filter(
            meeting_q, status=MeetingStatus.HELD, starts_at__gte=edges[0], starts_at__lt=edges[-1]
        )
        .annotate(unit_id=Coalesce("group_id", "branch_id"))
        .values_list("unit_id", "kind")
        .order_by()
        .annotate(**buckets)
    )
    counts: dict[int, dict[str, dict[int, int]]] = defaultdict(dict)
    # The rows are plain integers and text: read them straight from the cursor, skipping the
    # ORM's per-value converters (a tenth of the county's computation otherwise).
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, kind, *per_bucket in cursor.fetchall():
            counts[unit_id][kind] = {i: n for i, n in enumerate(per_bucket) if n}
    return counts


Terms = dict[int, list[tuple[int, dt.date, dt.date | None]]]


def _committee_positions(org: Organization, start: dt.date, end: dt.date) -> tuple[Terms, Terms]:
    """Committee positions (书记, 委员 …) of the subtree's organizations held in [start, end),
    and the secretaries' among them, per organization: (member, started_on, ended_on)."""
    out: Terms = defaultdict(list)
    secretaries: Terms = defaultdict(list)
    for org_id, member_id, role, started, ended in (
        Position.objects.filter(
            subtree_q(org.path, "organization__"), role__in=COMMITTEE_ROLES, started_on__lt=end
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=start))
        .values_list("organization_id", "member_id", "role", "started_on", "ended_on")
    ):
        out[org_id].append((member_id, started, ended))
        if role == Role.SECRETARY:
            secretaries[org_id].append((member_id, started, ended))
    return out, secretaries


def _secretary_lectures(
    meeting_q: Q, bounds: list[dt.date], secretaries: Terms
) -> tuple[dict[int, dict[int, int]], dict[int, list[tuple[dt.date, MeetingRef]]]]:
    """Held 党课 given by a secretary of the unit on the day, per unit: counted per bucket of
    ``bounds`` (like ``_held_counts``), and the meetings themselves.

    One query: the held 党课 of the scope whose lecturer has ever held a secretary's position
    (a few per branch a year); Python checks each against the terms in ``secretaries``, for the
    meeting's branch and every organization above it (``rules.credited_secretaries``).
    """
    edges = [_local_midnight(day) for day in bounds]
    ever_secretary = Position.objects.filter(member=OuterRef("lecturer_id"), role=Role.SECRETARY)
    rows = (
        Meeting.objects.filter(
            meeting_q, status=MeetingStatus.HELD, kind=MeetingKind.LECTURE,
            lecturer__isnull=False, starts_at__gte=edges[0], starts_at__lt=edges[-1],
        )
        .filter(Exists(ever_secretary))
        .order_by("starts_at")
        .values_list("pk", "title", "branch__path", "lecturer_id", "starts_at")
    )  # fmt: skip
    tz = _tz()
    # Where each person was ever a secretary: most organizations above a branch never had the
    # lecturer as theirs, and need not be checked term by term.
    seats: dict[int, set[int]] = defaultdict(set)
    for org_id, terms in secretaries.items():
        for member_id, _started, _ended in terms:
            seats[member_id].add(org_id)
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    meetings: dict[int, list[tuple[dt.date, MeetingRef]]] = defaultdict(list)
    for pk, title, path, lecturer, starts_at in rows:
        day = starts_at.astimezone(tz).date()
        mine = seats.get(lecturer, set())
        orgs = [org for org in ancestor_ids(path) if org in mine]
        credited = rules.credited_secretaries(orgs, lecturer, day, secretaries) if orgs else []
        if not credited:
            continue
        bucket = bisect_right(bounds, day) - 1
        ref = MeetingRef(pk, title, day)
        for unit_id in credited:
            counts[unit_id][bucket] = counts[unit_id].get(bucket, 0) + 1
            meetings[unit_id].append((day, ref))
    return counts, meetings


def flagged_members(member_q: Q, end: dt.date) -> list[MemberResult]:
    """Party members with ≥ ``LIFE.warning`` whole months without organizational life at ``end``
    (one query: the database keeps only those whose joining and last participation are both on
    or before the latest qualifying date, using the (member, participated_on) index)."""
    cutoff = rules.latest_start(rules.LIFE.warning, end)
    mine = Attendance.objects.filter(member=OuterRef("pk"), participated_on__lte=end)
    rows = (
        Member.objects.current()
        .party_members()
        .filter(member_q, in_branch_since__lte=cutoff)
        .filter(~Exists(mine.filter(participated_on__gt=cutoff)))
        .annotate(last=Subquery(mine.order_by("-participated_on").values("participated_on")[:1]))
        .values_list("pk", "name", "id_number_tail", "branch_id", "branch__code", "branch__name",
                     "in_branch_since", "last")
    )  # fmt: skip
    out = []
    for pk, name, tail, branch_id, code, branch_name, since, last in rows:
        months = rules.months_without_life(last, since, end)
        out.append(
            (
                -months,
                code,
                name,
                MemberResult(pk, name, tail, branch_id, code, branch_name, since, last, months,
                             rules.life_level(months)),
            )
        )  # fmt: skip
    out.sort(key=lambda t: t[:3])
    return [t[3] for t in out]


def attach_meetings(result: Result) -> None:
    """Put the held meetings on each period of ``result`` (one query), for the drill-down page."""
    meeting_q, _ = _scope_filters(result.org)
    periods = [p for u in result.units for r in u.requirements for p in r.periods]
    if not periods:
        return
    start = min(p.period.start for p in periods)
    end = max(p.period.end for p in periods) + dt.timedelta(days=1)
    tz = _tz()
    found: dict[tuple[int, str], list[tuple[dt.date, MeetingRef]]] = defaultdict(list)
    for pk, kind, branch_id, group_id, title, starts_at in (
        Meeting.objects.filter(
            meeting_q,
            status=MeetingStatus.HELD,
            starts_at__gte=_local_midnight(start),
            starts_at__lt=_local_midnight(end),
        )
        .order_by("starts_at")
        .values_list("pk", "kind", "branch_id", "group_id", "title", "starts_at")
    ):
        day = starts_at.astimezone(tz).date()
        found[(group_id or branch_id, kind)].append((day, MeetingRef(pk, title, day)))
    for u in result.units:
        for r in u.requirements:
            if r.given_by:
                continue  # compute put on the secretary's own 党课 already
            for p in r.periods:
                p.meetings = [m for day, m in found[(u.id, r.kind)] if p.period.contains(day)]


# --- the secretary's "due next" and the member's own record -------------------------------


@dataclass
class DueItem:
    kind: str
    unit_name: str  # the group's name for 党小组会, else ""
    period: rules.Period
    min_count: int
    held: int
    today: dt.date
    given_by: str = rules.ANYONE
    applies_to: str = rules.BRANCH

    @property
    def key(self) -> str:
        return requirement_key(self.kind, self.given_by)

    @property
    def deadline(self) -> dt.date:
        return self.period.end

    @property
    def days_left(self) -> int:
        return (self.period.end - self.today).days

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def text(self) -> str:
        """本月主题党日还未开展（截至11月30日）· 本年度党支部书记还未讲党课（截至12月31日）."""
        when = rules.CURRENT_LABELS[self.period.unit]
        if self.given_by:
            who = rules.SECRETARY_LABELS[self.applies_to]
            if self.held:
                done = (f"{when}{who}已讲{self.kind_label}{self.held}次，"
                        f"还需{self.min_count - self.held}次")  # fmt: skip
            else:
                done = f"{when}{who}还未讲{self.kind_label}"
            return f"{done}（截至{self.deadline.month}月{self.deadline.day}日）"
        verb = {"lecture": "组织", "theme_day": "开展"}.get(self.kind, "召开")
        what = f"{when}{self.kind_label}"
        if self.held:
            done = f"{what}已{verb}{self.held}次，还需{self.min_count - self.held}次"
        else:
            done = f"{what}还未{verb}"
        prefix = f"{self.unit_name}：" if self.unit_name else ""
        return f"{prefix}{done}（截至{self.deadline.month}月{self.deadline.day}日）"


def due_next(branch: Organization, today: dt.date | None = None) -> list[DueItem]:
    """What the branch (and its groups) must still hold in the periods running today, soonest
    deadline first, the secretary's own 党课 included. The compliance computation over the
    single day ``today``: seven queries."""
    today = today or timezone.localdate()
    result = compute(branch, today, today, today)
    items = [
        DueItem(r.kind, u.name if u.is_group else "", p.period, p.min_count, p.held, today,
                r.given_by, r.applies_to)
        for u in result.units
        for r in u.requirements
        for p in r.periods
        if p.status != rules.OK and p.period.contains(today)
    ]  # fmt: skip
    return sorted(items, key=lambda i: (i.deadline, KEY_ORDER.index(i.key), i.unit_name))


@dataclass
class MemberLife:
    last_participation: dt.date | None
    in_branch_since: dt.date
    months_without_life: int
    level: str
    on: dt.date
    thresholds: rules.LifeThresholds = rules.LIFE

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS[self.level]

    @property
    def badge(self) -> str:
        return LEVEL_BADGES[self.level]


def member_life(member: Member, today: dt.date | None = None) -> MemberLife:
    """The member's own six-month-rule record (one query)."""
    today = today or timezone.localdate()
    last = Attendance.objects.filter(member=member, participated_on__lte=today).aggregate(
        last=Max("participated_on")
    )["last"]
    months = rules.months_without_life(last, member.in_branch_since, today)
    return MemberLife(last, member.in_branch_since, months, rules.life_level(months), today)
