"""County-sized data for the benchmark: ≈1,500 branches and 40,000 members in bulk.

`zhibu demo --scale county` builds it. Services write one row at a time with an audit event each;
that is right for people and far too slow for 40,000 made-up rows, so this builder inserts in
bulk, level by level (a level's primary keys come back from the insert and give the next
level its paths), and records the whole build as ONE audit event in the same transaction, so
the chain stays valid. Personal fields go through ``Member.set_id_number`` / ``set_phone``,
so they are encrypted and hashed exactly as the services would store them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import AutoField, Max, Model
from django.utils import timezone

from zhibu.accounts.services import account_create
from zhibu.core import audit, crypto
from zhibu.core import demo_data as data
from zhibu.core.dates import add_months, add_years
from zhibu.core.demo import FIVE, THREE, refuse_in_production
from zhibu.meetings import rules as meeting_rules
from zhibu.meetings.models import (
    ActivityForm,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesState,
)
from zhibu.members.models import Member
from zhibu.orgs import rules as org_rules
from zhibu.orgs.models import COMMITTEE_ROLES, Organization, OrgKind, Position, Role
from zhibu.rulebook.rules import COMMITTEE_MIN_MEMBERS

COUNTY_CODE = "XIAN"
COUNTY_NAME = "示范县委"
BRANCHES = 1500
MEMBERS = 40000
SEED = 20260701
BENCH_USERS = ("bench_county", "bench_branch")
# What the builder makes; ``zhibu bench`` rebuilds its reused data when this changes.
# 1: organizations, members, positions. 2: and a year of meetings with attendance and minutes.
DATA_VERSION = 2
BATCH = 2000

# Raw member counts by kind of unit, before they are scaled to the requested total.
RAW_SIZES = {
    "village": (12, 45),
    "community": (15, 45),
    "agency": (8, 30),
    "school": (6, 35),
    "enterprise": (3, 25),
    "other": (4, 20),
    "retired": (15, 50),
    "organ": (22, 35),  # 镇机关 and 县委机关: their full members staff the committees above
}
# The unit types of a township's other branches, and how often each occurs.
TOWN_MIX = (("village", 52), ("community", 7), ("school", 12), ("enterprise", 18), ("other", 11))
LEADS = 8  # forced full members at the head of an organ branch


@dataclass(eq=False)
class Node:
    """An organization to insert, with what the member generator needs to know about it."""

    code: str
    name: str
    kind: str
    parent: Node | None = None
    unit_type: str = ""
    unit: str = ""  # the workplace, written before each member's job
    jobs: str = "other"
    retired: bool = False
    organ: bool = False
    founded: dt.date | None = None
    term: dt.date | None = None
    closed: dt.date | None = None
    raw_size: int = 0
    size: int = 0
    obj: Organization | None = None
    groups: list[Node] = field(default_factory=list)
    branches: list[Node] = field(default_factory=list)  # of a general branch
    members: list[Member] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    @property
    def pk(self) -> int:
        return self.org.pk

    @property
    def org(self) -> Organization:
        if self.obj is None:
            raise LookupError(f"{self.code} has not been inserted yet")
        return self.obj


@dataclass
class CountyResult:
    county: Organization
    bench_branch: Organization
    organizations: int
    branches: int
    groups: int
    closed: int
    members: int
    positions: int
    counts: Counter[str]


class _Planner:
    """The tree as plain objects: a county committee, its organs, townships and branches."""

    def __init__(self, rng: random.Random, today: dt.date, branches: int) -> None:
        self.rng, self.today, self.target = rng, today, branches
        self.nodes: list[Node] = []
        self.enterprises: set[str] = set()

    def add(self, node: Node) -> Node:
        self.nodes.append(node)
        if node.kind == OrgKind.BRANCH and not node.closed:
            lo, hi = RAW_SIZES[
                "organ" if node.organ else "retired" if node.retired else node.unit_type
            ]
            node.raw_size = self.rng.randint(lo, hi)
        return node

    def term(self, unit_type: str) -> dt.date | None:
        if self.rng.random() < 0.02:
            return None  # not registered: the UI asks for it
        years = org_rules.term_years(unit_type)
        return self.today - dt.timedelta(days=self.rng.randint(30, int((years + 0.35) * 365)))

    def founded(self, first: int = 1950, last: int = 2018) -> dt.date:
        return dt.date(
            self.rng.randint(first, last), self.rng.randint(1, 12), self.rng.randint(1, 28)
        )

    def branch(
        self,
        parent: Node,
        code: str,
        name: str,
        unit_type: str,
        unit: str,
        jobs: str,
        *,
        organ: bool = False,
        retired: bool = False,
    ) -> Node:
        node = Node(
            code,
            name,
            OrgKind.BRANCH,
            parent,
            unit_type=unit_type,
            unit=unit,
            jobs=jobs,
            founded=self.founded(),
            term=self.term(unit_type),
            organ=organ,
            retired=retired,
        )
        return self.add(node)

    def village_name(self, used: set[str]) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.12:
                name = rng.choice(data.VILLAGES_OF_AN_ERA) + "村"
            else:
                name = rng.choice(data.VILLAGE_HEADS) + rng.choice(data.VILLAGE_TAILS) + "村"
            if name not in used:
                used.add(name)
                return name

    def enterprise_name(self, village: str) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.25:
                name = f"{village[:-1]}{rng.choice(data.COOPERATIVES)}专业合作社"
            else:
                name = f"示范县{rng.choice(data.BRANDS)}{rng.choice(data.INDUSTRIES)}有限公司"
            if name not in self.enterprises:
                self.enterprises.add(name)
                return name

    def plan(self) -> Node:
        county = self.add(
            Node(COUNTY_CODE, COUNTY_NAME, OrgKind.COMMITTEE, founded=dt.date(1949, 5, 1))
        )
        organ = self.branch(
            county,
            f"{COUNTY_CODE}-JG",
            "县委机关党支部",
            "agency",
            "中共示范县委",
            "county_agency",
            organ=True,
        )
        organ.term = self.today - dt.timedelta(days=500)
        n_direct = max(1, self.target // 25)
        n_town = max(1, min(len(data.TOWNS), round(self.target / 75)))
        left = self.target - 1 - n_direct
        if left < n_town:
            n_town, left = 1, max(1, left)
        direct = self.add(
            Node(
                f"{COUNTY_CODE}-ZJ",
                "县直机关工委",
                OrgKind.COMMITTEE,
                county,
                founded=dt.date(1984, 7, 1),
            )
        )
        self.direct_branches(direct, n_direct)
        for t in range(n_town):
            share = left // n_town + (1 if t < left % n_town else 0)
            self.town(county, t, share)
        self.close_some(county)
        return county

    def direct_branches(self, parent: Node, count: int) -> None:
        """县直 units: mostly agencies; every fourth a hospital, school or company."""
        others = iter(data.COUNTY_OTHERS)
        agencies = 0
        for i in range(count):
            code = f"{COUNTY_CODE}-ZJ-{i + 1:03d}"
            other = next(others, None) if i % 4 == 3 else None
            if other is not None:
                unit, unit_type, jobs = other
                self.branch(parent, code, f"{unit}党支部", unit_type, unit, jobs)
                continue
            unit = data.COUNTY_AGENCIES[agencies % len(data.COUNTY_AGENCIES)]
            round_ = agencies // len(data.COUNTY_AGENCIES)
            agencies += 1
            name = f"{unit}机关党支部" if round_ == 0 else f"{unit}机关第{round_ + 1}党支部"
            self.branch(parent, code, name, "agency", unit, "county_agency")

    def town(self, county: Node, t: int, share: int) -> None:
        rng = self.rng
        town_name = data.TOWNS[t % len(data.TOWNS)]
        prefix = f"{COUNTY_CODE}-{t + 1:02d}"
        town = self.add(
            Node(
                prefix,
                f"{town_name}党委",
                OrgKind.COMMITTEE,
                county,
                founded=self.founded(1949, 1958),
            )
        )
        n = 0

        def code() -> str:
            nonlocal n
            n += 1
            return f"{prefix}-{n:03d}"

        made = 1
        self.branch(
            town,
            code(),
            f"{town_name}机关党支部",
            "agency",
            f"{town_name}人民政府",
            "agency",
            organ=True,
        )
        if share >= 3:
            self.branch(
                town,
                code(),
                f"{town_name}离退休干部党支部",
                "other",
                f"原{town_name}人民政府",
                "retired",
                retired=True,
            )
            self.branch(
                town, code(), f"{town_name}卫生院党支部", "other", f"{town_name}卫生院", "hospital"
            )
            made += 2
        villages: set[str] = set()
        schools = others = communities = general = 0
        while made < share:
            kind = data.weighted(rng, TOWN_MIX)
            if kind == "village":
                village = self.village_name(villages)
                k = rng.choice((2, 2, 3))
                if share - made >= k and rng.random() < 0.25:
                    general += 1
                    gb = self.add(
                        Node(
                            f"{prefix}-Z{general:02d}",
                            f"{village}党总支",
                            OrgKind.GENERAL_BRANCH,
                            town,
                            unit_type="village",
                            founded=self.founded(),
                            term=self.term("village"),
                        )
                    )
                    for j in range(k):
                        gb.branches.append(
                            self.branch(
                                gb,
                                code(),
                                f"{village}第{'一二三'[j]}党支部",
                                "village",
                                village,
                                "village",
                            )
                        )
                    made += k
                    continue
                self.branch(town, code(), f"{village}党支部", "village", village, "village")
            elif kind == "community":
                name = data.COMMUNITIES[communities % len(data.COMMUNITIES)]
                communities += 1
                unit = f"{town_name}{name}社区"
                self.branch(town, code(), f"{unit}党支部", "community", unit, "community")
            elif kind == "school":
                fixed = ("中心小学", "初级中学", "中心幼儿园", "高级中学")
                if schools < len(fixed):
                    unit = f"{town_name}{fixed[schools]}"
                else:
                    unit = f"{town_name}{self.village_name(villages)[:-1]}小学"
                schools += 1
                self.branch(town, code(), f"{unit}党支部", "school", unit, "school")
            elif kind == "enterprise":
                unit = self.enterprise_name(self.village_name(villages))
                self.branch(town, code(), f"{unit}党支部", "enterprise", unit, "enterprise")
            else:
                what, unit_type = data.TOWN_OTHERS[others % len(data.TOWN_OTHERS)]
                round_ = others // len(data.TOWN_OTHERS)
                others += 1
                unit = f"{town_name}{what}"
                name = f"{unit}党支部" if round_ == 0 else f"{unit}第{round_ + 1}党支部"
                self.branch(town, code(), name, unit_type, unit, "other")
            made += 1

    def close_some(self, county: Node) -> None:
        """A few branches closed years ago (enterprises restructured, stations merged)."""
        towns = [
            n
            for n in self.nodes
            if n.kind == OrgKind.COMMITTEE and n.parent is county and not n.code.endswith("-ZJ")
        ]
        what = ("农机站", "供销社", "粮站", "棉纺厂", "化肥厂", "砖瓦厂", "茶场")
        for i in range(max(1, self.target // 300)):
            town = towns[i % len(towns)]
            town_name = town.name.removesuffix("党委")
            founded = self.founded(1960, 2005)
            closed = self.today - dt.timedelta(days=self.rng.randint(365, 6 * 365))
            self.add(
                Node(
                    f"{town.code}-X{i + 1:02d}",
                    f"原{town_name}{what[i % len(what)]}党支部",
                    OrgKind.BRANCH,
                    town,
                    unit_type="enterprise",
                    founded=founded,
                    closed=closed,
                )
            )

    def groups(self) -> None:
        for node in list(self.nodes):
            if node.kind == OrgKind.BRANCH and node.size >= 30:
                for g in range(min(4, node.size // 12)):
                    group = self.add(
                        Node(
                            f"{node.code}-G{g + 1}",
                            f"第{'一二三四'[g]}党小组",
                            OrgKind.GROUP,
                            node,
                            founded=node.founded,
                        )
                    )
                    node.groups.append(group)

    def sizes(self, total: int) -> None:
        """Spread ``total`` members over the open branches in proportion to their raw sizes."""
        branches = [n for n in self.nodes if n.kind == OrgKind.BRANCH and not n.closed]
        floor = {id(n): LEADS + 4 if n.organ else 3 for n in branches}
        raw = sum(n.raw_size for n in branches)
        for n in branches:
            n.size = max(floor[id(n)], round(n.raw_size * total / raw))
        diff = total - sum(n.size for n in branches)
        if total < sum(floor.values()):
            raise ValueError(f"{total} 名人员不够分配到 {len(branches)} 个党支部")
        while diff:
            n = self.rng.choice(branches)
            if diff > 0:
                n.size, diff = n.size + 1, diff - 1
            elif n.size > floor[id(n)]:
                n.size, diff = n.size - 1, diff + 1


class _Builder:
    def __init__(
        self, rng: random.Random, today: dt.date, progress: Callable[[str], object]
    ) -> None:
        self.rng, self.today, self.progress = rng, today, progress
        self.people = data.People(rng, data.COUNTY_REGIONS)
        self.taken = set(Member.objects.values_list("id_number_hash", flat=True))
        self.positions: list[Position] = []
        self.busy: set[int] = set()
        self.counts: Counter[str] = Counter()

    # --- organizations ---------------------------------------------------------------------
    def insert_orgs(self, nodes: list[Node]) -> None:
        """Insert level by level: each level's keys give the next level its parents' paths."""
        by_depth: dict[int, list[Node]] = {}
        for n in nodes:
            by_depth.setdefault(n.depth, []).append(n)
        for depth in sorted(by_depth):
            level = by_depth[depth]
            objs = [
                Organization(
                    code=n.code,
                    name=n.name,
                    kind=n.kind,
                    unit_type=n.unit_type,
                    parent_id=n.parent.pk if n.parent else None,
                    founded_on=n.founded,
                    closed_on=n.closed,
                    term_started_on=n.term,
                    path="",
                )
                for n in level
            ]
            Organization.objects.bulk_create(objs, batch_size=500)
            for n, o in zip(level, objs, strict=True):
                o.path = org_rules.child_path(n.parent.org.path if n.parent else None, o.pk)
                n.obj = o
            Organization.objects.bulk_update(objs, ["path"], batch_size=500)
            self.counts["organizations"] += len(objs)

    # --- members -----------------------------------------------------------------------------
    def person(self, ages: tuple[int, int]) -> tuple[data.Person, str]:
        while True:
            p = self.people.person(ages=ages, today=self.today)
            digest = crypto.keyed_hash(p.id_number, purpose="id_number")
            if digest not in self.taken:
                self.taken.add(digest)
                return p, digest

    def work_unit(self, node: Node, category: str) -> str:
        rng = self.rng
        if node.jobs == "village":
            if rng.random() < 0.5:
                return f"{node.unit}{rng.randint(1, 12)}组 村民"
            return f"{node.unit} {rng.choice(data.JOBS['village'])}"
        if category in ("activist", "applicant") and node.jobs == "retired":
            return ""
        return f"{node.unit} {rng.choice(data.JOBS[node.jobs])}"

    def branch_members(self, node: Node) -> list[Member]:
        rng, today = self.rng, self.today
        unit = "retired" if node.retired else node.unit_type
        out: list[Member] = []
        groups = node.groups
        for i in range(node.size):
            # The first full members hold the offices: full since before the term began.
            lead = i < (LEADS if node.organ else 2)
            category = "full" if node.retired or lead else data.weighted(rng, data.CATEGORY_WEIGHTS)
            ages = data.ages_for(category, unit)
            while True:
                person, digest = self.person(ages)
                dates = data.membership_dates(
                    rng,
                    category=category,
                    birth=person.birth_date,
                    today=today,
                    retired=node.retired,
                )
                term = node.term or today
                if not lead or (dates.full_on and dates.full_on <= term):
                    break
                self.taken.discard(digest)
            party = category in ("full", "probationary")
            mobile = (
                node.unit_type == "village"
                and category == "full"
                and not lead
                and rng.random() < 0.06
            )
            location = rng.choice(data.MOBILE_LOCATIONS) if mobile else ""
            m = Member(
                name=person.name,
                gender=person.gender,
                ethnicity=person.ethnicity,
                birth_date=person.birth_date,
                education=data.education(rng, unit),
                category=category,
                joined_on=dates.joined_on,
                full_on=dates.full_on,
                branch_id=node.pk,
                group_id=groups[i % len(groups)].pk if groups and party else None,
                in_branch_since=dates.in_branch_since,
                work_unit=f"{location}务工" if mobile else self.work_unit(node, category),
                is_mobile=mobile,
                mobile_location=location,
                is_retired=node.retired,
            )
            m.set_id_number(person.id_number)
            m.set_phone(person.phone)
            out.append(m)
        node.members = out
        return out

    def insert_members(self, branches: list[Node]) -> None:
        pending: list[Member] = []
        done = 0
        for node in branches:
            pending.extend(self.branch_members(node))
            if len(pending) >= BATCH:
                Member.objects.bulk_create(pending, batch_size=BATCH)
                done += len(pending)
                pending = []
                if done % 10000 < BATCH:
                    self.progress(f"  已写入 {done} 名人员…")
        Member.objects.bulk_create(pending, batch_size=BATCH)
        self.counts["members"] = done + len(pending)

    # --- positions ---------------------------------------------------------------------------
    def assign(self, member: Member, org: Node, role: str) -> None:
        # Committees above branches have no registered term here: their current one began
        # two years ago.
        started = org.term or add_years(self.today, -1 if org.kind == OrgKind.BRANCH else -2)
        self.positions.append(
            Position(member_id=member.pk, organization_id=org.pk, role=role, started_on=started)
        )
        self.busy.add(member.pk)

    def free_full(self, nodes: list[Node]) -> Member | None:
        for node in nodes:
            for m in node.members:
                if m.category == "full" and m.pk not in self.busy and not m.is_mobile:
                    return m
        return None

    def branch_positions(self, node: Node, skip: int = 0) -> None:
        full = [m for m in node.members if m.category == "full" and not m.is_mobile][skip:]
        if len(full) >= 7:
            roles: tuple[str, ...] = FIVE if len(full) >= 25 else THREE
        elif len(full) >= 5 and self.rng.random() < 0.3:
            roles = (Role.SECRETARY, Role.DEPUTY_SECRETARY)
        else:
            roles = (Role.SECRETARY,)
        for member, role in zip(full, roles, strict=False):
            self.assign(member, node, role)
        for group in node.groups:
            leader = next(
                (
                    m
                    for m in node.members
                    if m.group_id == group.pk
                    and m.category == "full"
                    and m.pk not in self.busy
                    and not m.is_mobile
                ),
                None,
            )
            if leader is not None:
                self.assign(leader, group, Role.GROUP_LEADER)

    def insert_positions(self, nodes: list[Node]) -> None:
        """Committees staffed from their organ branch, then each branch's own offices, then
        the general branches and 县直机关工委 from members still without an office."""
        committees = [n for n in nodes if n.kind == OrgKind.COMMITTEE]
        children: dict[int, list[Node]] = {}
        for n in nodes:
            if n.parent is not None:
                children.setdefault(id(n.parent), []).append(n)
        staffed_later = []
        for committee in committees:
            organ = next((n for n in children.get(id(committee), []) if n.organ), None)
            if organ is None:
                staffed_later.append(committee)
                continue
            full = [m for m in organ.members if m.category == "full"]
            for member, role in zip(full[:5], FIVE, strict=False):
                self.assign(member, committee, role)
        for node in nodes:
            if node.kind == OrgKind.BRANCH and not node.closed:
                self.branch_positions(node, skip=5 if node.organ else 0)
        roles = (Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.COMMITTEE_MEMBER)
        for node in nodes:
            if node.kind == OrgKind.GENERAL_BRANCH:
                for branch, role in zip(node.branches, roles, strict=False):
                    holder = self.free_full([branch])
                    if holder is not None:
                        self.assign(holder, node, role)
        for committee in staffed_later:  # 县直机关工委: from its branches
            branches = [
                n
                for n in children.get(id(committee), [])
                if n.kind == OrgKind.BRANCH and not n.closed
            ]
            for role in (Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.ORGANIZATION_OFFICER):
                holder = self.free_full(branches)
                if holder is not None:
                    self.assign(holder, committee, role)
        Position.objects.bulk_create(self.positions, batch_size=BATCH)
        self.counts["positions"] = len(self.positions)


Row = tuple[Any, ...]  # one row for ``_insert_rows``: a value per column

# --- a year of meetings -----------------------------------------------------------------------

# How dutiful a branch is: most hold everything; some miss a period now and then; a few are lax.
BRANCH_HABITS = (("steady", 80), ("occasional", 12), ("lax", 8))
MISS_CHANCE = {"steady": 0.0, "occasional": 0.04, "lax": 0.3}
DROPOUT_SHARE = 0.012  # party members who stopped taking part some months ago
SIGN_METHODS = ("recorder",) * 5 + ("self",) * 3 + ("qr",) * 2
OBSERVER_TITLES = {"activist": "入党积极分子", "candidate": "发展对象"}
THEME_AGENDA = (
    (meeting_rules.FIRST_TOPIC, True),
    *((t, False) for t in meeting_rules.DEFAULT_THEME_DAY_ITEMS),
)
ITEM_TEXT = {
    **data.THEME_DAY_CONTENT,
    **dict(data.COMMITTEE_AGENDA),
    **dict(data.ASSEMBLY_AGENDA),
    **dict(data.GROUP_AGENDA),
    **dict(data.LIFE_AGENDA),
}
# The columns written, in the order of each row (``_insert_rows`` checks they are all there).
MEETING_COLUMNS = (
    "branch_id", "group_id", "kind", "title", "starts_at", "ends_at", "place", "online_link",
    "host_id", "recorder_id", "lecturer_id", "lecturer_name", "activity_form", "tags",
    "series_id", "status", "cancelled_reason", "imported", "created_at",
)  # fmt: skip
AGENDA_COLUMNS = ("meeting_id", "position", "title", "is_first_topic")
ATTENDANCE_COLUMNS = (
    "meeting_id", "member_id", "guest_name", "guest_title", "role", "voting", "excluded_reason",
    "excluded_approval", "status", "signed_at", "sign_method", "leave_reason", "leave_state",
    "leave_decided_by_id", "leave_note", "written_opinion", "made_up_on", "made_up_how",
    "participated_on",
)  # fmt: skip
MINUTES_COLUMNS = (
    "meeting_id", "version", "state", "reason", "content", "attendance", "created_by_id",
    "created_at", "confirmed_by_id", "confirmed_at",
)  # fmt: skip


@dataclass(eq=False)
class _Person:
    """What attendance needs to know about a party member, worked out once."""

    pk: int
    name: str
    since: dt.date  # a party member of the branch from this day
    full_on: dt.date | None  # 有表决权 from this day (None: 预备党员)
    group_id: int | None
    mobile: bool
    stopped: dt.date | None = None  # took part in nothing after this day


@dataclass(eq=False)
class _Unit:
    node: Node
    kind: str  # key of demo_data.THEME_DAY_X, LEAVE_REASONS and PLACES
    habit: str
    people: list[_Person]
    committee: list[_Person]
    host: int | None
    recorder: int | None
    leaders: dict[int, int]  # group → its leader
    observers: list[tuple[int, str]]  # activists and 发展对象 who may be invited (列席)
    names: dict[int, str]


@dataclass(eq=False)
class _Planned:
    """One meeting: its row, and what its attendance and minutes are made from."""

    row: Row  # MEETING_COLUMNS
    unit: _Unit
    kind: str
    title: str
    day: dt.date
    start: Any  # starts_at and ends_at as the database takes them
    end: Any
    host: int | None
    agenda: list[tuple[str, bool]]
    attendees: list[_Person]
    held: bool
    theme: str
    resolutions: int = 0
    pk: int = 0


class _Life:
    """A year of 三会一课 and 主题党日 for every open branch, inserted in bulk.

    The year is the eleven months before this one and this month: what is past was held, with
    confirmed minutes (version 1) and attendance rows whose ``participated_on`` is set as
    ``minutes_confirm`` and ``makeup_complete`` would set it; what is ahead is planned. Branches
    differ in habit (``BRANCH_HABITS``): a missed period has no meeting, or one cancelled, or
    one never recorded. A few members stopped taking part months ago (the six-month rule).
    Rows are built as tuples and written with ``_insert_rows``: model instances for a million
    attendance rows would cost more than everything else together.
    """

    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        self.rng = rng
        self.tz = timezone.get_current_timezone()
        self.now = now
        self.today = now.astimezone(self.tz).date()
        self.first_month = add_months(self.today.replace(day=1), -11)
        self.months = [add_months(self.first_month, i) for i in range(12)]
        quarters: dict[tuple[int, int], list[dt.date]] = {}
        for m in self.months:
            quarters.setdefault((m.year, (m.month - 1) // 3), []).append(m)
        self.quarters = list(quarters.values())
        self.last_done = next(
            q
            for q in reversed(self.quarters)
            if q[-1].month % 3 == 0 and _month_end(q[-1]) < self.today
        )
        self.planned: list[_Planned] = []
        self.counts: Counter[str] = Counter()
        ops = connections["default"].ops
        self.adapt_date = ops.adapt_datefield_value
        self.adapt_datetime = ops.adapt_datetimefield_value
        self.now_db = self.adapt_datetime(now)
        self.no_tags = Meeting._meta.get_field("tags").get_db_prep_save([], connections["default"])

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    # --- who ---------------------------------------------------------------------------------
    def unit(self, node: Node, offices: dict[int, list[Position]]) -> _Unit:
        rng = self.rng
        people = []
        for m in node.members:
            if m.category not in meeting_rules.PARTY:
                continue
            since = max(m.in_branch_since, m.joined_on or m.in_branch_since)
            p = _Person(m.pk, m.name, since, m.full_on, m.group_id, m.is_mobile)
            if rng.random() < DROPOUT_SHARE and since < self.first_month:
                p.stopped = self.today - dt.timedelta(days=rng.randint(70, 290))
            people.append(p)
        by_pk = {p.pk: p for p in people}
        held = offices.get(node.pk, [])
        roles = {p.role: p.member_id for p in held}
        committee = [by_pk[p.member_id] for p in held if p.role in COMMITTEE_ROLES]
        leaders = {
            p.organization_id: p.member_id
            for g in node.groups
            for p in offices.get(g.pk, [])
            if p.role == Role.GROUP_LEADER
        }
        kind = "hospital" if node.jobs == "hospital" else node.unit_type
        host = roles.get(Role.SECRETARY)
        return _Unit(
            node=node,
            kind="retired" if node.retired else kind,
            habit=data.weighted(rng, BRANCH_HABITS),
            people=people,
            committee=committee,
            host=host,
            recorder=roles.get(Role.ORGANIZATION_OFFICER)
            or roles.get(Role.DEPUTY_SECRETARY)
            or host,
            leaders=leaders,
            observers=[
                (m.pk, OBSERVER_TITLES[m.category])
                for m in node.members
                if m.category in OBSERVER_TITLES
            ],
            names={m.pk: m.name for m in node.members},
        )

    # --- what ----------------------------------------------------------------------------------
    def plan(self, nodes: list[Node], positions: list[Position]) -> None:
        offices: dict[int, list[Position]] = {}
        for p in positions:
            offices.setdefault(p.organization_id, []).append(p)
        for node in nodes:
            self.branch(self.unit(node, offices))

    def add(
        self,
        u: _Unit,
        kind: str,
        title: str,
        start: dt.datetime,
        agenda: list[tuple[str, bool]],
        attendees: list[_Person],
        *,
        hours: float = 2,
        group: Node | None = None,
        host: int | None = None,
        lecturer: int | None = None,
        form: str = "",
        theme: str = "",
        resolutions: int = 0,
    ) -> None:
        end = start + dt.timedelta(hours=hours)
        held = end < self.now
        status, cancelled = (MeetingStatus.HELD if held else MeetingStatus.PLANNED), ""
        if held and self.rng.random() < MISS_CHANCE[u.habit]:
            held, roll = False, self.rng.random()
            if roll < 0.7:
                self.counts["meetings_missed"] += 1
                return  # never planned: the period is simply missing
            if roll < 0.85:
                status, cancelled = MeetingStatus.CANCELLED, "党员大多外出，未能组织，下月补开"
            else:
                status = MeetingStatus.PLANNED  # planned, never recorded (待填写记录)
        host = host or u.host
        place = data.PLACES[u.kind] if group is None else f"{u.node.unit}党员活动室"
        start_db, end_db = self.adapt_datetime(start), self.adapt_datetime(end)
        row = (
            u.node.pk, group.pk if group else None, kind, title, start_db, end_db, place, "",
            host, u.recorder, lecturer, "", form, self.no_tags, None, status.value, cancelled,
            False, self.now_db,
        )  # fmt: skip
        self.planned.append(
            _Planned(
                row,
                u,
                kind,
                title,
                start.date(),
                start_db,
                end_db,
                host,
                agenda,
                attendees,
                held,
                theme,
                resolutions if held else 0,
            )  # fmt: skip
        )

    def branch(self, u: _Unit) -> None:
        rng, node = self.rng, u.node
        theme_day = rng.choice((5, 10, 10, 10, 15, 15, 20, 25, rng.randint(1, 28)))
        evening = u.kind in ("village", "enterprise")
        x_items = data.THEME_DAY_X[u.kind]
        for month in self.months:
            day = _on_day(month, theme_day)
            theme, x = data.MONTH_THEMES[month.month], x_items[month.month % len(x_items)]
            form = ActivityForm.VOLUNTEER if month.month % 3 == 0 else ActivityForm.STUDY
            self.add(u, meeting_rules.THEME_DAY, f"“{theme}”主题党日",
                     self.at(day, 19, 30) if evening else self.at(day, 15),
                     [*THEME_AGENDA, (x, False)], _expected(u.people, day), theme=theme,
                     form=form.value)  # fmt: skip
            if len(u.committee) >= COMMITTEE_MIN_MEMBERS:
                day = _on_day(month, max(1, theme_day - 4))
                n = len(data.COMMITTEE_AGENDA)
                items = [data.COMMITTEE_AGENDA[(month.month + i) % n][0] for i in range(3)]
                self.add(u, meeting_rules.COMMITTEE_MEETING, f"{month.month}月支部委员会会议",
                         self.at(day, 9), [(meeting_rules.FIRST_TOPIC, True), *((t, False) for t in items)],
                         _expected(u.committee, day))  # fmt: skip
            for i, group in enumerate(node.groups, start=1):
                day = _on_day(month, 20 + i)
                members = [p for p in u.people if p.group_id == group.pk]
                self.add(u, meeting_rules.GROUP_MEETING, f"{group.name}{month.month}月党小组会",
                         self.at(day, 19, 30), [(t, False) for t, _ in data.GROUP_AGENDA],
                         _expected(members, day), hours=1.5, group=group,
                         host=u.leaders.get(group.pk))  # fmt: skip
        for q in self.quarters:
            n = (q[0].month - 1) // 3 + 1
            day = _on_day(q[len(q) // 2], rng.randint(15, 25))
            self.add(u, meeting_rules.BRANCH_ASSEMBLY, f"{q[0].year}年第{n}季度支部党员大会",
                     self.at(day, 15), [(meeting_rules.FIRST_TOPIC, True), *((t, False) for t, _ in data.ASSEMBLY_AGENDA)],
                     _expected(u.people, day), resolutions=1 if q is self.last_done else 0)  # fmt: skip
            day = _on_day(q[0], rng.randint(20, 28))
            title = data.LECTURE_TITLES[(n + len(u.people)) % len(data.LECTURE_TITLES)]
            self.add(u, meeting_rules.LECTURE, f"党课：{title}", self.at(day, 15),
                     [(f"讲授党课：{title}", False)], _expected(u.people, day),
                     lecturer=u.host, form=ActivityForm.STUDY.value)  # fmt: skip
        for month in self.months:
            if month.month == 12:  # 组织生活会: once a year, in the fourth quarter
                day = _on_day(month, rng.randint(10, 28))
                self.add(u, meeting_rules.LIFE_MEETING, f"{day.year}年度组织生活会",
                         self.at(day, 9), [(t, False) for t, _ in data.LIFE_AGENDA],
                         _expected(u.people, day), hours=3)  # fmt: skip

    # --- writing -------------------------------------------------------------------------------
    def insert(self, progress: Callable[[str], object]) -> None:
        planned = self.planned
        before = Meeting.objects.aggregate(last=Max("pk"))["last"] or 0
        _insert_rows(Meeting, MEETING_COLUMNS, [p.row for p in planned])
        # One writer inserting in order: the new keys are the next ones, ascending.
        pks = list(
            Meeting.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True)
        )
        if len(pks) != len(planned):
            raise RuntimeError("会议写入期间有其他写入，无法对应主键，请重新生成")
        for p, pk in zip(planned, pks, strict=True):
            p.pk = pk
        self.counts["meetings"] = len(planned)
        self.counts["meetings_held"] = sum(p.held for p in planned)
        progress(f"  已写入 {len(planned)} 次会议，写入出席记录和会议记录…")
        agenda = [
            (p.pk, i, title, first) for p in planned for i, (title, first) in enumerate(p.agenda)
        ]
        self.counts["agenda_items"] = _insert_rows(AgendaItem, AGENDA_COLUMNS, agenda)
        attendance: list[Row] = []
        minutes: list[Row] = []
        for p in planned:
            snapshot = self.attendance(p, attendance)
            if snapshot is not None:
                minutes.append(self.minutes(p, snapshot))
            if len(attendance) >= 100_000:
                self.counts["attendance"] += _insert_rows(
                    Attendance, ATTENDANCE_COLUMNS, attendance
                )
                attendance = []
        self.counts["attendance"] += _insert_rows(Attendance, ATTENDANCE_COLUMNS, attendance)
        self.counts["minutes"] = _insert_rows(Minutes, MINUTES_COLUMNS, minutes)

    def attendance(self, p: _Planned, out: list[Row]) -> dict[str, Any] | None:
        """Append the meeting's attendance rows to ``out``; the minutes' snapshot if held."""
        rng, u, day, mid = self.rng, p.unit, p.day, p.pk
        if not p.held:
            for a in p.attendees:
                vote = a.full_on is not None and a.full_on <= day
                out.append((mid, a.pk, "", "", "attendee", vote, "", "", "absent", None, "", "",
                            "", None, "", False, None, "", None))  # fmt: skip
            return None
        day_db, signed = self.adapt_date(day), p.start
        reasons = data.LEAVE_REASONS[u.kind]
        present: list[str] = []
        leave: list[dict[str, str]] = []
        absent: list[str] = []
        voting_expected = voting_present = 0
        for a in p.attendees:
            vote = a.full_on is not None and a.full_on <= day
            voting_expected += vote
            roll = rng.random()
            if a.stopped is not None and day > a.stopped:
                status = "leave" if roll < 0.3 else "absent"
            elif a.mobile:
                status = "present" if roll < 0.1 else "leave" if roll < 0.85 else "absent"
            else:
                status = "present" if roll < 0.9 else "leave" if roll < 0.96 else "absent"
            if status == "present":
                present.append(a.name)
                voting_present += vote
                out.append((mid, a.pk, "", "", "attendee", vote, "", "", "present", signed,
                            SIGN_METHODS[a.pk % 10], "", "", None, "", False, None, "", day_db))  # fmt: skip
                continue
            reason = ""
            if status == "leave":
                reason = "外出务工" if a.mobile else reasons[a.pk % len(reasons)]
                leave.append({"name": a.name, "reason": reason})
            else:
                absent.append(a.name)
            if a.stopped is None and rng.random() < (0.85 if a.mobile else 0.6):  # 补学 done
                on = self.adapt_date(min(self.today, day + dt.timedelta(days=1 + a.pk % 12)))
                how = data.MAKEUP_HOWS[a.pk % len(data.MAKEUP_HOWS)]
                out.append((mid, a.pk, "", "", "attendee", vote, "", "", status, None, "", reason,
                            "approved" if reason else "", None, "", False, on, how, day_db))  # fmt: skip
            else:
                out.append((mid, a.pk, "", "", "attendee", vote, "", "", status, None, "", reason,
                            "approved" if reason else "", None, "", False, None, "", None))  # fmt: skip
        observers = []
        invited = p.kind in (meeting_rules.THEME_DAY, meeting_rules.BRANCH_ASSEMBLY)
        if invited and u.observers and rng.random() < 0.15:
            for pk, title in u.observers[:2]:
                observers.append({"name": u.names[pk], "title": title, "present": True})
                out.append((mid, pk, "", title, "observer", False, "", "", "present", signed,
                            "recorder", "", "", None, "", False, None, "", None))  # fmt: skip
        snapshot: dict[str, Any] = {
            "expected": len(p.attendees),
            "present": len(present),
            "leave": len(leave),
            "absent": len(absent),
            "present_names": present,
            "leave_names": leave,
            "absent_names": absent,
            "observers": observers,
            "voting_expected": voting_expected,
            "voting_present": voting_present,
            "written": 0,
            "excluded": [],
            "host": u.names.get(p.host or 0, "") if p.host else "",
            "recorder": u.names.get(u.recorder or 0, "") if u.recorder else "",
        }
        if p.kind == meeting_rules.BRANCH_ASSEMBLY:
            snapshot["quorum"] = meeting_rules.assembly_quorum(
                voting_expected=voting_expected, voting_present=voting_present
            )
        elif p.kind == meeting_rules.COMMITTEE_MEETING:
            snapshot["quorum"] = meeting_rules.committee_quorum(
                committee_members=len(p.attendees), present=len(present)
            )
        return snapshot

    def minutes(self, p: _Planned, snapshot: dict[str, Any]) -> Row:
        """Version 1, confirmed when the meeting ended: a sentence or two per agenda item."""
        u = p.unit
        names = snapshot["present_names"] or [u.names.get(p.host or 0, "书记")]
        values = {
            "theme": p.theme or data.MONTH_THEMES[p.day.month],
            "unit": u.node.unit,
            "speaker": f"{names[len(names) // 2]}同志",
            "n": 2 + p.pk % 5,
            "x": p.agenda[-1][0],
            "lecturer": u.names.get(p.host or 0, "书记"),
            "title": p.title.removeprefix("党课："),
        }
        items = []
        for title, first in p.agenda:
            if first:
                text = data.FIRST_TOPIC_CONTENT
            elif p.kind == meeting_rules.LECTURE:
                text = data.LECTURE_CONTENT
            else:
                text = ITEM_TEXT.get(title, data.X_CONTENT)
            items.append(
                {"title": title, "is_first_topic": first, "content": text.format(**values)}
            )
        resolutions = []
        if p.resolutions:
            vp, ve = snapshot["voting_present"], snapshot["voting_expected"]
            yes = max(0, vp - p.pk % 2)
            resolutions.append({"text": data.ASSEMBLY_RESOLUTIONS[0], "yes": yes, "no": 0,
                                "abstain": vp - yes, "written": 0,
                                "passed": bool(snapshot.get("quorum")) and meeting_rules.resolution_passes(yes=yes, voting_expected=ve)})  # fmt: skip
        content = {"items": items, "resolutions": resolutions,
                   "summary": data.SUMMARIES[p.pk % len(data.SUMMARIES)]}  # fmt: skip
        return (p.pk, 1, MinutesState.CONFIRMED.value, "", _json(content), _json(snapshot), None,
                p.end, None, p.end)  # fmt: skip


def _expected(people: list[_Person], day: dt.date) -> list[_Person]:
    """应到 on ``day``: the party members of the branch (group, committee) by then."""
    return [p for p in people if p.since <= day]


def _json(value: Any) -> Any:
    return _JSON_FIELD.get_db_prep_save(value, connections["default"])


_JSON_FIELD = Minutes._meta.get_field("content")


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def _month_end(month: dt.date) -> dt.date:
    return add_months(month.replace(day=1), 1) - dt.timedelta(days=1)


def _on_day(month: dt.date, day: int) -> dt.date:
    """The ``day`` of ``month`` (the month's last day when it has fewer)."""
    return month.replace(day=min(day, _month_end(month).day))


def _insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Row]) -> int:
    """INSERT ready-made rows, one value per column of ``columns`` (every concrete field but an
    auto primary key), already as the database takes them (dates through the backend's
    adapters, JSON through the field). For the million attendance rows, where model instances
    or even ``insert_many``'s per-value conversion would be most of the time."""
    if not rows:
        return 0
    connection = connections["default"]
    fields = {
        f.attname: f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, AutoField))
    }
    if set(columns) != set(fields) or len(columns) != len(fields):
        raise RuntimeError(f"{model.__name__}: columns {sorted(set(fields) ^ set(columns))}")
    qn = connection.ops.quote_name
    # Table and column names come from the model, quoted by the backend: no user input.
    table = qn(model._meta.db_table)
    names = ", ".join(qn(fields[c].column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: no statement, no round trip per row
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        for start in range(0, len(rows), BATCH * 5):
            cursor.executemany(sql, rows[start : start + BATCH * 5])
    return len(rows)


def county_exists() -> bool:
    return Organization.objects.filter(code=COUNTY_CODE).exists()


def _quiet(message: str) -> None:
    return None


def build_county(
    *,
    branches: int = BRANCHES,
    members: int = MEMBERS,
    seed: int = SEED,
    today: dt.date | None = None,
    progress: Callable[[str], object] = _quiet,
) -> CountyResult | None:
    """Build the county-sized data; None when it is already there."""
    refuse_in_production()
    if county_exists():
        return None
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
    planner = _Planner(rng, today, branches)
    county = planner.plan()
    planner.sizes(members)
    planner.groups()
    nodes = planner.nodes
    open_branches = [n for n in nodes if n.kind == OrgKind.BRANCH and not n.closed]
    with transaction.atomic():
        builder = _Builder(rng, today, progress)
        progress(f"  写入 {len(nodes)} 个党组织…")
        builder.insert_orgs(nodes)
        progress(f"  生成并写入 {members} 名人员…")
        builder.insert_members(open_branches)
        builder.insert_positions(nodes)
        progress("  生成一年的会议、出席记录和会议记录…")
        now = timezone.now() if today == timezone.localdate() else _noon(today)
        life = _Life(random.Random(seed + 1), now)  # noqa: S311 (made-up meetings)
        life.plan(open_branches, builder.positions)
        life.insert(progress)
        counts = builder.counts
        counts.update(life.counts)
        counts["branches"] = len(open_branches)
        counts["groups"] = sum(1 for n in nodes if n.kind == OrgKind.GROUP)
        counts["closed"] = sum(1 for n in nodes if n.closed)
        for m in (m for n in open_branches for m in n.members):
            counts[f"category_{m.category}"] += 1
        audit.record(
            None,
            "demo.build",
            obj=county.obj,
            organization=county.obj,
            changes={k: [None, v] for k, v in sorted(counts.items())}
            | {"scale": [None, "county"], "data_version": [None, DATA_VERSION]},
        )
        bench_node = _bench_branch(county, nodes)
        secretary = next(
            p
            for p in builder.positions
            if p.organization_id == bench_node.pk and p.role == Role.SECRETARY
        )
        officer = next(
            p
            for p in builder.positions
            if p.organization_id == county.pk and p.role == Role.ORGANIZATION_OFFICER
        )
        for username, position in zip(BENCH_USERS, (officer, secretary), strict=True):
            account_create(
                actor=None,
                member=Member.objects.get(pk=position.member_id),
                username=username,
                password=settings.DEMO_PASSWORD,
                must_change_password=False,
            )
    connection = connections["default"]
    if connection.vendor == "postgresql":
        # What autovacuum would soon do after a million new rows: planner statistics, so the
        # first queries on the new data are planned for its real size, and (outside a
        # transaction, where VACUUM may run) the visibility map that index-only scans read.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return CountyResult(
        county=county.org,
        bench_branch=bench_node.org,
        organizations=counts["organizations"],
        branches=counts["branches"],
        groups=counts["groups"],
        closed=counts["closed"],
        members=counts["members"],
        positions=counts["positions"],
        counts=counts,
    )


def _bench_branch(county: Node, nodes: list[Node]) -> Node:
    """An ordinary village branch of the first township, of a typical size."""
    candidates = [
        n
        for n in nodes
        if n.kind == OrgKind.BRANCH
        and not n.closed
        and not n.organ
        and n.unit_type == "village"
        and n.parent is not None
        and n.parent.kind == OrgKind.COMMITTEE
        and n.parent.parent is county
    ] or [n for n in nodes if n.kind == OrgKind.BRANCH and not n.closed and not n.organ]
    return min(candidates, key=lambda n: (abs(n.size - 30), n.code))


# --- A roster file for the import benchmark --------------------------------------------------

IMPORT_CATEGORY_WEIGHTS = (
    ("full", 80),
    ("probationary", 5),
    ("candidate", 4),
    ("activist", 5),
    ("applicant", 6),
)


def write_import_roster(
    path: Path, rows: int, *, seed: int = SEED + 1, today: dt.date | None = None
) -> None:
    """An .xlsx roster of ``rows`` valid people, in the import template's columns.

    Their ID numbers come from region codes that neither the demo nor the county data uses,
    so the file imports cleanly into a database that holds them. Written in openpyxl's
    write-only mode (streamed) to a temporary name, then renamed: a half-written file is
    never mistaken for a finished one.
    """
    from openpyxl import Workbook

    from zhibu.members.rules import CATEGORY_LABEL, COLUMNS

    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
    people = data.People(rng, data.IMPORT_REGIONS)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(list(COLUMNS))
    gender_label = {"male": "男", "female": "女"}
    for _ in range(rows):
        category = data.weighted(rng, IMPORT_CATEGORY_WEIGHTS)
        unit = rng.choice(("village", "community", "enterprise", "agency", "school"))
        person = people.person(ages=data.ages_for(category, unit), today=today)
        dates = data.membership_dates(rng, category=category, birth=person.birth_date, today=today)
        company = f"示范县{rng.choice(data.BRANDS)}{rng.choice(data.INDUSTRIES)}有限公司"
        row = {
            "姓名": person.name,
            "性别": gender_label[person.gender],
            "民族": person.ethnicity,
            "出生日期": person.birth_date.isoformat(),
            "身份证号": person.id_number,
            "手机号": person.phone,
            "学历": data.education(rng, unit),
            "人员类别": CATEGORY_LABEL[category],
            "入党日期": dates.joined_on.isoformat() if dates.joined_on else "",
            "转正日期": dates.full_on.isoformat() if dates.full_on else "",
            "党小组": "",
            "工作单位及职务": f"{company} {rng.choice(data.JOBS['enterprise'])}",
            "转入本支部日期": dates.in_branch_since.isoformat(),
        }
        ws.append([row[c] for c in COLUMNS])
    partial = path.with_name(path.name + ".partial")
    wb.save(partial)
    partial.replace(path)
