"""Organization pages: forms that explain, structure warnings on the branch page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from zhibu.conftest import Cast
from zhibu.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_it_warns_about_the_branch_structure(cast: Cast, client_as: Any) -> None:
    html = (
        client_as("secretary").get(reverse("orgs:detail", args=[cast.branch.code])).content.decode()
    )
    # 第一党支部 has 3 full members (石书记, 梅党员, 裴同志): enough, but a term set in 2024
    # for a village branch runs 5 years, so no term warning; no committee needed under 7.
    assert "正式党员只有" not in html
    html = (
        client_as("committee_officer")
        .get(reverse("orgs:detail", args=[cast.sibling.code]))
        .content.decode()
    )
    assert "正式党员只有 2 人，少于 3 人" in html and "未登记本届任期开始日期" in html
    assert "《中国共产党支部工作条例（试行）》第四条" in html


def test_it_creates_a_group_from_the_branch_page(cast: Cast, client_as: Any) -> None:
    url = reverse("orgs:create", args=[cast.branch.code])
    form = client_as("secretary").get(url).content.decode()
    assert '<option value="group"' in form and '<option value="branch"' not in form
    bad = client_as("secretary").post(url, {"code": "T-G1", "name": "", "kind": "group"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "这个字段是必填项" in html
    ok = client_as("secretary").post(url, {"code": "T-G2", "name": "第二党小组", "kind": "group"})
    assert ok.status_code == 302 and Organization.objects.get(code="T-G2").parent == cast.branch


def test_it_moves_a_branch_only_under_an_organization_the_officer_manages(
    cast: Cast, client_as: Any
) -> None:
    url = reverse("orgs:move", args=[cast.sibling.code])
    refused = client_as("committee_officer").post(url, {"parent_code": "O-COM"})
    assert "找不到这个组织，或您不负责它" in refused.content.decode()
    under_a_branch = client_as("committee_officer").post(url, {"parent_code": cast.branch.code})
    assert "党支部只能设在党委或党总支之下" in under_a_branch.content.decode()


def test_it_closes_an_empty_branch_and_hides_it(cast: Cast, client_as: Any) -> None:
    client = client_as("committee_officer")
    blocked = client.post(
        reverse("orgs:close", args=[cast.sibling.code]),
        {"closed_on": "2026-01-01", "reason": "合并"},
    )
    assert "名在册人员，请先转出或调整" in blocked.content.decode()
    client.post(
        reverse("orgs:create", args=[cast.committee.code]),
        {"code": "T-EMPTY", "name": "空支部", "kind": "branch"},
    )
    done = client.post(
        reverse("orgs:close", args=["T-EMPTY"]), {"closed_on": "2026-01-01", "reason": "合并"}
    )
    assert done.status_code == 302
    tree = client.get(reverse("orgs:tree")).content.decode()
    assert ">空支部</a>" not in tree
    assert client.get(reverse("orgs:detail", args=["T-EMPTY"])).status_code == 200  # history stays


def test_it_searches_the_tree(cast: Cast, client_as: Any) -> None:
    html = client_as("committee_officer").get(reverse("orgs:tree"), {"q": "第二"}).content.decode()
    assert "第二党支部" in html and "第一党支部" not in html
    other = client_as("committee_officer").get(reverse("orgs:tree"), {"q": "别处"}).content.decode()
    assert "没有找到名称或编码含“别处”的组织" in other


def test_it_keeps_the_tree_query_count_flat(cast: Cast, client_as: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhibu.orgs.services import organization_create

    client = client_as("committee_officer")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("orgs:tree"))
            client.get(reverse("orgs:detail", args=[cast.committee.code]))
        return len(ctx.captured_queries)

    few = count()
    for i in range(8):
        organization_create(
            actor=None, code=f"T-X{i}", name=f"新支部{i}", kind="branch", parent=cast.committee
        )
    assert count() == few
