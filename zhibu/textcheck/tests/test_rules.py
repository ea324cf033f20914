"""The single-text rules on examples: what they flag, what they leave, and where."""

from __future__ import annotations

import time

import pytest

from zhibu.textcheck import rules
from zhibu.textcheck.hanzi import TRADITIONAL_TO_SIMPLIFIED
from zhibu.textcheck.rules import (
    check_line,
    check_measure,
    check_problem,
    generic_problem,
    has_deadline,
    missing_deadline,
    normalize,
    vague_commitment,
)


def spans(findings: list[rules.Finding]) -> list[str]:
    return [f.text for f in findings]


# --- vague_commitment ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("今后尽量按时参加组织生活。", ["尽量"]),
        ("争取年底前完成整改。", ["争取"]),
        ("力争取得实效。", ["力争"]),  # 力争, not 争取 inside it
        ("尽可能多参加志愿服务。", ["尽可能"]),
        ("努力做到学用结合。", ["努力做到"]),
        ("适时召开专题会议。", ["适时"]),
        ("逐步完善制度。", ["逐步"]),
        ("理论水平有待提高。", ["有待"]),
        ("整改基本完成。", ["基本完成"]),
        ("原则上每月开展一次。", ["原则上"]),
        ("尽快完成，尽量不拖。", ["尽快", "尽量"]),
        # Traditional characters and full-width punctuation.
        ("今後盡量按時參加組織生活。", ["盡量"]),
        ("爭取年底前完成，", ["爭取"]),
        ("盡可能做到，力爭上游", ["盡可能", "力爭"]),
        # A negation in another clause does not reach this one.
        ("不能按期完成的，尽量补上。", ["尽量"]),
        # A quotation that is not closed is no quotation.
        ("他说“尽量", ["尽量"]),
    ],
)
def test_it_flags_soft_commitments(text: str, flagged: list[str]) -> None:
    assert spans(vague_commitment(text)) == flagged


@pytest.mark.parametrize(
    "text",
    [
        "不能“尽量”，要确保完成。",
        "避免“争取”等模糊表态。",
        "杜绝尽量、争取等说法。",
        "不说争取，说确保。",
        "用确保代替尽量。",
        "避免使用盡量一詞。",
        "这里不写“尽量”，写“确保”。",
        "“尽量”一词不宜出现在措施中。",
        '材料中的"尽量"要改掉。',
        "材料中的「尽量」要改掉。",
        "材料中的『争取』要改掉。",
        "材料中的‘力争’要改掉。",
        "材料中的＂尽量＂要改掉。",  # full-width straight quotes
        "”尽量”这种写法不行。",  # wrong-way quotes, as some input methods type them
        "学习《关于尽量减少会议的通知》。",
        "确保年底前全部完成。",
        "",
    ],
)
def test_it_leaves_negated_quoted_and_firm_words(text: str) -> None:
    assert vague_commitment(text) == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("进一步加强学习。", True),
        ("进一步加强", True),
        ("今后要进一步加强党性修养，提高认识。", True),
        ("進一步加強學習", True),
        ("进一步加强对《条例》第三章的学习，每月集中学习一次。", False),
        ("进一步加强学习，每月集中学习一次。", False),
        ("进一步加强“三会一课”制度落实。", False),
        ("进一步加强学习，6月30日前完成。", False),
        ("进一步加强业务学习，全年不少于十二次。", False),
    ],
)
def test_it_flags_further_strengthening_without_an_object(text: str, flagged: bool) -> None:
    found = [f for f in vague_commitment(text) if f.text in ("进一步加强", "進一步加強")]
    assert bool(found) is flagged


def test_it_reports_the_span_in_the_original_text() -> None:
    text = "１．今後，盡量做到「每月」學習。"
    [finding] = vague_commitment(text)
    assert (finding.start, finding.end, finding.text) == (5, 7, "盡量")
    assert text[finding.start : finding.end] == finding.text
    assert finding.message.startswith("“盡量”") and "确保" in finding.message


