"""材料质检: checks over one text (a problem, a measure, a line of a file). Pure functions.

They advise; they never block saving. Each finding names its rule, the characters it is about
(offsets into the text as the person wrote it) and, in Chinese, what to change.

Matching is done on a *folded* copy of the text: each character mapped to one character
(full-width → half-width by NFKC, traditional → simplified by a small built-in table, ASCII
upper → lower case). The copy has the same length as the original, so an offset found in it is
an offset in the original: “盡量” is found as 尽量 and reported as 盡量. ``normalize`` goes
further (drops punctuation and spaces) and is for comparing texts, not for locating words.
"""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from zhibu.textcheck.hanzi import TRADITIONAL_TO_SIMPLIFIED

VAGUE = "vague_commitment"
NO_DEADLINE = "missing_deadline"
GENERIC = "generic_problem"
COPIED = "copied_across_members"
REPEATED = "repeated_from_last_year"

RULES: dict[str, str] = {
    VAGUE: "表态不实（模糊承诺）",
    NO_DEADLINE: "缺少时限（整改措施没有完成时间）",
    GENERIC: "问题空泛（只有套话，没有具体事实）",
    COPIED: "问题雷同（与同支部他人几乎相同）",
    REPEATED: "问题反复（与往年问题几乎相同）",
}
# The short names the command line prints in brackets: “[表态不实]”.
RULE_LABELS: dict[str, str] = {
    VAGUE: "表态不实",
    NO_DEADLINE: "缺少时限",
    GENERIC: "问题空泛",
    COPIED: "问题雷同",
    REPEATED: "问题反复",
}


@dataclass(frozen=True)
class Finding:
    """One thing to change in a text: ``text[start:end]`` is what it is about."""

    rule: str
    start: int
    end: int
    text: str
    message: str
    other: object | None = None  # cross-document rules: the other item's id

    @property
    def name(self) -> str:
        return RULES[self.rule]

    @property
    def label(self) -> str:
        return RULE_LABELS[self.rule]

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
        }
        if self.other is not None:
            data["other"] = self.other
        return data


# --- folding and normalizing --------------------------------------------------------------


class _FoldTable(dict[int, str]):
    """``str.translate`` table of the one-to-one fold, filled in as characters are met (the
    whole of Unicode would be a million entries, a text uses a few hundred)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        # NFKC turns some characters into several (⑴ → (1)); those keep their place as they are.
        if len(folded) != 1:
            folded = char
        folded = TRADITIONAL_TO_SIMPLIFIED.get(folded, folded)
        if "A" <= folded <= "Z":
            folded = folded.lower()
        self[code] = folded
        return folded


class _NormalTable(dict[int, "str | None"]):
    """``str.translate`` table of ``normalize`` (after NFKC): punctuation, symbols, spaces and
    control characters dropped, traditional → simplified, ASCII lower case."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value: str | None
        if unicodedata.category(char)[0] in "PSZC":
            value = None
        else:
            value = TRADITIONAL_TO_SIMPLIFIED.get(char, char)
            if "A" <= value <= "Z":
                value = value.lower()
        self[code] = value
        return value


_FOLD = _FoldTable()
_NORMAL = _NormalTable()


def fold(text: str) -> str:
    """The text with each character mapped to one character (see the module docstring):
    same length, so offsets into it are offsets into ``text``."""
    return text.translate(_FOLD)


def normalize(text: str) -> str:
    """The text for comparing: NFKC, traditional → simplified, without punctuation, symbols
    or spaces. Idempotent: dropping a character can bring two others together that NFKC then
    composes, so the steps repeat until nothing changes (twice, in practice)."""
    current = text
    for _ in range(6):
        following = unicodedata.normalize("NFKC", current).translate(_NORMAL)
        if following == current:
            break
        current = following
    return current


def trimmed_span(text: str) -> tuple[int, int]:
    """The span of ``text`` without its leading and trailing whitespace."""
    start = len(text) - len(text.lstrip())
    return start, max(len(text.rstrip()), start)


# Clause and sentence ends in folded text. A full stop between digits is a date or a decimal
# (2026.12.31), not the end of a sentence.
_CLAUSE_END = re.compile(r"[,，。;；!！?？:：\n\r]|(?<![0-9])\.(?![0-9])")
_SENTENCE_END = re.compile(r"[。;；!！?？\n\r]|(?<![0-9])\.(?![0-9])")


def _clauses(folded: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE_END.finditer(folded):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(folded)))
    return spans


