"""Every URL in the URLconf, for every role: allowed, login redirect, 403, 404, wrong method.

The URL list is read from the resolver, so a new URL fails ``test_it_covers_every_url`` until
it is given a row here.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhibu.conftest import Cast
from zhibu.testing_matrix import (  # noqa: E402
    B1,
    BRANCH_MGMT,
    EVERYONE,
    INCOMING,
    LOGIN,
    NONE,
    OFFICERS,
    PARENT_MGMT,
    PEER,
    POST_ONLY,
    PUBLIC,
    RECEIVE,
    RECORD,
    ROLES,
    WITHDRAW,
    Row,
)

CORE: dict[str, Row] = {
    "core:home": (NONE, EVERYONE),
    "core:manifest": (NONE, PUBLIC),
    "core:service_worker": (NONE, PUBLIC),
    "core:offline": (NONE, PUBLIC),
    "accounts:login": (NONE, {"anonymous": 200} | {r: 302 for r in ROLES[1:]}),
    "accounts:logout": (NONE, {role: 405 for role in ROLES} | {"anonymous": LOGIN}),
    "accounts:password_change": (NONE, EVERYONE),
    "orgs:tree": (NONE, OFFICERS),
    "orgs:detail": (B1, BRANCH_MGMT),
    "orgs:children": (B1, BRANCH_MGMT),
    "orgs:history": (B1, BRANCH_MGMT),
    "orgs:edit": (B1, BRANCH_MGMT),
    "orgs:create": (B1, BRANCH_MGMT),
    "orgs:position_new": (B1, BRANCH_MGMT),
    "orgs:move": (B1, PARENT_MGMT),
    "orgs:close": (B1, PARENT_MGMT),
    "orgs:position_end": (lambda c: {"pk": c.secretary_position.pk}, BRANCH_MGMT),
    "members:me": (NONE, EVERYONE),
    "members:import_template": (NONE, EVERYONE),
    "members:list": (B1, BRANCH_MGMT),
    "members:create": (B1, BRANCH_MGMT),
    "members:import": (B1, BRANCH_MGMT),
    "members:export": (B1, BRANCH_MGMT),
    "members:transfer_in": (B1, BRANCH_MGMT),
    "members:detail": (PEER, RECORD),
    "members:history": (PEER, RECORD),
    "members:edit": (PEER, RECORD),
    "members:category": (PEER, RECORD),
    "members:status": (PEER, RECORD),
    "members:transfer_out": (PEER, RECORD),
    "members:account": (PEER, RECORD),
    "members:find": (B1, POST_ONLY),
    "members:transfers": (B1, BRANCH_MGMT),
    "members:transfer_accept": (INCOMING, RECEIVE),
    "members:transfer_reject": (INCOMING, RECEIVE),
    "members:transfer_cancel": (INCOMING, WITHDRAW),
}


def _app_rows() -> dict[str, Row]:
    """Rows contributed by each app's ``tests/matrix.py``."""
    rows: dict[str, Row] = {}
    for app in apps.get_app_configs():
        if not app.name.startswith("zhibu."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.tests.matrix")
        except ModuleNotFoundError:
            continue
        rows.update(module.ROWS)
    return rows


MATRIX: dict[str, Row] = {**CORE, **_app_rows()}

# Admin is Django's own; tested separately (superusers only).
SKIP_NAMESPACES = {"admin"}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            yield from _walk(p.url_patterns, f"{prefix}{ns}:" if ns else prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def test_it_covers_every_url() -> None:
    names = set(_walk(get_resolver().url_patterns))
    assert names == set(MATRIX), (
        f"missing from MATRIX: {sorted(names - set(MATRIX))}; stale: {sorted(set(MATRIX) - names)}"
    )


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_answers_each_role_as_expected(name: str, cast: Cast, client_as: Any) -> None:
    kwargs_of, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_of(cast))
    got = {}
    for role in ROLES:
        response = client_as(role).get(url)
        status: Any = response.status_code
        if (
            status == 302
            and reverse("accounts:login") in response["Location"]
            and role == "anonymous"
        ):
            status = LOGIN
        got[role] = status
    assert got == {role: expected[role] for role in ROLES}


@pytest.mark.parametrize("name", sorted(n for n, (_, e) in MATRIX.items() if 200 in e.values()))
def test_it_refuses_a_wrong_method(name: str, cast: Cast, client_as: Any) -> None:
    kwargs_of, expected = MATRIX[name]
    allowed_role = next(r for r in reversed(ROLES) if expected[r] == 200)
    response = client_as(allowed_role).delete(reverse(name, kwargs=kwargs_of(cast)))
    assert response.status_code == 405


def test_it_keeps_admin_for_superusers(cast: Cast, client_as: Any) -> None:
    cast.committee_officer.is_staff = True
    cast.committee_officer.save(update_fields=["is_staff"])
    response = client_as("committee_officer").get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    cast.committee_officer.is_superuser = True
    cast.committee_officer.save(update_fields=["is_superuser"])
    assert client_as("committee_officer").get("/admin/").status_code == 200


def test_it_explains_refusals_in_chinese(cast: Cast, client_as: Any) -> None:
    forbidden = client_as("member").get(reverse("members:list", args=[cast.branch.code]))
    assert forbidden.status_code == 403 and "您不负责这个组织" in forbidden.content.decode()
    missing = client_as("other").get(reverse("members:detail", args=[cast.peer.pk]))
    assert missing.status_code == 404 and "没有找到您要的页面或记录" in missing.content.decode()


@pytest.mark.parametrize(
    "model", ["orgs/organization", "members/member", "core/auditevent", "accounts/user"]
)
def test_it_shows_the_admin_read_only(cast: Cast, client_as: Any, model: str) -> None:
    cast.committee_officer.is_staff = cast.committee_officer.is_superuser = True
    cast.committee_officer.save(update_fields=["is_staff", "is_superuser"])
    client = client_as("committee_officer")
    assert client.get(f"/admin/{model}/").status_code == 200
    assert client.get(f"/admin/{model}/add/").status_code == 403
    assert client.post(f"/admin/{model}/1/delete/", {"post": "yes"}).status_code == 403
