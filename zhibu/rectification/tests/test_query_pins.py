"""Pinned query counts (STYLE.md rule 10): the ledgers, the 通报, 我的整改 and a 公示 cost the
same with 2 problems as with 12."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.rectification import services
from zhibu.rectification.models import Problem
from zhibu.rectification.tests.helpers import category, make_problem, member_of

pytestmark = pytest.mark.django_db


def _count(client: Any, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def _add(cast: Cast, n: int) -> None:
    today = timezone.localdate()
    names = ["思想理论学习", "作风建设", "服务群众"]
    for i in range(n):
        owner = (cast.member, cast.secretary)[i % 2]
        make_problem(
            cast, owner=owner, description=f"第{i}个问题：缺席学习{i}次", category=category(names[i % 3]),
            today=today - dt.timedelta(days=60),
            measures=[
                (f"措施{i}-1确保完成", member_of(owner), today - dt.timedelta(days=40 + i)),
                (f"措施{i}-2确保完成", member_of(cast.member), today + dt.timedelta(days=i)),
            ],
        )  # fmt: skip


PAGES = [
    ("secretary", "rectification:ledger", {"code": "T-B1"}, {}, 17),
    ("secretary", "rectification:ledger", {"code": "T-B1"}, {"status": "overdue", "by": "status"}, 17),
    ("committee_officer", "rectification:ledger", {"code": "T-COM"}, {"by": "year"}, 21),
    ("committee_officer", "rectification:bulletin", {"code": "T-COM"}, {}, 18),
    ("member", "rectification:mine", {}, {}, 12),
    ("member", "core:home", {}, {}, 13),
    ("committee_officer", "core:home", {}, {}, 19),
]  # fmt: skip


@pytest.mark.parametrize(("role", "name", "kwargs", "params", "pinned"), PAGES)
def test_it_keeps_the_page_flat(
    cast: Cast, client_as: Any, role: str, name: str, kwargs: dict[str, str],
    params: dict[str, str], pinned: int,
) -> None:  # fmt: skip
    client = client_as(role)
    url = reverse(name, kwargs=kwargs)
    _add(cast, 2)
    few = _count(client, url, **params)
    _add(cast, 10)
    many = _count(client, url, **params)
    assert (few, many) == (pinned, pinned)


def test_it_keeps_a_publication_flat(cast: Cast, client_as: Any) -> None:
    today = timezone.localdate()
    client = client_as("member")

    def publish() -> int:
        row = services.publication_create(
            actor=cast.secretary, organization=cast.branch, title="公示", starts_on=today,
            ends_on=today, problems=list(Problem.objects.all()),
        )  # fmt: skip
        return _count(client, reverse("rectification:publication", args=[row.pk]))

    _add(cast, 2)
    few = publish()
    _add(cast, 10)
    assert (few, publish()) == (12, 12)


def test_it_keeps_a_problem_page_flat(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    p = make_problem(cast)
    url = reverse("rectification:detail", args=[p.pk])
    few = _count(client, url)
    for i in range(8):
        services.measure_add(
            actor=cast.secretary, problem=p,
            measure=services.MeasureInput(f"措施{i}", member_of(cast.member), timezone.localdate()),
        )  # fmt: skip
    assert (few, _count(client, url)) == (18, 18)
