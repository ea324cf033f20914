"""Helpers for tests: valid ID numbers and member values. Not imported by the application."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhibu.members.rules import id_check_digit


def make_id_number(
    birth: dt.date, serial: int, *, female: bool = False, region: str = "110101"
) -> str:
    """A valid 18-character ID: region + birth date + 3-digit serial (odd = male) + check digit."""
    order = (serial * 2) % 1000
    if not female:
        order = order + 1 if order % 2 == 0 else order
    elif order % 2 == 1:
        order -= 1
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + id_check_digit(body)


_serial = iter(range(1, 10_000_000))


def member_values(**overrides: Any) -> dict[str, Any]:
    """Values for ``member_create``: by default a full member born 1980 who joined in 2005.

    Every call gets a new valid ID number. Dates follow the category unless given.
    """
    birth = overrides.pop("birth_date", dt.date(1980, 5, 17))
    female = overrides.pop("female", False)
    category = overrides.get("category", "full")
    party = category in ("full", "probationary")
    values: dict[str, Any] = {
        "name": "测试党员",
        "id_number": make_id_number(birth, next(_serial), female=female),
        "phone": "",
        "category": category,
        "joined_on": dt.date(2005, 7, 1) if party else None,
        "full_on": dt.date(2006, 7, 1) if category == "full" else None,
        "ethnicity": "汉族",
        "education": "大学本科",
    }
    values.update(overrides)
    return values


def restore_seeded_rows() -> None:
    """Put back the rows the data migrations seed (the rulebook's default requirements, the
    problem categories).

    A transactional test (the browser tests, live_server) ends by flushing every table, and a
    flush takes the migrations' rows with it; tests that run later on the same database expect
    them. The audit chain head needs nothing: the audit log copes with a flushed database.
    """
    import importlib

    from django.apps import apps

    from zhibu.rectification.models import ProblemCategory
    from zhibu.rulebook.models import Requirement

    if not ProblemCategory.objects.exists():
        importlib.import_module("zhibu.rectification.migrations.0002_fill_categories").fill(
            apps, None
        )
    if not Requirement.objects.exists():
        for name in ("0002_fill_requirements", "0004_fill_secretary_lectures"):
            importlib.import_module(f"zhibu.rulebook.migrations.{name}").fill(apps, None)
