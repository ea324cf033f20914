"""The rulebook's pure rules: periods, versions, statuses, whole months, the six-month rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.core.dates import add_months
from zhibu.rulebook import rules
from zhibu.rulebook.rules import (
    HALF_YEAR,
    MONTH,
    QUARTER,
    YEAR,
    Period,
    Version,
    has_committee,
    latest_start,
    life_level,
    months_without_life,
    parse_period,
    period_of,
    period_status,
    periods_overlapping,
    plan_periods,
    requirement_status,
    whole_months,
)

D = dt.date
dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31))
units = st.sampled_from(rules.UNITS)


# --- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "day", "label", "start", "end"),
    [
        (MONTH, D(2026, 3, 1), "2026-03", D(2026, 3, 1), D(2026, 3, 31)),
        (MONTH, D(2026, 3, 31), "2026-03", D(2026, 3, 1), D(2026, 3, 31)),
        (MONTH, D(2026, 2, 14), "2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        (MONTH, D(2028, 2, 29), "2028-02", D(2028, 2, 1), D(2028, 2, 29)),
        (MONTH, D(2026, 12, 31), "2026-12", D(2026, 12, 1), D(2026, 12, 31)),
        (QUARTER, D(2026, 1, 1), "2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        (QUARTER, D(2026, 3, 31), "2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        (QUARTER, D(2026, 4, 1), "2026-Q2", D(2026, 4, 1), D(2026, 6, 30)),
        (QUARTER, D(2026, 9, 30), "2026-Q3", D(2026, 7, 1), D(2026, 9, 30)),
        (QUARTER, D(2026, 12, 31), "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        (HALF_YEAR, D(2026, 6, 30), "2026-H1", D(2026, 1, 1), D(2026, 6, 30)),
        (HALF_YEAR, D(2026, 7, 1), "2026-H2", D(2026, 7, 1), D(2026, 12, 31)),
        (YEAR, D(2026, 1, 1), "2026", D(2026, 1, 1), D(2026, 12, 31)),
        (YEAR, D(2026, 12, 31), "2026", D(2026, 1, 1), D(2026, 12, 31)),
    ],
)
def test_it_labels_and_bounds_periods(
    unit: str, day: dt.date, label: str, start: dt.date, end: dt.date
) -> None:
    period = period_of(unit, day)
    assert (period.label, period.start, period.end) == (label, start, end)
    assert parse_period(label) == period


@pytest.mark.parametrize(
    ("period", "zh"),
    [
        (Period(MONTH, 2026, 3), "2026年3月"),
        (Period(QUARTER, 2026, 4), "2026年第四季度"),
        (Period(HALF_YEAR, 2026, 1), "2026年上半年"),
        (Period(YEAR, 2026, 1), "2026年"),
    ],
)
def test_it_names_periods_in_chinese(period: Period, zh: str) -> None:
    assert period.zh_label == zh


@pytest.mark.parametrize(
    "bad", ["", "26", "2026-13", "2026-00", "2026-Q5", "2026-H3", "2026-3", "x"]
)
def test_it_refuses_what_is_not_a_period(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_period(bad)


@given(units, dates)
def test_it_puts_every_day_in_exactly_one_period_of_a_unit(unit: str, day: dt.date) -> None:
    period = period_of(unit, day)
    assert period.start <= day <= period.end
    assert parse_period(period.label) == period
    assert len(period.months) == rules.MONTHS_PER[unit]
    assert period_of(unit, period.start) == period_of(unit, period.end) == period


@given(units, dates, dates)
def test_it_lists_the_periods_overlapping_a_range(unit: str, a: dt.date, b: dt.date) -> None:
    start, end = min(a, b), max(a, b)
    periods = periods_overlapping(unit, start, end)
    assert periods[0].contains(start) and periods[-1].contains(end)
    for before, after in zip(periods, periods[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)  # no gap, no overlap


@pytest.mark.parametrize(
    ("unit", "start", "end", "labels"),
    [
        (MONTH, D(2026, 1, 1), D(2026, 6, 30), [f"2026-0{m}" for m in range(1, 7)]),
        (MONTH, D(2026, 1, 31), D(2026, 2, 1), ["2026-01", "2026-02"]),
        (MONTH, D(2025, 12, 31), D(2026, 1, 1), ["2025-12", "2026-01"]),
        (QUARTER, D(2026, 3, 31), D(2026, 4, 1), ["2026-Q1", "2026-Q2"]),
        (QUARTER, D(2026, 2, 15), D(2026, 5, 10), ["2026-Q1", "2026-Q2"]),
        (QUARTER, D(2025, 11, 1), D(2026, 1, 1), ["2025-Q4", "2026-Q1"]),
        (HALF_YEAR, D(2026, 6, 30), D(2026, 7, 1), ["2026-H1", "2026-H2"]),
        (YEAR, D(2025, 12, 31), D(2026, 1, 1), ["2025", "2026"]),
        (YEAR, D(2026, 3, 1), D(2026, 3, 1), ["2026"]),
        (MONTH, D(2026, 3, 2), D(2026, 3, 1), []),
    ],
)
def test_it_finds_periods_at_month_quarter_and_year_edges(
    unit: str, start: dt.date, end: dt.date, labels: list[str]
) -> None:
    assert [p.label for p in periods_overlapping(unit, start, end)] == labels


# --- versions -----------------------------------------------------------------------------


def v(
    pk: int,
    unit: str,
    start: dt.date,
    end: dt.date | None = None,
    min_count: int = 1,
    kind: str = "theme_day",
) -> Version:
    return Version(pk, kind, rules.BRANCH, unit, min_count, start, end)


def plan(versions: list[Version], start: dt.date, end: dt.date) -> list[tuple[str, int, int]]:
    return [(p.label, ver.id, ver.min_count) for p, ver in plan_periods(versions, start, end)]


def test_it_judges_each_month_by_the_version_of_its_last_day() -> None:
    # 主题党日 ≥1 a month, then ≥2 a month from 15 July: June needs 1, July needs 2.
    line = [v(1, MONTH, D(2018, 10, 28), D(2026, 7, 14)), v(2, MONTH, D(2026, 7, 15), min_count=2)]
    got = plan(line, D(2026, 1, 1), D(2026, 12, 31))
    assert len(got) == 12
    assert got[5] == ("2026-06", 1, 1)
    assert got[6] == ("2026-07", 2, 2)


def test_it_neither_double_counts_nor_leaves_a_gap_when_the_unit_changes() -> None:
    # 党课 ≥1 a quarter, then ≥1 a half-year from 1 July.
    line = [v(1, QUARTER, D(2018, 10, 28), D(2026, 6, 30)), v(2, HALF_YEAR, D(2026, 7, 1))]
    assert [p for p, *_ in plan(line, D(2026, 1, 1), D(2026, 12, 31))] == [
        "2026-Q1",
        "2026-Q2",
        "2026-H2",
    ]
    # The same change from 1 May: Q2 and H1 both end on 30 June, under the new version.
    line = [v(1, QUARTER, D(2018, 10, 28), D(2026, 4, 30)), v(2, HALF_YEAR, D(2026, 5, 1))]
    assert [p for p, *_ in plan(line, D(2026, 1, 1), D(2026, 12, 31))] == [
        "2026-Q1",
        "2026-H1",
        "2026-H2",
    ]


def test_it_requires_nothing_before_the_first_version() -> None:
    line = [v(1, MONTH, D(2018, 10, 28))]
    assert [p for p, *_ in plan(line, D(2018, 9, 1), D(2018, 11, 30))] == ["2018-10", "2018-11"]
    assert plan(line, D(2018, 1, 1), D(2018, 9, 30)) == []


def test_it_gives_a_whole_year_to_the_version_in_force_at_its_end() -> None:
    line = [v(1, YEAR, D(2018, 10, 28), D(2026, 10, 31)), v(2, YEAR, D(2026, 11, 1), min_count=2)]
    assert plan(line, D(2026, 1, 1), D(2026, 3, 31)) == [("2026", 2, 2)]


@given(
    st.lists(units, min_size=1, max_size=4),
    st.lists(st.integers(0, 500), min_size=4, max_size=4),
    dates,
    st.integers(0, 800),
)
def test_it_covers_every_day_exactly_once_under_any_versions(
    version_units: list[str], gaps: list[int], start: dt.date, length: int
) -> None:
    """Whatever the changes (a unit changing only where ``unit_change_allowed`` lets it), each day
    of the range lies in exactly one required period, judged by the version in force at that
    period's end."""
    line: list[Version] = []
    day = D(2000, 1, 1)
    for i, unit in enumerate(version_units):
        if line:
            day = line[-1].effective_from + dt.timedelta(days=gaps[i] + 1)
            if unit != line[-1].unit:
                day = D(day.year + 1, 1, 1)  # the start of a period of every unit
            assert rules.unit_change_allowed(line[-1].unit, unit, day)
            last = line[-1]
            line[-1] = Version(last.id, last.kind, last.applies_to, last.unit, 1,
                               last.effective_from, day - dt.timedelta(days=1))  # fmt: skip
        line.append(v(i + 1, unit, day))
    start = max(start, D(2000, 1, 1))
    end = start + dt.timedelta(days=length)
    planned = plan_periods(line, start, end)
    for p, ver in planned:
        assert ver.in_force(p.end) and ver.unit == p.unit
    cover: dict[dt.date, int] = {}
    for p, _ in planned:
        d = max(p.start, start)
        while d <= min(p.end, end):
            cover[d] = cover.get(d, 0) + 1
            d += dt.timedelta(days=1)
    days = (end - start).days + 1
    assert len(cover) == days and set(cover.values()) == {1}