# --- missing_deadline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026年12月31日前完成整改。",
        "2026-12-31前完成",
        "2026/12/31前完成",
        "2026.12.31前完成",
        "12月底前完成",
        "12月31日前完成",
        "于2026年底完成",
        "二〇二六年六月前完成",
        "十二月底前完成",
        "六月三十日前完成",
        "年底前完成",
        "三个月内完成",
        "3个月内完成",
        "两个月内完成",
        "两周内完成",
        "十五天内完成",
        "10个工作日内完成",
        "半年内完成",
        "一个半月内完成",
        "本季度完成",
        "第三季度完成",
        "本月底前完成",
        "下次组织生活会前完成",
        "换届前完成",
        "长期坚持",
        "每月参加一次志愿服务",
        "每周学习一次",
        "每季度讲一次党课",
        "每两周谈心一次",
        "每年一次",
        "立行立改",
        "31日前完成",
        "２０２６年１２月３１日前完成",  # full-width digits
        "於2026年12月31日前完成",
        "每 月 一 次",  # spaces inside
    ],
)
def test_it_accepts_each_form_of_time_limit(text: str) -> None:
    assert has_deadline(text)
    assert missing_deadline(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "加强理论学习，提高党性修养。",
        "定期开展谈心谈话。",
        "及时整改。",
        "尽快完成。",
        "学习《条例》第三章。",
        "树牢“四个意识”。",
        "三会一课按要求开展。",
        "认真落实民主评议结果。",
    ],
)
def test_it_flags_a_measure_without_a_time_limit(text: str) -> None:
    assert not has_deadline(text)
    [finding] = missing_deadline(text)
    assert finding.rule == "missing_deadline"
    assert (finding.start, finding.end) == (0, len(text))
    assert finding.message.startswith("整改措施没有完成时限，请写明")


def test_it_spans_the_measure_without_its_surrounding_spaces() -> None:
    text = "  加强学习\n"
    [finding] = missing_deadline(text)
    assert (finding.start, finding.end, finding.text) == (2, 6, "加强学习")
    assert missing_deadline("  \n ") == []


# --- generic_problem ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("理论学习不够深入。", ["理论学习不够深入"]),
        ("理论学习不够深入，联系群众不够紧密。", ["理论学习不够深入", "联系群众不够紧密"]),
        ("工作作风不够扎实", ["工作作风不够扎实"]),
        ("创新意识不强。", ["创新意识不强"]),
        ("批评与自我批评开展得不够。", ["批评与自我批评开展得不够"]),
        ("理论学习还不够深入", ["理论学习还不够深入"]),
        ("本人存在以下问题：一是理论学习不够深入；二是工作作风不够扎实。",
         ["理论学习不够深入", "工作作风不够扎实"]),
        ("宗旨意识有所淡化，担当意识不强", ["宗旨意识有所淡化", "担当意识不强"]),
        ("学习的主动性和自觉性不强。", ["学习的主动性和自觉性不强"]),
        ("树立“四个意识”不够牢固。", ["树立“四个意识”不够牢固"]),
        ("落实八项规定精神不够严格。", ["落实八项规定精神不够严格"]),
        ("满足于完成任务，存在畏难情绪。", ["满足于完成任务", "存在畏难情绪"]),
        ("政治理论学习不够系统深入。", ["政治理论学习不够系统深入"]),
        ("作为一名老党员，有时对自己要求不够严格。", ["有时对自己要求不够严格"]),
        ("学习贯彻习近平新时代中国特色社会主义思想不够深入，理论联系实际不够。",
         ["学习贯彻习近平新时代中国特色社会主义思想不够深入", "理论联系实际不够"]),
        ("我们支部的理论学习不够深入的问题。", ["我们支部的理论学习不够深入"]),
        # Traditional characters, full-width punctuation.
        ("理論學習不夠深入，聯繫群眾不夠緊密。", ["理論學習不夠深入", "聯繫群眾不夠緊密"]),
        ("創新意識不強", ["創新意識不強"]),
    ],
)  # fmt: skip
def test_it_flags_problems_made_of_stock_phrases(text: str, flagged: list[str]) -> None:
    findings = generic_problem(text)
    assert spans(findings) == flagged
    assert all(text[f.start : f.end] == f.text for f in findings)
    assert all("套话" in f.message for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "理论学习不够深入，2026年上半年只参加了3次集中学习。",
        "理论学习不够深入，上半年缺席集中学习两次。",
        "理论学习不够深入，例如对《条例》第三章没有学。",
        "联系群众不够紧密，比如东湖村的饮水问题拖着没办。",
        "理论学习不够深入，对《中国共产党纪律处分条例》学得不透。",
        "联系群众不够紧密，三月份在西山村走访时没有记录群众意见。",
        "在乡村振兴工作中担当意识不强。",
        "联系群众不够紧密，张某反映的低保问题没有跟进。",
        "联系群众不够紧密，全年只走访了五户。",
        "理论学习不够深入，去年的学习笔记只有几页。",
        # A clause of real content is substance, even without a number.
        "理论学习不够深入，对村里的矛盾纠纷只想着往上交，自己不去调解。",
        "群众反映的村道路灯问题整改不到位，拖了很久。",
        "",
        "无",
    ],
)
def test_it_leaves_problems_with_a_specific_fact(text: str) -> None:
    assert generic_problem(text) == []


# --- the combined checks ------------------------------------------------------------------


