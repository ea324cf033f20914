"""党费 rules (RULES.md §6, §7) as pure functions: plain values in, plain values out, money in
``Decimal`` and never ``float`` (STYLE.md rule 4).

Assessment
    ``quote`` turns a category and a monthly base (在职, 离退休) or a fixed amount (农民, 学生 …)
    into the monthly dues. The rate table (``RATE_TABLE``) is data with its source
    (``RATE_SOURCE``): brackets with inclusive upper bounds. Rounding is a branch setting: to the fen
    half-up (default), or **up** to the next 角 or whole 元 (``round_dues``). Fixed amounts are
    never rounded up: a student pays 0.20 元 whatever the branch's rounding.

Payments
    A month is a ``datetime.date`` on day 1. ``allocate`` spreads a payment over the oldest months
    still owing, within the back-pay limit (``BACK_PAY_MONTHS``), and keeps what is left as credit.

Arrears
    ``unpaid_streak`` counts the months in a row a member has left unpaid; ``arrears_level`` turns
    them into a warning (3) or a case for the 支部大会 (6) — never an automatic removal.

Ledger
    The branch's 党费账: collected + returned − handed up − spent (``ledger_balance``).

Errors are ``DuesError`` (a ``ValueError``) with a Chinese message that says what to do.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from zhibu.core.dates import add_months

# --- vocabulary ---------------------------------------------------------------------------

EMPLOYED = "employed"
RETIRED = "retired"
FARMER = "farmer"
STUDENT = "student"
UNEMPLOYED = "unemployed"
LOW_INCOME = "low_income"
OTHER_FIXED = "other_fixed"
CATEGORIES: tuple[str, ...] = (
    EMPLOYED,
    RETIRED,
    FARMER,
    STUDENT,
    UNEMPLOYED,
    LOW_INCOME,
    OTHER_FIXED,
)
CATEGORY_LABELS: dict[str, str] = {
    EMPLOYED: "在职",
    RETIRED: "离退休",
    FARMER: "农民",
    STUDENT: "学生",
    UNEMPLOYED: "下岗失业",
    LOW_INCOME: "低保等生活困难",
    OTHER_FIXED: "其他（按固定金额）",
}
# Paid as a share of a monthly base; the others pay a fixed amount.
BASE_CATEGORIES: tuple[str, ...] = (EMPLOYED, RETIRED)
FIXED_CATEGORIES: tuple[str, ...] = (FARMER, STUDENT, UNEMPLOYED, LOW_INCOME, OTHER_FIXED)
# What the base is, for messages and the handbook.
BASE_LABELS: dict[str, str] = {
    EMPLOYED: "每月税后工资性收入",
    RETIRED: "每月离退休费",
}

FEN = "fen"
JIAO = "jiao"
YUAN = "yuan"
ROUNDINGS: tuple[str, ...] = (FEN, JIAO, YUAN)
ROUNDING_LABELS: dict[str, str] = {
    FEN: "到分（四舍五入）",
    JIAO: "到角（向上取整）",
    YUAN: "到元（向上取整）",
}

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount the models store (12 digits, 2 of them decimals).
MONEY_MAX = Decimal("9999999999.99")


class DuesError(ValueError):
    """A dues rule refused the input. ``field`` names the input at fault (``"base"``,
    ``"amount"``, ``"category"``, ``"rounding"``, ``"reduced_amount"`` …) when there is one, so a
    form or a command can show the message next to it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- the rate table (RULES.md §6) ---------------------------------------------------------


@dataclass(frozen=True)
class Bracket:
    """A base up to ``upper`` inclusive (``None``: no upper bound) pays ``rate`` of it."""

    upper: Decimal | None
    rate: Decimal


RATE_TABLE: dict[str, tuple[Bracket, ...]] = {
    EMPLOYED: (
        Bracket(Decimal("3000"), Decimal("0.005")),
        Bracket(Decimal("5000"), Decimal("0.01")),
        Bracket(Decimal("10000"), Decimal("0.015")),
        Bracket(None, Decimal("0.02")),
    ),
    RETIRED: (
        Bracket(Decimal("5000"), Decimal("0.005")),
        Bracket(None, Decimal("0.01")),
    ),
}
RATE_SOURCE = "《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）"

