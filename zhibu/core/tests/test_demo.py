from __future__ import annotations

import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory, override_settings

from zhibu.accounts.access import scope_for
from zhibu.accounts.models import User
from zhibu.core import audit, demo, scale
from zhibu.core.dates import age_on
from zhibu.core.models import AuditEvent
from zhibu.members import roster, rules
from zhibu.members.models import Category, Member, Transfer
from zhibu.members.services import roster_check
from zhibu.orgs.models import Organization, OrgKind, Position, Role
from zhibu.orgs.queries import branch_health
from zhibu.orgs.services import organization_create

pytestmark = pytest.mark.django_db


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The demo, built once for the module inside a transaction rolled back at its end.

    Each test still runs in its own savepoint (the ``db`` fixture), so what a test writes is
    undone before the next one; other tests in this module cope with the demo being there.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        result = demo.build_demo()
        assert result.created
        yield result
        transaction.set_rollback(True)


def _scope(username):
    return scope_for(User.objects.get(username=username))


def test_it_builds_the_township_tree(built):
    town = Organization.objects.get(code=demo.COMMITTEE_CODE)
    assert town.name == "示范镇党委" and town.kind == OrgKind.COMMITTEE
    branches = Organization.objects.filter(kind=OrgKind.BRANCH)
    assert 8 <= branches.count() <= 10
    assert {b.unit_type for b in branches} == {
        "village",
        "community",
        "agency",
        "enterprise",
        "school",
        "other",
    }
    assert Organization.objects.filter(kind=OrgKind.GENERAL_BRANCH).exists()
    assert Organization.objects.filter(kind=OrgKind.GROUP, name="第一党小组").exists()
    assert all(b.term_started_on for b in branches)
    assert 200 <= Member.objects.count() <= 300
    for org in Organization.objects.select_related("parent"):
        assert org.path == f"{org.parent.path if org.parent else '/'}{org.pk}/"


def test_it_creates_five_logins_with_the_demo_password(built, settings):
    request = RequestFactory().post("/accounts/login/")
    for account in demo.ACCOUNTS:
        user = authenticate(request, username=account.username, password=settings.DEMO_PASSWORD)
        assert user is not None, account.username
        assert not user.must_change_password


def test_it_gives_each_login_its_role(built):
    committee = _scope("demo_committee")
    assert committee.role == "committee"
    assert committee.can_manage_org(Organization.objects.get(code="SFZ"))
    assert committee.member.branch.name == "镇机关党支部"

    secretary = _scope("demo_secretary")
    first = Organization.objects.get(name="第一党支部")
    assert secretary.role == "branch"
    assert secretary.can_manage_org(first)
    assert not secretary.can_manage_org(Organization.objects.get(name="第二党支部"))

    assert _scope("demo_member").role == "member"
    assert _scope("demo_member").member.branch == first
    other = _scope("demo_other")
    assert other.role == "member" and other.member.branch.name == "第二党支部"
    activist = _scope("demo_activist")
    assert activist.role == "activist" and activist.member.branch == first
    assert activist.member.category == Category.ACTIVIST


def test_it_has_members_of_every_category_with_valid_records(built):
    counts = Counter(Member.objects.values_list("category", flat=True))
    assert set(counts) == set(Category.values)
    numbers = set()
    for m in Member.objects.all():
        info = rules.parse_id_number(m.id_number)
        assert info.birth_date == m.birth_date and info.gender == m.gender
        assert rules.phone_error(m.phone) is None
        numbers.add(m.id_number)
        if m.joined_on:
            assert age_on(m.birth_date, m.joined_on) >= 18
        if m.category == Category.FULL:
            assert m.full_on is not None and m.joined_on is not None
            assert m.full_on >= m.joined_on
    assert len(numbers) == Member.objects.count()
    assert Member.objects.filter(is_mobile=True).exclude(mobile_location="").exists()
    assert Member.objects.filter(is_retired=True, branch__name="离退休干部党支部").count() >= 20
    assert Member.objects.exclude(ethnicity="汉族").exists()


