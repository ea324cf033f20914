"""Secret-ballot rules as pure functions: question schemas per poll kind, checking a voter's
answers, paper codes, the voting window, and the tally. No ORM; plain values in, plain values out
(STYLE.md rule 4).

Errors are ``ValidationError``s with Chinese messages that say what to do, so services and
forms can show them as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

OPINION = "opinion"
EVALUATION = "evaluation"
ELECTION = "election"
MOTION = "motion"

DRAFT = "draft"
OPEN = "open"
CLOSED = "closed"
PUBLISHED = "published"
STATES = (DRAFT, OPEN, CLOSED, PUBLISHED)  # one way, in this order

TEXT = "text"
CHOICE = "choice"
GRADE = "grade"

# 民主评议 grades (GLOSSARY.md), best first.
GRADES = ("excellent", "qualified", "basically_qualified", "unqualified")
GRADE_LABELS = {
    "excellent": "优秀",
    "qualified": "合格",
    "basically_qualified": "基本合格",
    "unqualified": "不合格",
}

# Which question types each kind of poll takes. Elections and motions are single choices for
# now; multi-seat elections (choose up to k of n) will need a question type of their own.
KIND_TYPES = {
    OPINION: (TEXT, CHOICE),
    EVALUATION: (GRADE,),
    ELECTION: (CHOICE,),
    MOTION: (CHOICE,),
}
TYPE_LABELS = {TEXT: "问答题", CHOICE: "选择题", GRADE: "评定等次"}

MAX_QUESTIONS = 200
MAX_LABEL = 300
MAX_OPTIONS = 20
MAX_OPTION = 100
MAX_TEXT_ANSWER = 2000
ID_RE = re.compile(r"^[a-z0-9_-]{1,20}$")


def _error(message: str) -> ValidationError:
    return ValidationError({"questions": message})


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def validate_questions(kind: str, questions: Any) -> list[dict[str, Any]]:
    """The questions of a ``kind`` poll in their stored shape, or a ValidationError.

    Opinion polls take ``text`` and ``choice`` questions; evaluation polls take ``grade``
    questions, one per member evaluated (``subject``: the member's id), graded with the four
    grades of GRADES.
    """
    allowed = KIND_TYPES.get(kind)
    if allowed is None:
        raise ValidationError({"kind": "请选择投票类型"})
    if not isinstance(questions, list) or not questions:
        raise _error("请至少填写一道题目")
    if len(questions) > MAX_QUESTIONS:
        raise _error(f"题目不能超过{MAX_QUESTIONS}道，请分成几次投票")
    out: list[dict[str, Any]] = []
    ids: set[str] = set()
    subjects: set[int] = set()
    for n, q in enumerate(questions, start=1):
        where = f"第{n}题"
        if not isinstance(q, Mapping):
            raise _error(f"{where}的格式不对")
        qid, qtype, label = str(q.get("id") or ""), q.get("type"), _text(q.get("label"))
        if not ID_RE.match(qid) or qid in ids:
            raise _error(f"{where}的编号重复或不合规（只能用小写字母、数字、- 和 _）")
        ids.add(qid)
        if qtype not in allowed:
            names = "、".join(TYPE_LABELS[t] for t in allowed)
            raise _error(f"{where}：这种投票只能用{names}")
        if not label:
            raise _error(f"{where}没有题目内容，请填写")
        if len(label) > MAX_LABEL:
            raise _error(f"{where}太长了（不能超过{MAX_LABEL}个字），请精简")
        row: dict[str, Any] = {"id": qid, "type": qtype, "label": label}
        if qtype == CHOICE:
            row["options"] = _options(q.get("options"), where)
        elif qtype == GRADE:
            subject = q.get("subject")
            if subject is not None:
                if isinstance(subject, bool) or not isinstance(subject, int) or subject <= 0:
                    raise _error(f"{where}的评议对象不对")
                if subject in subjects:
                    raise _error(f"{where}：同一名党员只能评议一次")
                subjects.add(subject)
                row["subject"] = subject
        out.append(row)
    return out


def _options(options: Any, where: str) -> list[str]:
    if not isinstance(options, list):
        raise _error(f"{where}是选择题，请写出选项")
    cleaned = [_text(o) for o in options]
    cleaned = [o for o in cleaned if o]
    if len(cleaned) < 2:
        raise _error(f"{where}是选择题，至少要有两个选项，用“／”隔开")
    if len(cleaned) > MAX_OPTIONS:
        raise _error(f"{where}的选项不能超过{MAX_OPTIONS}个")
    if len(set(cleaned)) != len(cleaned):
        raise _error(f"{where}有重复的选项，请删去重复的")
    if any(len(o) > MAX_OPTION for o in cleaned):
        raise _error(f"{where}有选项太长了（不能超过{MAX_OPTION}个字）")
    return cleaned


# 1.  2、  3）  （4）  五、  — a number needs its mark, or "三会一课…" would lose its 三.
_NUMBERING = re.compile(
    r"^\s*(?:(?:\d{1,3}|[一二三四五六七八九十]{1,3})[.．、:：)）]|[（(](?:\d{1,3}|[一二三四五六七八九十]{1,3})[）)])\s*"
)
_LABEL_SPLIT = re.compile(r"[｜|]")
_OPTION_SPLIT = re.compile(r"[／/]")


def parse_question_lines(text: str) -> list[dict[str, Any]]:
    """Questions as typed in the 新建征求意见 form: one per line; ``题目｜选项1／选项2`` is a
    choice question, anything else a question answered in words. Leading numbers (``1.``,
    ``2、``, ``（3）``) are dropped: the page numbers the questions itself."""
    questions: list[dict[str, Any]] = []
    for n, raw in enumerate(str(text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        line = _NUMBERING.sub("", line, count=1)
        parts = _LABEL_SPLIT.split(line, maxsplit=1)
        label = parts[0].strip()
        if not label:
            raise ValidationError({"questions": f"第{n}行没有题目，请在“｜”前写出题目"})
        qid = f"q{len(questions) + 1}"
        if len(parts) == 2:
            options = [o.strip() for o in _OPTION_SPLIT.split(parts[1]) if o.strip()]
            if len(options) < 2:
                raise ValidationError(
                    {"questions": f"第{n}行是选择题，至少要有两个选项，用“／”隔开"}
                )
            questions.append({"id": qid, "type": CHOICE, "label": label, "options": options})
        else:
            questions.append({"id": qid, "type": TEXT, "label": label})
    if not questions:
        raise ValidationError({"questions": "请至少填写一道题目，每行一题"})
    return questions


def question_lines(questions: Sequence[Mapping[str, Any]]) -> str:
    """The inverse of ``parse_question_lines``, to edit a draft in the same form."""
    lines = []
    for q in questions:
        if q.get("type") == CHOICE:
            lines.append(f"{q['label']}｜{'／'.join(q.get('options', []))}")
        else:
            lines.append(str(q.get("label", "")))
    return "\n".join(lines)


def evaluation_questions(subjects: Iterable[tuple[int, str]]) -> list[dict[str, Any]]:
    """One grade question per member evaluated (民主评议): ``subjects`` are (member id, name)."""
    return [
        {"id": f"m{pk}", "type": GRADE, "label": f"对{name}同志的评议", "subject": pk}
        for pk, name in subjects
    ]


def clean_answers(questions: Sequence[Mapping[str, Any]], raw: Mapping[str, Any]) -> dict[str, str]:
    """A voter's answers, checked against the questions, in the questions' order.

    Every ballot of a poll has the same keys in the same order (a question left blank is
    ``""``), so the stored JSON carries nothing but the answers: no trace of the form's field
    order, of which browser posted it, or of stray fields. Choice and grade questions must be
    answered; text questions may be left blank, but not the whole ballot.
    """
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for q in questions:
        qid = str(q["id"])
        value = raw.get(qid)
        value = "" if value is None else str(value).strip()
        if q["type"] == TEXT:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            if len(value) > MAX_TEXT_ANSWER:
                errors[qid] = f"请精简到{MAX_TEXT_ANSWER}字以内"
        elif q["type"] == CHOICE:
            if not value:
                errors[qid] = "请选择一项"
            elif value not in q.get("options", []):
                errors[qid] = "请从列出的选项中选择"
        elif q["type"] == GRADE:
            if not value:
                errors[qid] = "请评定等次"
            elif value not in GRADES:
                errors[qid] = "请从优秀、合格、基本合格、不合格中选择"
        answers[qid] = value
    if errors:
        raise ValidationError(errors)
    if not any(answers.values()):
        raise ValidationError("请至少回答一道题再提交")
    return answers


def change_hash(token: str, voter_id: int) -> str:
    """What a ballot that may be changed keeps (``Ballot.change_hash``): the sha256 of the
    voter's random token *and* their member id, so that a token left behind in a shared browser
    does not open another voter's ballot. Without the token (256 random bits, only in the
    voter's cookie) the hash says nothing about whose ballot it is."""
    return hashlib.sha256(f"{voter_id}:{token}".encode()).hexdigest()


# --- paper codes (纸质投票凭证) -----------------------------------------------------------------

# No 0/O, 1/I/L: a code copied from paper by hand is read one way only.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 8·10^14 codes: guessing one is hopeless even without the rate limit
MAX_CODES_PER_ISSUE = 300


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """What the person typed, as the code is stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-－—_·.]", "", str(raw or "")).upper()


def code_is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def format_code(code: str) -> str:
    """ABCD-EFGH-JK: groups of four are easy to copy and to read aloud."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- the voting window ----------------------------------------------------------------------


def window_problem(
    state: str, opens_at: dt.datetime | None, closes_at: dt.datetime | None, now: dt.datetime
) -> str:
    """Why a ballot cannot be cast now ("" when it can): the poll must be open, and ``now``
    within its opening and closing times when those are set."""
    if state == DRAFT:
        return "投票还没有开始"
    if state != OPEN:
        return "投票已经结束"
    if opens_at is not None and now < opens_at:
        return "投票还没有开始，请到开始时间后再来"
    if closes_at is not None and now >= closes_at:
        return "投票时间已过，不能再投票"
    return ""


def can_transition(current: str, target: str) -> bool:
    """draft → open → closed → published, one step at a time and never back."""
    if current not in STATES or target not in STATES:
        return False
    return STATES.index(target) == STATES.index(current) + 1


# --- the tally ------------------------------------------------------------------------------


def results_visible(ballots: int, minimum: int) -> bool:
    """Too few ballots would let people guess who wrote what: show nothing below the minimum."""
    return ballots >= max(1, minimum)


@dataclass
class QuestionResult:
    id: str
    type: str
    label: str
    subject: int | None = None
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count)
    blank: int = 0
    texts: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(c for _, _, c in self.counts) if self.type != TEXT else len(self.texts)

    @property
    def total(self) -> int:
        return self.answered + self.blank