@pytest.mark.parametrize(
    ("old", "new", "day", "ok"),
    [
        (MONTH, MONTH, D(2026, 7, 15), True),
        (QUARTER, HALF_YEAR, D(2026, 7, 1), True),
        (QUARTER, HALF_YEAR, D(2026, 4, 1), False),
        (YEAR, MONTH, D(2026, 7, 1), False),
        (YEAR, MONTH, D(2027, 1, 1), True),
        (MONTH, QUARTER, D(2026, 10, 1), True),
        (MONTH, QUARTER, D(2026, 11, 1), False),
    ],
)
def test_it_lets_the_unit_change_only_where_both_periods_start(
    old: str, new: str, day: dt.date, ok: bool
) -> None:
    assert rules.unit_change_allowed(old, new, day) is ok


# --- statuses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "end", "range_end", "today", "status"),
    [
        (1, D(2026, 3, 31), D(2026, 6, 30), D(2026, 11, 21), "ok"),
        (2, D(2026, 3, 31), D(2026, 6, 30), D(2026, 11, 21), "ok"),
        (0, D(2026, 3, 31), D(2026, 6, 30), D(2026, 11, 21), "missing"),
        (0, D(2026, 11, 30), D(2026, 12, 31), D(2026, 11, 21), "due"),  # after today
        (0, D(2026, 6, 30), D(2026, 6, 15), D(2026, 11, 21), "due"),  # after the range end
        (0, D(2026, 11, 21), D(2026, 12, 31), D(2026, 11, 21), "due"),  # last day is today
        (0, D(2026, 11, 21), D(2026, 11, 21), D(2026, 11, 21), "due"),  # and the range ends there
        (0, D(2026, 6, 30), D(2026, 6, 30), D(2026, 11, 21), "missing"),  # range ends with it
        (0, D(2026, 11, 20), D(2026, 12, 31), D(2026, 11, 21), "missing"),
    ],
)
def test_it_tells_ok_due_and_missing(
    held: int, end: dt.date, range_end: dt.date, today: dt.date, status: str
) -> None:
    assert (
        period_status(held=held, min_count=1, period_end=end, range_end=range_end, today=today)
        == status
    )


