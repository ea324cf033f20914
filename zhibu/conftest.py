"""The fixed cast every view test uses (STYLE.md rule 12), built through the services.

测试镇党委 T-COM (committee)
├── 镇机关党支部 T-JG (branch)       committee_officer (组织委员 of T-COM) is a member here
├── 第一党支部 T-B1 (branch, 村)     secretary, member (in 第一党小组 T-G1), peer, activist
│   └── 第一党小组 T-G1 (group)
└── 第二党支部 T-B2 (branch)         other; 童调动 (transferring to T-B1, not yet accepted)
别处党委 O-COM → 别处党支部 O-B1       outsider (secretary there: an officer, but not ours)
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from zhibu.accounts.models import User
from zhibu.accounts.services import account_create
from zhibu.members.models import Member, Transfer
from zhibu.members.services import member_create, member_transfer_out
from zhibu.orgs.models import Organization, Position
from zhibu.orgs.services import organization_create, position_assign
from zhibu.testing import member_values

PASSWORD = "Test#Pass2026"
TEST_OUTPUT = Path(os.environ.get("ZHIBU_TEST_OUTPUT", Path.cwd() / "test-output"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rolled-back tests reuse ids and audit sequence numbers, so a result remembered by one
    # test could look current to the next: start each test with none.
    from zhibu.rulebook import compliance

    compliance._remembered.clear()


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a transactional test has flushed the database (its fixtures are torn down by
    now), put back what the data migrations seeded, whatever test this worker runs next."""
    result = yield
    # With no next item the session is over and the test database is already gone.
    if nextitem is not None and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        from zhibu.testing import restore_seeded_rows

        with item.config.stash[blocking_manager_key].unblock():
            restore_seeded_rows()
    return result


@dataclass
class Cast:
    committee: Organization
    agency: Organization
    branch: Organization
    group: Organization
    sibling: Organization
    elsewhere: Organization
    elsewhere_branch: Organization
    committee_officer: User
    secretary: User
    member: User
    activist: User
    other: User
    outsider: User
    peer: Member
    secretary_position: Position
    incoming: Transfer  # 第二党支部 → 第一党支部, waiting for 第一党支部 to accept

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


def _person(
    branch: Organization, name: str, username: str | None, **values: Any
) -> tuple[Member, User | None]:
    member = member_create(actor=None, branch=branch, values=member_values(name=name, **values))
    user = None
    if username:
        user = account_create(
            actor=None,
            member=member,
            username=username,
            password=PASSWORD,
            must_change_password=False,
        )
    return member, user


def build_cast() -> Cast:
    day = dt.date(2024, 1, 1)
    committee = organization_create(actor=None, code="T-COM", name="测试镇党委", kind="committee")
    agency = organization_create(
        actor=None,
        code="T-JG",
        name="镇机关党支部",
        kind="branch",
        parent=committee,
        unit_type="agency",
        term_started_on=day,
    )
    branch = organization_create(
        actor=None,
        code="T-B1",
        name="第一党支部",
        kind="branch",
        parent=committee,
        unit_type="village",
        term_started_on=day,
    )
    group = organization_create(
        actor=None, code="T-G1", name="第一党小组", kind="group", parent=branch
    )
    sibling = organization_create(
        actor=None,
        code="T-B2",
        name="第二党支部",
        kind="branch",
        parent=committee,
        unit_type="village",
    )
    elsewhere = organization_create(actor=None, code="O-COM", name="别处党委", kind="committee")
    elsewhere_branch = organization_create(
        actor=None,
        code="O-B1",
        name="别处党支部",
        kind="branch",
        parent=elsewhere,
        unit_type="enterprise",
    )
    officer_m, committee_officer = _person(agency, "程组织", "committee_officer")
    position_assign(
        actor=None,
        member=officer_m,
        organization=committee,
        role="organization_officer",
        started_on=day,
    )
    secretary_m, secretary = _person(branch, "石书记", "secretary")
    secretary_position = position_assign(
        actor=None, member=secretary_m, organization=branch, role="secretary", started_on=day
    )
    _, member = _person(branch, "梅党员", "member", group=group)
    peer, _ = _person(branch, "裴同志", None, phone="13912345678")
    _, activist = _person(
        branch, "艾积极", "activist", category="activist", birth_date=dt.date(2000, 3, 3)
    )
    _, other = _person(sibling, "欧邻支", "other")
    outsider_m, outsider = _person(elsewhere_branch, "吴外人", "outsider")
    position_assign(
        actor=None,
        member=outsider_m,
        organization=elsewhere_branch,
        role="secretary",
        started_on=day,
    )
    mover, _ = _person(sibling, "童调动", None)
    incoming = member_transfer_out(actor=None, member=mover, on=day, to_org=branch)
    assert committee_officer and secretary and member and activist and other and outsider
    return Cast(
        committee=committee,
        agency=agency,
        branch=branch,
        group=group,
        sibling=sibling,
        elsewhere=elsewhere,
        elsewhere_branch=elsewhere_branch,
        committee_officer=committee_officer,
        secretary=secretary,
        member=member,
        activist=activist,
        other=other,
        outsider=outsider,
        peer=peer,
        secretary_position=secretary_position,
        incoming=incoming,
    )


@pytest.fixture
def cast(db: Any) -> Cast:
    return build_cast()


@pytest.fixture
def client_as(cast: Cast) -> Any:
    """``client_as("secretary")`` → a Client logged in as that member of the cast."""

    def make(role: str) -> Client:
        client = Client()
        user = cast.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture(scope="session")
def test_output() -> Path:
    path = TEST_OUTPUT
    shutil.rmtree(path / "screenshots", ignore_errors=True)
    (path / "screenshots").mkdir(parents=True, exist_ok=True)
    return path


# --- Browser tests (Playwright driving Debian's chromium; never a downloaded browser) -------

CHROMIUM = os.environ.get("ZHIBU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
_browser_skips: list[str] = []


@pytest.fixture(scope="session")
def browser() -> Any:
    if not Path(CHROMIUM).exists():
        _browser_skips.append(CHROMIUM)
        pytest.skip(f"browser tests need {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # beside one unless told. Only for the browser tests, and put back afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: Any) -> Any:
    """Close the test's browser pages as soon as its body ends, before its fixtures (the live
    server's database) are torn down."""
    yield
    from zhibu.browser import close_pages

    close_pages()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _browser_skips:
        line = "#" * 78
        terminalreporter.write_line(line, red=True, bold=True)
        terminalreporter.write_line(
            f"# BROWSER TESTS SKIPPED: {CHROMIUM} is missing. Install Debian's chromium and",
            red=True,
            bold=True,
        )
        terminalreporter.write_line(
            "# fonts-wqy-microhei (make test does it when run as root).", red=True, bold=True
        )
        terminalreporter.write_line(line, red=True, bold=True)