def _compact(folded: str, start: int, end: int) -> tuple[str, list[int]]:
    """``folded[start:end]`` without punctuation and spaces, and for each character kept its
    offset in ``folded`` (to turn a match in the compact text back into a span)."""
    chars, offsets = [], []
    for i in range(start, end):
        if unicodedata.category(folded[i])[0] not in "PZC":
            chars.append(folded[i])
            offsets.append(i)
    return "".join(chars), offsets


# Chinese numerals as people write them in materials (一 … 十二, 两, 二〇二六).
ZH_DIGITS = "零〇一二三四五六七八九十百千万两"
_NUM = rf"(?:[0-9]{{1,8}}|[{ZH_DIGITS}]{{1,8}})"


# --- vague_commitment ---------------------------------------------------------------------

FURTHER = "进一步加强"

# Soft words where a definite commitment is expected, and what to write instead. A message
# reads “<the word as written><suggestion>”.
VAGUE_WORDS: dict[str, str] = {
    "尽量": "是软表态，请改为“确保”，并写明要达到的结果",
    "尽可能": "是软表态，请改为“确保”，并写明要做到什么程度",
    "争取": "是软表态，请改为“完成”或“做到”，并写明完成时间",
    "力争": "是软表态，请改为“确保”，并写明完成时间",
    "力求": "是软表态，请改为“确保”",
    "尽力": "是软表态，请改为“确保”，并写明要达到的结果",
    "努力做到": "是软表态，请直接写“做到”",
    "尽快": "没有说清何时，请写明完成日期，如“6月30日前”",
    "尽早": "没有说清何时，请写明完成日期，如“6月30日前”",
    "适时": "没有说清何时，请写明具体时间或频次",
    "逐步": "没有说清步骤，请写明分几步、每一步何时完成",
    "有待": "说得含糊，请写明差在哪里、要做到什么程度",
    "基本完成": "留有余地，请写明完成到什么程度，或改为“全部完成”",
    "基本做到": "留有余地，请写明做到什么程度，或改为“做到”",
    "原则上": "留有余地，请写明规定本身，例外情况另行写明",
    "视情况": "没有说清条件，请写明在什么情况下做什么",
    FURTHER: "后面没有具体内容，请写明加强什么（如学习《……》哪一部分）、怎么做、何时完成",
}
_VAGUE = re.compile("|".join(re.escape(w) for w in sorted(VAGUE_WORDS, key=len, reverse=True)))

# A soft word right after one of these, in the same clause, is being rejected, not used:
# 不能“尽量”、杜绝尽量、争取等说法、用“确保”代替“尽量”.
NEGATIONS = (
    "不能", "不要", "不得", "不再", "不说", "不讲", "不用", "不写", "不搞", "不以", "不许", "不准",
    "不可", "不应", "不该", "不是", "而非", "避免", "杜绝", "防止", "克服", "摒弃", "反对", "拒绝",
    "切忌", "严禁", "禁止", "纠正", "改掉", "去掉", "删去", "删除", "戒除", "少用", "代替", "取代",
    "替换", "忌用",
)  # fmt: skip
NEGATION_WINDOW = 8  # characters before the word, within its clause
CONCRETE_WINDOW = 80  # characters after 进一步加强 where its object is looked for

# Quotation marks, opening → closing. A word inside quotes (or a title in 《》) is mentioned,
# not promised. Wrong-way quotes (”尽量”, as some input methods give) count too.
QUOTES = {
    "“": "”", "”": "”", "‘": "’", "’": "’", "「": "」", "『": "』", "《": "》", "〈": "〉",
    "〝": "〞", '"': '"', "'": "'",
}  # fmt: skip