def test_it_needs_the_minimum_count() -> None:
    kw = {"period_end": D(2026, 3, 31), "range_end": D(2026, 12, 31), "today": D(2026, 11, 21)}
    assert period_status(held=1, min_count=2, **kw) == "missing"
    assert period_status(held=2, min_count=2, **kw) == "ok"


@pytest.mark.parametrize(
    ("statuses", "overall"),
    [
        ([], "ok"),
        (["ok", "ok"], "ok"),
        (["ok", "due"], "due"),
        (["ok", "missing", "due"], "behind"),
        (["missing"], "behind"),
    ],
)
def test_it_sums_up_a_requirement(statuses: list[str], overall: str) -> None:
    assert requirement_status(statuses) == overall


def test_it_needs_three_committee_members_on_the_day() -> None:
    on = D(2026, 3, 31)
    held = [(1, D(2024, 1, 1), None), (2, D(2024, 1, 1), D(2026, 4, 1))]
    assert not has_committee(held, on)
    assert has_committee([*held, (3, D(2026, 3, 31), None)], on)
    assert not has_committee([*held, (3, D(2026, 4, 1), None)], on)  # not yet in office
    assert not has_committee([*held, (3, D(2020, 1, 1), D(2026, 3, 31))], on)  # first day out
    assert not has_committee([*held, (2, D(2024, 1, 1), None)], on)  # the same person twice


