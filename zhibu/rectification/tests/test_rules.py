"""The rectification rules as pure functions: status, lateness, the 回头看 date, progress."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.rectification import rules

OPEN, DONE, VERIFIED = rules.MEASURE_OPEN, rules.MEASURE_DONE, rules.MEASURE_VERIFIED


@pytest.mark.parametrize(
    ("statuses", "closed", "expected"),
    [
        ([], False, rules.OPEN),
        ([OPEN], False, rules.OPEN),
        ([OPEN, OPEN], False, rules.OPEN),
        ([DONE, OPEN], False, rules.IN_PROGRESS),
        ([VERIFIED, OPEN], False, rules.IN_PROGRESS),
        ([DONE], False, rules.RECTIFIED),
        ([DONE, VERIFIED], False, rules.RECTIFIED),
        ([DONE, OPEN], True, rules.CLOSED),
        ([], True, rules.CLOSED),
    ],
)
def test_it_derives_the_problem_status(statuses: list[str], closed: bool, expected: str) -> None:
    assert rules.problem_status(statuses, closed=closed) == expected


DEADLINE = dt.date(2026, 6, 30)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-30, rules.LEVEL_NONE),
        (-8, rules.LEVEL_NONE),
        (-7, rules.LEVEL_SOON),
        (-1, rules.LEVEL_SOON),
        (0, rules.LEVEL_DUE),
        (1, rules.LEVEL_OVERDUE),
        (30, rules.LEVEL_OVERDUE),
        (31, rules.LEVEL_ESCALATED),
        (400, rules.LEVEL_ESCALATED),
    ],
)
def test_it_grades_lateness_at_each_threshold(days: int, expected: str) -> None:
    today = DEADLINE + dt.timedelta(days=days)
    level = rules.deadline_level(DEADLINE, today, done=False, remind_days=7, escalate_days=30)
    assert level == expected


def test_it_never_grades_a_done_measure() -> None:
    late = DEADLINE + dt.timedelta(days=90)
    assert rules.deadline_level(DEADLINE, late, done=True, remind_days=7, escalate_days=30) == ""


@given(
    st.integers(min_value=-400, max_value=400),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=120),
    st.integers(min_value=1, max_value=30),
)
def test_it_only_escalates_as_time_passes(days: int, remind: int, escalate: int, step: int) -> None:
    """Lateness never goes down as the days go by, with any thresholds."""
    today = DEADLINE + dt.timedelta(days=days)
    later = today + dt.timedelta(days=step)
    a = rules.deadline_level(
        DEADLINE, today, done=False, remind_days=remind, escalate_days=escalate
    )
    b = rules.deadline_level(
        DEADLINE, later, done=False, remind_days=remind, escalate_days=escalate
    )
    if a != rules.LEVEL_NONE or days >= 0:
        assert rules.LEVEL_ORDER.index(b) >= rules.LEVEL_ORDER.index(a)


def test_it_takes_the_worst_level() -> None:
    assert rules.worst_level([]) == rules.LEVEL_NONE
    assert rules.worst_level([rules.LEVEL_SOON, rules.LEVEL_ESCALATED, rules.LEVEL_DUE]) == (
        rules.LEVEL_ESCALATED
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 15), 3, dt.date(2026, 4, 15)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 31), 1, dt.date(2027, 1, 31)),
        (dt.date(2026, 8, 31), 1, dt.date(2026, 9, 30)),
        (dt.date(2026, 5, 5), 12, dt.date(2027, 5, 5)),
        (dt.date(2026, 5, 5), 0, dt.date(2026, 5, 5)),
    ],
)
def test_it_schedules_the_recheck_months_later(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert rules.recheck_due(day, months) == expected


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)), st.integers(0, 60))
def test_it_adds_months_without_overflow(day: dt.date, months: int) -> None:
    out = rules.add_months(day, months)
    assert (out.year - day.year) * 12 + out.month - day.month == months
    assert out.day <= day.day


@pytest.mark.parametrize(
    ("statuses", "text"),
    [
        ([], "尚无整改措施"),
        ([OPEN, OPEN], "已完成0/2项措施"),
        ([DONE, OPEN, OPEN], "已完成1/3项措施"),
        ([DONE, VERIFIED], "2项措施已全部完成"),
    ],
)
def test_it_describes_progress(statuses: list[str], text: str) -> None:
    assert rules.progress(statuses).text == text
