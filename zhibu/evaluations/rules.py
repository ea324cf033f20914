"""民主评议党员 as pure functions (RULES.md §7): the cap on 优秀, the checks on the committee's
proposed grades, counting grades, and the 限期改正 deadline. Plain values in, plain values out;
no ORM.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from zhibu.core.dates import add_months

EXCELLENT = "excellent"
QUALIFIED = "qualified"
BASICALLY_QUALIFIED = "basically_qualified"
UNQUALIFIED = "unqualified"
GRADES = (EXCELLENT, QUALIFIED, BASICALLY_QUALIFIED, UNQUALIFIED)
GRADE_LABELS = {
    EXCELLENT: "优秀",
    QUALIFIED: "合格",
    BASICALLY_QUALIFIED: "基本合格",
    UNQUALIFIED: "不合格",
}

# --- the cap on 优秀 ------------------------------------------------------------------------------
# 1/3 of 正式党员 by default; some places set 15% (FORMS.md), hence a setting
# (``ZHIBU_EVALUATION_EXCELLENT_SHARE``) that the services read and pass in.

DEFAULT_EXCELLENT_SHARE = Fraction(1, 3)


def parse_share(value: str | Fraction | Decimal | int | float) -> Fraction:
    """A share as written in a setting: ``"1/3"``, ``"0.15"``, ``"15%"`` or a number.

    Kept exact (a Fraction), so 1/3 of 9 is 3 and not 2.9999…; must be more than 0 and at most 1.
    """
    if isinstance(value, Fraction):
        share = value
    elif isinstance(value, bool):
        raise ValueError("优秀比例应为0到1之间的分数，例如 1/3 或 15%")
    elif isinstance(value, int | Decimal):
        share = Fraction(value)
    elif isinstance(value, float):
        share = Fraction(str(value))
    else:
        text = str(value).strip().replace("％", "%")
        try:
            if text.endswith("%"):
                share = Fraction(Decimal(text[:-1].strip())) / 100
            elif "/" in text:
                num, den = text.split("/", 1)
                share = Fraction(int(num.strip()), int(den.strip()))
            else:
                share = Fraction(Decimal(text))
        except (ValueError, ZeroDivisionError, InvalidOperation):
            raise ValueError("优秀比例应为0到1之间的分数，例如 1/3 或 15%") from None
    if not 0 < share <= 1:
        raise ValueError("优秀比例应大于0且不超过1，例如 1/3 或 15%")
    return share


def share_label(share: Fraction) -> str:
    """三分之一, 15%, …: how the cap is said in a warning."""
    chinese = {2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 10: "十"}
    if share.numerator == 1 and share.denominator in chinese:
        return f"{chinese[share.denominator]}分之一"
    percent = share * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{Decimal(percent.numerator) / Decimal(percent.denominator):.1f}%"


def excellent_allowed(full_members: int, share: Fraction = DEFAULT_EXCELLENT_SHARE) -> int:
    """优秀 ≤ share (1/3 by default) of 正式党员: the most 优秀 a branch of this size may give."""
    return int(max(full_members, 0) * share)  # int() of a non-negative Fraction floors it


# --- the committee's proposal ---------------------------------------------------------------------


@dataclass
class GradeCheck:
    errors: list[str] = field(default_factory=list)  # block confirmation
    warnings: list[str] = field(default_factory=list)  # shown, confirmation allowed

    @property
    def ok(self) -> bool:
        return not self.errors


def plurality(tally: Mapping[str, int]) -> set[str]:
    """The grades with the most votes (several when tied; none without votes)."""
    counts = {g: n for g, n in tally.items() if g in GRADES and n > 0}
    if not counts:
        return set()
    top = max(counts.values())
    return {g for g, n in counts.items() if n == top}


def check_grades(
    proposed: Mapping[int, str],
    *,
    full: Iterable[int],
    probationary: Iterable[int] = (),
    tallies: Mapping[int, Mapping[str, int]] | None = None,
    names: Mapping[int, str] | None = None,
    share: Fraction = DEFAULT_EXCELLENT_SHARE,
) -> GradeCheck:
    """The committee's proposed grades against RULES.md §7 and the members' votes.

    Errors (confirmation blocked): a grade that is not one of the four; a 预备党员 graded
    (they take part but are not graded); a 正式党员 left without a grade; more 优秀 than
    ``share`` (a third by default) of the 正式党员. Warnings: a grade other than the one most
    voted for.
    """
    full_ids, probationary_ids = set(full), set(probationary)
    names = names or {}
    out = GradeCheck()

    def who(pid: int) -> str:
        return names.get(pid, f"#{pid}")

    for pid, grade in proposed.items():
        if grade not in GRADES:
            out.errors.append(f"{who(pid)}的评定等次无效")
        if pid in probationary_ids:
            out.errors.append(f"{who(pid)}是预备党员，参加评议但不评定等次")
        elif pid not in full_ids:
            out.errors.append(f"{who(pid)}不是本支部的正式党员")
    for pid in sorted(full_ids - set(proposed)):
        out.errors.append(f"{who(pid)}还没有评定等次")
    cap = excellent_allowed(len(full_ids), share)
    excellent = sum(1 for pid, g in proposed.items() if g == EXCELLENT and pid in full_ids)
    if excellent > cap:
        out.errors.append(
            f"优秀{excellent}人，超过正式党员（{len(full_ids)}人）的{share_label(share)}："
            f"最多{cap}人"
        )
    for pid, grade in proposed.items():
        top = plurality((tallies or {}).get(pid, {}))
        if top and grade in GRADES and grade not in top:
            voted = "、".join(GRADE_LABELS[g] for g in GRADES if g in top)
            out.warnings.append(
                f"{who(pid)}拟评为{GRADE_LABELS[grade]}，但党员评议中得票最多的是{voted}"
            )
    return out


def grade_counts(grades: Iterable[str]) -> dict[str, int]:
    counts = Counter(g for g in grades if g in GRADES)
    return {g: counts.get(g, 0) for g in GRADES}


# --- 不合格 (RULES.md §7) -------------------------------------------------------------------------

CORRECTION_MONTHS_DEFAULT = 6
CORRECTION_MONTHS_MAX = 12


def correction_deadline(start: dt.date, months: int = CORRECTION_MONTHS_DEFAULT) -> dt.date:
    """不合格 → 限期改正: normally 6 months, at most a year."""
    if not 1 <= months <= CORRECTION_MONTHS_MAX:
        raise ValueError(f"限期改正的期限应为1到{CORRECTION_MONTHS_MAX}个月")
    return add_months(start, months)


# A 预备党员 is never graded and never 劝退 (RULES.md §7): when their conduct falls short, the
# branch assembly may extend the probation or cancel it. The change itself is a membership
# change (members app), not part of the evaluation.
PROBATIONARY_OPTIONS = (
    ("extend", "延长预备期（不超过一年）"),
    ("cancel", "取消预备党员资格"),
)
PROBATIONARY_NOTE = (
    "预备党员参加民主评议，但不评定等次，也不作劝退处理。"
    "预备期间表现不符合党员条件的，由支部党员大会讨论延长预备期（不超过一年）"
    "或取消预备党员资格，按党员管理的程序另行办理。"
)
UNQUALIFIED_NOTE = (
    "评定为不合格的正式党员，限期改正（一般6个月，最长不超过1年）；"
    "期满仍无转变的，劝其退党，劝而不退的予以除名。"
)
