from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from zhibu.accounts.access import scope_for
from zhibu.accounts.models import User
from zhibu.core import audit, demo, scale
from zhibu.core.dates import add_months, age_on
from zhibu.core.management.commands import bench
from zhibu.core.models import AuditEvent
from zhibu.meetings import services
from zhibu.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Minutes,
    MinutesState,
)
from zhibu.members import roster, rules
from zhibu.members.models import Category, Member, Transfer
from zhibu.members.services import roster_check
from zhibu.orgs.models import Organization, OrgKind, Position, Role
from zhibu.orgs.queries import branch_health
from zhibu.orgs.services import organization_create
from zhibu.rulebook import compliance

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


# --- organizational life in the demo -----------------------------------------------------------


def _client(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_it_holds_a_year_of_meetings_through_the_services(built):
    meetings = Meeting.objects.filter(branch__path__startswith=_town().path)
    assert set(meetings.values_list("kind", flat=True)) == set(MeetingKind.values)
    held = meetings.filter(status=MeetingStatus.HELD)
    assert held.count() >= 250
    assert meetings.filter(status=MeetingStatus.PLANNED, starts_at__gt=timezone.now()).exists()
    assert meetings.filter(status=MeetingStatus.CANCELLED).count() == 1
    assert MeetingSeries.objects.filter(kind=MeetingKind.THEME_DAY).count() == 9
    # Every held meeting has exactly one confirmed version of its minutes, with content.
    confirmed = Minutes.objects.filter(state=MinutesState.CONFIRMED)
    assert confirmed.count() == held.count()
    assert not held.exclude(minutes__state=MinutesState.CONFIRMED).exists()
    assert all(m.content["items"] and m.content["summary"] for m in confirmed)
    corrected = Minutes.objects.filter(state=MinutesState.SUPERSEDED).get()
    assert corrected.meeting.minutes.get(state=MinutesState.CONFIRMED).version == 2
    votes = [r for m in confirmed for r in m.content["resolutions"]]
    assert votes and all(r["passed"] for r in votes)
    # Who came: mostly present, some on leave, some absent, 补学 done for some.
    rows = Attendance.objects.filter(meeting__in=held, role=AttendanceRole.ATTENDEE)
    statuses = Counter(rows.values_list("status", flat=True))
    assert statuses["present"] > 5 * (statuses["leave"] + statuses["absent"]) > 0
    assert statuses["leave"] and statuses["absent"]
    assert rows.filter(made_up_on__isnull=False).count() >= 50
    # The six-month rule reads participated_on: the meeting's date for those there or made up.
    for a in rows.select_related("meeting").filter(
        Q(status="present") | Q(made_up_on__isnull=False)
    )[:300]:
        assert a.participated_on == a.meeting.date
    assert (
        not rows.filter(participated_on__isnull=False, made_up_on__isnull=True)
        .exclude(status="present")
        .exists()
    )
    assert not Attendance.objects.filter(
        participated_on__isnull=False, meeting__status=MeetingStatus.PLANNED
    ).exists()
    observers = Attendance.objects.filter(role=AttendanceRole.OBSERVER)
    assert observers.filter(member__isnull=True, guest_name="陈桂英").exists()
    assert observers.filter(member__category=Category.ACTIVIST).exists()
    lecturers = meetings.filter(kind=MeetingKind.LECTURE)
    assert not lecturers.filter(lecturer__isnull=True, lecturer_name="").exists()
    assert lecturers.exclude(lecturer_name="").exists()
    assert meetings.filter(kind=MeetingKind.GROUP_MEETING, group__isnull=False).count() >= 30
    verbs = Counter(AuditEvent.objects.values_list("verb", flat=True))
    assert verbs["minutes.confirm"] == held.count() + 1  # the corrected one twice
    assert verbs["attendance.makeup"] == rows.filter(made_up_on__isnull=False).count()
    assert audit.verify().ok


def _town():
    return Organization.objects.get(code=demo.COMMITTEE_CODE)


def test_it_shows_the_member_what_is_ahead_and_what_to_make_up(built):
    member = Member.objects.get(user__username="demo_member")
    now = timezone.now()
    soon = Attendance.objects.filter(
        member=member,
        meeting__status=MeetingStatus.PLANNED,
        meeting__starts_at__gt=now,
        meeting__starts_at__lt=now + dt.timedelta(days=4),
    )
    assert soon.filter(meeting__kind=MeetingKind.THEME_DAY).exists()
    assert Attendance.objects.filter(member=member).makeup_due().count() == 1
    assert Attendance.objects.filter(member=member, made_up_on__isnull=False).count() == 1
    response = _client("demo_member").get(reverse("meetings:mine"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "登记补学" in text and "主题党日" in text


def test_it_gives_the_secretary_a_meeting_now_without_minutes(built):
    secretary = Member.objects.get(user__username="demo_secretary")
    now = timezone.now()
    today = Meeting.objects.get(
        branch=secretary.branch,
        kind=MeetingKind.LECTURE,
        starts_at__lte=now + dt.timedelta(minutes=30),
        ends_at__gte=now,
    )
    assert today.date == timezone.localdate()
    assert today.status == MeetingStatus.PLANNED and not today.minutes.exists()
    assert today.attendances.filter(leave_state="approved").exclude(leave_reason="").exists()
    pending = Attendance.objects.filter(meeting__branch=secretary.branch, leave_state="requested")
    assert pending.count() == 1
    client = _client("demo_secretary")
    for url in (
        reverse("meetings:branch", args=[secretary.branch.code]),
        reverse("meetings:detail", args=[today.pk]),
        reverse("meetings:qr", args=[today.pk]),
        reverse("meetings:attendance", args=[today.pk]),
        reverse("meetings:minutes", args=[today.pk]),
    ):
        assert client.get(url).status_code == 200, url
    corrected = Minutes.objects.get(state=MinutesState.SUPERSEDED).meeting
    assert (
        client.get(reverse("meetings:minutes_version", args=[corrected.pk, 1])).status_code == 200
    )


def test_it_puts_branches_and_members_behind_on_purpose(built):
    today = timezone.localdate()
    start = add_months(today.replace(day=1), -11)
    result = compliance.compute(_town(), start, today)
    units = {u.code: u for u in result.units}
    behind = units[demo.BEHIND]
    assert behind.status == "behind"
    theme = behind.requirement(MeetingKind.THEME_DAY)
    assert theme is not None and len(theme.missing) == 2
    assembly = behind.requirement(MeetingKind.BRANCH_ASSEMBLY)
    assert assembly is not None and len(assembly.missing) == 1
    assert units["SFZ-NK"].status == "behind"
    steady = [u for code, u in units.items() if code not in (demo.BEHIND, "SFZ-NK")]
    assert steady and all(u.status != "behind" for u in steady)
    # The secretaries' own 党课: every branch's secretary gave one in each year shown but
    # 西山村党支部's (missing for a year that ended, due for this one); the 党委书记 too.
    own = behind.requirement("lecture_by_secretary")
    assert own is not None and own.held == 0 and own.status in ("due", "behind")
    branches = [u for u in units.values() if u.kind == OrgKind.BRANCH and u.code != demo.BEHIND]
    assert len(branches) == 8
    for u in branches:
        r = u.requirement("lecture_by_secretary")
        assert r is not None and r.status in ("ok", "due"), u.code
        assert all(p.status == "ok" for p in r.periods if p.period.end < today), u.code
    town = units[demo.COMMITTEE_CODE]
    assert town.kind == OrgKind.COMMITTEE and town.kinds == ["lecture_by_secretary"]
    mine = town.requirements[0]
    assert mine.held >= 1 and all(p.status == "ok" for p in mine.periods if p.period.end < today)
    levels = {(m.branch_code, m.level) for m in result.members}
    assert ("SFZ-DH", "critical") in levels
    assert ("SFZ-WSY", "warning") in levels
    response = _client("demo_committee").get(reverse("rulebook:compliance", args=["SFZ"]))
    assert response.status_code == 200
    assert "西山村党支部" in response.content.decode()


# --- the county's year of meetings --------------------------------------------------------------


def test_it_gives_the_small_county_a_year_of_meetings(built):
    result = scale.build_county(branches=30, members=600)
    assert result is not None
    c = result.counts
    county = Organization.objects.subtree(result.county)
    meetings = Meeting.objects.filter(branch__in=county)
    assert meetings.count() == c["meetings"] > 30 * 20
    held = meetings.filter(status=MeetingStatus.HELD)
    assert held.count() == c["meetings_held"] == c["minutes"]
    rows = Attendance.objects.filter(meeting__in=meetings)
    assert rows.count() == c["attendance"]
    assert AgendaItem.objects.filter(meeting__in=meetings).count() == c["agenda_items"]
    # Minutes: version 1, confirmed, the attendance snapshot as the services compute it.
    assert not held.exclude(minutes__version=1, minutes__state=MinutesState.CONFIRMED).exists()
    assert not Minutes.objects.filter(meeting__in=meetings).exclude(meeting__in=held).exists()
    for minutes in Minutes.objects.filter(meeting__in=held).select_related("meeting")[:40]:
        assert minutes.attendance == services.attendance_summary(minutes.meeting)
        assert minutes.content["items"][0]["content"]
    # participated_on as minutes_confirm and makeup_complete set it.
    assert (
        not rows.filter(role=AttendanceRole.ATTENDEE, status="present", meeting__status="held")
        .filter(participated_on__isnull=True)
        .exists()
    )
    assert (
        not rows.exclude(status="present")
        .filter(participated_on__isnull=False, made_up_on__isnull=True)
        .exists()
    )
    assert not rows.filter(participated_on__isnull=False).exclude(meeting__status="held").exists()
    assert rows.filter(made_up_on__isnull=False).exists()
    assert rows.filter(status="leave").exclude(leave_reason="").exists()
    for a in rows.filter(participated_on__isnull=False).select_related("meeting")[:200]:
        assert a.participated_on == a.meeting.date
    # Committee meetings only where there is a committee; a group meeting series per group.
    committees = {
        org
        for org, n in Counter(
            Position.objects.filter(organization__in=county)
            .exclude(role=Role.GROUP_LEADER)
            .values_list("organization_id", flat=True)
        ).items()
        if n >= 3
    }
    with_committee_meetings = set(
        meetings.filter(kind=MeetingKind.COMMITTEE_MEETING).values_list("branch_id", flat=True)
    )
    assert with_committee_meetings and with_committee_meetings <= committees
    groups = set(county.filter(kind=OrgKind.GROUP).values_list("pk", flat=True))
    met = set(meetings.filter(kind=MeetingKind.GROUP_MEETING).values_list("group_id", flat=True))
    assert groups and met <= groups and len(met) >= len(groups) - 1
    for m in meetings.filter(kind=MeetingKind.COMMITTEE_MEETING)[:20]:
        members = set(m.attendances.expected().values_list("member_id", flat=True))
        holders = set(
            Position.objects.filter(organization=m.branch)
            .exclude(role=Role.GROUP_LEADER)
            .values_list("member_id", flat=True)
        )
        assert members <= holders
    event = AuditEvent.objects.get(verb="demo.build")
    assert event.changes["meetings"] == [None, c["meetings"]]
    assert event.changes["data_version"] == [None, scale.DATA_VERSION]
    assert audit.verify().ok
    today = timezone.localdate()
    figures = compliance.compute(result.county, add_months(today.replace(day=1), -11), today)
    assert len([u for u in figures.units if u.kind == OrgKind.BRANCH]) == 30
    assert figures.members  # some members stopped taking part months ago


def test_the_bench_worker_measures_the_county(built):
    scale.build_county(branches=30, members=600)
    figures = {(f["figure"], f.get("role")): f for f in bench.pages_worker(
        requests=2, warmup=1, board_requests=2
    )}  # fmt: skip
    assert not [f for f in figures.values() if "error" in f]
    year = figures[("compliance_county_year_seconds", None)]
    assert year["queries"] <= 10 and year["units"] >= 30
    assert year["target"] == (0.5 if connection.vendor == "postgresql" else 1.0)
    for page, role in (
        ("meeting_list", "branch_secretary"),
        ("compliance_board", "county_officer"),
    ):
        assert figures[(f"{page}_p50_ms", role)]["value"] > 0
        assert figures[(f"{page}_queries", role)]["value"] > 0
    assert figures[("compliance_board_p50_ms", "county_officer")]["target"] is None
    assert figures[("meeting_list_p50_ms", "branch_secretary")]["target"] == 50


def test_the_bench_rebuilds_data_of_an_older_builder(tmp_path, monkeypatch):
    built_runs = []

    def run(self, *args, **kwargs):
        if args[:1] == ("demo",):
            built_runs.append(args)
            (tmp_path / "db.sqlite3").write_text("built")
        return subprocess.CompletedProcess(args, 0, stdout="已生成", stderr="")

    monkeypatch.setattr(bench.Bench, "run", run)
    b = bench.Bench(tmp_path, log=lambda _: None)
    b.prepare()
    (tmp_path / "db.sqlite3").write_text("old")
    (tmp_path / "bench.json").write_text('{"county_build_seconds": 12.3}')
    fig = b.county(rebuild=False)
    assert not fig["cached"] and len(built_runs) == 1  # no data version: rebuilt
    state = json.loads((tmp_path / "bench.json").read_text())
    assert state["data_version"] == scale.DATA_VERSION
    fig = b.county(rebuild=False)
    assert fig["cached"] and len(built_runs) == 1  # same version: reused
    fig = b.county(rebuild=True)
    assert not fig["cached"] and len(built_runs) == 2
