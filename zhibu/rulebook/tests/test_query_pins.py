"""Pinned query count (STYLE.md rule 10): 制度与流程 costs the same however many versions of
the requirements there are."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.rulebook.models import Requirement
from zhibu.rulebook.services import requirement_revise
from zhibu.rulebook.tests.helpers import seeded

pytestmark = pytest.mark.django_db


def _count(client: Any) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("rulebook:index"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _revise_all(day: dt.date, note: str) -> None:
    """A new version of every requirement in force, from ``day``."""
    for r in Requirement.objects.filter(effective_to__isnull=True):
        requirement_revise(actor=None, requirement=r, min_count=r.min_count, period=r.period,
                           effective_from=day, source=f"县委组织部通知（{note}）", note=note)  # fmt: skip


def test_it_keeps_the_rulebook_page_flat(cast: Cast, client_as: Any) -> None:
    before = len(seeded())
    open_now = Requirement.objects.filter(effective_to__isnull=True).count()
    client = client_as("member")
    few, _ = _count(client)
    today = timezone.localdate()
    # Past versions (each replaced a year later) and versions not yet in force.
    for years in (6, 5, 4):
        _revise_all(today - dt.timedelta(days=365 * years), f"{years}年前")
    _revise_all(today + dt.timedelta(days=30), "下月起")
    assert Requirement.objects.count() == before + 4 * open_now
    many, page = _count(client)
    assert "县委组织部通知（下月起）" in page and "县委组织部通知（5年前）" in page
    assert (few, many) == (9, 9)