SECRETARIES: dict[int, list[tuple[int, dt.date, dt.date | None]]] = {
    # 第一党支部 (7): member 1 until 1 June (the first day out), then member 2.
    7: [(1, D(2024, 1, 1), D(2026, 6, 1)), (2, D(2026, 6, 1), None)],
    # Its committee (3): member 9 since 2025. The general branch between (5) has none.
    3: [(9, D(2025, 1, 1), None)],
}


@pytest.mark.parametrize(
    ("lecturer", "on", "credited"),
    [
        (1, D(2026, 5, 31), [7]),  # the last day in office
        (1, D(2026, 6, 1), []),  # the first day out
        (2, D(2026, 5, 31), []),  # not yet secretary
        (2, D(2026, 6, 1), [7]),
        (9, D(2026, 6, 1), [3]),  # the committee's secretary, in a branch below
        (9, D(2024, 12, 31), []),  # before the committee's secretary took office
        (4, D(2026, 6, 1), []),  # nobody's secretary
    ],
)
def test_it_credits_the_secretary_on_the_meetings_day(
    lecturer: int, on: dt.date, credited: list[int]
) -> None:
    assert rules.credited_secretaries([3, 5, 7], lecturer, on, SECRETARIES) == credited
    # Only the organizations on the meeting's path: a sibling branch's lecture credits no one.
    assert rules.credited_secretaries([3, 5, 8], lecturer, on, SECRETARIES) == [
        o for o in credited if o == 3
    ]


def test_it_tells_the_secretary_lines_apart_from_the_quarterly_lecture() -> None:
    plain = Version(1, "lecture", rules.BRANCH, QUARTER, 1, D(2018, 10, 28))
    own = Version(2, "lecture", rules.BRANCH, YEAR, 1, D(2018, 10, 28), given_by=rules.SECRETARY)
    town = Version(3, "lecture", rules.COMMITTEE, YEAR, 1, D(2018, 10, 28), None, rules.SECRETARY)
    assert len({plain.line, own.line, town.line}) == 3
    assert [rules.UNIT_KINDS[v.applies_to] for v in (plain, own, town)] == [
        "branch",
        "branch",
        "committee",
    ]
    assert [p.label for p, _ in plan_periods([own], D(2026, 1, 1), D(2026, 12, 31))] == ["2026"]


@pytest.mark.parametrize(
    ("founded", "closed", "on", "open_"),
    [
        (None, None, D(2026, 1, 1), True),
        (D(2026, 1, 1), None, D(2026, 1, 1), True),
        (D(2026, 1, 2), None, D(2026, 1, 1), False),
        (None, D(2026, 1, 1), D(2025, 12, 31), True),
        (None, D(2026, 1, 1), D(2026, 1, 1), False),
    ],
)
def test_it_knows_when_an_organization_exists(
    founded: dt.date | None, closed: dt.date | None, on: dt.date, open_: bool
) -> None:
    assert rules.is_open(founded, closed, on) is open_
    assert rules.open_during(founded, closed, on, on) is open_


