"""How often, and who is behind (RULES.md §1, §7). Pure functions: plain values in, plain values out.

Periods
    A requirement counts meetings per calendar period: a month (``2026-03``), a quarter
    (``2026-Q1``), a half-year (``2026-H1``) or a year (``2026``). Every period is a run of whole
    months, so meetings are counted once per month (``month_number``) and summed per period.

Versions
    A requirement is a line of versions (``Version``): each in force from ``effective_from`` to
    ``effective_to`` inclusive (``None``: still in force). See ``plan_periods`` for which version
    a period belongs to.

The six-month rule
    ``whole_months`` and ``months_without_life`` count the calendar months a party member has gone
    without organizational life; ``life_level`` turns them into a warning (3) or a critical case
    (6), with the thresholds as data (``LIFE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from zhibu.core.dates import add_months

# --- vocabulary ---------------------------------------------------------------------------

MONTH = "month"
QUARTER = "quarter"
HALF_YEAR = "half_year"
YEAR = "year"
UNITS = (MONTH, QUARTER, HALF_YEAR, YEAR)
MONTHS_PER = {MONTH: 1, QUARTER: 3, HALF_YEAR: 6, YEAR: 12}
UNIT_LABELS = {MONTH: "每月", QUARTER: "每季度", HALF_YEAR: "每半年", YEAR: "每年"}
CURRENT_LABELS = {MONTH: "本月", QUARTER: "本季度", HALF_YEAR: "本半年", YEAR: "本年度"}

BRANCH = "branch"
BRANCH_WITH_COMMITTEE = "branch_with_committee"
GROUP = "group"
COMMITTEE = "committee"
APPLIES_TO = (BRANCH, BRANCH_WITH_COMMITTEE, GROUP, COMMITTEE)
APPLIES_LABELS = {
    BRANCH: "每个党支部",
    BRANCH_WITH_COMMITTEE: "设支部委员会的党支部",
    GROUP: "每个党小组",
    COMMITTEE: "每个党委",
}
# The kind of organization (orgs ``OrgKind``) each ``applies_to`` holds to the requirement.
UNIT_KINDS = {
    BRANCH: "branch",
    BRANCH_WITH_COMMITTEE: "branch",
    GROUP: "group",
    COMMITTEE: "committee",
}

# Who must give the meeting for it to count: anyone (the usual case), or the unit's own
# secretary on the meeting's day (支部条例 第十五条: 党支部书记每年至少为党员讲1次党课).
ANYONE = ""
SECRETARY = "secretary"
GIVEN_BY = (ANYONE, SECRETARY)
SECRETARY_LABELS = {
    BRANCH: "党支部书记",
    BRANCH_WITH_COMMITTEE: "党支部书记",
    COMMITTEE: "党委书记",
}

OK = "ok"
DUE = "due"
MISSING = "missing"
BEHIND = "behind"
STATUS_LABELS = {OK: "正常", DUE: "待完成", MISSING: "缺失", BEHIND: "缺失"}

# A branch "has a committee" when at least this many members hold a committee position
# (书记, 副书记, 委员 …); with fewer it has only a 书记 and holds no 支委会 (支部条例 第二十条).
COMMITTEE_MIN_MEMBERS = 3

# --- periods ------------------------------------------------------------------------------


def month_number(year: int, month: int) -> int:
    """Months since year 0: consecutive months have consecutive numbers."""
    return year * 12 + month - 1


def month_of_number(number: int) -> tuple[int, int]:
    year, m = divmod(number, 12)
    return year, m + 1


@dataclass(frozen=True, order=True)
class Period:
    """One calendar period. ``index``: the month (1–12), quarter (1–4), half (1–2) or 1.

    Its bounds are computed once per object (``cached_property`` writes to the instance's
    ``__dict__``, which a frozen dataclass allows): compliance reads them for every unit.
    """

    unit: str
    year: int
    index: int

    @cached_property
    def first_month(self) -> int:
        """``month_number`` of the period's first month."""
        return month_number(self.year, (self.index - 1) * MONTHS_PER[self.unit] + 1)

    @cached_property
    def months(self) -> range:
        """The ``month_number`` of every month in the period."""
        return range(self.first_month, self.first_month + MONTHS_PER[self.unit])

    @cached_property
    def start(self) -> dt.date:
        year, month = month_of_number(self.first_month)
        return dt.date(year, month, 1)

    @cached_property
    def end(self) -> dt.date:
        """The period's last day (inclusive)."""
        year, month = month_of_number(self.months[-1] + 1)
        return dt.date(year, month, 1) - dt.timedelta(days=1)

    @cached_property
    def label(self) -> str:
        if self.unit == MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.unit == QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.unit == HALF_YEAR:
            return f"{self.year}-H{self.index}"
        return str(self.year)

    @property
    def zh_label(self) -> str:
        """2026年3月 · 2026年第一季度 · 2026年上半年 · 2026年."""
        if self.unit == MONTH:
            return f"{self.year}年{self.index}月"
        if self.unit == QUARTER:
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        if self.unit == HALF_YEAR:
            return f"{self.year}年{'上下'[self.index - 1]}半年"
        return f"{self.year}年"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period_of(unit: str, day: dt.date) -> Period:
    """The period of ``unit`` that contains ``day``."""
    if unit not in MONTHS_PER:
        raise ValueError(f"unknown period unit: {unit}")
    return Period(unit, day.year, (day.month - 1) // MONTHS_PER[unit] + 1)


def parse_period(label: str) -> Period:
    """The inverse of ``Period.label``: ``2026-03``, ``2026-Q1``, ``2026-H1``, ``2026``."""
    year_text, _, rest = label.partition("-")
    if not (year_text.isdigit() and len(year_text) == 4):
        raise ValueError(f"not a period: {label!r}")
    year = int(year_text)
    if not rest:
        return Period(YEAR, year, 1)
    if rest[0] in "QH" and rest[1:].isdigit():
        unit, top = (QUARTER, 4) if rest[0] == "Q" else (HALF_YEAR, 2)
        index = int(rest[1:])
    elif rest.isdigit() and len(rest) == 2:
        unit, top, index = MONTH, 12, int(rest)
    else:
        raise ValueError(f"not a period: {label!r}")
    if not 1 <= index <= top:
        raise ValueError(f"not a period: {label!r}")
    return Period(unit, year, index)


def periods_overlapping(unit: str, start: dt.date, end: dt.date) -> list[Period]:
    """Every period of ``unit`` sharing at least one day with ``start``–``end`` (inclusive)."""
    if end < start:
        return []
    first, last = period_of(unit, start), period_of(unit, end)
    per_year = 12 // MONTHS_PER[unit]
    out = []
    n, stop = first.year * per_year + first.index - 1, last.year * per_year + last.index - 1
    while n <= stop:
        year, i = divmod(n, per_year)
        out.append(Period(unit, year, i + 1))
        n += 1
    return out


def month_span(start: dt.date, end: dt.date) -> range:
    """``month_number`` of every month from the one holding ``start`` to the one holding ``end``."""
    return range(month_number(start.year, start.month), month_number(end.year, end.month) + 1)


# --- requirement versions -----------------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One version of a requirement, as the rules see it."""

    id: int
    kind: str
    applies_to: str
    unit: str
    min_count: int
    effective_from: dt.date
    effective_to: dt.date | None = None  # the last day in force; None: still in force
    given_by: str = ANYONE

    @property
    def line(self) -> tuple[str, str, str]:
        """What stays the same from version to version: the meeting kind, whom it binds and
        who must give the meeting."""
        return (self.kind, self.applies_to, self.given_by)

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


def version_on(versions: Iterable[Version], day: dt.date) -> Version | None:
    """The version of a line in force on ``day`` (versions of one line never overlap)."""
    return next((v for v in versions if v.in_force(day)), None)


def plan_periods(
    versions: Sequence[Version], start: dt.date, end: dt.date
) -> list[tuple[Period, Version]]:
    """The periods a line requires over ``start``–``end``, each with the version it belongs to.

    **A period belongs to the version in force on the period's last day.** The periods are those
    of that version's unit that overlap the range. So when a requirement changes in the middle of
    a year, every period is judged exactly once and none is left out:

    - 主题党日 ≥1 a month, changed to ≥2 a month from 2026-07-15: June (its last day 30 June falls
      under the old version) needs 1; July (last day 31 July, new version) needs 2.
    - 党课 ≥1 a quarter, changed to ≥1 a half-year from 2026-07-01: Q1 and Q2 end under the old
      version and need one each; H2 ends under the new one and needs one. H1 ends on 30 June
      under the old version, whose unit is the quarter, so H1 is not a period of this line at
      all — no double count.
    - The same change effective 2026-05-01: Q1 (ends 31 March) under the old version; Q2 and H1
      both end on 30 June, under the new version, which counts half-years: H1 is required and
      Q2 is not — no gap either.

    A period ending before the first version of the line took effect is not required. The
    result is sorted by the period's end, then its unit.

    One case would leave a gap: a coarser unit replaced by a finer one in the middle of the
    coarse period (≥1 a year → ≥1 a month from 1 July: the year ends under the monthly version,
    and January–June fall in no required period). ``unit_change_allowed`` therefore lets the
    unit change only on a day that starts a period of both units (1 January, or 1 July between
    months, quarters and half-years); then every day lies in exactly one required period.
    """
    out: list[tuple[Period, Version]] = []
    for unit in {v.unit for v in versions}:
        for period in periods_overlapping(unit, start, end):
            version = version_on(versions, period.end)
            if version is not None and version.unit == unit:
                out.append((period, version))
    return sorted(out, key=lambda pv: (pv[0].end, MONTHS_PER[pv[0].unit], pv[0].label))


def unit_change_allowed(old_unit: str, new_unit: str, effective_from: dt.date) -> bool:
    """A new version may change the unit only from a day that starts a period of both units."""
    if old_unit == new_unit:
        return True
    return all(period_of(u, effective_from).start == effective_from for u in (old_unit, new_unit))


def period_status(
    *, held: int, min_count: int, period_end: dt.date, range_end: dt.date, today: dt.date
) -> str:
    """``ok`` when enough were held; ``due`` while the period is still running (it goes on past
    the end of the range looked at, or its last day is today or later: a meeting can still be
    held that day); else ``missing``."""
    if held >= min_count:
        return OK
    if period_end > range_end or period_end >= today:
        return DUE
    return MISSING


def requirement_status(statuses: Iterable[str]) -> str:
    """``behind`` if any period is missing, else ``due`` if any is still due, else ``ok``."""
    seen = set(statuses)
    if MISSING in seen or BEHIND in seen:
        return BEHIND
    if DUE in seen:
        return DUE
    return OK


def has_committee(
    positions: Iterable[tuple[int, dt.date, dt.date | None]],
    on: dt.date,
    minimum: int = COMMITTEE_MIN_MEMBERS,
) -> bool:
    """Whether ≥ ``minimum`` distinct members hold a committee position on ``on``.

    ``positions``: (member id, started_on, ended_on) with ``ended_on`` the first day out.
    """
    holders = {
        member
        for member, started, ended in positions
        if started <= on and (ended is None or ended > on)
    }
    return len(holders) >= minimum


def committee_throughout(
    positions: Iterable[tuple[int, dt.date, dt.date | None]],
    first: dt.date,
    last: dt.date,
    minimum: int = COMMITTEE_MIN_MEMBERS,
) -> bool | None:
    """``has_committee`` for every day from ``first`` to ``last`` when no position starts or
    ends in between (the usual case), so it need not be asked day by day; else None."""
    positions = list(positions)
    if all(s <= first and (e is None or e > last) for _m, s, e in positions):
        return has_committee(positions, first, minimum)
    return None


def holds_office(
    terms: Iterable[tuple[int, dt.date, dt.date | None]], member: int, on: dt.date
) -> bool:
    """Whether ``member`` holds one of ``terms`` (member id, started_on, ended_on: the first
    day out) on ``on``."""
    return any(
        holder == member and started <= on and (ended is None or ended > on)
        for holder, started, ended in terms
    )


def credited_secretaries(
    path_ids: Iterable[int],
    lecturer: int,
    on: dt.date,
    secretaries: Mapping[int, Iterable[tuple[int, dt.date, dt.date | None]]],
) -> list[int]:
    """The organizations whose secretary gave a meeting: of ``path_ids`` (the meeting's branch
    and the organizations above it), those whose secretary on ``on`` was ``lecturer``.

    ``secretaries``: organization id → its secretaries' terms (member, started_on, ended_on).
    Someone who became secretary after the day, or had left before it, does not count.
    """
    return [org for org in path_ids if holds_office(secretaries.get(org, ()), lecturer, on)]


def is_open(founded_on: dt.date | None, closed_on: dt.date | None, on: dt.date) -> bool:
    """An organization exists on ``on``: founded by then (or founding date unknown), and not yet
    closed (``closed_on`` is the first day it no longer exists)."""
    return (founded_on is None or founded_on <= on) and (closed_on is None or on < closed_on)


def open_during(
    founded_on: dt.date | None, closed_on: dt.date | None, start: dt.date, end: dt.date
) -> bool:
    """An organization exists on at least one day of ``start``–``end``."""
    return (founded_on is None or founded_on <= end) and (closed_on is None or closed_on > start)


# --- the six-month rule (RULES.md §7) -----------------------------------------------------


@dataclass(frozen=True)
class LifeThresholds:
    """Months without organizational life at which a member is flagged."""

    warning: int = 3
    critical: int = 6
    source: str = "《中国共产党章程》第九条（连续六个月不参加党的组织生活）"
    warning_source: str = "三个月提醒为本系统的默认设置，便于及早谈心谈话、督促补学"


LIFE = LifeThresholds()
LEVEL_OK = "ok"
LEVEL_WARNING = "warning"
LEVEL_CRITICAL = "critical"
LEVEL_LABELS = {LEVEL_OK: "正常", LEVEL_WARNING: "提醒", LEVEL_CRITICAL: "严重"}


def whole_months(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end``: 2026-01-10 → 2026-06-09 is 4,
    → 2026-06-10 is 5. A month is complete on the same day number a month later, clamped to the
    month's last day like ``add_months`` (2026-01-31 → 2026-02-28 is 1). Never negative."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def latest_start(months: int, end: dt.date) -> dt.date:
    """The latest ``start`` with ``whole_months(start, end) >= months`` (months ≥ 1).

    ``whole_months`` only grows as ``start`` moves back, so "at least ``months``" is exactly
    "``start`` on or before this date": the database can filter by it.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    candidate = add_months(end, -months)
    # Clamping can make several starts land on the same day: step forward to the last of them.
    while whole_months(candidate + dt.timedelta(days=1), end) >= months:
        candidate += dt.timedelta(days=1)
    return candidate


def months_without_life(
    last_participation: dt.date | None, in_branch_since: dt.date, end: dt.date
) -> int:
    """Whole months from the later of the last participation and joining the branch, to ``end``."""
    since = max(last_participation or in_branch_since, in_branch_since)
    return whole_months(since, end)


def life_level(months: int, thresholds: LifeThresholds = LIFE) -> str:
    if months >= thresholds.critical:
        return LEVEL_CRITICAL
    if months >= thresholds.warning:
        return LEVEL_WARNING
    return LEVEL_OK
