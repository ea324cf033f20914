"""compute_cached: the same answer while nothing changes, a fresh one after any write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.meetings.tests.conftest import hold, plan
from zhibu.rulebook import compliance
from zhibu.rulebook.tests.helpers import seeded

pytestmark = pytest.mark.django_db


def test_it_remembers_until_something_is_written(cast: Cast) -> None:
    seeded()
    today = timezone.localdate()
    start = today.replace(day=1)
    first = compliance.compute_cached(cast.committee, start, today, today)
    assert compliance.compute_cached(cast.committee, start, today, today) is first
    hold(cast, plan(cast, start=timezone.now() - dt.timedelta(hours=3)), present=["石书记"])
    fresh = compliance.compute_cached(cast.committee, start, today, today)
    assert fresh is not first

    def held(result: compliance.Result) -> int:
        return sum(p.held for u in result.units for r in u.requirements for p in r.periods)

    assert held(fresh) == held(first) + 1


def test_it_keeps_results_apart_by_range_and_organization(cast: Cast) -> None:
    seeded()
    today = timezone.localdate()
    a = compliance.compute_cached(cast.committee, today.replace(day=1), today, today)
    b = compliance.compute_cached(cast.branch, today.replace(day=1), today, today)
    c = compliance.compute_cached(cast.committee, today.replace(month=1, day=1), today, today)
    assert a is not b and a is not c and b.org == cast.branch