def _quoted(folded: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks; a quotation does not run past the end of its line."""
    spans, i = [], 0
    while i < len(folded):
        close = QUOTES.get(folded[i])
        if close is not None:
            j = folded.find(close, i + 1)
            newline = folded.find("\n", i + 1)
            if j != -1 and (newline == -1 or j < newline):
                spans.append((i + 1, j))
                i = j + 1
                continue
        i += 1
    return spans


def _negated(folded: str, start: int) -> bool:
    before = folded[max(0, start - NEGATION_WINDOW) : start]
    ends = list(_CLAUSE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    return any(word in before for word in NEGATIONS)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of ``spans`` (sorted, not overlapping)."""
    i = bisect.bisect_right(spans, (start, sys.maxsize)) - 1
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def _concrete_after(folded: str, end: int) -> bool:
    """Whether “进一步加强” has a concrete object: the rest of its sentence names a document
    (《…》) or a quoted item, or holds a number, an ordinal (第三章) or a time limit. “进一步加强
    学习。” and “进一步加强党性修养” have none; “进一步加强对《条例》第三章的学习，每月…”
    has several."""
    # An object comes right after the words: a long sentence is read only so far.
    rest = folded[end : end + CONCRETE_WINDOW]
    m = _SENTENCE_END.search(rest)
    rest = rest[: m.start()] if m else rest
    return bool(
        re.search(r"《[^》]+》|“[^”]+”|[0-9]|第" + _NUM, rest)
        or _COUNT.search(rest)
        or has_deadline(rest)
    )


def vague_commitment(text: str) -> list[Finding]:
    """Soft commitments (尽量, 争取, 力争 …) where a definite one is expected. A word inside
    quotes, or rejected (不能、避免、杜绝 … just before it in its clause), is not one."""
    folded = fold(text)
    quoted = _quoted(folded)
    findings = []
    for m in _VAGUE.finditer(folded):
        start, end = m.span()
        if _inside(quoted, start, end) or _negated(folded, start):
            continue
        if m.group() == FURTHER and _concrete_after(folded, end):
            continue
        written = text[start:end]
        findings.append(Finding(VAGUE, start, end, written, f"“{written}”{VAGUE_WORDS[m.group()]}"))
    return findings


# --- missing_deadline ---------------------------------------------------------------------

_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|正)"
_DAY = rf"(?:[0-3]?[0-9]|{_NUM})"
_UNIT_OF_TIME = r"(?:个?半?(?:月|周|星期|天|日|年|季度|工作日|小时))"
DEADLINE_PATTERNS = (
    r"[0-9]{4}[-/.][0-9]{1,2}(?:[-/.][0-9]{1,2})?",  # 2026-12-31, 2026/12/31, 2026.12
    r"(?:[0-9]{2,4}|[零〇一二三四五六七八九]{4})年",  # 2026年底, 二〇二六年
    rf"(?<![0-9个每]){_MONTH}月",  # 12月底前, 十二月, 3月31日
    rf"{_DAY}[日号](?:前|之前|以前|止)",  # 31日前
    rf"{_NUM}半?{_UNIT_OF_TIME}(?:内|之内|以内|前|为限)",  # 三个月内, 3个月内, 半年内
    r"半年(?:内|之内|以内)",
    rf"每{_NUM}?个?半?(?:年|季度|季|月|周|星期|天|日|学期)",  # 每月, 每两周, 每季度
    r"年底|年末|年内|年中|年前|年初|上半年|下半年|本年度|年度内|今年|明年",
    r"本季度|季度末|季末|第[一二三四1-4]季度|月底|月末|本月|下月|本周|下周|月内|周内",
    r"长期坚持|长期|常态化坚持|立即|立行立改|即知即改|马上|当即|即日起|当天|当日|当月|当年",
    # 下次组织生活会前, 换届前, 七一前: before a named occasion.
    r"(?:下次|下一次|下个|下一个|本次|下届|换届|年终|年度考核|考核|验收|春节|国庆|元旦|七一|"
    r"开学|汛期|组织生活会|民主生活会|党员大会|支委会)[^,，。;；!！?？]{0,12}?(?:前|之前|以前)",
)
_DEADLINE = re.compile("|".join(f"(?:{p})" for p in DEADLINE_PATTERNS))


def has_deadline(text: str) -> bool:
    """Whether the text names a time limit: a date (2026年12月31日前, 2026-12-31, 12月底前), a
    period (三个月内, 年底前, 本季度), an occasion (下次组织生活会前), a frequency (每月) or
    长期坚持. Arabic and Chinese numerals, full-width and traditional characters all count."""
    return bool(_DEADLINE.search(re.sub(r"\s+", "", fold(text))))


NO_DEADLINE_MESSAGE = (
    "整改措施没有完成时限，请写明何时完成，如“2026年12月31日前完成”“三个月内完成”；"
    "需要长期坚持的，写明“长期坚持”或频次，如“每月一次”"
)


def missing_deadline(text: str) -> list[Finding]:
    """A measure with no time limit: one finding over the whole measure."""
    if not text.strip() or has_deadline(text):
        return []
    start, end = trimmed_span(text)
    return [Finding(NO_DEADLINE, start, end, text[start:end], NO_DEADLINE_MESSAGE)]