def tally(
    questions: Sequence[Mapping[str, Any]],
    contents: Iterable[Mapping[str, Any]],
    rng: random.Random | None = None,
) -> list[QuestionResult]:
    """Count the ballots: per option of each choice question, per grade of each grade question
    (one per member evaluated), and the words of each text question in a random order (a new
    one each time, so the order says nothing about who wrote what).

    A blank or unknown answer counts as ``blank``, so counts + blank = the number of ballots.
    """
    results = [
        QuestionResult(
            id=str(q["id"]),
            type=str(q["type"]),
            label=str(q.get("label", "")),
            subject=q.get("subject"),
        )  # fmt: skip
        for q in questions
    ]
    counters: list[dict[str, int]] = []
    for q in questions:
        values = GRADES if q["type"] == GRADE else tuple(q.get("options", ()))
        counters.append(dict.fromkeys(values, 0))
    for content in contents:
        for q, result, counter in zip(questions, results, counters, strict=True):
            value = content.get(str(q["id"])) if isinstance(content, Mapping) else None
            value = value.strip() if isinstance(value, str) else ""
            if q["type"] == TEXT:
                if value:
                    result.texts.append(value)
                else:
                    result.blank += 1
            elif value in counter:
                counter[value] += 1
            else:
                result.blank += 1
    shuffle = (rng or secrets.SystemRandom()).shuffle
    for q, result, counter in zip(questions, results, counters, strict=True):
        labels = GRADE_LABELS if q["type"] == GRADE else {}
        result.counts = [(v, labels.get(v, v), n) for v, n in counter.items()]
        shuffle(result.texts)
    return results
