"""Which months a member owes, and to which branch (obligations.py): pure, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from zhibu.dues.obligations import (
    Move,
    Stay,
    due_by_month,
    months_owed,
    owed_to,
    stays,
)
from zhibu.dues.rules import months_between

D = dt.date
A, B, C = 1, 2, 3


def test_it_owes_from_the_month_of_admission() -> None:
    # A 预备党员 admitted by the branch meeting on 15 March owes March.
    got = stays(joined_on=D(2026, 3, 15), branch=A)
    assert got == [Stay(A, D(2026, 3, 1), None)]
    assert owed_to(got, D(2026, 2, 28)) is None
    assert owed_to(got, D(2026, 3, 1)) == A


def test_it_moves_the_obligation_the_month_after_a_transfer() -> None:
    got = stays(joined_on=D(2020, 1, 1), branch=B, moves=[Move(D(2026, 6, 20), A, B)])
    assert got == [Stay(A, D(2020, 1, 1), D(2026, 6, 1)), Stay(B, D(2026, 7, 1), None)]
    assert owed_to(got, D(2026, 6, 1)) == A
    assert owed_to(got, D(2026, 7, 1)) == B
    assert months_owed(got, D(2026, 1, 1), D(2026, 12, 1), branch=B) == months_between(
        D(2026, 7, 1), D(2026, 12, 1)
    )
    assert len(months_owed(got, D(2026, 1, 1), D(2026, 12, 1), branch=A)) == 6


def test_it_counts_each_month_once_across_several_transfers() -> None:
    moves = [Move(D(2026, 9, 3), B, C), Move(D(2026, 3, 31), A, B)]  # any order
    got = stays(joined_on=D(2019, 5, 1), branch=C, moves=moves)
    months = months_between(D(2026, 1, 1), D(2026, 12, 1))
    owners = [owed_to(got, m) for m in months]
    assert owners == [A, A, A, B, B, B, B, B, B, C, C, C]


def test_it_stops_when_the_member_leaves_zhibu_and_starts_again_on_return() -> None:
    moves = [Move(D(2025, 4, 10), A, None), Move(D(2025, 8, 2), None, B)]
    got = stays(joined_on=D(2015, 1, 1), branch=B, moves=moves)
    months = months_between(D(2025, 1, 1), D(2025, 12, 1))
    assert [owed_to(got, m) for m in months] == [A] * 4 + [None] * 4 + [B] * 4


def test_it_owes_through_the_month_the_member_left_the_rolls() -> None:
    got = stays(joined_on=D(2015, 1, 1), branch=A, left_on=D(2026, 5, 9))
    assert owed_to(got, D(2026, 5, 1)) == A
    assert owed_to(got, D(2026, 6, 1)) is None


def test_it_owes_nothing_without_admission() -> None:
    assert stays(joined_on=None, branch=A) == []


def test_it_ignores_a_transfer_before_admission_except_for_the_branch() -> None:
    # An activist moved to B before being admitted there.
    got = stays(joined_on=D(2026, 4, 10), branch=B, moves=[Move(D(2025, 1, 1), A, B)])
    assert got == [Stay(B, D(2026, 4, 1), None)]


def test_it_takes_the_assessment_in_force_each_month() -> None:
    assessments = [(D(2026, 5, 1), Decimal("60.00")), (D(2026, 1, 1), Decimal("45.00"))]
    months = months_between(D(2025, 11, 1), D(2026, 6, 1))
    got = dict(due_by_month(assessments, months))
    assert D(2025, 12, 1) not in got  # before the record began
    assert got[D(2026, 4, 1)] == Decimal("45.00")
    assert got[D(2026, 5, 1)] == got[D(2026, 6, 1)] == Decimal("60.00")


@given(
    joined=st.dates(D(2000, 1, 1), D(2026, 12, 31)),
    moves=st.lists(
        st.tuples(st.dates(D(2000, 1, 1), D(2026, 12, 31)), st.sampled_from([A, B, C, None])),
        max_size=4,
    ),
)
def test_it_owes_each_month_to_at_most_one_branch_and_never_before_admission(
    joined: dt.date, moves: list[tuple[dt.date, int | None]]
) -> None:
    chain: list[Move] = []
    current: int | None = A
    for on, to in sorted(moves, key=lambda m: m[0]):
        chain.append(Move(on, current, to))
        current = to
    got = stays(joined_on=joined, branch=current or A, moves=chain)
    for s in got:
        assert s.first >= joined.replace(day=1)
        assert s.last is None or s.first <= s.last
    for earlier, later in zip(got, got[1:], strict=False):
        assert earlier.last is not None and earlier.last < later.first