# --- whole months and the six-month rule --------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 1, 10), D(2026, 6, 9), 4),
        (D(2026, 1, 10), D(2026, 6, 10), 5),
        (D(2026, 1, 10), D(2026, 1, 10), 0),
        (D(2026, 1, 10), D(2026, 2, 9), 0),
        (D(2026, 1, 10), D(2026, 2, 10), 1),
        (D(2026, 6, 10), D(2026, 1, 10), 0),  # never negative
        (D(2026, 1, 31), D(2026, 2, 27), 0),
        (D(2026, 1, 31), D(2026, 2, 28), 1),  # clamped to the month's last day
        (D(2026, 1, 31), D(2026, 3, 30), 1),
        (D(2026, 1, 31), D(2026, 3, 31), 2),
        (D(2028, 1, 31), D(2028, 2, 29), 1),
        (D(2026, 3, 31), D(2026, 4, 30), 1),
        (D(2025, 8, 31), D(2026, 2, 28), 6),
        (D(2025, 12, 15), D(2026, 1, 14), 0),
        (D(2025, 12, 15), D(2026, 12, 15), 12),
    ],
)
def test_it_counts_whole_months(start: dt.date, end: dt.date, months: int) -> None:
    assert whole_months(start, end) == months


@given(dates, dates)
def test_it_counts_whole_months_like_add_months(start: dt.date, end: dt.date) -> None:
    n = whole_months(start, end)
    assert n >= 0
    if end >= start:
        assert add_months(start, n) <= end < add_months(start, n + 1)


@given(st.integers(1, 30), dates)
def test_it_finds_the_latest_start_for_a_count_of_months(months: int, end: dt.date) -> None:
    cutoff = latest_start(months, end)
    assert whole_months(cutoff, end) >= months
    assert whole_months(cutoff + dt.timedelta(days=1), end) < months
    # …and every earlier start qualifies too (the database filters by "on or before").
    for back in (1, 17, 45, 400):
        assert whole_months(cutoff - dt.timedelta(days=back), end) >= months


@pytest.mark.parametrize(
    ("last", "since", "months", "level"),
    [
        (D(2026, 4, 21), D(2020, 1, 1), 2, "ok"),
        (D(2026, 3, 21), D(2020, 1, 1), 3, "warning"),
        (D(2026, 1, 21), D(2020, 1, 1), 5, "warning"),
        (D(2025, 12, 21), D(2020, 1, 1), 6, "critical"),
        (None, D(2026, 4, 21), 2, "ok"),  # never took part, but joined the branch 2 months ago
        (None, D(2025, 12, 21), 6, "critical"),
        (D(2025, 1, 1), D(2026, 3, 21), 3, "warning"),  # moved in after the last participation
    ],
)
def test_it_applies_the_six_month_rule(
    last: dt.date | None, since: dt.date, months: int, level: str
) -> None:
    end = D(2026, 6, 21)
    assert months_without_life(last, since, end) == months
    assert life_level(months) == level


def test_it_keeps_the_thresholds_as_data_with_a_source() -> None:
    assert (rules.LIFE.warning, rules.LIFE.critical) == (3, 6)
    assert "党章" in rules.LIFE.source
    assert life_level(2) == "ok" and life_level(3) == "warning" and life_level(6) == "critical"


@given(
    starts=st.lists(st.integers(-400, 400), min_size=0, max_size=6),
    lengths=st.lists(st.one_of(st.none(), st.integers(1, 900)), min_size=6, max_size=6),
    first=st.integers(-200, 200),
    span=st.integers(0, 400),
)
def test_it_knows_when_the_committee_is_the_same_throughout(
    starts: list[int], lengths: list[int | None], first: int, span: int
) -> None:
    base = D(2026, 1, 1)
    day = dt.timedelta(days=1)
    positions = [
        (i, base + s * day, None if n is None else base + (s + n) * day)
        for i, (s, n) in enumerate(zip(starts, lengths, strict=False))
    ]
    lo, hi = base + first * day, base + (first + span) * day
    steady = rules.committee_throughout(positions, lo, hi)
    if steady is not None:  # then every day in between agrees with it
        for k in range(0, span + 1, max(1, span // 7)):
            assert rules.has_committee(positions, lo + k * day) is steady