# --- generic_problem ----------------------------------------------------------------------

# Problems everybody writes, matched after folding and without punctuation. The list is the
# common ones; a short subject with a stock defect (DEFECTS below) counts as stock too, so
# 理论学习还不够深入 and 学习的主动性和自觉性不强 need no entry of their own.
STOCK_PHRASES = (
    "理论学习不够深入", "理论学习不够系统", "联系群众不够紧密", "联系服务群众不够",
    "工作作风不够扎实", "创新意识不强", "批评与自我批评不够", "批评和自我批评开展不够",
    "宗旨意识淡化", "担当意识不强", "责任意识不强", "大局意识不强", "纪律意识不强",
    "政治站位不高", "政治敏锐性不强", "学用结合不够", "理论联系实际不够", "工作标准不高",
    "进取精神不强", "服务意识不强", "组织观念不强", "党性修养有待加强", "先锋模范作用发挥不够",
    "调查研究不够", "落实不到位", "满足于完成任务", "满足于现状", "安于现状", "得过且过",
    "按部就班", "存在畏难情绪", "有畏难情绪", "工作方法简单", "学用脱节", "以干代学",
    "重业务轻党建", "学习碎片化", "等靠要思想", "好人主义", "当老好人", "不愿得罪人",
    "标准不高要求不严",
)  # fmt: skip
# What is wrong, in the words everybody uses. Any “不够/不太/不是很 + a word or two” is one
# too (不够牢固, 不太严格, 不够系统深入), by pattern.
DEFECTS = (
    "不深入", "不系统", "不紧密", "不扎实", "不到位", "不经常", "不深不透", "不强", "不高",
    "不足", "不严", "不实", "不细", "不全面", "不彻底", "不主动", "不积极", "不及时", "有待提高",
    "有待加强", "有待增强", "有待提升", "有差距", "存在差距", "欠缺", "缺乏", "淡化", "淡薄",
    "弱化", "较弱", "薄弱", "松懈", "漂浮", "不明显",
)  # fmt: skip


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# 不够 + a word or two (up to four characters), but not a joining word: 理论学习不够和联系
# 群众… ends at 不够.
_SOFT_NOT = r"(?:(?![和与及且也或])[\u4e00-\u9fff])"
_DEFECT = rf"(?:{_alternation(DEFECTS)}|不够{_SOFT_NOT}{{0,4}}|(?:不太|不是很){_SOFT_NOT}{{1,4}})"
_STOCK_OR_DEFECT = re.compile(rf"(?P<stock>{_alternation(STOCK_PHRASES)})|{_DEFECT}")
# List markers and joining words before a stock phrase: not part of what is highlighted.
_MARKERS = (
    "一是", "二是", "三是", "四是", "五是", "六是", "首先", "其次", "再次", "另外", "此外", "同时",
    "以及", "并且", "而且", "还有", "和", "与", "及", "且", "也",
)  # fmt: skip
# Words that say whose or where, not what: not counted in the length of a subject.
_LEAD_WORDS = (
    "本人", "我们", "我", "自己", "个人", "自身", "平时", "有时", "主要是", "主要", "存在", "在",
    "对", "还", "仍然", "仍", "都", "的",
)  # fmt: skip
SUBJECT_MAX = 12  # characters of a stock-defect subject (学习的主动性和自觉性: 10)
# After the last stock phrase: 的问题, 等方面, or a second adjective (理论学习不够系统深入).
_ADJECTIVES = re.compile(r"(?:深入|系统|扎实|到位|紧密|全面|有力|彻底|细致)*")
_TAIL = re.compile(rf"{_ADJECTIVES.pattern}(?:问题|情况|现象|方面|等|的|了)*")
# Clauses that only introduce the list: 存在以下几个方面的问题：
_NOTHING = re.compile(
    r"(?:一是|二是|三是|四是|五是|六是|首先|其次|再次|最后|本人|我|自己|个人|存在|主要|有|"
    r"以下|如下|几个方面|几点|方面|的|问题|不足|差距|查摆|对照|检查|具体|表现|"
    # 作为一名老党员, 作为支部书记: who is speaking.
    r"作为|一名|一个|老|党员|干部|领导|支部|书记|委员|同志)*"
)
# A stock clause is short; a long clause has substance even if it ends in 不够.
STOCK_CLAUSE_MAX = 60


