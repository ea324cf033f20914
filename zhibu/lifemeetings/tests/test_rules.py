"""The 组织生活会 rules as pure functions."""

from __future__ import annotations

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