def test_it_records_history_through_the_services(built):
    assert Transfer.objects.filter(to_org__name="第一党支部", from_org__name="第二党支部").exists()
    assert Transfer.objects.filter(direction="out", to_org__isnull=True).exists()
    assert Member.objects.filter(events__to_value=Category.FULL).count() >= 2
    assert Position.objects.filter(role=Role.GROUP_LEADER).count() == 3
    verbs = Counter(AuditEvent.objects.values_list("verb", flat=True))
    assert verbs["member.create"] >= Member.objects.count()
    assert verbs["account.create"] == 5
    assert audit.verify().ok


def test_it_shows_structure_findings(built):
    health = branch_health(list(Organization.objects.filter(kind=OrgKind.BRANCH)))
    codes = {f.code for h in health for f in h.findings}
    assert {"too_few_full_members", "term_expiring", "term_expired"} <= codes
    assert "committee_size" not in codes


def test_it_is_idempotent(built):
    members, events = Member.objects.count(), AuditEvent.objects.count()
    again = demo.build_demo()
    assert not again.created
    assert Member.objects.count() == members
    assert AuditEvent.objects.count() == events


def test_it_prints_the_accounts_when_the_demo_exists(built):
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert "已存在" in text
    for account in demo.ACCOUNTS:
        assert account.username in text
    assert "Zhibu@2026" in text


def test_it_is_refused_in_production(settings):
    settings.PRODUCTION = True
    before = Organization.objects.count()
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", stdout=io.StringIO())
    with pytest.raises(CommandError, match="生产环境"):
        call_command("demo", "--scale", "county", stdout=io.StringIO())
    with pytest.raises(demo.DemoRefused):
        scale.build_county(branches=10, members=100)
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(code=scale.COUNTY_CODE).exists()


def test_it_builds_a_small_county_beside_the_demo(built):
    result = scale.build_county(branches=30, members=600)
    assert result is not None
    assert result.branches == 30 and result.members == 600
    orgs = list(Organization.objects.select_related("parent"))
    for org in orgs:
        assert org.path == f"{org.parent.path if org.parent else '/'}{org.pk}/", org.code
    county = Organization.objects.subtree(result.county)
    open_branches = list(county.filter(kind=OrgKind.BRANCH, closed_on__isnull=True))
    assert len(open_branches) == 30
    assert county.filter(closed_on__isnull=False).exists()
    assert county.filter(kind=OrgKind.GENERAL_BRANCH).exists()
    secretaries = set(
        Position.objects.filter(role=Role.SECRETARY).values_list("organization_id", flat=True)
    )
    assert {b.pk for b in open_branches} <= secretaries
    members = Member.objects.filter(branch__in=county)
    assert members.count() == 600
    assert set(members.values_list("category", flat=True)) == set(Category.values)
    numbers = [m.id_number for m in Member.objects.all()]
    assert len(set(numbers)) == len(numbers)
    assert all(rules.parse_id_number(n) for n in numbers)
    assert Member.objects.with_id_number(numbers[-1]).count() == 1
    assert audit.verify().ok
    assert AuditEvent.objects.filter(verb="demo.build").count() == 1
    assert _scope("bench_county").can_manage_org(result.county)
    branch_scope = _scope("bench_branch")
    assert branch_scope.role == "branch"
    assert branch_scope.can_manage_org(result.bench_branch)
    assert scale.build_county(branches=30, members=600) is None


def test_it_writes_an_importable_roster(tmp_path):
    path = tmp_path / "roster.xlsx"
    scale.write_import_roster(path, 40)
    top = organization_create(actor=None, code="TOP", name="测试党委", kind="committee")
    branch = organization_create(
        actor=None, code="IMP", name="导入党支部", kind="branch", parent=top
    )
    with path.open("rb") as fh:
        header_errors, rows = roster.read_roster(fh)
        result, clean = roster_check(branch=branch, rows=rows, header_errors=header_errors)
    assert result.ok, result.error_lines()
    assert len(clean) == 40
