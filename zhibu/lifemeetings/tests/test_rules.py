"""The 组织生活会 and 民主评议 rules as pure functions."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.lifemeetings import rules

# --- 谈心谈话 ------------------------------------------------------------------------------------


def test_it_requires_every_committee_pair_and_every_member_with_a_committee_member() -> None:
    needs = rules.talk_needs([1, 2, 3], [4, 5, 6, 7, 8])
    pairs = [n.people for n in needs if n.kind == rules.COMMITTEE_PAIR]
    assert pairs == [frozenset({1, 2}), frozenset({1, 3}), frozenset({2, 3})]
    covers = [(next(iter(n.people)), n.suggested) for n in needs if n.kind == rules.MEMBER_COVER]
    assert covers == [(4, 1), (5, 2), (6, 3), (7, 1), (8, 2)]
    assert len(needs) == 3 + 5


def test_it_asks_a_branch_with_only_a_secretary_to_talk_with_each_member() -> None:
    needs = rules.talk_needs([1], [2, 3])
    assert [n.kind for n in needs] == [rules.MEMBER_COVER, rules.MEMBER_COVER]
    assert {n.suggested for n in needs} == {1}


def test_it_requires_nothing_of_a_branch_without_leaders() -> None:
    assert rules.talk_needs([], [1, 2, 3]) == []


def test_it_does_not_count_a_committee_member_twice() -> None:
    needs = rules.talk_needs([1, 2], [2, 3])
    assert [n.people for n in needs] == [frozenset({1, 2}), frozenset({3})]


@given(st.integers(0, 9), st.integers(0, 60))
def test_it_shares_the_members_out_evenly(n_committee: int, n_members: int) -> None:
    committee = list(range(1, n_committee + 1))
    members = list(range(100, 100 + n_members))
    needs = rules.talk_needs(committee, members)
    pairs = [n for n in needs if n.kind == rules.COMMITTEE_PAIR]
    assert len(pairs) == len(list(combinations(committee, 2)))
    load = [sum(1 for n in needs if n.suggested == c) for c in committee]
    if committee:
        assert sum(load) == n_members and max(load) - min(load) <= 1
    else:
        assert needs == []


def test_it_counts_coverage_from_the_talks_held() -> None:
    committee, members = [1, 2, 3], [4, 5, 6]
    needs = rules.talk_needs(committee, members)
    held = [(2, 1), (1, 3), (4, 3), (5, 1), (5, 6)]  # 4 talked with 3, not the suggested 1
    cov = rules.talk_coverage(needs, held, committee)
    assert (cov.done, cov.total, cov.text) == (4, 6, "4/6")
    assert {n.people for n in cov.missing} == {frozenset({2, 3}), frozenset({6})}
    assert not cov.complete
    held += [(3, 2), (6, 2)]
    assert rules.talk_coverage(needs, held, committee).complete


def test_it_ignores_a_talk_with_oneself() -> None:
    cov = rules.talk_coverage(rules.talk_needs([1], [2]), [(2, 2), (1, 1)], [1])
    assert cov.done == 0


# --- the checklist --------------------------------------------------------------------------------


def _cov(done: int, total: int) -> rules.Coverage:
    return rules.Coverage(done=done, total=total)


@pytest.mark.parametrize(
    ("values", "states"),
    [
        (dict(study_held=0, opinion_poll_closed=False, opinions=0, talks=_cov(0, 20),
              reviews_accepted=0, reviews_submitted=0, reviewers=12),
         ["missing", "missing", "missing", "missing"]),
        (dict(study_held=2, opinion_poll_closed=False, opinions=5, talks=_cov(17, 20),
              reviews_accepted=3, reviews_submitted=9, reviewers=12),
         ["done", "partial", "partial", "partial"]),
        (dict(study_held=1, opinion_poll_closed=True, opinions=14, talks=_cov(20, 20),
              reviews_accepted=12, reviews_submitted=12, reviewers=12),
         ["done", "done", "done", "done"]),
    ],
)  # fmt: skip
def test_it_computes_each_preparation_step(values: dict, states: list[str]) -> None:
    items = rules.checklist(**values)
    assert [i.state for i in items] == states
    assert rules.ready(items) == (states == ["done"] * 4)


def test_it_says_what_is_missing() -> None:
    items = rules.checklist(study_held=0, opinion_poll_closed=False, opinions=3,
                            talks=_cov(17, 20), reviews_accepted=0, reviews_submitted=4,
                            reviewers=12)  # fmt: skip
    detail = {i.key: i.detail for i in items}
    assert "会前必须集中学习" in detail["study"]
    assert detail["opinions"] == "收到意见3份，征求意见还没有结束"
    assert "17/20" in detail["talks"]
    assert detail["reviews"] == "应交12份，已提交4份，已审核通过0份"


# --- speakers -------------------------------------------------------------------------------------


def test_it_puts_the_secretary_and_the_committee_first() -> None:
    people = [
        (5, None, "b"), (3, "organization_officer", "z"), (1, "secretary", "y"),
        (4, None, "a"), (2, "deputy_secretary", "x"), (6, "committee_member", "c"),
    ]  # fmt: skip
    assert rules.speaking_order(people) == [1, 2, 3, 6, 4, 5]


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
