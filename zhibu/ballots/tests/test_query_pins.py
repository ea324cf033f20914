"""Pinned query counts (STYLE.md rule 10): the organization's polls, my polls and the results
cost the same with few rows as with many."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhibu.ballots.tests.helpers import cast_ballot, make_poll, with_ballots
from zhibu.conftest import Cast

pytestmark = pytest.mark.django_db


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def _polls(cast: Cast, n: int) -> None:
    for i in range(n):
        poll = make_poll(
            cast, state=("draft", "open", "closed", "published")[i % 4], title=f"第{i}次"
        )
        if poll.is_open:
            cast_ballot(poll, cast.member)


@pytest.mark.parametrize(
    ("role", "name", "kwargs", "pinned"),
    [
        ("secretary", "ballots:list", {"code": "T-B1"}, 11),
        ("member", "ballots:mine", {}, 9),
    ],
)
def test_it_keeps_the_lists_flat(
    cast: Cast, client_as: Any, role: str, name: str, kwargs: dict[str, str], pinned: int
) -> None:
    client = client_as(role)
    url = reverse(name, kwargs=kwargs)
    _polls(cast, 2)
    few = _count(client, url)
    _polls(cast, 10)
    assert (few, _count(client, url)) == (pinned, pinned)


def test_it_keeps_the_results_flat(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    few = _count(client, reverse("ballots:results", args=[with_ballots(cast, 3).pk]))
    many = _count(client, reverse("ballots:results", args=[with_ballots(cast, 25).pk]))
    assert (few, many) == (10, 10)


def test_it_keeps_a_poll_page_flat(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    few = with_ballots(cast, 3)
    many = with_ballots(cast, 25)
    counts = {_count(client, reverse("ballots:detail", args=[p.pk])) for p in (few, many)}
    assert counts == {12}
