"""Copies across a branch's members and repeats of earlier years' problems."""

from __future__ import annotations

import pytest

from zhibu.textcheck.bench import bench_similarity
from zhibu.textcheck.similarity import Item, Pair, cross_findings, find_copies, find_repeats
from zhibu.textcheck.similarity import similarity as sim

THRESHOLD = 0.8
PROBLEM = "理论学习不够深入，2026年上半年只参加支部集中学习3次，没有写学习体会。"


@pytest.mark.parametrize(
    "copy",
    [
        PROBLEM.replace("，", ","),  # half-width punctuation
        PROBLEM.replace("，", "").replace("。", ""),  # no punctuation at all
        " ".join(PROBLEM),  # spaces everywhere
        PROBLEM.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full-width
        "理論學習不夠深入，2026年上半年只參加支部集中學習3次，沒有寫學習體會。",  # traditional
        PROBLEM.replace("3次", "4次"),  # one character changed
        PROBLEM.replace("只", ""),  # one character dropped
        PROBLEM.replace("没有", "还没有"),  # one character added
        "（一）" + PROBLEM,  # a list number in front
    ],
)
def test_it_sees_a_lightly_edited_copy_as_near_identical(copy: str) -> None:
    assert sim(PROBLEM, copy) >= THRESHOLD


@pytest.mark.parametrize(
    "other",
    [
        "联系群众不够紧密，3月在东湖村走访时，5户群众反映的饮水问题没有及时跟进。",
        "党费收缴中有2个月没有按时交纳。",
        "在乡村振兴工作中，有3项任务没有按期完成，依赖上级督办。",
        "",
    ],
)
def test_it_sees_different_problems_as_different(other: str) -> None:
    assert sim(PROBLEM, other) < THRESHOLD


def item(id: int, owner: int | str, text: str, *, group: int = 1, year: int = 2026) -> Item:
    kind = ("member", owner) if isinstance(owner, int) else (owner, group)
    return Item(id, kind, group, year, text)


def test_it_finds_copies_between_members_of_one_branch_in_one_year() -> None:
    items = [
        item(1, 11, PROBLEM),
        item(2, 12, PROBLEM.replace("，", ",")),
        item(3, 11, PROBLEM),  # the same member again: not a copy of item 1
        item(4, 13, PROBLEM, group=2),  # another branch
        item(5, 14, PROBLEM, year=2025),  # another year
        item(6, 15, "党费收缴中有2个月没有按时交纳。"),
        item(7, "committee", PROBLEM),  # the branch committee's: a copy too
        item(8, 16, "无"),  # too short to compare
        item(9, 17, "无"),
    ]
    pairs = find_copies(items, THRESHOLD)
    assert {(p.a, p.b) for p in pairs} == {(1, 2), (1, 7), (2, 3), (2, 7), (3, 7)}
    assert all(p.score >= THRESHOLD for p in pairs)
    assert next(p for p in pairs if (p.a, p.b) == (1, 7)).score == 1.0


def test_it_takes_the_threshold_as_given() -> None:
    items = [item(1, 11, PROBLEM), item(2, 12, PROBLEM.replace("3次", "4次"))]
    score = find_copies(items, THRESHOLD)[0].score
    assert 0.9 < score < 1
    assert find_copies(items, 0.99) == []
    assert len(find_copies(items, score)) == 1  # at the threshold is enough


def test_it_finds_a_repeat_of_the_same_owner_in_an_earlier_year() -> None:
    items = [
        item(1, 11, PROBLEM, year=2024),
        item(2, 11, PROBLEM.replace("3次", "4次"), year=2025),
        item(3, 11, PROBLEM, year=2026),
        item(4, 12, PROBLEM, year=2025),  # another member's: a copy, maybe, never a repeat
        item(5, 11, "党费收缴中有2个月没有按时交纳。", year=2025),
    ]
    pairs = {p.a: p for p in find_repeats(items, THRESHOLD)}
    assert set(pairs) == {2, 3}
    assert (pairs[2].b, pairs[3].b) == (1, 1)  # item 3 matches 2024's exactly: the best
    assert pairs[3].score == 1.0


def test_it_prefers_the_latest_year_on_a_tie() -> None:
    items = [item(1, 11, PROBLEM, year=2024), item(2, 11, PROBLEM, year=2025),
             item(3, 11, PROBLEM, year=2026)]  # fmt: skip
    assert {p.a: p.b for p in find_repeats(items, THRESHOLD)} == {2: 1, 3: 2}


def test_it_gives_each_item_its_cross_findings() -> None:
    text = "  " + PROBLEM + "\n"
    items = [
        item(1, 11, text),
        item(2, 12, PROBLEM.replace("，", ",")),
        item(3, "committee", PROBLEM),
        item(4, 11, PROBLEM, year=2025),
        item(5, 15, "党费收缴中有2个月没有按时交纳。"),
    ]
    found = cross_findings(items, THRESHOLD)
    assert set(found) == {1, 2, 3, 4, 5}
    assert found[5] == found[4] == []
    copied, repeated = found[1]
    assert copied.rule == "copied_across_members" and copied.other in (2, 3)
    assert (copied.start, copied.end) == (2, 2 + len(PROBLEM))
    assert copied.text == PROBLEM
    assert "与本支部另一名党员查摆的问题几乎相同" in copied.message and "相似度" in copied.message
    assert "同样的还有1条" in copied.message
    assert repeated.rule == "repeated_from_last_year" and repeated.other == 4
    assert "与2025年查摆的问题几乎相同（相似度100%）" in repeated.message
    [committee] = found[3]
    assert committee.other == 1 and "另一名党员" in committee.message
    alone = cross_findings([item(1, 11, PROBLEM), item(2, "committee", PROBLEM)], THRESHOLD)
    assert "与本支部支委会（班子）查摆的问题几乎相同" in alone[1][0].message
    assert copied.as_dict()["other"] == copied.other


def test_it_returns_pairs_as_plain_values() -> None:
    assert Pair(1, 2, 0.9) == Pair(1, 2, 0.9)


def test_it_benchmarks_on_synthetic_branches_and_finds_what_was_planted() -> None:
    result = bench_similarity(n=3000, seed=1)
    assert result["items"] == 3000
    assert result["planted_copies"] > 0 and result["planted_repeats"] > 0
    assert result["planted_copies_found"] == result["planted_copies"]
    assert result["planted_repeats_found"] == result["planted_repeats"]
    assert result["seconds"] < 5
