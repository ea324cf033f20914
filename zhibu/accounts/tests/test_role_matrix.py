"""Every URL in the URLconf, for every role: allowed, login redirect, 403, 404, wrong method.

The URL list is read from the resolver, so a new URL fails ``test_it_covers_every_url`` until
it is given a row here. Every URL that takes a POST also needs a POST row (``POST_MATRIX``):
``test_it_covers_every_post_url`` finds them by sending each URL a POST.

A key may carry a variant after ``#`` (``"notices:calendar_feed#live"``): the same URL with
other kwargs. Rows may also name roles outside the cast (``EXTRA_ROLES``); they are checked
only where a row names them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhibu.accounts.models import User
from zhibu.accounts.services import account_create
from zhibu.conftest import PASSWORD, Cast
from zhibu.core.models import AuditEvent
from zhibu.members.services import member_create
from zhibu.rulebook import compliance
from zhibu.rulebook.models import Requirement
from zhibu.rulebook.tests.helpers import seeded
from zhibu.testing import member_values
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
    "members:party_probation": (PEER, RECORD),
    "members:transfer_out": (PEER, RECORD),
    "members:account": (PEER, RECORD),
    "members:find": (B1, POST_ONLY),
    "members:transfers": (B1, BRANCH_MGMT),
    "members:transfer_accept": (INCOMING, RECEIVE),
    "members:transfer_reject": (INCOMING, RECEIVE),
    "members:transfer_cancel": (INCOMING, WITHDRAW),
}


# An empty POST: allowed roles see the form again with its errors (200), or are sent on (302)
# when the action needs no fields or reports its error as a message; uploads that are
# missing their file answer 400. Whatever it is, each row pins it.
SENT_ON = {"secretary": 302, "committee_officer": 302}
UPLOAD_MISSING = {"secretary": 400, "committee_officer": 400}
CORE_POST: dict[str, Row] = {
    "accounts:login": (NONE, {"anonymous": 200} | {r: 302 for r in ROLES[1:]}),
    "accounts:logout": (NONE, {r: 302 for r in ROLES} | {"anonymous": LOGIN}),
    "accounts:password_change": (NONE, EVERYONE),
    "orgs:edit": (B1, BRANCH_MGMT),
    "orgs:create": (B1, BRANCH_MGMT),
    "orgs:position_new": (B1, BRANCH_MGMT),
    "orgs:move": (B1, PARENT_MGMT),
    "orgs:close": (B1, PARENT_MGMT),
    "orgs:position_end": (lambda c: {"pk": c.secretary_position.pk}, BRANCH_MGMT),
    "members:create": (B1, BRANCH_MGMT),
    "members:import": (B1, BRANCH_MGMT | UPLOAD_MISSING),
    "members:transfer_in": (B1, BRANCH_MGMT),
    "members:find": (B1, BRANCH_MGMT | SENT_ON),
    "members:edit": (PEER, RECORD),
    "members:category": (PEER, RECORD),
    "members:status": (PEER, RECORD),
    "members:party_probation": (PEER, RECORD),
    "members:transfer_out": (PEER, RECORD),
    "members:account": (PEER, RECORD),
    "members:transfer_accept": (INCOMING, RECEIVE),
    "members:transfer_reject": (INCOMING, RECEIVE),
    "members:transfer_cancel": (INCOMING, WITHDRAW),
}


def _app_rows(attr: str) -> dict[str, Row]:
    """Rows contributed by each app's ``tests/matrix.py`` (``ROWS`` or ``POST_ROWS``)."""
    rows: dict[str, Row] = {}
    for app in apps.get_app_configs():
        if not app.name.startswith("zhibu."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.tests.matrix")
        except ModuleNotFoundError:
            continue
        rows.update(getattr(module, attr, {}))
    return rows


MATRIX: dict[str, Row] = {**CORE, **_app_rows("ROWS")}
POST_MATRIX: dict[str, Row] = {**CORE_POST, **_app_rows("POST_ROWS")}
# Roles outside the cast, made when a row names them.
EXTRA_ROLES = ("superuser",)

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


def _url_name(key: str) -> str:
    return key.partition("#")[0]


def _roles(expected: dict[str, Any]) -> tuple[str, ...]:
    return ROLES + tuple(r for r in EXTRA_ROLES if r in expected)


def _superuser(cast: Cast) -> User:
    """A system administrator (not in the cast: it would change what the others see)."""
    member = member_create(actor=None, branch=cast.agency, values=member_values(name="管理员"))
    return account_create(actor=None, member=member, username="root", password=PASSWORD,
                          must_change_password=False, is_superuser=True)  # fmt: skip


def _clients(cast: Cast, client_as: Any, roles: tuple[str, ...]) -> dict[str, Client]:
    clients = {role: client_as(role) for role in roles if role in ROLES}
    if "superuser" in roles:
        clients["superuser"] = Client()
        clients["superuser"].force_login(_superuser(cast))
    return clients


def _status(role: str, response: Any) -> Any:
    status: Any = response.status_code
    if status == 302 and reverse("accounts:login") in response["Location"] and role == "anonymous":
        status = LOGIN
    return status


def test_it_covers_every_url() -> None:
    names = set(_walk(get_resolver().url_patterns))
    keys = {_url_name(k) for k in MATRIX}
    assert names == keys, (
        f"missing from MATRIX: {sorted(names - keys)}; stale: {sorted(keys - names)}"
    )


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_answers_each_role_as_expected(name: str, cast: Cast, client_as: Any) -> None:
    kwargs_of, expected = MATRIX[name]
    url = reverse(_url_name(name), kwargs=kwargs_of(cast))
    roles = _roles(expected)
    got = {role: _status(role, c.get(url)) for role, c in _clients(cast, client_as, roles).items()}
    assert got == {role: expected[role] for role in roles}


@pytest.mark.parametrize("name", sorted(n for n, (_, e) in MATRIX.items() if 200 in e.values()))
def test_it_refuses_a_wrong_method(name: str, cast: Cast, client_as: Any) -> None:
    kwargs_of, expected = MATRIX[name]
    role = next(r for r in reversed(_roles(expected)) if expected[r] == 200)
    client = _clients(cast, client_as, (role,))[role]
    response = client.delete(reverse(_url_name(name), kwargs=kwargs_of(cast)))
    assert response.status_code == 405


def test_it_covers_every_post_url(cast: Cast, client_as: Any) -> None:
    """A URL takes POST when a signed-in user's POST is not refused as a wrong method (the
    method check comes before any access check): each such URL needs a POST row."""
    takes_post = set()
    for key in sorted(MATRIX):
        name = _url_name(key)
        if name in takes_post:
            continue
        url = reverse(name, kwargs=MATRIX[key][0](cast))
        with transaction.atomic():  # a fresh client each time: one of these logs out
            if client_as("outsider").post(url).status_code != 405:
                takes_post.add(name)
            transaction.set_rollback(True)
        compliance._remembered.clear()
    keys = {_url_name(k) for k in POST_MATRIX}
    assert takes_post == keys, (
        f"missing from POST_MATRIX: {sorted(takes_post - keys)}; "
        f"refuse POST: {sorted(keys - takes_post)}"
    )


@pytest.mark.parametrize("name", sorted(POST_MATRIX))
def test_it_answers_each_role_a_post_as_expected(name: str, cast: Cast, client_as: Any) -> None:
    """An empty POST per role, each rolled back so every role meets the same rows. A refused
    POST (login, 403, 404) must also have written nothing: no audit event."""
    kwargs_of, expected = POST_MATRIX[name]
    url = reverse(_url_name(name), kwargs=kwargs_of(cast))
    roles = _roles(expected)
    got, refused_but_wrote = {}, []
    for role, client in _clients(cast, client_as, roles).items():
        with transaction.atomic():
            before = AuditEvent.objects.count()
            got[role] = _status(role, client.post(url, {}))
            if got[role] in (LOGIN, 403, 404) and AuditEvent.objects.count() != before:
                refused_but_wrote.append(role)
            transaction.set_rollback(True)
        # The remembered compliance results are keyed by the audit chain, which just rolled back.
        compliance._remembered.clear()
    assert got == {role: expected[role] for role in roles}
    assert refused_but_wrote == []


def test_it_lets_a_superuser_revise_the_rulebook(cast: Cast) -> None:
    client = Client()
    client.force_login(_superuser(cast))
    old = next(r for r in seeded() if r.effective_to is None)
    url = reverse("rulebook:revise", args=[old.pk])
    assert client.get(url).status_code == 200
    more = old.min_count + 1
    response = client.post(url, {"min_count": more, "period": old.period, "note": "",
                                 "effective_from": "2099-01-01", "source": "县委组织部通知"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("rulebook:index")
    new = Requirement.objects.get(replaces=old)
    assert (new.min_count, str(new.effective_from)) == (more, "2099-01-01")
    assert AuditEvent.objects.filter(verb="requirement.revise").count() == 1


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