FIXED_AMOUNT = Decimal("0.20")
FARMER_MIN = Decimal("0.20")
FARMER_MAX = Decimal("1.00")
FIXED_SOURCE = (
    RATE_SOURCE + "：农民党员每月交纳党费0.2元至1元；学生党员、下岗失业党员、"
    "领取当地最低生活保障金的党员和依靠抚恤或救济生活的党员每月交纳党费0.2元"
)
# A monthly amount above this is outside the norm: shown with a flag, not refused.
NORM_MAX = Decimal("1000")
NORM_SOURCE = RATE_SOURCE + "：自愿多交纳党费一次在1000元以上的，全部上缴中央"


def handed_to_centre(amount: Decimal) -> bool:
    """A single payment of 1000 元 or more is a voluntary extra and goes to the centre in full
    (``NORM_SOURCE``): flagged on the receipt and in the audit trail."""
    return amount >= NORM_MAX


# The numbers the pages quote about arrears (set below as data; read by views and templates).


def category_of(text: str) -> str:
    """A category from its code (``employed``) or its label (``在职``); ``DuesError`` otherwise."""
    value = unicodedata.normalize("NFKC", str(text)).strip()
    if value in CATEGORIES:
        return value
    for code, label in CATEGORY_LABELS.items():
        if value in (label, unicodedata.normalize("NFKC", label)):
            return code
    choices = "、".join(f"{code}（{label}）" for code, label in CATEGORY_LABELS.items())
    raise DuesError(f"党费类别“{text}”不存在，请从以下类别中选择：{choices}", "category")


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        category_of(category)  # raises with the list of categories


def _check_money(value: Decimal, what: str, field: str | None) -> Decimal:
    if not isinstance(value, Decimal):
        raise DuesError(f"{what}应为金额（Decimal），收到的是“{value!r}”", field)
    if not value.is_finite():
        raise DuesError(f"{what}“{value}”不是有效的金额，请填写数字，例如 4500 或 4500.50", field)
    if value < 0:
        raise DuesError(f"{what}不能为负数（收到 {value}），请填写 0 或正数", field)
    if value > MONEY_MAX:
        raise DuesError(f"{what} {value} 超出可记录的范围，请核对", field)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise DuesError(f"{what}最多两位小数（到分），收到的是 {value}", field)
    return value


_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")


