"""Calendar helpers shared by rules modules (pure functions, no ORM)."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = "一二三四五六日"


def add_years(day: dt.date, years: int) -> dt.date:
    """Same month and day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` (a person born 29 Feb turns a year older on 1 Mar)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def zh_date(day: dt.date, *, weekday: bool = True) -> str:
    """2026年11月21日 (周六)."""
    text = f"{day.year}年{day.month}月{day.day}日"
    return f"{text} (周{WEEKDAYS[day.weekday()]})" if weekday else text