def _strip(text: str, words: tuple[str, ...]) -> int:
    """How many characters at the start of ``text`` are ``words``, one after another."""
    i, found = 0, True
    while found:
        found = False
        for word in words:
            if text.startswith(word, i):
                i += len(word)
                found = True
                break
    return i


def _stock_spans(compact: str) -> list[tuple[int, int]] | None:
    """The stock phrases a clause (without punctuation) is made of, as spans in ``compact``;
    None when the clause says something more."""
    spans, previous = [], 0
    for m in _STOCK_OR_DEFECT.finditer(compact):
        start = previous + _strip(compact[previous : m.start()], _MARKERS)
        subject = compact[start : m.start()]
        # Well-known names (习近平新时代中国特色社会主义思想) count as one word.
        size = len(_SLOGAN.sub("口", subject[_strip(subject, _LEAD_WORDS + _MARKERS) :]))
        if size > SUBJECT_MAX:
            return None
        # A defect with no subject (存在的不足) only introduces what follows.
        if m["stock"] or size:
            spans.append((start, m.end()))
        previous = m.end()
    if not spans or not _TAIL.fullmatch(compact, previous):
        return None
    more = _ADJECTIVES.match(compact, previous)
    spans[-1] = (spans[-1][0], max(spans[-1][1], more.end() if more else 0))
    return spans


# A specific fact: a number with a unit, a time, a place, a case, a named document or task, a
# person (张某). Political slogans with numerals (八项规定, 四个意识) are not facts; they are
# masked before looking.
SLOGANS = (
    "八项规定", "四个意识", "四个自信", "两个维护", "两个确立", "三会一课", "两学一做",
    "一岗双责", "三严三实", "五个必访", "二十大", "十九大", "二十届", "十九届", "三个代表",
    "四个全面", "五位一体", "两个务必", "三个务必", "四下基层", "第一议题", "5+x", "一把手",
    "一中全会", "二中全会", "三中全会", "四中全会", "五中全会", "六中全会", "七中全会",
    "党的二十大", "党的十九大", "习近平新时代中国特色社会主义思想", "党的创新理论", "党的理论",
)  # fmt: skip
_SLOGAN = re.compile(_alternation(SLOGANS))
_UNITS = (
    "个月|万元|课时|学时|季度|小时|公里|次|项|篇|件|周|元|户|份|期|场|条|章|节|本|页|名|人|位|家|"
    "批|遍|月|年|天|日|亩|处|座|笔|例"
)
_COUNT = re.compile(rf"(?P<n>[{ZH_DIGITS}半]{{1,8}})多?(?P<u>{_UNITS})")
# 一名党员, 一年来, 一天到晚: “一” with these units is a manner of speaking, not a count.
_VAGUE_ONE = {"名", "人", "位", "年", "天", "日", "家", "本", "期", "周", "月"}
_FACT = re.compile(
    "|".join(
        [
            r"[0-9]",
            r"《[^》]+》",
            rf"第{_NUM}(?:章|条|节|次|期|批|季度|项|届|个|部分)",
            r"上半年|下半年|年初|年中|年底|年末|去年|今年|前年|上个?月|本月|上周|春节|国庆|"
            r"元旦|汛期|农忙|换届|第[一二三四]季度",
            r"(?:十[一二]?|[一二三四五六七八九])月",
            r"例如|比如|譬如|如在|有一次|有一回|曾经|曾在|那一次|那次",
            r"(?:^|[,，。;；:：、])如(?![何果实期此今同常若下])",
            r"[\u4e00-\u9fff]某",
            r"(?:在|到|去|赴|走访|前往|深入)(?!基层|农村|群众|一线|实际|工作|学习|单位|企业|社区)"
            r"[\u4e00-\u9fff]{2,6}?(?:村|社区|镇|乡|街道|县|市|厂|车间|学校|医院|公司|小区)",
        ]
    )
)
_NAMED = re.compile(r"([\u4e00-\u9fff]{2,8}?)(?:项目|工程|专项|行动|(?:工作|任务|活动)中)")
# Words before 工作中/项目 that name no task: 日常工作中, 这个项目.
_UNNAMED = {
    "日常", "平时", "平常", "实际", "具体", "本职", "各项", "业务", "有关", "相关", "党建", "基层",
    "一些", "部分", "这项", "这些", "各类", "这个", "有些", "各个", "工作", "学习", "其他", "一般",
}  # fmt: skip


