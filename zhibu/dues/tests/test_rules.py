"""The pure dues rules: rates at every bracket edge, fixed categories, reductions, rounding,
allocation of payments, arrears streaks and the ledger balance (RULES.md §6, §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhibu.core.dates import add_months
from zhibu.dues import rules
from zhibu.dues.rules import Allocation, DuesError, MonthDue

D = Decimal
M = dt.date  # a month: day 1

money = st.decimals(min_value=D("0"), max_value=D("200000"), places=2)
positive = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


# --- vocabulary ---------------------------------------------------------------------------


def test_it_names_seven_categories_split_into_base_and_fixed() -> None:
    assert set(rules.CATEGORIES) == set(rules.BASE_CATEGORIES) | set(rules.FIXED_CATEGORIES)
    assert not set(rules.BASE_CATEGORIES) & set(rules.FIXED_CATEGORIES)
    assert list(rules.CATEGORY_LABELS) == list(rules.CATEGORIES)
    assert rules.CATEGORY_LABELS[rules.LOW_INCOME] == "低保等生活困难"
    assert rules.ROUNDINGS == ("fen", "jiao", "yuan")
    assert "中组发〔2008〕3号" in rules.RATE_SOURCE


def test_it_ends_every_rate_table_with_an_open_bracket_and_rising_bounds() -> None:
    for brackets in rules.RATE_TABLE.values():
        assert brackets[-1].upper is None
        uppers = [b.upper for b in brackets[:-1]]
        assert uppers == sorted(u for u in uppers if u is not None)
        rates = [b.rate for b in brackets]
        assert rates == sorted(rates)


# --- parsing money ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4500", "4500.00"),
        ("4,500.5", "4500.50"),
        ("４５００", "4500.00"),
        ("４，５００．５", "4500.50"),
        (" 3000.01 ", "3000.01"),
        ("0", "0.00"),
        ("0.2", "0.20"),
        (".5", "0.50"),
        ("1,234,567.89", "1234567.89"),
        ("4500元", "4500.00"),
        ("+12", "12.00"),
        ("1.230", "1.23"),
    ],
)
def test_it_parses_money(text: str, value: str) -> None:
    parsed = rules.parse_money(text)
    assert parsed == D(value) and str(parsed) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-1", "不能为负数"),
        ("－4500", "不能为负数"),
        ("NaN", "不是有效的金额"),
        ("inf", "不是有效的金额"),
        ("Infinity", "不是有效的金额"),
        ("1.234", "最多两位小数"),
        ("abc", "不是有效的金额"),
        ("1e3", "不是有效的金额"),
        ("1,23", "不是有效的金额"),
        ("4 500", "不是有效的金额"),
        ("", "请填写基数"),
        ("99999999999", "超出"),
    ],
)
def test_it_refuses_what_is_not_money(text: str, message: str) -> None:
    with pytest.raises(DuesError, match=message) as caught:
        rules.parse_money(text, "基数")
    assert isinstance(caught.value, ValueError)


@given(money)
def test_it_reads_back_what_it_prints(value: Decimal) -> None:
    assert rules.parse_money(str(value)) == value
    assert rules.parse_money(f"{value:,}") == value


# --- rates and quotes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "base", "rate", "monthly"),
    [
        ("employed", "0", "0.005", "0.00"),
        ("employed", "2000", "0.005", "10.00"),
        ("employed", "3000", "0.005", "15.00"),
        ("employed", "3000.01", "0.01", "30.00"),
        ("employed", "4500", "0.01", "45.00"),
        ("employed", "5000", "0.01", "50.00"),
        ("employed", "5000.01", "0.015", "75.00"),
        ("employed", "10000", "0.015", "150.00"),
        ("employed", "10000.01", "0.02", "200.00"),
        ("employed", "50000", "0.02", "1000.00"),
        ("retired", "3000", "0.005", "15.00"),
        ("retired", "5000", "0.005", "25.00"),
        ("retired", "5000.01", "0.01", "50.00"),
        ("retired", "8000", "0.01", "80.00"),
    ],
)
def test_it_applies_the_bracket_with_inclusive_upper_bounds(
    category: str, base: str, rate: str, monthly: str
) -> None:
    assert rules.rate_for(category, D(base)) == D(rate)
    q = rules.quote(category, base=D(base))
    assert (q.rate, q.monthly, q.over_norm) == (D(rate), D(monthly), False)
    assert q.as_json() == {"category": category, "base": f"{D(base):.2f}", "rate": rate,
                           "monthly": monthly}  # fmt: skip


def test_it_prints_the_quote_as_the_issue_shows() -> None:
    assert rules.quote("employed", base=D("4500")).as_json() == {
        "category": "employed",
        "base": "4500.00",
        "rate": "0.01",
        "monthly": "45.00",
    }
    assert rules.quote("employed", base=D("4500")).describe() == (
        "在职党员，月基数 4500.00 元，按 1% 交纳，每月党费 45.00 元"
    )
    assert rules.rate_percent(D("0.005")) == "0.5%"
    assert rules.rate_percent(D("0.015")) == "1.5%"


@pytest.mark.parametrize("category", ["student", "unemployed", "low_income", "other_fixed"])
def test_it_charges_the_fixed_categories_twenty_fen(category: str) -> None:
    for rounding in rules.ROUNDINGS:
        q = rules.quote(category, rounding=rounding)
        assert q == rules.Quote(category, None, None, D("0.20"), False)
        assert q.as_json() == {"category": category, "base": None, "rate": None,
                               "monthly": "0.20"}  # fmt: skip
    assert rules.quote(category, amount=D("0.20")).monthly == D("0.20")
    assert "固定金额" in rules.quote(category).describe()


@pytest.mark.parametrize("category", ["student", "unemployed", "low_income", "other_fixed"])
def test_it_refuses_a_base_or_another_amount_for_a_fixed_category(category: str) -> None:
    with pytest.raises(DuesError, match="不按基数计算") as caught:
        rules.quote(category, base=D("4500"))
    assert caught.value.field == "base"
    with pytest.raises(DuesError, match="固定交纳 0.20 元") as caught:
        rules.quote(category, amount=D("0.50"))
    assert caught.value.field == "amount"
    with pytest.raises(DuesError, match="没有交纳比例"):
        rules.rate_for(category, D("4500"))


@pytest.mark.parametrize(
    ("amount", "monthly"),
    [(None, "0.20"), ("0.20", "0.20"), ("0.50", "0.50"), ("0.55", "0.55"), ("1.00", "1.00")],
)
def test_it_charges_a_farmer_the_branchs_amount(amount: str | None, monthly: str) -> None:
    for rounding in rules.ROUNDINGS:  # a fixed amount is not rounded up
        value = None if amount is None else D(amount)
        q = rules.quote("farmer", amount=value, rounding=rounding)
        assert q.monthly == D(monthly) and q.base is None and q.rate is None


@pytest.mark.parametrize("amount", ["0.19", "1.01", "0", "5"])
def test_it_keeps_a_farmers_amount_between_twenty_fen_and_one_yuan(amount: str) -> None:
    with pytest.raises(DuesError, match="0.20～1.00") as caught:
        rules.quote("farmer", amount=D(amount))
    assert caught.value.field == "amount"


def test_it_refuses_a_base_for_a_farmer() -> None:
    with pytest.raises(DuesError, match="去掉基数，填写每月金额"):
        rules.quote("farmer", base=D("3000"))


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({}, "base", "请填写基数（每月税后工资性收入）"),
        ({"amount": D("45")}, "amount", "不要填写固定金额"),
        ({"base": D("-1")}, "base", "不能为负数"),
        ({"base": D("NaN")}, "base", "不是有效的金额"),
        ({"base": D("Infinity")}, "base", "不是有效的金额"),
        ({"base": D("4500.005")}, "base", "最多两位小数"),
        ({"base": D("4500"), "rounding": "mao"}, "rounding", "取整方式“mao”不存在"),
    ],
)
def test_it_refuses_a_bad_quote_for_an_employed_member(
    kwargs: dict, field: str, message: str
) -> None:
    with pytest.raises(DuesError, match=message) as caught:
        rules.quote("employed", **kwargs)
    assert caught.value.field == field


def test_it_refuses_an_unknown_category_and_reads_a_label() -> None:
    with pytest.raises(DuesError, match="党费类别“soldier”不存在.*employed（在职）"):
        rules.quote("soldier", base=D("1"))
    with pytest.raises(DuesError, match="不存在"):
        rules.rate_for("soldier", D("1"))
    assert rules.category_of("离退休") == "retired"
    assert rules.category_of(" student ") == "student"
    assert rules.category_of("其他(按固定金额)") == "other_fixed"


def test_it_flags_a_monthly_amount_above_the_norm_without_refusing_it() -> None:
    q = rules.quote("employed", base=D("50000.50"))
    assert q.monthly == D("1000.01") and q.over_norm
    assert q.as_json()["over_norm"] is True
    assert "超过每月 1000 元" in q.describe()
    assert not rules.quote("employed", base=D("50000")).over_norm


@settings(max_examples=300)
@given(
    st.sampled_from(rules.BASE_CATEGORIES),
    money,
    money,
    st.sampled_from(rules.ROUNDINGS),
)
def test_it_is_monotone_in_the_base_and_never_negative(
    category: str, a: Decimal, b: Decimal, rounding: str
) -> None:
    low, high = sorted((a, b))
    q_low = rules.quote(category, base=low, rounding=rounding)
    q_high = rules.quote(category, base=high, rounding=rounding)
    assert D(0) <= q_low.monthly <= q_high.monthly
    assert q_low.monthly == q_low.monthly.quantize(D("0.01"))


@settings(max_examples=300)
@given(st.sampled_from(rules.BASE_CATEGORIES), money, st.sampled_from(rules.ROUNDINGS))
def test_it_flags_over_the_norm_exactly_above_1000(
    category: str, base: Decimal, rounding: str
) -> None:
    q = rules.quote(category, base=base, rounding=rounding)
    assert q.over_norm == (q.monthly > D("1000"))
    assert ("over_norm" in q.as_json()) == q.over_norm


@given(st.sampled_from(rules.CATEGORIES), st.sampled_from(rules.ROUNDINGS))
def test_it_never_flags_a_fixed_amount(category: str, rounding: str) -> None:
    if category in rules.FIXED_CATEGORIES:
        q = rules.quote(category, rounding=rounding)
        assert D("0.20") <= q.monthly <= D("1.00") and not q.over_norm


# --- rounding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fen", "jiao", "yuan"),
    [
        ("0", "0.00", "0.00", "0.00"),
        ("45", "45.00", "45.00", "45.00"),
        ("45.1", "45.10", "45.10", "46.00"),
        ("15.005", "15.01", "15.10", "16.00"),
        ("15.0049", "15.00", "15.10", "16.00"),
        ("30.0001", "30.00", "30.10", "31.00"),
        ("45.01", "45.01", "45.10", "46.00"),
        ("45.10", "45.10", "45.10", "46.00"),
        ("45.99", "45.99", "46.00", "46.00"),
        ("99.951", "99.95", "100.00", "100.00"),
        ("0.001", "0.00", "0.10", "1.00"),
    ],
)
def test_it_rounds_each_way_at_the_edges(amount: str, fen: str, jiao: str, yuan: str) -> None:
    for mode, expected in (("fen", fen), ("jiao", jiao), ("yuan", yuan)):
        rounded = rules.round_dues(D(amount), mode)
        assert str(rounded) == expected, mode
    assert str(rules.round_dues(D(amount))) == fen


def test_it_refuses_an_unknown_rounding_or_a_negative_amount() -> None:
    with pytest.raises(DuesError, match="fen（到分（四舍五入））"):
        rules.round_dues(D("1"), "half")
    with pytest.raises(DuesError, match="不小于 0"):
        rules.round_dues(D("-0.01"), "fen")


@given(st.decimals(min_value=D("0"), max_value=D("10000"), places=5))
def test_it_never_rounds_up_below_the_fen_value(amount: Decimal) -> None:
    fen = rules.round_dues(amount, rules.FEN)
    jiao = rules.round_dues(amount, rules.JIAO)
    yuan = rules.round_dues(amount, rules.YUAN)
    assert fen <= jiao <= yuan
    assert amount <= jiao < amount + D("0.1")
    assert amount <= yuan < amount + D("1")
    assert abs(fen - amount) <= D("0.005")
    assert all(r == r.quantize(D("0.01")) for r in (fen, jiao, yuan))


# --- reductions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reduction", "reduced", "owed"),
    [
        ("", None, "45.00"),
        ("", D("10"), "45.00"),  # the amount of a reduction only counts when reduced
        ("waived", None, "0.00"),
        ("waived", D("10"), "0.00"),
        ("reduced", D("10"), "10.00"),
        ("reduced", D("0.01"), "0.01"),
        ("reduced", D("44.99"), "44.99"),
    ],
)
def test_it_applies_a_reduction_or_waiver(
    reduction: str, reduced: Decimal | None, owed: str
) -> None:
    assert str(rules.apply_reduction(D("45.00"), reduction, reduced)) == owed


@pytest.mark.parametrize(
    ("reduction", "reduced", "message"),
    [
        ("reduced", None, "请填写减交后每月应交的金额"),
        ("reduced", D("0"), "应大于 0；不交的请选择“免交”"),
        ("reduced", D("45"), "应少于按规定应交的 45.00 元"),
        ("reduced", D("50"), "应少于"),
        ("reduced", D("-1"), "不能为负数"),
        ("halved", D("10"), "减免方式“halved”不存在"),
    ],
)
def test_it_refuses_a_reduction_that_is_not_one(
    reduction: str, reduced: Decimal | None, message: str
) -> None:
    with pytest.raises(DuesError, match=message):
        rules.apply_reduction(D("45.00"), reduction, reduced)


# --- months ---------------------------------------------------------------------------------


def test_it_lists_months_inclusive_across_years() -> None:
    assert rules.month_of(dt.date(2026, 2, 28)) == M(2026, 2, 1)
    assert rules.months_between(dt.date(2025, 11, 30), dt.date(2026, 2, 3)) == [
        M(2025, 11, 1),
        M(2025, 12, 1),
        M(2026, 1, 1),
        M(2026, 2, 1),
    ]
    assert rules.months_between(M(2026, 3, 1), M(2026, 3, 31)) == [M(2026, 3, 1)]
    assert rules.months_between(M(2026, 4, 1), M(2026, 3, 1)) == []


@pytest.mark.parametrize(
    ("paid_on", "earliest"),
    [
        (dt.date(2026, 7, 15), M(2026, 1, 1)),
        (dt.date(2026, 7, 1), M(2026, 1, 1)),
        (dt.date(2026, 7, 31), M(2026, 1, 1)),
        (dt.date(2026, 3, 10), M(2025, 9, 1)),
        (dt.date(2026, 6, 30), M(2025, 12, 1)),
    ],
)
def test_it_allows_back_pay_for_six_months(paid_on: dt.date, earliest: dt.date) -> None:
    assert rules.earliest_back_pay(paid_on) == earliest


# --- allocation -----------------------------------------------------------------------------


def months_of(first: dt.date, last: dt.date, due: str = "45.00", paid: str = "0") -> list[MonthDue]:
    """Every month from ``first`` to ``last``, each owing ``due`` and paid ``paid``."""
    return [MonthDue(m, D(due), D(paid)) for m in rules.months_between(first, last)]


def sheet(
    first: dt.date, due: str, months: int, paid: dict[dt.date, str] | None = None
) -> list[MonthDue]:
    """``months`` months from ``first``, each owing ``due``, paid as ``paid`` says (else 0)."""
    paid = paid or {}
    rows = rules.months_between(first, add_months(first, months - 1))
    return [MonthDue(m, D(due), D(paid.get(m, "0"))) for m in rows]


def test_it_settles_several_months_oldest_first() -> None:
    dues = sheet(M(2026, 1, 1), "45.00", 6)
    allocations, credit = rules.allocate(dues, D("135.00"), paid_on=dt.date(2026, 3, 10))
    assert allocations == [
        Allocation(M(2026, 1, 1), D("45.00")),
        Allocation(M(2026, 2, 1), D("45.00")),
        Allocation(M(2026, 3, 1), D("45.00")),
    ]
    assert credit == 0


def test_it_settles_a_month_in_part_and_finishes_a_partly_paid_one_first() -> None:
    dues = [
        MonthDue(M(2026, 2, 1), D("45.00"), D("0")),
        MonthDue(M(2026, 1, 1), D("45.00"), D("30.00")),  # order of the input does not matter
        MonthDue(M(2026, 3, 1), D("45.00"), D("0")),
    ]
    allocations, credit = rules.allocate(dues, D("50.00"), paid_on=dt.date(2026, 3, 10))
    assert allocations == [
        Allocation(M(2026, 1, 1), D("15.00")),
        Allocation(M(2026, 2, 1), D("35.00")),
    ]
    assert credit == 0


def test_it_keeps_what_is_left_as_credit() -> None:
    dues = sheet(M(2026, 1, 1), "45.00", 3, {M(2026, 1, 1): "45.00"})
    allocations, credit = rules.allocate(dues, D("100.00"), paid_on=dt.date(2026, 3, 10))
    assert [a.amount for a in allocations] == [D("45.00"), D("45.00")]
    assert credit == D("10.00")
    allocations, credit = rules.allocate([], D("20.00"), paid_on=dt.date(2026, 3, 10))
    assert allocations == [] and credit == D("20.00")


def test_it_leaves_months_beyond_the_back_pay_limit_unpaid() -> None:
    # Paid in July 2026: January 2026 is the oldest month it may settle.
    dues = months_of(M(2025, 11, 1), M(2026, 7, 1))
    allocations, credit = rules.allocate(dues, D("90.00"), paid_on=dt.date(2026, 7, 20))
    assert [a.month for a in allocations] == [M(2026, 1, 1), M(2026, 2, 1)]
    assert credit == 0
    allocations, credit = rules.allocate(dues, D("1000.00"), paid_on=dt.date(2026, 7, 20))
    assert [a.month for a in allocations] == rules.months_between(M(2026, 1, 1), M(2026, 7, 1))
    assert credit == D("1000.00") - 7 * D("45.00")


def test_it_settles_future_months_as_far_as_they_are_listed() -> None:
    # A quarter paid ahead on 5 April: April, May and June.
    dues = months_of(M(2026, 4, 1), M(2026, 6, 1))
    allocations, credit = rules.allocate(dues, D("150.00"), paid_on=dt.date(2026, 4, 5))
    assert [a.month for a in allocations] == [M(2026, 4, 1), M(2026, 5, 1), M(2026, 6, 1)]
    assert credit == D("15.00")


def test_it_skips_waived_months() -> None:
    dues = [
        MonthDue(M(2026, 1, 1), D("0.00"), D("0")),
        MonthDue(M(2026, 2, 1), D("45.00"), D("0")),
    ]
    allocations, credit = rules.allocate(dues, D("45.00"), paid_on=dt.date(2026, 2, 5))
    assert allocations == [Allocation(M(2026, 2, 1), D("45.00"))] and credit == 0


@pytest.mark.parametrize("amount", [D("0"), D("-5"), D("NaN"), D("1.001")])
def test_it_refuses_a_payment_of_nothing_or_less(amount: Decimal) -> None:
    with pytest.raises(DuesError, match="交纳金额"):
        rules.allocate(sheet(M(2026, 1, 1), "45", 1), amount, paid_on=dt.date(2026, 1, 5))


def test_it_refuses_a_month_twice_or_not_on_day_one() -> None:
    with pytest.raises(DuesError, match="重复"):
        rules.allocate(sheet(M(2026, 1, 1), "45", 1) * 2, D("1"), paid_on=dt.date(2026, 1, 5))
    with pytest.raises(DuesError, match="当月 1 日"):
        rules.allocate(
            [MonthDue(dt.date(2026, 1, 5), D("45"), D("0"))], D("1"), paid_on=dt.date(2026, 1, 5)
        )


month_dues = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=35),
        st.decimals(min_value=D("0"), max_value=D("300"), places=2),
        st.decimals(min_value=D("0"), max_value=D("300"), places=2),
    ),
    max_size=24,
    unique_by=lambda row: row[0],
).map(
    lambda rows: [
        MonthDue(rules.months_between(M(2025, 1, 1), M(2027, 12, 1))[i], due, paid)
        for i, due, paid in rows
    ]
)


@settings(max_examples=300)
@given(
    month_dues,
    positive,
    st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)),
)
def test_it_never_loses_money(dues: list[MonthDue], amount: Decimal, paid_on: dt.date) -> None:
    allocations, credit = rules.allocate(dues, amount, paid_on=paid_on)
    assert sum((a.amount for a in allocations), D(0)) + credit == amount
    assert credit >= 0
    by_month = {row.month: row for row in dues}
    months = [a.month for a in allocations]
    assert months == sorted(set(months))
    for a in allocations:
        assert D(0) < a.amount <= by_month[a.month].outstanding
        assert a.month >= rules.earliest_back_pay(paid_on)
    # Oldest first: every month before the last one settled is settled in full (or not owing).
    if allocations:
        for row in dues:
            if rules.earliest_back_pay(paid_on) <= row.month < allocations[-1].month:
                settled = next((a.amount for a in allocations if a.month == row.month), D(0))
                assert settled == row.outstanding
    # Credit is left only when every settleable month is settled.
    if credit > 0:
        for row in dues:
            if row.month >= rules.earliest_back_pay(paid_on):
                settled = next((a.amount for a in allocations if a.month == row.month), D(0))
                assert settled == row.outstanding


# --- arrears --------------------------------------------------------------------------------


def test_it_counts_unpaid_months_across_a_year_boundary() -> None:
    dues = months_of(M(2025, 6, 1), M(2025, 9, 1), paid="45.00") + months_of(
        M(2025, 10, 1), M(2026, 3, 1)
    )
    assert rules.unpaid_streak(dues, dt.date(2026, 3, 31)) == 6
    assert rules.unpaid_streak(dues, dt.date(2026, 1, 1)) == 4
    assert rules.unpaid_streak(dues, dt.date(2025, 12, 15)) == 3
    assert rules.unpaid_streak(dues, dt.date(2025, 9, 30)) == 0


def test_it_ends_a_streak_at_a_month_paid_in_full_but_not_at_one_paid_in_part() -> None:
    dues = months_of(M(2025, 11, 1), M(2026, 2, 1))
    dues[1] = MonthDue(M(2025, 12, 1), D("45.00"), D("45.00"))
    dues[2] = MonthDue(M(2026, 1, 1), D("45.00"), D("20.00"))
    assert rules.unpaid_streak(dues, dt.date(2026, 2, 1)) == 2


def test_it_neither_counts_nor_breaks_on_a_month_that_owed_nothing() -> None:
    # Unpaid Nov 2025 – Mar 2026 with December waived (due 0) and January missing from the
    # sheet: four unpaid obligations in a row, across the new year.
    dues = [
        *months_of(M(2025, 10, 1), M(2025, 10, 1), paid="45.00"),
        *months_of(M(2025, 11, 1), M(2025, 11, 1)),
        MonthDue(M(2025, 12, 1), D("0.00"), D("0")),
        *months_of(M(2026, 2, 1), M(2026, 3, 1)),
    ]
    assert rules.unpaid_streak(dues, dt.date(2026, 3, 10)) == 3
    assert rules.unpaid_streak(dues, dt.date(2026, 1, 10)) == 1
    assert rules.unpaid_streak(dues, dt.date(2025, 12, 10)) == 1
    # A month owing nothing is not unpaid even when ``until`` falls in it.
    assert rules.unpaid_streak([MonthDue(M(2026, 1, 1), D("0"), D("0"))], M(2026, 1, 1)) == 0


def test_it_looks_no_further_than_until() -> None:
    dues = months_of(M(2026, 1, 1), M(2026, 12, 1))
    assert rules.unpaid_streak(dues, dt.date(2026, 2, 28)) == 2
    assert rules.unpaid_streak(dues, dt.date(2025, 12, 31)) == 0
    assert rules.unpaid_streak([], dt.date(2026, 2, 28)) == 0


def test_it_counts_from_admission_only() -> None:
    # Admitted in November: nothing owed before (not listed, or due 0).
    before = months_of(M(2025, 1, 1), M(2025, 10, 1), due="0")
    dues = before + months_of(M(2025, 11, 1), M(2026, 1, 1))
    assert rules.unpaid_streak(dues, dt.date(2026, 1, 31)) == 3


@pytest.mark.parametrize(
    ("months", "level"),
    [(0, "ok"), (1, "ok"), (2, "ok"), (3, "warning"), (5, "warning"), (6, "case"), (12, "case")],
)
def test_it_warns_at_three_and_makes_a_case_at_six(months: int, level: str) -> None:
    assert rules.arrears_level(months) == level
    assert level in rules.LEVEL_LABELS


def test_it_levels_a_streak_across_the_year() -> None:
    dues = months_of(M(2025, 8, 1), M(2026, 1, 1))
    assert rules.arrears_level(rules.unpaid_streak(dues, dt.date(2025, 10, 31))) == rules.WARNING
    assert rules.arrears_level(rules.unpaid_streak(dues, dt.date(2025, 12, 31))) == rules.WARNING
    assert rules.arrears_level(rules.unpaid_streak(dues, dt.date(2026, 1, 31))) == rules.CASE
    assert "支部大会" in rules.LEVEL_LABELS[rules.CASE]


# --- the ledger -----------------------------------------------------------------------------


def test_it_balances_the_ledger() -> None:
    entries = [
        ("collected", D("450.00")),
        ("handed_up", D("300.00")),
        ("returned", D("100.00")),
        ("spent", D("120.50")),
    ]
    assert rules.ledger_balance(entries) == D("129.50")
    assert rules.ledger_balance(entries, D("20")) == D("149.50")
    assert rules.running_balances(entries) == [D("450"), D("150"), D("250"), D("129.50")]
    assert rules.ledger_balance([]) == 0 and rules.running_balances([]) == []


def test_it_refuses_an_unknown_ledger_entry() -> None:
    with pytest.raises(DuesError, match="党费账目类型“donated”不存在"):
        rules.ledger_balance([("donated", D("1"))])


def test_it_lists_the_permitted_uses_with_their_source() -> None:
    assert list(rules.USES) == [
        "training",
        "materials",
        "awards",
        "hardship_aid",
        "disaster_relief",
    ]
    assert rules.USES["hardship_aid"] == "补助生活困难党员"
    assert "集体研究决定" in rules.USE_SOURCE


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(rules.ENTRY_KINDS),
            st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2),
        ),
        max_size=60,
    ),
    money,
)
def test_it_balances_any_history(entries: list[tuple[str, Decimal]], opening: Decimal) -> None:
    totals = {kind: sum((a for k, a in entries if k == kind), D(0)) for kind in rules.ENTRY_KINDS}
    expected = (
        opening + totals["collected"] + totals["returned"] - totals["handed_up"] - totals["spent"]
    )
    assert rules.ledger_balance(entries, opening) == expected
    running = rules.running_balances(entries, opening)
    assert len(running) == len(entries)
    assert (running[-1] if running else opening) == expected
    # Each step moves the balance by exactly that entry, in its direction.
    previous = opening
    for (kind, amount), balance in zip(entries, running, strict=True):
        assert balance - previous == (amount if kind in ("collected", "returned") else -amount)
        previous = balance


@pytest.mark.parametrize(
    ("today", "day", "expected"),
    [
        (dt.date(2026, 12, 6), 8, dt.date(2026, 11, 1)),  # before the collection day: 待交
        (dt.date(2026, 12, 8), 8, dt.date(2026, 11, 1)),  # on it: still to be paid today
        (dt.date(2026, 12, 9), 8, dt.date(2026, 12, 1)),  # after it: late
        (dt.date(2027, 1, 1), 1, dt.date(2026, 12, 1)),  # across the new year
        (dt.date(2026, 2, 28), 28, dt.date(2026, 1, 1)),
    ],
)
def test_a_month_is_late_only_after_its_collection_day(
    today: dt.date, day: int, expected: dt.date
) -> None:
    assert rules.overdue_until(today, day) == expected