def parse_money(text: str, what: str = "金额") -> Decimal:
    """``"4500"``, ``"4,500.5"``, ``"４５００"`` (full-width digits), ``"4500元"`` → a ``Decimal``
    with two places. Negative, NaN, infinity, more than two decimals, anything else that is not
    a plain number → ``DuesError`` naming ``what``."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    value = raw.removesuffix("元").strip().replace("，", ",")
    if not value:
        raise DuesError(f"请填写{what}", None)
    negative = value.startswith(("-", "−"))
    body = value.lstrip("-−+").strip() if negative or value.startswith("+") else value
    if not _NUMBER.fullmatch(body):
        raise DuesError(f"{what}“{text}”不是有效的金额，请填写数字，例如 4500 或 4500.50", None)
    if negative and Decimal(body.replace(",", "")) != 0:
        raise DuesError(f"{what}不能为负数（收到“{text}”），请填写 0 或正数", None)
    try:
        amount = Decimal(body.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise DuesError(f"{what}“{text}”不是有效的金额", None) from None
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise DuesError(f"{what}最多两位小数（到分），收到的是“{text}”", None)
    if amount > MONEY_MAX:
        raise DuesError(f"{what}“{text}”超出可记录的范围，请核对", None)
    return amount.quantize(CENT)


def rate_for(category: str, base: Decimal) -> Decimal:
    """The share of ``base`` an employed or retired member pays (brackets' upper bounds
    inclusive: 3000.00 → 0.5%, 3000.01 → 1%)."""
    _check_category(category)
    if category not in RATE_TABLE:
        raise DuesError(
            f"{CATEGORY_LABELS[category]}党员按固定金额交纳党费，没有交纳比例", "category"
        )
    if not isinstance(base, Decimal) or not base.is_finite() or base < 0:
        raise DuesError(f"基数应为不小于 0 的金额，收到的是“{base}”", "base")
    for bracket in RATE_TABLE[category]:
        if bracket.upper is None or base <= bracket.upper:
            return bracket.rate
    raise AssertionError("every rate table ends with an open bracket")  # pragma: no cover


def rate_percent(rate: Decimal) -> str:
    """0.005 → ``"0.5%"``, 0.01 → ``"1%"``."""
    return format((rate * 100).normalize(), "f") + "%"


def round_dues(amount: Decimal, mode: str = FEN) -> Decimal:
    """``fen``: half-up to 0.01 元; ``jiao``: up to the next 0.1 元; ``yuan``: up to the next whole
    元 — each of the exact amount, so 30.0001 is 30.00 by the fen and 30.10 by the jiao. The
    result always has two places."""
    if mode not in ROUNDINGS:
        options = "、".join(f"{m}（{ROUNDING_LABELS[m]}）" for m in ROUNDINGS)
        raise DuesError(f"取整方式“{mode}”不存在，请选择：{options}", "rounding")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise DuesError(f"党费金额应为不小于 0 的金额，收到的是“{amount}”", "amount")
    if mode == JIAO:
        amount = amount.quantize(Decimal("0.1"), rounding=ROUND_CEILING)
    elif mode == YUAN:
        amount = amount.quantize(Decimal("1"), rounding=ROUND_CEILING)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Quote:
    """One member's monthly dues: ``base`` and ``rate`` for 在职/离退休 (``None`` for the fixed
    categories); ``over_norm`` when ``monthly`` is above ``NORM_MAX`` (flagged, not refused)."""

    category: str
    base: Decimal | None
    rate: Decimal | None
    monthly: Decimal
    over_norm: bool

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "category": self.category,
            "base": None if self.base is None else str(self.base.quantize(CENT)),
            "rate": None if self.rate is None else format(self.rate.normalize(), "f"),
            "monthly": str(self.monthly.quantize(CENT)),
        }
        if self.over_norm:
            data["over_norm"] = True
        return data

    def describe(self, rounding: str = FEN) -> str:
        """The quote in one Chinese line (the command's output, the assessment page); a rounding
        other than the default is named after the amount it made."""
        label = CATEGORY_LABELS[self.category]
        if self.base is not None and self.rate is not None:
            text = (
                f"{label}党员，月基数 {self.base.quantize(CENT)} 元，按 {rate_percent(self.rate)} "
                f"交纳，每月党费 {self.monthly} 元"
            )
            if rounding != FEN and rounding in ROUNDING_LABELS:
                text += f"（{ROUNDING_LABELS[rounding].replace('（', '，').rstrip('）')}）"
        else:
            text = f"{label}党员，每月党费 {self.monthly} 元（固定金额）"
        if self.over_norm:
            text += f"；超过每月 {NORM_MAX} 元，请核对"
        return text


def quote(
    category: str,
    *,
    base: Decimal | None = None,
    amount: Decimal | None = None,
    rounding: str = FEN,
) -> Quote:
    """The monthly dues of a member of ``category``.

    在职/离退休 need ``base`` (never ``amount``), rounded by ``rounding``. 农民 pay ``amount``
    (0.20–1.00 元, the branch's choice; ``FARMER_MIN`` when not given). 学生, 下岗失业, 低保 and
    other fixed payers pay 0.20 元 (an ``amount`` other than 0.20 is refused). A fixed amount
    takes no base and is not rounded up.
    """
    _check_category(category)
    if rounding not in ROUNDINGS:
        round_dues(ZERO, rounding)  # raises with the list of modes
    label = CATEGORY_LABELS[category]
    if category in BASE_CATEGORIES:
        if amount is not None:
            raise DuesError(
                f"{label}党员按{BASE_LABELS[category]}的比例交纳党费，请填写基数，不要填写固定金额",
                "amount",
            )
        if base is None:
            raise DuesError(
                f"{label}党员按比例交纳党费，请填写基数（{BASE_LABELS[category]}）", "base"
            )
        base = _check_money(base, "基数", "base")
        rate = rate_for(category, base)
        monthly = round_dues(base * rate, rounding)
        return Quote(category, base, rate, monthly, monthly > NORM_MAX)
    if base is not None:
        raise DuesError(
            f"{label}党员按固定金额交纳党费，不按基数计算，请去掉基数"
            + ("，填写每月金额（0.20～1.00 元）" if category == FARMER else ""),
            "base",
        )
    if category == FARMER:
        monthly = FARMER_MIN if amount is None else _check_money(amount, "金额", "amount")
        if not FARMER_MIN <= monthly <= FARMER_MAX:
            raise DuesError(
                f"农民党员每月交纳 {FARMER_MIN}～{FARMER_MAX} 元（由党支部确定），"
                f"收到的是 {monthly} 元",
                "amount",
            )
    else:
        monthly = FIXED_AMOUNT
        if amount is not None and _check_money(amount, "金额", "amount") != FIXED_AMOUNT:
            raise DuesError(
                f"{label}党员每月固定交纳 {FIXED_AMOUNT} 元，收到的是 {amount} 元；不需要填写金额",
                "amount",
            )
    monthly = monthly.quantize(CENT)
    return Quote(category, None, None, monthly, monthly > NORM_MAX)


# --- reductions and waivers ---------------------------------------------------------------

NO_REDUCTION = ""
REDUCED = "reduced"
WAIVED = "waived"
REDUCTIONS: tuple[str, ...] = (NO_REDUCTION, REDUCED, WAIVED)
REDUCTION_LABELS: dict[str, str] = {NO_REDUCTION: "—", REDUCED: "减交", WAIVED: "免交"}


def apply_reduction(standard: Decimal, reduction: str, reduced_amount: Decimal | None) -> Decimal:
    """What a member owes after an approved reduction: none (``""``) → ``standard``; ``waived`` →
    0; ``reduced`` → ``reduced_amount``, which must be above 0 and below ``standard`` (a reduction
    to nothing is a waiver). ``reduced_amount`` is ignored unless the dues are reduced."""
    _check_money(standard, "应交金额", "standard")
    if reduction == NO_REDUCTION:
        return standard.quantize(CENT)
    if reduction == WAIVED:
        return ZERO
    if reduction != REDUCED:
        raise DuesError(f"减免方式“{reduction}”不存在，请选择减交（reduced）或免交（waived）")
    if reduced_amount is None:
        raise DuesError("减交党费请填写减交后每月应交的金额", "reduced_amount")
    _check_money(reduced_amount, "减交后的金额", "reduced_amount")
    if reduced_amount <= 0:
        raise DuesError("减交后的金额应大于 0；不交的请选择“免交”", "reduced_amount")
    if reduced_amount >= standard:
        raise DuesError(
            f"减交后的金额（{reduced_amount} 元）应少于按规定应交的 {standard.quantize(CENT)} 元",
            "reduced_amount",
        )
    return reduced_amount.quantize(CENT)


# --- months and payments ------------------------------------------------------------------


def month_of(day: dt.date) -> dt.date:
    """The month ``day`` falls in, as its first day."""
    return dt.date(day.year, day.month, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month from ``first``'s to ``last``'s, both included (empty when ``first`` is later)."""
    start, end = month_of(first), month_of(last)
    months = []
    while start <= end:
        months.append(start)
        start = add_months(start, 1)
    return months


@dataclass(frozen=True)
class MonthDue:
    """One month of one member: what was ``due`` and what has been ``paid`` towards it."""

    month: dt.date
    due: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.paid, ZERO)


@dataclass(frozen=True)
class Allocation:
    """The part of a payment that settles ``month``."""

    month: dt.date
    amount: Decimal


BACK_PAY_MONTHS = 6
BACK_PAY_SOURCE = RATE_SOURCE + "：补交党费的期限原则上不超过6个月"


def earliest_back_pay(paid_on: dt.date) -> dt.date:
    """The oldest month a payment made on ``paid_on`` may still settle: ``BACK_PAY_MONTHS``
    before the month of payment (paid in July 2026 → January 2026)."""
    return add_months(month_of(paid_on), -BACK_PAY_MONTHS)


def _check_months(dues: Sequence[MonthDue]) -> list[MonthDue]:
    seen: set[dt.date] = set()
    for row in dues:
        if row.month.day != 1:
            raise DuesError(f"月份应记为当月 1 日，收到的是 {row.month}")
        if row.month in seen:
            raise DuesError(f"{row.month:%Y-%m} 重复出现，每个月只能有一条应交记录")
        seen.add(row.month)
    return sorted(dues, key=lambda row: row.month)


def allocate(
    dues: Sequence[MonthDue], amount: Decimal, *, paid_on: dt.date
) -> tuple[list[Allocation], Decimal]:
    """Spread ``amount`` over the months still owing, oldest first, and return the allocations
    (oldest first) with the credit left over.

    Months older than ``earliest_back_pay(paid_on)`` are skipped: they stay unpaid, as the six
    months' rule asks the 支部大会 to look at them, not a late payment to paper over them. Months
    after ``paid_on`` are settled too (paying a quarter ahead), as far as ``dues`` lists them.
    A month may be settled in part. Nothing is lost: ``sum(allocations) + credit == amount``.
    """
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise DuesError(f"交纳金额应大于 0，收到的是“{amount}”", "amount")
    _check_money(amount, "交纳金额", "amount")
    oldest = earliest_back_pay(paid_on)
    allocations: list[Allocation] = []
    left = amount
    for row in _check_months(dues):
        if left <= 0:
            break
        if row.month < oldest or row.outstanding <= 0:
            continue
        part = min(row.outstanding, left)
        allocations.append(Allocation(row.month, part))
        left -= part
    return allocations, left


# --- arrears (RULES.md §6, §7) ------------------------------------------------------------

ARREARS_WARNING = 3
ARREARS_CASE = 6
OK = "ok"
WARNING = "warning"
CASE = "case"
LEVELS: tuple[str, ...] = (OK, WARNING, CASE)
LEVEL_LABELS: dict[str, str] = {OK: "正常", WARNING: "提醒", CASE: "提交支部大会"}
ARREARS_SOURCE = (
    "《中国共产党章程》第九条：党员没有正当理由，连续六个月不交纳党费，就被认为是自行脱党，"
    "支部大会应当决定把这样的党员除名；连续三个月未交纳的提醒为本系统的默认设置"
)


def overdue_until(today: dt.date, collection_day: int) -> dt.date:
    """The latest month whose dues are late on ``today``: this month once the branch's
    collection day has passed, else last month (this month's dues are still to be paid, 待交,
    and do not yet count towards a streak of unpaid months)."""
    this = month_of(today)
    return this if today.day > collection_day else add_months(this, -1)


def unpaid_streak(dues: Sequence[MonthDue], until: dt.date) -> int:
    """How many months in a row, ending with ``until``'s month (included), a member owed dues and
    left them (partly) unpaid.

    Only obligations count. A month that owed nothing — waived, before admission, after a
    transfer out — or a month ``dues`` does not list is no obligation: it neither counts nor
    breaks the streak (a waiver is not a payment). A month that owed something and was paid in
    full ends it. Months after ``until`` are not looked at.
    """
    last = month_of(until)
    streak = 0
    for row in reversed(_check_months(dues)):
        if row.month > last or row.due <= 0:
            continue
        if row.outstanding <= 0:
            break
        streak += 1
    return streak


def arrears_level(months: int) -> str:
    """``case`` at ``ARREARS_CASE`` unpaid months, ``warning`` at ``ARREARS_WARNING``."""
    if months >= ARREARS_CASE:
        return CASE
    if months >= ARREARS_WARNING:
        return WARNING
    return OK


# --- the branch's dues ledger ---------------------------------------------------------------

COLLECTED = "collected"
HANDED_UP = "handed_up"
RETURNED = "returned"
SPENT = "spent"
ENTRY_KINDS: tuple[str, ...] = (COLLECTED, HANDED_UP, RETURNED, SPENT)
ENTRY_LABELS: dict[str, str] = {
    COLLECTED: "收缴",
    HANDED_UP: "上缴上级党委",
    RETURNED: "上级返还",
    SPENT: "支出",
}
# +1 adds to the branch's balance, -1 takes from it.
ENTRY_SIGNS: dict[str, int] = {COLLECTED: 1, RETURNED: 1, HANDED_UP: -1, SPENT: -1}

USES: dict[str, str] = {
    "training": "教育培训",
    "materials": "报刊学习资料",
    "awards": "表彰",
    "hardship_aid": "补助生活困难党员",
    "disaster_relief": "救灾",
}
USE_SOURCE = (
    RATE_SOURCE + "：党费主要用于培训党员，订阅或购买党员教育用的报刊、资料、音像制品和设备，"
    "表彰先进基层党组织、优秀共产党员和优秀党务工作者，补助生活困难的党员，"
    "补助遭受严重自然灾害的党员和修缮因灾受损的基层党员教育设施；使用须集体研究决定，"
    "每年向党员公布一次收缴使用情况"
)


def _signed(kind: str, amount: Decimal) -> Decimal:
    if kind not in ENTRY_SIGNS:
        kinds = "、".join(f"{k}（{label}）" for k, label in ENTRY_LABELS.items())
        raise DuesError(f"党费账目类型“{kind}”不存在，应为：{kinds}", "kind")
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise DuesError(f"党费账目金额应为有效的金额，收到的是“{amount}”", "amount")
    return amount if ENTRY_SIGNS[kind] > 0 else -amount


def ledger_balance(entries: Iterable[tuple[str, Decimal]], opening: Decimal = ZERO) -> Decimal:
    """The branch's balance: ``opening`` + collected + returned − handed up − spent."""
    return sum((_signed(kind, amount) for kind, amount in entries), opening)


def running_balances(
    entries: Sequence[tuple[str, Decimal]], opening: Decimal = ZERO
) -> list[Decimal]:
    """The balance after each entry, in the order given (the ledger's last column)."""
    balances = []
    balance = opening
    for kind, amount in entries:
        balance += _signed(kind, amount)
        balances.append(balance)
    return balances
