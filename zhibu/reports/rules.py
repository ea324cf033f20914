"""How the paper forms write numbers, times and lists. Pure functions: plain values in and out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

DIGITS = "零一二三四五六七八九"
WEEKDAYS = "一二三四五六日"


def zh_number(n: int) -> str:
    """一, 二 … 十, 十一 … 二十, 二十一 … 九十九 (headings 一、二、 of a record); larger as digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "十" if tens == 1 else DIGITS[tens] + "十"
    return head + (DIGITS[ones] if ones else "")


def period_of_day(t: dt.time) -> str:
    """上午 before noon, 下午 until 18:00, 晚上 after (the 时间 line of a 会议记录)."""
    if t.hour < 12:
        return "上午"
    return "下午" if t.hour < 18 else "晚上"


def zh_long_date(day: dt.date) -> str:
    """2026年3月10日"""
    return f"{day.year}年{day.month}月{day.day}日"


def zh_weekday(day: dt.date) -> str:
    """星期二"""
    return "星期" + WEEKDAYS[day.weekday()]


def zh_clock(t: dt.time) -> str:
    """15时05分 (24-hour, as the forms write 时分)."""
    return f"{t.hour}时{t.minute:02d}分"


def joined(names: Iterable[str], sep: str = "、") -> str:
    return sep.join(n for n in names if n)


def with_note(name: str, note: str) -> str:
    """张三（事假：外出务工） — a name with its reason in full-width brackets."""
    return f"{name}（{note}）" if note else name


def quorum_text(*, kind_is_assembly: bool, quorum: bool | None) -> str:
    """The sentence a 会议记录 writes about the quorum; empty when the kind has none."""
    if quorum is None:
        return ""
    if kind_is_assembly:
        return (
            "到会有表决权的党员超过应到会有表决权党员的半数，符合规定人数"
            if quorum
            else "到会有表决权的党员未超过应到会有表决权党员的半数，不符合规定人数"
        )
    return "到会委员超过半数，符合规定人数" if quorum else "到会委员未超过半数，不符合规定人数"


def result_text(passed: bool | None) -> str:
    if passed is None:
        return ""
    return "通过" if passed else "未通过"


def rate(part: int, whole: int) -> str:
    """出席率 as a whole percentage: 17 of 20 → 85%; nothing expected → —."""
    if whole <= 0:
        return "—"
    return f"{round(part * 100 / whole)}%"
