"""The demo: a township committee with its branches, members and five logins (`zhibu demo`).

Everything is written through the services, as a user would, so the demo's audit trail is
complete and verifies. The data is drawn from a seeded random generator: the same seed on the
same day gives the same demo. Dates are relative to today so that the structure reminders
(a term about to expire, one expired, a branch with too few full members) always show.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhibu.accounts.services import account_create
from zhibu.core import demo_data as data
from zhibu.core.dates import add_months, add_years
from zhibu.members.models import Member
from zhibu.members.services import (
    member_category_change,
    member_create,
    member_transfer_in,
    member_transfer_out,
)
from zhibu.orgs.models import Organization, Role
from zhibu.orgs.services import organization_create, position_assign

COMMITTEE_CODE = "SFZ"
COMMITTEE_NAME = "示范镇党委"
SEED = 2026

PRODUCTION_REFUSAL = "生产环境（ZHIBU_ENV=production）不能生成演示数据：演示账号的密码是公开的。"


class DemoRefused(Exception):
    """The demo may not be built here (production)."""


def refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise DemoRefused(PRODUCTION_REFUSAL)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    sees: str


ACCOUNTS = (
    DemoAccount("demo_committee", "示范镇党委 组织委员", "全镇各党组织和党员，组织设置提醒"),
    DemoAccount("demo_secretary", "第一党支部 书记", "本支部花名册和党员档案，可登记、修改、转接"),
    DemoAccount("demo_member", "第一党支部 正式党员", "本人档案、待办、本支部书记（手机界面）"),
    DemoAccount("demo_other", "第二党支部 正式党员", "本人档案（看不到第一党支部的任何人）"),
    DemoAccount("demo_activist", "第一党支部 入党积极分子", "只有本人档案"),
)

RETIRED_FROM = (
    ("原示范镇人民政府", "退休干部"),
    ("原示范镇人民政府", "退休干部"),
    ("原示范镇中心学校", "退休教师"),
    ("原示范镇卫生院", "退休医生"),
    ("原示范镇供销社", "退休职工"),
    ("原示范镇粮管所", "退休职工"),
)

THREE = (Role.SECRETARY, Role.ORGANIZATION_OFFICER, Role.PUBLICITY_OFFICER)
FOUR = (*THREE, Role.COMMITTEE_MEMBER)
FIVE = (
    Role.SECRETARY,
    Role.DEPUTY_SECRETARY,
    Role.ORGANIZATION_OFFICER,
    Role.PUBLICITY_OFFICER,
    Role.DISCIPLINE_OFFICER,
)


@dataclass(frozen=True)
class BranchPlan:
    code: str
    name: str
    parent: str
    unit_type: str
    unit: str  # the workplace, written before each member's job
    jobs: str  # key of demo_data.JOBS
    counts: dict[str, int]
    term_started: dt.date
    founded: dt.date
    committee: tuple[str, ...] = (Role.SECRETARY,)
    leads: tuple[str, ...] = ()  # work units of the first full members (the committee)
    groups: tuple[str, ...] = ()
    mobile: int = 0
    retired: bool = False


def _plans(today: dt.date) -> list[BranchPlan]:
    def ago(years: int, months: int = 0) -> dt.date:
        return add_months(add_years(today, -years), -months)

    return [
        BranchPlan(
            "SFZ-JG",
            "镇机关党支部",
            "SFZ",
            "agency",
            "示范镇人民政府",
            "agency",
            {"full": 26, "probationary": 2, "activist": 2, "applicant": 2},
            ago(1, 4),
            dt.date(1956, 3, 1),
            THREE,
            leads=(
                "示范镇党委 书记",
                "示范镇党委副书记、镇长",
                "示范镇党委 组织委员",
                "示范镇党委 宣传委员",
                "示范镇纪委 书记",
                "示范镇人民政府 党政办主任",
                "示范镇人民政府 经济发展办主任",
                "示范镇人民政府 社会事务办主任",
            ),
        ),
        BranchPlan(
            "SFZ-SFC-1",
            "第一党支部",
            "SFZ-SFC",
            "village",
            "示范村",
            "village",
            {"full": 36, "probationary": 3, "candidate": 2, "activist": 3, "applicant": 3},
            ago(2, 3),
            dt.date(1958, 7, 1),
            FIVE,
            leads=(
                "示范村党总支书记、村民委员会主任",
                "示范村村民委员会 副主任",
                "示范村村民委员会 会计",
                "示范村村民委员会 妇联主席",
                "示范村村民委员会 治保主任",
                "示范村一组 村民小组长",
            ),
            groups=("第一党小组", "第二党小组", "第三党小组"),
            mobile=2,
        ),
        BranchPlan(
            "SFZ-SFC-2",
            "第二党支部",
            "SFZ-SFC",
            "village",
            "示范村",
            "village",
            {"full": 22, "probationary": 1, "candidate": 1, "activist": 2, "applicant": 2},
            ago(2, 3),
            dt.date(1983, 5, 4),
            THREE,
            leads=(
                "示范村党总支副书记、村民委员会文书",
                "示范村五组 村民小组长",
                "示范村七组 村民小组长",
                "示范村村民委员会 文书",
            ),
            mobile=1,
        ),
        BranchPlan(
            "SFZ-DH",
            "东湖社区党支部",
            "SFZ",
            "community",
            "东湖社区",
            "community",
            {"full": 30, "probationary": 2, "candidate": 1, "activist": 3, "applicant": 3},
            add_years(today, -5) + dt.timedelta(days=100),
            dt.date(2003, 9, 1),
            FIVE,
            leads=(
                "东湖社区居委会 主任",
                "东湖社区居委会 副主任",
                "东湖社区居委会 社区专干",
                "东湖社区居委会 网格长",
                "东湖社区居委会 网格员",
            ),
            mobile=1,
        ),
        BranchPlan(
            "SFZ-XX",
            "示范镇中心学校党支部",
            "SFZ",
            "school",
            "示范镇中心学校",
            "school",
            {"full": 19, "probationary": 2, "candidate": 1, "activist": 2, "applicant": 1},
            ago(2),
            dt.date(1979, 9, 1),
            THREE,
            leads=("示范镇中心学校 校长", "示范镇中心学校 副校长", "示范镇中心学校 教导主任"),
        ),
        BranchPlan(
            "SFZ-NK",
            "示范农业科技有限公司党支部",
            "SFZ",
            "enterprise",
            "示范农业科技有限公司",
            "enterprise",
            {"full": 10, "probationary": 1, "activist": 2, "applicant": 2},
            ago(1),
            dt.date(2012, 6, 18),
            THREE,
            leads=(
                "示范农业科技有限公司 总经理",
                "示范农业科技有限公司 副总经理",
                "示范农业科技有限公司 办公室主任",
            ),
        ),
        BranchPlan(
            "SFZ-WSY",
            "镇卫生院党支部",
            "SFZ",
            "other",
            "示范镇卫生院",
            "hospital",
            {"full": 12, "probationary": 1, "activist": 1, "applicant": 2},
            add_years(today, -3) - dt.timedelta(days=70),
            dt.date(1985, 3, 1),
            FOUR,
            leads=(
                "示范镇卫生院 院长",
                "示范镇卫生院 副院长",
                "示范镇卫生院 护士长",
                "示范镇卫生院 公共卫生科科长",
            ),
        ),
        BranchPlan(
            "SFZ-LTX",
            "离退休干部党支部",
            "SFZ",
            "other",
            "原示范镇人民政府",
            "retired",
            {"full": 34},
            ago(1, 6),
            dt.date(1992, 10, 1),
            FIVE,
            retired=True,
        ),
        BranchPlan(
            "SFZ-XS",
            "西山村党支部",
            "SFZ",
            "village",
            "西山村",
            "village",
            {"full": 2, "probationary": 1, "activist": 1, "applicant": 1},
            ago(3),
            dt.date(1966, 4, 1),
            (Role.SECRETARY,),
            leads=("西山村村民委员会 主任",),
        ),
    ]


@dataclass
class DemoResult:
    created: bool
    counts: Counter[str] = field(default_factory=Counter)


def demo_exists() -> bool:
    return Organization.objects.filter(code=COMMITTEE_CODE).exists()


class _Builder:
    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
        self.today = today
        self.people = data.People(self.rng, data.TOWN_REGIONS)
        self.orgs: dict[str, Organization] = {}
        self.members: dict[str, list[Member]] = {}  # branch code → members in creation order
        self.counts: Counter[str] = Counter()
        self.busy: set[int] = set()  # members who hold a position or play a demo role
        self.holders: dict[tuple[str, str], Member] = {}  # (org code, role) → member

    # --- organizations -------------------------------------------------------------------
    def org(self, code: str, name: str, kind: str, parent: str | None, **kw: Any) -> Organization:
        org = organization_create(
            actor=None,
            code=code,
            name=name,
            kind=kind,
            parent=self.orgs[parent] if parent else None,
            **kw,
        )
        self.orgs[code] = org
        self.counts["organizations"] += 1
        return org

    # --- members ---------------------------------------------------------------------------
    def values(
        self,
        plan: BranchPlan,
        category: str,
        *,
        work_unit: str = "",
        group: str = "",
        joined: dt.date | None = None,
        mobile: bool = False,
        full_by: dt.date | None = None,
    ) -> dict[str, Any]:
        """A new person's record; ``full_by``: an office holder, full since that day at least."""
        rng, unit = self.rng, "retired" if plan.retired else plan.unit_type
        ages = data.ages_for(category, unit)
        if full_by is not None and not plan.retired:
            ages = (max(ages[0], 32), min(ages[1], 58))
        while True:
            person = self.people.person(ages=ages, today=self.today)
            dates = data.membership_dates(
                rng,
                category=category,
                birth=person.birth_date,
                today=self.today,
                retired=plan.retired,
            )
            if full_by is not None and dates.full_on is not None and dates.full_on > full_by:
                continue
            # A development database may hold other people: never reuse their number.
            if not Member.objects.with_id_number(person.id_number).exists():
                break
        joined_on, full_on, since = dates.joined_on, dates.full_on, dates.in_branch_since
        if joined is not None:
            joined_on, full_on, since = joined, None, joined
        if not work_unit:
            work_unit = f"{plan.unit} {rng.choice(data.JOBS[plan.jobs])}"
            if plan.retired:
                work_unit = " ".join(rng.choice(RETIRED_FROM))
            elif plan.unit_type == "village" and rng.random() < 0.5:
                work_unit = f"{plan.unit}{rng.randint(1, 9)}组 村民"
        return {
            "name": person.name,
            "gender": person.gender,
            "birth_date": person.birth_date,
            "ethnicity": person.ethnicity,
            "id_number": person.id_number,
            "phone": person.phone,
            "education": data.education(rng, unit),
            "category": category,
            "joined_on": joined_on,
            "full_on": full_on,
            "group": group,
            "work_unit": work_unit,
            "in_branch_since": since,
            "is_mobile": mobile,
            "mobile_location": rng.choice(data.MOBILE_LOCATIONS) if mobile else "",
            "is_retired": plan.retired,
        }

    def member(self, plan: BranchPlan, values: dict[str, Any]) -> Member:
        m = member_create(actor=None, branch=self.orgs[plan.code], values=values)
        self.members.setdefault(plan.code, []).append(m)
        self.counts["members"] += 1
        return m

    def branch(self, plan: BranchPlan) -> None:
        self.org(
            plan.code,
            plan.name,
            "branch",
            plan.parent,
            unit_type=plan.unit_type,
            founded_on=plan.founded,
            term_started_on=plan.term_started,
        )
        for i, name in enumerate(plan.groups, start=1):
            self.org(f"{plan.code}-G{i}", name, "group", plan.code, founded_on=plan.founded)
        groups = plan.groups
        first_mobile = len(plan.leads) + 3  # a few ordinary full members work far away
        n = 0
        for category, count in plan.counts.items():
            for _ in range(count):
                lead = category == "full" and n < len(plan.leads)
                mobile = category == "full" and first_mobile <= n < first_mobile + plan.mobile
                party = category in ("full", "probationary")
                values = self.values(
                    plan,
                    category,
                    work_unit=plan.leads[n] if lead else "",
                    group=groups[n % len(groups)] if groups and party else "",
                    mobile=mobile,
                    # Office holders have been full members since before the term began.
                    full_by=plan.term_started - dt.timedelta(days=400) if lead else None,
                )
                if mobile:
                    values["work_unit"] = f"{values['mobile_location']}务工"
                self.member(plan, values)
                n += 1

    def assign(self, member: Member, org: Organization, role: str, on: dt.date) -> None:
        position_assign(actor=None, member=member, organization=org, role=role, started_on=on)
        self.busy.add(member.pk)
        self.holders[(org.code, role)] = member
        self.counts["positions"] += 1

    def committee(self, plan: BranchPlan, *, skip: int = 0) -> None:
        """The branch committee from its first full members (the leads, if it has any)."""
        org = self.orgs[plan.code]
        full = [m for m in self.members[plan.code] if m.category == "full"][skip:]
        for member, role in zip(full, plan.committee, strict=False):
            self.assign(member, org, role, plan.term_started)

    def free_full(self, code: str, *, not_mobile: bool = True) -> Member:
        """A full member of the branch with no position and no demo role yet."""
        for m in self.members[code]:
            if (
                m.category == "full"
                and m.pk not in self.busy
                and m.is_current
                and not (not_mobile and m.is_mobile)
            ):
                self.busy.add(m.pk)
                return m
        raise LookupError(code)

    # --- the whole demo --------------------------------------------------------------------
    def build(self) -> None:
        today = self.today
        plans = {p.code: p for p in _plans(today)}
        self.org(
            COMMITTEE_CODE,
            COMMITTEE_NAME,
            "committee",
            None,
            short_name="示范镇党委",
            founded_on=dt.date(1952, 10, 1),
        )
        self.branch(plans["SFZ-JG"])
        village_term = plans["SFZ-SFC-1"].term_started
        self.org(
            "SFZ-SFC",
            "示范村党总支",
            "general_branch",
            COMMITTEE_CODE,
            unit_type="village",
            founded_on=dt.date(1983, 5, 4),
            term_started_on=village_term,
        )
        for code in (
            "SFZ-SFC-1",
            "SFZ-SFC-2",
            "SFZ-DH",
            "SFZ-XX",
            "SFZ-NK",
            "SFZ-WSY",
            "SFZ-LTX",
            "SFZ-XS",
        ):
            self.branch(plans[code])
        self.positions(plans)
        self.history(plans)
        self.accounts()

    def history(self, plans: dict[str, BranchPlan]) -> None:
        """What happened before today: 转正, a new 发展对象, transfers in and out."""
        today, rng = self.today, self.rng
        first, school = plans["SFZ-SFC-1"], plans["SFZ-XX"]
        # Probationary members whose year ended: they became full on schedule.
        for plan, how_many in ((first, 2), (school, 1)):
            for _ in range(how_many):
                joined = add_years(today, -1) - dt.timedelta(days=rng.randint(30, 150))
                groups = plan.groups
                values = self.values(
                    plan,
                    "probationary",
                    joined=joined,
                    group=groups[rng.randrange(len(groups))] if groups else "",
                )
                m = self.member(plan, values)
                on = add_years(joined, 1) + dt.timedelta(days=rng.randint(0, 10))
                member_category_change(
                    actor=None,
                    member=m,
                    to="full",
                    on=min(on, today),
                    note="经支部党员大会讨论通过，报镇党委审批同意",
                )
                self.counts["category_changes"] += 1
        # An activist of more than a year becomes a 发展对象.
        values = self.values(first, "activist")
        values["in_branch_since"] = today - dt.timedelta(days=rng.randint(420, 700))
        m = self.member(first, values)
        self.busy.add(m.pk)
        member_category_change(
            actor=None,
            member=m,
            to="candidate",
            on=today - dt.timedelta(days=40),
            note="经支委会研究，报镇党委备案",
        )
        self.counts["category_changes"] += 1

        # Moved house from 第二党支部 to 第一党支部 (inside zhibu).
        mover = self.free_full("SFZ-SFC-2")
        member_transfer_out(
            actor=None,
            member=mover,
            on=today - dt.timedelta(days=45),
            to_org=self.orgs["SFZ-SFC-1"],
            letter_number=f"示组转字〔{today.year}〕003号",
            note="居住地变动，转入本村第一党支部",
        )
        # Went to work in Shenzhen for good: transferred out of zhibu.
        leaver = self.free_full("SFZ-DH")
        member_transfer_out(
            actor=None,
            member=leaver,
            on=today - dt.timedelta(days=20),
            to_name="中共深圳市宝安区西乡街道工作委员会",
            letter_number=f"示组转字〔{today.year}〕007号",
            note="工作调动，长期在深圳工作",
        )
        # Came from Wuhan's 江岸区 with a letter.
        values = self.values(plans["SFZ-DH"], "full")
        since = today - dt.timedelta(days=100)
        values["in_branch_since"] = since
        member_transfer_in(
            actor=None,
            branch=self.orgs["SFZ-DH"],
            on=since,
            from_name="中共武汉市江岸区后湖街道工作委员会",
            values=values,
            letter_number=f"岸组转字〔{today.year}〕112号",
            note="退役后回原籍居住",
        )
        self.counts["members"] += 1
        self.counts["transfers"] += 3

    def positions(self, plans: dict[str, BranchPlan]) -> None:
        jg = self.members["SFZ-JG"]
        jg_full = [m for m in jg if m.category == "full"]
        town = self.orgs[COMMITTEE_CODE]
        town_started = add_years(self.today, -2) - dt.timedelta(days=40)
        # The township committee: its members are registered in 镇机关党支部.
        for member, role in zip(jg_full[:5], FIVE, strict=True):
            self.assign(member, town, role, town_started)
        self.committee(plans["SFZ-JG"], skip=5)
        # 示范村党总支: its secretary (the village head) and deputy come from its two branches.
        first = [m for m in self.members["SFZ-SFC-1"] if m.category == "full"]
        second = [m for m in self.members["SFZ-SFC-2"] if m.category == "full"]
        village = self.orgs["SFZ-SFC"]
        started = plans["SFZ-SFC-1"].term_started
        self.assign(first[0], village, Role.SECRETARY, started)
        self.assign(second[0], village, Role.DEPUTY_SECRETARY, started)
        self.committee(plans["SFZ-SFC-1"], skip=1)
        self.committee(plans["SFZ-SFC-2"], skip=1)
        for code in ("SFZ-DH", "SFZ-XX", "SFZ-NK", "SFZ-WSY", "SFZ-LTX", "SFZ-XS"):
            self.committee(plans[code])
        # Group leaders of 第一党支部: a full member of each group without another office.
        for i, _name in enumerate(plans["SFZ-SFC-1"].groups, start=1):
            group = self.orgs[f"SFZ-SFC-1-G{i}"]
            leader = next(
                m
                for m in self.members["SFZ-SFC-1"]
                if m.group_id == group.pk
                and m.category == "full"
                and m.pk not in self.busy
                and not m.is_mobile
            )
            self.assign(leader, group, Role.GROUP_LEADER, started)

    def accounts(self) -> None:
        password = settings.DEMO_PASSWORD
        activist = next(
            m
            for m in self.members["SFZ-SFC-1"]
            if m.category == "activist" and m.pk not in self.busy
        )
        holders = {
            "demo_committee": self.holders[(COMMITTEE_CODE, Role.ORGANIZATION_OFFICER)],
            "demo_secretary": self.holders[("SFZ-SFC-1", Role.SECRETARY)],
            "demo_member": self.free_full("SFZ-SFC-1"),
            "demo_other": self.free_full("SFZ-SFC-2"),
            "demo_activist": activist,
        }
        for account in ACCOUNTS:
            account_create(
                actor=None,
                member=holders[account.username],
                username=account.username,
                password=password,
                must_change_password=False,
            )
            self.counts["accounts"] += 1


def build_demo(*, seed: int = SEED, today: dt.date | None = None) -> DemoResult:
    """Build the township demo, or do nothing when it is already there."""
    refuse_in_production()
    if demo_exists():
        return DemoResult(created=False)
    builder = _Builder(seed, today or timezone.localdate())
    with transaction.atomic():
        builder.build()
    return DemoResult(created=True, counts=builder.counts)


# --- printing ----------------------------------------------------------------------------


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table whose columns line up in a terminal, Chinese included."""
    widths = [max(display_width(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def accounts_text(accounts: Sequence[DemoAccount] = ACCOUNTS, password: str | None = None) -> str:
    table = format_table(
        ("用户名", "身份", "能看到什么"), [(a.username, a.role, a.sees) for a in accounts]
    )
    return f"{table}\n\n密码（以上账号相同）：{password or settings.DEMO_PASSWORD}"
