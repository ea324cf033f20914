"""The pure ballot rules: question schemas per kind, the question lines of the form, answers,
paper codes, the voting window, transitions and the tally."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from zhibu.ballots import rules

TEXT_Q: dict[str, Any] = {"id": "q1", "type": "text", "label": "意见和建议"}
CHOICE_Q: dict[str, Any] = {
    "id": "q2",
    "type": "choice",
    "label": "满意吗",
    "options": ["满意", "不满意"],
}
GRADE_Q: dict[str, Any] = {"id": "m7", "type": "grade", "label": "对石书记同志的评议", "subject": 7}


# --- questions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "questions"),
    [
        ("opinion", [TEXT_Q]),
        ("opinion", [TEXT_Q, CHOICE_Q]),
        ("evaluation", [GRADE_Q]),
        ("evaluation", [GRADE_Q, {**GRADE_Q, "id": "m8", "subject": 8}]),
        ("motion", [CHOICE_Q]),
        ("election", [CHOICE_Q]),
    ],
)
def test_it_accepts_the_questions_each_kind_takes(kind: str, questions: list) -> None:
    assert [q["id"] for q in rules.validate_questions(kind, questions)] == [
        q["id"] for q in questions
    ]


@pytest.mark.parametrize(
    ("kind", "questions", "message"),
    [
        ("opinion", [], "至少填写一道题目"),
        ("opinion", [GRADE_Q], "问答题、选择题"),
        ("evaluation", [TEXT_Q], "评定等次"),
        ("evaluation", [CHOICE_Q], "评定等次"),
        ("opinion", [TEXT_Q, TEXT_Q], "编号重复"),
        ("opinion", [{**TEXT_Q, "id": "Q 1"}], "编号重复或不合规"),
        ("opinion", [{**TEXT_Q, "label": "  "}], "没有题目内容"),
        ("opinion", [{**TEXT_Q, "label": "字" * 301}], "太长"),
        ("opinion", [{**CHOICE_Q, "options": ["只有一个"]}], "至少要有两个选项"),
        ("opinion", [{**CHOICE_Q, "options": ["一", "一"]}], "重复的选项"),
        ("opinion", [{**CHOICE_Q, "options": "满意/不满意"}], "请写出选项"),
        ("evaluation", [{**GRADE_Q, "subject": -1}], "评议对象不对"),
        ("evaluation", [GRADE_Q, {**GRADE_Q, "id": "m9"}], "只能评议一次"),
        ("opinion", "not a list", "至少填写一道题目"),
        ("opinion", ["not a dict"], "格式不对"),
    ],
)
def test_it_refuses_questions_with_a_chinese_reason(
    kind: str, questions: object, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        rules.validate_questions(kind, questions)
    assert message in str(exc.value.messages)


def test_it_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValidationError, match="投票类型"):
        rules.validate_questions("referendum", [TEXT_Q])


def test_it_reads_question_lines() -> None:
    text = "1. 班子有哪些不足？\n\n2、您满意吗｜满意／基本满意/不满意\n（3）三会一课开得怎样？\n三会一课还有什么建议"
    questions = rules.parse_question_lines(text)
    assert questions == [
        {"id": "q1", "type": "text", "label": "班子有哪些不足？"},
        {"id": "q2", "type": "choice", "label": "您满意吗", "options": ["满意", "基本满意", "不满意"]},
        {"id": "q3", "type": "text", "label": "三会一课开得怎样？"},
        {"id": "q4", "type": "text", "label": "三会一课还有什么建议"},
    ]  # fmt: skip
    # What was read is what the form shows again for a draft, and reads the same.
    assert rules.parse_question_lines(rules.question_lines(questions)) == questions
    assert rules.validate_questions("opinion", questions) == questions


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "至少填写一道题目"),
        ("满意吗｜满意", "至少要有两个选项"),
        ("｜满意／不满意", "没有题目"),
    ],
)
def test_it_explains_a_wrong_question_line(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        rules.parse_question_lines(text)


def test_it_builds_one_grade_question_per_member() -> None:
    questions = rules.evaluation_questions([(7, "石书记"), (8, "梅党员")])
    assert rules.validate_questions("evaluation", questions) == questions
    assert [q["subject"] for q in questions] == [7, 8]


# --- answers -----------------------------------------------------------------------------------


def test_it_keeps_answers_in_the_questions_order_and_nothing_else() -> None:
    raw = {"q2": "满意", "stray": "x", "q1": "  多走访\r\n群众  "}
    assert list(rules.clean_answers([TEXT_Q, CHOICE_Q], raw).items()) == [
        ("q1", "多走访\n群众"),
        ("q2", "满意"),
    ]


@pytest.mark.parametrize(
    ("questions", "raw", "field", "message"),
    [
        ([CHOICE_Q], {}, "q2", "请选择一项"),
        ([CHOICE_Q], {"q2": "非常满意"}, "q2", "从列出的选项中选择"),
        ([GRADE_Q], {"m7": ""}, "m7", "请评定等次"),
        ([GRADE_Q], {"m7": "good"}, "m7", "优秀、合格、基本合格、不合格"),
        ([TEXT_Q], {"q1": "字" * 2001}, "q1", "精简"),
    ],
)
def test_it_refuses_wrong_answers(questions: list, raw: dict, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        rules.clean_answers(questions, raw)
    assert message in exc.value.message_dict[field][0]


def test_it_refuses_an_empty_ballot() -> None:
    with pytest.raises(ValidationError, match="至少回答一道题"):
        rules.clean_answers([TEXT_Q], {"q1": "  "})


# --- paper codes -------------------------------------------------------------------------------


def test_it_makes_long_unambiguous_codes() -> None:
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert rules.code_is_well_formed(code)
        assert not set(code) & set("01OIL")
    assert len(rules.CODE_ALPHABET) ** rules.CODE_LENGTH > 10**14


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [("abcd-efgh-jk", "ABCDEFGHJK"), (" ABCD EFGH JK ", "ABCDEFGHJK"), ("ab·cd—ef", "ABCDEF")],
)
def test_it_reads_a_code_however_it_is_typed(typed: str, normalized: str) -> None:
    assert rules.normalize_code(typed) == normalized


def test_it_groups_a_code_for_print() -> None:
    assert rules.format_code("ABCDEFGHJK") == "ABCD-EFGH-JK"
    assert rules.normalize_code(rules.format_code("ABCDEFGHJK")) == "ABCDEFGHJK"


def test_it_ties_the_change_hash_to_the_voter() -> None:
    assert rules.change_hash("token", 1) != rules.change_hash("token", 2)
    assert rules.change_hash("token", 1) == rules.change_hash("token", 1)
    assert len(rules.change_hash("token", 1)) == 64


# --- window and transitions --------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("state", "opens", "closes", "ok"),
    [
        ("open", None, None, True),
        ("open", NOW - HOUR, NOW + HOUR, True),
        ("open", NOW, None, True),
        ("open", NOW + HOUR, None, False),
        ("open", None, NOW, False),
        ("open", None, NOW - HOUR, False),
        ("draft", None, None, False),
        ("closed", None, None, False),
        ("published", None, None, False),
    ],
)
def test_it_allows_voting_only_while_open_and_in_time(
    state: str, opens: dt.datetime | None, closes: dt.datetime | None, ok: bool
) -> None:
    assert (rules.window_problem(state, opens, closes, NOW) == "") is ok


@pytest.mark.parametrize("current", rules.STATES)
@pytest.mark.parametrize("target", rules.STATES)
def test_it_moves_one_way_one_step_at_a_time(current: str, target: str) -> None:
    allowed = {("draft", "open"), ("open", "closed"), ("closed", "published")}
    assert rules.can_transition(current, target) is ((current, target) in allowed)


@pytest.mark.parametrize(("ballots", "minimum", "shown"), [(2, 3, False), (3, 3, True), (0, 1, False), (1, 1, True), (5, 0, True)])  # fmt: skip
def test_it_hides_results_below_the_minimum(ballots: int, minimum: int, shown: bool) -> None:
    assert rules.results_visible(ballots, minimum) is shown


# --- tally -------------------------------------------------------------------------------------


def test_it_counts_per_option_and_per_grade() -> None:
    questions: list[dict[str, Any]] = [TEXT_Q, CHOICE_Q, GRADE_Q]
    contents = [
        {"q1": "甲", "q2": "满意", "m7": "excellent"},
        {"q1": "", "q2": "满意", "m7": "qualified"},
        {"q1": "乙", "q2": "不满意", "m7": "excellent"},
        {"q1": "丙"},
    ]
    text, choice, grade = rules.tally(questions, contents, random.Random(1))
    assert sorted(text.texts) == ["丙", "乙", "甲"] and text.blank == 1
    assert choice.counts == [("满意", "满意", 2), ("不满意", "不满意", 1)] and choice.blank == 1
    assert grade.counts == [
        ("excellent", "优秀", 2),
        ("qualified", "合格", 1),
        ("basically_qualified", "基本合格", 0),
        ("unqualified", "不合格", 0),
    ]
    assert grade.subject == 7 and grade.blank == 1 and grade.total == 4


def test_it_shows_free_text_in_a_new_random_order_each_time() -> None:
    contents = [{"q1": f"意见{i}"} for i in range(30)]
    orders = {tuple(rules.tally([TEXT_Q], contents)[0].texts) for _ in range(5)}
    assert len(orders) > 1  # five equal shuffles of 30: probability (1/30!)^4


answer = st.one_of(st.just(""), st.sampled_from(["满意", "不满意", "乱填"]), st.text(max_size=5))
ballot = st.fixed_dictionaries({"q1": st.text(max_size=8), "q2": answer, "m7": st.sampled_from([*rules.GRADES, "", "x"])})  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(ballot, max_size=40), st.integers(min_value=0, max_value=2**32))
def test_it_counts_every_ballot_once(contents: list[dict], seed: int) -> None:
    results = rules.tally([TEXT_Q, CHOICE_Q, GRADE_Q], contents, random.Random(seed))
    for r in results:
        assert r.total == len(contents)
        assert all(n >= 0 for _, _, n in r.counts)
    text = results[0]
    # Same multiset of words as cast, only the order is new.
    assert Counter(text.texts) == Counter(c["q1"].strip() for c in contents if c["q1"].strip())
