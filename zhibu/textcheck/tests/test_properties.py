"""Properties that hold for any text: spans inside the text, normalize idempotent, similarity
symmetric, copies never within one owner or across branches or years."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zhibu.textcheck import rules
from zhibu.textcheck.similarity import Item, find_copies, find_repeats, similarity

# Texts built from what materials are made of (soft words, stock phrases, dates, quotes,
# negations, traditional and full-width characters), so the rules actually fire, mixed with
# arbitrary characters.
PIECES = [
    "尽量", "盡量", "争取", "力争", "进一步加强", "進一步加強", "基本完成", "有待", "原则上",
    "不能", "避免", "杜绝", "“", "”", '"', "「", "」", "《", "》", "‘", "’", "，", "。", "；",
    "、", ",", ".", " ", "\n", "　", "理论学习不够深入", "联系群众不够紧密", "創新意識不強",
    "2026年12月31日前", "2026-12-31", "三个月内", "每月", "12月底前", "下次组织生活会前",
    "学习", "完成", "整改", "今后要", "1.", "（一）", "第三章", "张某", "例如", "ｶﾞ", "ﾞ", "é",
    "e\u0301", "⑴", "①", "Ⅳ", "２", "Ａ",
]  # fmt: skip
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=12).map("".join)
PUNCTUATION = st.sampled_from(list("，。、；：！？“”‘’（）《》「」,.;:!?\"'()-—… \t\n\u3000"))

CHECKS = [
    rules.vague_commitment,
    rules.missing_deadline,
    rules.generic_problem,
    rules.check_measure,
    rules.check_problem,
    rules.check_line,
]


@settings(max_examples=300)
@given(texts)
def test_it_keeps_every_span_inside_the_text(text: str) -> None:
    for check in CHECKS:
        for f in check(text):
            assert 0 <= f.start < f.end <= len(text)
            assert text[f.start : f.end] == f.text
            assert f.rule in rules.RULES and f.message


@given(texts)
def test_it_folds_one_character_to_one(text: str) -> None:
    assert len(rules.fold(text)) == len(text)


@settings(max_examples=300)
@given(st.one_of(texts, st.text()))
def test_it_normalizes_idempotently(text: str) -> None:
    once = rules.normalize(text)
    assert rules.normalize(once) == once


@given(texts, st.lists(st.tuples(st.integers(min_value=0), PUNCTUATION), max_size=6))
def test_it_ignores_inserted_punctuation_and_spaces(text: str, inserts: list) -> None:
    changed = text
    for position, mark in inserts:
        i = position % (len(changed) + 1)
        changed = changed[:i] + mark + changed[i:]
    assert rules.normalize(changed) == rules.normalize(text)


@given(texts, texts)
def test_it_scores_similarity_symmetrically_within_0_and_1(a: str, b: str) -> None:
    score = similarity(a, b)
    assert 0 <= score <= 1
    assert score == similarity(b, a)


items = st.lists(
    st.builds(
        Item,
        id=st.integers(),
        owner=st.sampled_from([("member", 1), ("member", 2), ("committee", 9)]),
        group=st.sampled_from([10, 11]),
        year=st.sampled_from([2025, 2026]),
        text=st.sampled_from(
            [
                "理论学习不够深入",
                "理论学习不够深入。",
                "理论學習不夠深入！",
                "联系群众不够紧密",
                "上半年缺席集中学习两次",
            ]
        ),  # fmt: skip
    ),
    max_size=12,
    unique_by=lambda item: item.id,
)


@given(items)
def test_it_pairs_copies_only_across_owners_within_a_group_and_year(given_items: list) -> None:
    by_id = {item.id: item for item in given_items}
    for pair in find_copies(given_items, 0.8):
        a, b = by_id[pair.a], by_id[pair.b]
        assert a.owner != b.owner
        assert (a.group, a.year) == (b.group, b.year)
        assert 0.8 <= pair.score <= 1


@given(items)
def test_it_pairs_repeats_only_with_an_earlier_year_of_the_same_owner(given_items: list) -> None:
    by_id = {item.id: item for item in given_items}
    pairs = find_repeats(given_items, 0.8)
    assert len({pair.a for pair in pairs}) == len(pairs)  # at most one match per later item
    for pair in pairs:
        later, earlier = by_id[pair.a], by_id[pair.b]
        assert later.owner == earlier.owner and earlier.year < later.year
