"""The 民主评议 rules as pure functions (moved here from lifemeetings, with the share setting)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.evaluations import rules

# --- 民主评议 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "cap"), [(0, 0), (1, 0), (2, 0), (3, 1), (8, 2), (9, 3), (10, 3), (12, 4)]
)
def test_it_allows_a_third_excellent(full: int, cap: int) -> None:
    assert rules.excellent_allowed(full) == cap


@given(st.integers(0, 500))
def test_it_never_allows_more_than_a_third(full: int) -> None:
    cap = rules.excellent_allowed(full)
    assert cap * 3 <= full < (cap + 1) * 3


def _grades(n: int, excellent: int) -> dict[int, str]:
    return {i: (rules.EXCELLENT if i < excellent else rules.QUALIFIED) for i in range(n)}


@pytest.mark.parametrize(
    ("full", "excellent", "ok"),
    [(9, 3, True), (9, 4, False), (10, 3, True), (10, 4, False), (2, 1, False)],
)
def test_it_blocks_confirmation_over_a_third_at_the_boundary(
    full: int, excellent: int, ok: bool
) -> None:
    check = rules.check_grades(_grades(full, excellent), full=range(full))
    assert check.ok is ok
    if not ok:
        assert any("超过正式党员" in e for e in check.errors)


def test_it_does_not_grade_probationary_members() -> None:
    check = rules.check_grades({1: "qualified", 9: "excellent"}, full=[1], probationary=[9],
                               names={9: "程预备"})  # fmt: skip
    assert check.errors == ["程预备是预备党员，参加评议但不评定等次"]


def test_it_asks_for_every_full_member_s_grade() -> None:
    check = rules.check_grades({1: "qualified"}, full=[1, 2], names={2: "王二"})
    assert check.errors == ["王二还没有评定等次"]


def test_it_warns_when_a_grade_contradicts_the_votes() -> None:
    tallies = {1: {"excellent": 2, "qualified": 9}, 2: {"qualified": 4, "basically_qualified": 4}}
    check = rules.check_grades({1: "excellent", 2: "basically_qualified"}, full=[1, 2, 3, 4, 5, 6],
                               tallies=tallies, names={1: "甲"})  # fmt: skip
    assert check.warnings == ["甲拟评为优秀，但党员评议中得票最多的是合格"]
    assert check.errors == [
        "#3还没有评定等次", "#4还没有评定等次", "#5还没有评定等次", "#6还没有评定等次"
    ]  # fmt: skip


def test_it_counts_grades() -> None:
    assert rules.grade_counts(["excellent", "qualified", "qualified", "bogus"]) == {
        "excellent": 1, "qualified": 2, "basically_qualified": 0, "unqualified": 0,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [(dt.date(2026, 1, 31), 6, dt.date(2026, 7, 31)), (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
     (dt.date(2026, 3, 1), 12, dt.date(2027, 3, 1))],
)  # fmt: skip
def test_it_sets_the_correction_deadline(start: dt.date, months: int, end: dt.date) -> None:
    assert rules.correction_deadline(start, months) == end


@pytest.mark.parametrize("months", [0, 13, -1])
def test_it_refuses_a_correction_period_over_a_year(months: int) -> None:
    with pytest.raises(ValueError, match="1到12个月"):
        rules.correction_deadline(dt.date(2026, 1, 1), months)


# --- the share setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "share"),
    [("1/3", Fraction(1, 3)), (" 1 / 3 ", Fraction(1, 3)), ("15%", Fraction(3, 20)),
     ("15％", Fraction(3, 20)), ("0.15", Fraction(3, 20)), ("1", Fraction(1)),
     (Fraction(1, 4), Fraction(1, 4)), (Decimal("0.2"), Fraction(1, 5)), (0.25, Fraction(1, 4)),
     (1, Fraction(1))],
)  # fmt: skip
def test_it_reads_the_share_as_written_in_a_setting(raw: object, share: Fraction) -> None:
    assert rules.parse_share(raw) == share  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["0", "0%", "-1/3", "4/3", "101%", "abc", "1/0", "", True, "1/x"])
def test_it_refuses_a_share_outside_zero_to_one(raw: object) -> None:
    with pytest.raises(ValueError, match="优秀比例"):
        rules.parse_share(raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("full", "cap"),
    [(0, 0), (6, 0), (7, 1), (13, 1), (14, 2), (19, 2), (20, 3), (100, 15)],
)
def test_it_allows_fifteen_percent_where_a_place_says_so(full: int, cap: int) -> None:
    assert rules.excellent_allowed(full, Fraction(15, 100)) == cap


@given(st.integers(0, 1000), st.fractions(min_value=Fraction(1, 1000), max_value=1))
def test_it_never_allows_more_than_the_share(full: int, share: Fraction) -> None:
    cap = rules.excellent_allowed(full, share)
    assert cap <= full * share < cap + 1


@given(
    st.integers(1, 200), st.integers(0, 200), st.fractions(min_value=Fraction(1, 100), max_value=1)
)
def test_it_blocks_exactly_above_the_cap(full: int, excellent: int, share: Fraction) -> None:
    excellent = min(excellent, full)
    check = rules.check_grades(_grades(full, excellent), full=range(full), share=share)
    assert check.ok is (excellent <= full * share)


@pytest.mark.parametrize(
    ("full", "excellent", "ok"), [(20, 3, True), (20, 4, False), (19, 2, True), (19, 3, False)]
)
def test_it_blocks_at_the_fifteen_percent_boundary(full: int, excellent: int, ok: bool) -> None:
    share = rules.parse_share("15%")
    check = rules.check_grades(_grades(full, excellent), full=range(full), share=share)
    assert check.ok is ok
    if not ok:
        assert any("超过正式党员" in e and "15%" in e for e in check.errors)


@pytest.mark.parametrize(
    ("share", "label"),
    [(Fraction(1, 3), "三分之一"), (Fraction(1, 2), "二分之一"), (Fraction(3, 20), "15%"),
     (Fraction(1, 8), "12.5%"), (Fraction(2, 3), "66.7%"), (Fraction(1), "100%")],
)  # fmt: skip
def test_it_names_the_share(share: Fraction, label: str) -> None:
    assert rules.share_label(share) == label


@given(st.dictionaries(st.integers(0, 30), st.integers(0, 50), max_size=8))
def test_it_finds_the_most_voted_grades(raw: dict[int, int]) -> None:
    tally = {rules.GRADES[k % 4]: n for k, n in raw.items()}
    top = rules.plurality(tally)
    positive = {g: n for g, n in tally.items() if n > 0}
    if not positive:
        assert top == set()
    else:
        assert top == {g for g, n in positive.items() if n == max(positive.values())}


def test_it_ignores_unknown_grades_in_a_tally() -> None:
    assert rules.plurality({"bogus": 9, "qualified": 1}) == {"qualified"}
    assert rules.plurality({"excellent": 2, "qualified": 2}) == {"excellent", "qualified"}


def test_it_does_not_warn_on_a_tie_that_includes_the_grade() -> None:
    tallies = {1: {"excellent": 3, "qualified": 3}}
    check = rules.check_grades({1: "excellent", 2: "qualified", 3: "qualified"}, full=[1, 2, 3],
                               tallies=tallies)  # fmt: skip
    assert check.ok and check.warnings == []


def test_it_refuses_an_unknown_grade_and_an_outsider() -> None:
    check = rules.check_grades({1: "great", 7: "qualified"}, full=[1], names={1: "甲", 7: "乙"})
    assert check.errors == ["甲的评定等次无效", "乙不是本支部的正式党员"]


@given(st.lists(st.sampled_from([*rules.GRADES, "x", ""]), max_size=40))
def test_it_counts_every_grade_once(grades: list[str]) -> None:
    counts = rules.grade_counts(grades)
    assert list(counts) == list(rules.GRADES)
    assert sum(counts.values()) == sum(1 for g in grades if g in rules.GRADES)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)), st.integers(1, 12))
def test_it_puts_the_correction_deadline_within_a_year(start: dt.date, months: int) -> None:
    end = rules.correction_deadline(start, months)
    assert start < end and (end - start).days <= 366
    assert (end.year - start.year) * 12 + end.month - start.month == months