def _has_fact(folded: str) -> bool:
    masked = _SLOGAN.sub(lambda m: "口" * len(m.group()), folded)
    if _FACT.search(masked):
        return True
    for m in _COUNT.finditer(masked):
        if not (m["n"] == "一" and m["u"] in _VAGUE_ONE):
            return True
    return any(m.group(1)[-2:] not in _UNNAMED for m in _NAMED.finditer(masked))


GENERIC_MESSAGE = (
    "“{text}”是套话，放在谁身上都成立。请写明具体事实：什么时候、在哪件事上、差距有多大，"
    "例如“2026年上半年参加集中学习4次，缺席2次”"
)


def generic_problem(text: str) -> list[Finding]:
    """A problem stated only in stock phrases (理论学习不够深入, 联系群众不够紧密 …) with no
    specific fact. Every clause must be a stock phrase (or only introduce the list): one clause
    of real content, or one fact anywhere (a number, a time, a place, a case, a named task),
    and the text is specific enough."""
    folded = fold(text)
    if not text.strip() or _has_fact(folded):
        return []
    spans: list[tuple[int, int]] = []
    for lo, hi in _clauses(folded):
        compact, offsets = _compact(folded, lo, hi)
        if not compact or _NOTHING.fullmatch(compact):
            continue
        found = _stock_spans(compact) if len(compact) <= STOCK_CLAUSE_MAX else None
        if found is None:
            return []
        spans.extend((offsets[a], offsets[b - 1] + 1) for a, b in found)
    return [
        Finding(GENERIC, a, b, text[a:b], GENERIC_MESSAGE.format(text=text[a:b])) for a, b in spans
    ]


# --- which checks fit which text ----------------------------------------------------------


def _sorted(findings: list[Finding]) -> list[Finding]:
    """By where they start; of two that start together, the longer (enclosing) one first."""
    return sorted(findings, key=lambda f: (f.start, -f.end, f.rule))


def check_measure(text: str) -> list[Finding]:
    """A rectification measure: soft commitments, and a time limit."""
    return _sorted(vague_commitment(text) + missing_deadline(text))


def check_problem(text: str) -> list[Finding]:
    """A problem: stock phrases without facts, and soft words."""
    return _sorted(generic_problem(text) + vague_commitment(text))


# A line reads as a measure when, after its list number (1. 1、 （一） 一、 ①), it starts with
# a word that begins a measure (今后, 要, 将, 坚持, 确保, 加强 …), or it holds a word only
# measures use (措施, 整改, 今后, 下一步, 确保, 做到, 我将 …) — unless it ends like a problem (…不够,
# …不强): “要求不严”, “组织观念不强” and “主动性不强” are problems, not measures.
_NUMBERING = re.compile(
    r"\s*(?:[(（]?[0-9一二三四五六七八九十]+[)）.、,，:：]|[①-⑳⑴-⒇]|[(（][0-9一二三四五六七八九十]+[)）])\s*"
)
_MEASURE_START = re.compile(
    r"(?:措施|整改措施|今后|下一步|要(?!求)|将|坚持|做到|确保|完成|加强|建立|健全|完善|制定|开展|"
    r"落实|严格(?!要求)|认真|主动(?!性)|积极(?!性)|定期|按时|按期|带头|每|切实|进一步|力争|争取|"
    r"尽量|努力|推进|强化|深化|提高|提升|改进|参加|抓好|抓实|持续|及时|全面|扎实|坚决|自觉|督促|"
    r"组织开展|认真学习|系统学习|深入学习)"
)
_MEASURE_WORD = re.compile(
    r"措施|今后|下一步|整改|确保|做到|承诺|力争|计划于|将于|限期|前完成|内完成|完成时限|"
    r"我将|我要|本人将|本人要|将进一步|要进一步"
)
_PROBLEM_END = re.compile(rf"{_DEFECT}(?:问题|情况|现象|方面|等|的|了)*[\s。.;；!！]*$")


def reads_as_measure(text: str) -> bool:
    folded = fold(text).strip()
    if _PROBLEM_END.search(folded):
        return False
    body = folded[m.end() :] if (m := _NUMBERING.match(folded)) else folded
    return bool(_MEASURE_START.match(body) or _MEASURE_WORD.search(body))


def check_line(text: str) -> list[Finding]:
    """Every single-text rule that fits a line of a file whose kind is not known: soft words
    and stock phrases always, a time limit when the line reads as a measure."""
    findings = vague_commitment(text) + generic_problem(text)
    if reads_as_measure(text):
        findings += missing_deadline(text)
    return _sorted(findings)