def test_it_checks_a_measure_for_soft_words_and_a_time_limit_in_order() -> None:
    text = "尽量加强学习"
    assert [(f.rule, f.text) for f in check_measure(text)] == [
        ("missing_deadline", "尽量加强学习"),
        ("vague_commitment", "尽量"),
    ]
    assert [f.rule for f in check_measure("确保6月30日前完成")] == []


def test_it_checks_a_problem_for_stock_phrases_and_soft_words() -> None:
    findings = check_problem("联系群众不够紧密，理论水平有待提高。")
    assert [(f.rule, f.text) for f in findings] == [
        ("generic_problem", "联系群众不够紧密"),
        ("generic_problem", "理论水平有待提高"),
        ("vague_commitment", "有待"),
    ]
    # A problem needs no time limit.
    assert check_problem("上半年缺席集中学习两次。") == []


@pytest.mark.parametrize(
    ("line", "measure"),
    [
        ("1. 今后要加强理论学习", True),
        ("（一）坚持每月学习", True),
        ("一、认真学习党章", True),
        ("② 确保按时参加组织生活", True),
        ("要带头参加志愿服务", True),
        ("整改措施：加强学习", True),
        ("下一步，组织开展专题学习", True),
        ("我将加强学习", True),
        ("6月底前完成东湖村饮水问题整改", True),
        ("理论学习不够深入", False),
        ("要求自己不够严格", False),
        ("组织观念不强", False),
        ("主动性不强", False),
        ("2026年上半年缺席集中学习两次", False),
    ],
)
def test_it_reads_a_line_as_a_measure_or_not(line: str, measure: bool) -> None:
    assert rules.reads_as_measure(line) is measure
    assert any(f.rule == "missing_deadline" for f in check_line(line)) is (
        measure and not has_deadline(line)
    )


def test_it_checks_a_line_with_every_rule_that_fits() -> None:
    rules_found = {f.rule for f in check_line("理论学习不够深入，今后尽量加强学习")}
    # Not only stock phrases (there is a measure in it), so no generic_problem.
    assert rules_found == {"vague_commitment", "missing_deadline"}
    assert {f.rule for f in check_line("理论学习不够深入")} == {"generic_problem"}


def test_it_serializes_a_finding() -> None:
    [finding] = vague_commitment("尽量")
    assert finding.as_dict() == {
        "rule": "vague_commitment", "start": 0, "end": 2, "text": "尽量",
        "message": finding.message,
    }  # fmt: skip
    other = rules.Finding("copied_across_members", 0, 2, "尽量", "…", other=7)
    assert other.as_dict()["other"] == 7
    assert set(rules.RULES) == set(rules.RULE_LABELS) == {
        "vague_commitment", "missing_deadline", "generic_problem", "copied_across_members",
        "repeated_from_last_year",
    }  # fmt: skip


# --- normalize ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("理论学习，不够深入。", "理论学习不够深入"),
        ("  理论 学习\t不够\n深入 ", "理论学习不够深入"),
        ("理論學習不夠深入", "理论学习不够深入"),
        ("學习", "学习"),
        ("聯繫羣眾", "联系群众"),
        ("黨會問題經", "党会问题经"),
        ("２０２６年ＡＢＣ", "2026年abc"),
        ("“尽量”、『争取』（力争）", "尽量争取力争"),
    ],
)
def test_it_normalizes_width_punctuation_and_traditional_characters(text: str, normal: str) -> None:
    assert normalize(text) == normal


def test_it_keeps_the_traditional_table_one_to_one_and_final() -> None:
    table = TRADITIONAL_TO_SIMPLIFIED
    assert len(table) > 300
    assert all(len(k) == len(v) == 1 for k, v in table.items())
    # Mapping twice changes nothing: no simplified character is itself a key.
    assert not set(table.values()) & set(table)
    # Characters that are also correct simplified characters are left alone.
    assert not {"乾", "著", "藉", "瞭", "夥"} & set(table)


@pytest.mark.parametrize(
    "text",
    [
        "不够深入和" * 2000,
        "对照检查" * 3000 + "x",
        "尽量，" * 5000,
        "进一步加强" * 4000,
        "不能" * 10000 + "尽量",
        "一" * 20000,
        "“" * 20000,
        "的问题" * 5000 + "x",
    ],
)
def test_it_takes_linear_time_on_long_or_odd_texts(text: str) -> None:
    """A regression guard against catastrophic backtracking, not a benchmark: each text takes
    about 0.3 s alone; a backtracking pattern takes minutes. The bound leaves room for a busy
    CI machine running the suite in parallel."""
    began = time.perf_counter()
    for check in (check_line, check_problem, check_measure):
        check(text)
    assert time.perf_counter() - began < 15
