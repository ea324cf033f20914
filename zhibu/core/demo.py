"""The demo: a township committee with its branches, members and five logins (`zhibu demo`).

Everything is written through the services, as a user would, so the demo's audit trail is
complete and verifies. The data is drawn from a seeded random generator: the same seed on the
same day gives the same demo. Dates are relative to today so that the structure reminders
(a term about to expire, one expired, a branch with too few full members) always show, and
so that the year of 三会一课 and 主题党日 (``_Life``) ends today: held meetings with their
minutes behind, planned ones ahead, a 党课 going on now, and a few branches and members
behind on purpose for the compliance board.
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

from zhibu.accounts.models import User
from zhibu.accounts.services import account_create
from zhibu.core import demo_data as data
from zhibu.core.dates import add_months, add_years
from zhibu.meetings import rules as meeting_rules
from zhibu.meetings.models import (
    ActivityForm,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
)
from zhibu.meetings.services import (
    attendance_mark,
    branch_settings_update,
    leave_decide,
    leave_request,
    makeup_complete,
    meeting_cancel,
    meeting_plan,
    meeting_update,
    minutes_confirm,
    minutes_correct,
    minutes_save,
    observer_add,
    series_plan,
)
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
    DemoAccount(
        "demo_committee",
        "示范镇党委 组织委员",
        "全镇各党组织和党员，组织设置提醒，制度落实看板，整改逾期通报",
    ),
    DemoAccount(
        "demo_secretary",
        "第一党支部 书记",
        "本支部花名册和党员档案，可登记、修改、转接；本支部会议，含今天的党课（签到二维码、记录）；问题清单与整改台账；组织生活会（去年的已完成，今年的在会前准备）",
    ),
    DemoAccount(
        "demo_member",
        "第一党支部 正式党员",
        "本人档案、待办、组织生活：近期会议和待补学，我的整改和本支部公示，征求意见和对照检查材料（手机界面）",
    ),
    DemoAccount("demo_other", "第二党支部 正式党员", "本人档案（看不到第一党支部的任何人）"),
    DemoAccount("demo_activist", "第一党支部 入党积极分子", "只有本人档案和列席过的会议"),
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
    def __init__(self, seed: int, today: dt.date, meetings: bool = True) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
        self.today = today
        self.meetings = meetings
        self.people = data.People(self.rng, data.TOWN_REGIONS)
        self.orgs: dict[str, Organization] = {}
        self.members: dict[str, list[Member]] = {}  # branch code → members in creation order
        self.counts: Counter[str] = Counter()
        self.busy: set[int] = set()  # members who hold a position or play a demo role
        self.holders: dict[tuple[str, str], Member] = {}  # (org code, role) → member
        self.users: dict[str, User] = {}  # demo username → account
        self.account_members: dict[str, Member] = {}  # demo username → member

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
        if self.meetings:
            _Life(self, plans).build()
        from zhibu.rectification import demo as rectification_demo

        self.counts["problems"] += rectification_demo.build(
            self.today, self.users, self.account_members
        )
        from zhibu.lifemeetings import demo as lifemeetings_demo

        lifemeetings_demo.build(self.today, self.users, self.account_members)
        from zhibu.evaluations import demo as evaluations_demo

        evaluations_demo.build(self.today, self.users, self.account_members)
        from zhibu.dues import demo as dues_demo

        dues_demo.build(self.today, self.users, self.account_members)

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
        self.account_members = holders
        for account in ACCOUNTS:
            self.users[account.username] = account_create(
                actor=None,
                member=holders[account.username],
                username=account.username,
                password=password,
                must_change_password=False,
            )
            self.counts["accounts"] += 1


# --- a year of organizational life --------------------------------------------------------

# Each branch's fixed 主题党日 (第一党支部's is three days from today: see ``_Life.theme_day``).
THEME_DAYS = {
    "SFZ-JG": 8,
    "SFZ-SFC-2": 10,
    "SFZ-DH": 15,
    "SFZ-XX": 12,
    "SFZ-NK": 20,
    "SFZ-WSY": 18,
    "SFZ-LTX": 10,
    "SFZ-XS": 10,
}
LIFE_ORDER = (
    "SFZ-JG", "SFZ-SFC-1", "SFZ-SFC-2", "SFZ-DH", "SFZ-XX", "SFZ-NK", "SFZ-WSY", "SFZ-LTX", "SFZ-XS",
)  # fmt: skip
# 西山村党支部: two 主题党日 and last quarter's 党员大会 missed, and its secretary never gives a
# 党课 himself (the township's 宣传委员 gives them).
BEHIND = "SFZ-XS"
COUNTY_LECTURER = "县委党校 刘建华副教授"


@dataclass
class _Unit:
    """A branch as the meeting generator sees it."""

    plan: BranchPlan
    org: Organization
    actor: User | None  # who plans and records (the secretary's login, where there is one)
    host: Member
    recorder: Member
    members: dict[int, Member]
    kind: str  # key of demo_data.THEME_DAY_X, LEAVE_REASONS and PLACES
    theme_day: int
    committee: bool


@dataclass
class _Held:
    """A past meeting to hold: who was there is decided when it is held."""

    meeting: Meeting
    unit: _Unit
    agenda: list[tuple[str, bool]]
    theme: str = ""
    x: str = ""
    resolutions: int = 0
    observers: list[dict[str, Any]] = field(default_factory=list)


class _Life:
    """A year of 三会一课 and 主题党日 for every branch, through the meeting services.

    The year is the eleven months before this one, this month and (for 主题党日) the next: what
    is past was held (minutes confirmed), what is ahead is planned. The services refuse to take
    attendance or minutes before a meeting starts, so the past meetings are planned with their
    past dates and recorded at once. Leave for a past meeting is marked by the recorder on the
    attendance screen (``leave_request`` closes when the meeting ends), and its reason goes into
    the minutes; the meetings ahead carry real leave requests with reasons.

    On purpose: 西山村党支部 missed two 主题党日 (one cancelled, one never recorded) and last
    quarter's 党员大会, and its 党课 are all given by the township's 宣传委员, never by its own
    secretary; 示范农业科技有限公司党支部 one 支委会; a member of 东湖社区党支部 has taken
    part in nothing for seven months and one of 镇卫生院党支部 for four; demo_member missed the
    latest 党小组会 and has not made it up yet; demo_secretary's branch has a 党课 going on now
    whose minutes are not written.
    """

    def __init__(self, builder: _Builder, plans: dict[str, BranchPlan]) -> None:
        self.b = builder
        self.plans = plans
        self.rng = random.Random(SEED * 7 + builder.rng.randrange(1000))  # noqa: S311
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.tz = timezone.get_current_timezone()
        self.first_month = add_months(self.today.replace(day=1), -11)
        self.months = [add_months(self.first_month, i) for i in range(12)]
        self.held: list[_Held] = []
        self.stopped: dict[int, dt.date] = {}  # member → no organizational life after this day
        self.skip: dict[tuple[int, int], bool] = {}  # (meeting, member) absent → made up?
        self.diligent: set[int] = set()  # never miss a meeting unless the story says so
        self.units: dict[str, _Unit] = {}

    # --- helpers ---------------------------------------------------------------------------
    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    @staticmethod
    def on_day(month: dt.date, day: int) -> dt.date:
        return meeting_rules.monthly_dates(start=month, day=day, months=1)[0]

    def past(self, start: dt.datetime, hours: float = 2) -> bool:
        return start + dt.timedelta(hours=hours) < self.now

    def count(self, meeting: Meeting) -> Meeting:
        self.b.counts["meetings"] += 1
        return meeting

    def unit(self, code: str) -> _Unit:
        plan, org = self.plans[code], self.b.orgs[code]
        holders = self.b.holders
        host = holders[(code, Role.SECRETARY)]
        recorder = holders.get((code, Role.ORGANIZATION_OFFICER)) or host
        members = {m.pk: m for m in Member.objects.current().filter(branch=org).order_by("pk")}
        kind = (
            "retired" if plan.retired else plan.jobs if plan.jobs == "hospital" else plan.unit_type
        )
        actor = self.b.users["demo_secretary"] if code == "SFZ-SFC-1" else None
        day = (self.today + dt.timedelta(days=3)).day if code == "SFZ-SFC-1" else THEME_DAYS[code]
        unit = _Unit(plan, org, actor, host, recorder, members, kind, day, len(plan.committee) >= 3)
        self.units[code] = unit
        return unit

    def quarters(self) -> list[list[dt.date]]:
        """The months of the year grouped by calendar quarter (the first and last partly)."""
        out: dict[tuple[int, int], list[dt.date]] = {}
        for m in self.months:
            out.setdefault((m.year, (m.month - 1) // 3), []).append(m)
        return list(out.values())

    # --- the year --------------------------------------------------------------------------
    def build(self) -> None:
        self.story()
        for code in LIFE_ORDER:
            self.branch(self.unit(code))
        self.groups()
        self.held.sort(key=lambda h: h.meeting.starts_at)
        self.arrange()
        for h in self.held:
            self.hold(h)
        self.correction()
        self.ahead()

    def story(self) -> None:
        """Who stopped taking part, and when (chosen before anything is planned)."""
        for code, months in (("SFZ-DH", 7), ("SFZ-WSY", 4)):
            member = next(
                m
                for m in self.b.members[code]
                if m.category == "full"
                and m.is_current
                and not m.is_mobile
                and m.pk not in self.b.busy
                and m.in_branch_since < self.first_month
            )
            self.b.busy.add(member.pk)
            self.stopped[member.pk] = add_months(self.today, -months)
            self.diligent.add(member.pk)  # there every time until then

    def arrange(self) -> None:
        """demo_member's two absences, and the observers (列席) of a few meetings."""
        u = self.units["SFZ-SFC-1"]
        me = self.b.account_members["demo_member"]
        self.diligent.add(me.pk)
        mine = [h for h in self.held if h.unit is u and h.meeting.date >= me.in_branch_since]
        group = [h for h in mine if h.meeting.group_id == me.group_id]
        self.skip[(group[-1].meeting.pk, me.pk)] = False  # 补学 still to do
        themes = [h for h in mine if h.meeting.kind == meeting_rules.THEME_DAY]
        self.skip[(themes[-4].meeting.pk, me.pk)] = True  # made up
        activist = self.b.account_members["demo_activist"]
        officer = self.b.account_members["demo_committee"]
        assemblies = [
            h for h in self.held if h.unit is u and h.meeting.kind == meeting_rules.BRANCH_ASSEMBLY
        ]
        assemblies[-1].observers += [
            {"member": activist, "guest_title": "入党积极分子"},
            {"member": officer, "guest_title": "镇党委组织委员（联系点领导）"},
        ]
        themes[-1].observers.append({"guest_name": "陈桂英", "guest_title": "群众代表"})
        themes[-2].observers.append({"member": activist, "guest_title": "入党积极分子"})
        for code in ("SFZ-DH", "SFZ-XX"):
            activists = [m for m in self.b.members[code] if m.category == "activist"]
            last = [
                h
                for h in self.held
                if h.unit.plan.code == code and h.meeting.kind == meeting_rules.THEME_DAY
            ][-1]
            last.observers += [{"member": a, "guest_title": "入党积极分子"} for a in activists[:2]]

    def branch(self, u: _Unit) -> None:
        code, org, place = u.plan.code, u.org, data.PLACES[u.kind]
        if code in ("SFZ-SFC-1", "SFZ-DH"):
            items = list(meeting_rules.DEFAULT_THEME_DAY_ITEMS)
            branch_settings_update(actor=u.actor, branch=org, theme_day=u.theme_day,
                                   theme_day_items=items)  # fmt: skip
        evening = u.kind in ("village", "enterprise")
        series = series_plan(
            actor=u.actor, branch=org, kind=meeting_rules.THEME_DAY, title="主题党日",
            day_of_month=u.theme_day, start_time=dt.time(19, 30) if evening else dt.time(15, 0),
            duration_minutes=120, starts_on=self.first_month, months=13, place=place,
        )  # fmt: skip
        missed = {self.months[-5], self.months[-3]} if code == BEHIND else set()
        for meeting in series.meetings.order_by("starts_at"):
            self.count(meeting)
            month = meeting.date.replace(day=1)
            if month in missed:
                if month == self.months[-5]:
                    meeting_cancel(actor=u.actor, meeting=meeting,
                                   reason="农忙时节，党员大多在田里，未能组织")  # fmt: skip
                continue  # the other one was never recorded: it shows as 待填写记录
            if not self.past(meeting.starts_at):
                continue
            theme = data.MONTH_THEMES[meeting.date.month]
            x = data.THEME_DAY_X[u.kind][meeting.date.month % len(data.THEME_DAY_X[u.kind])]
            agenda = [(a.title, a.is_first_topic) for a in meeting.agenda.all()] + [(x, False)]
            meeting = meeting_update(
                actor=u.actor, meeting=meeting, title=f"“{theme}”主题党日", agenda=agenda,
                host=u.host, recorder=u.recorder, send_notice=False,
            )  # fmt: skip
            self.held.append(_Held(meeting, u, agenda, theme=theme, x=x))

        for month in self.months:
            if u.committee and not (code == "SFZ-NK" and month == self.months[-6]):
                # 示范农业科技有限公司党支部 skipped one 支委会 (the harvest order rush).
                day = self.on_day(month, max(1, u.theme_day - 4))
                self.plan(u, meeting_rules.COMMITTEE_MEETING, f"{month.month}月支部委员会会议",
                          self.at(day, 9), data.COMMITTEE_AGENDA, first=True, place=place)  # fmt: skip
        quarters = self.quarters()
        last_done = next(q for q in reversed(quarters) if q[-1].month % 3 == 0 and
                         self.on_day(q[-1], 31) < self.today)  # fmt: skip
        for q in quarters:
            name = f"{q[0].year}年第{(q[0].month - 1) // 3 + 1}季度"
            assembly = self.on_day(q[len(q) // 2], 22)
            if not (code == BEHIND and q is last_done):
                self.plan(u, meeting_rules.BRANCH_ASSEMBLY, f"{name}支部党员大会",
                          self.at(assembly, 15), data.ASSEMBLY_AGENDA, first=True, place=place,
                          resolutions=2 if q is last_done else 0)  # fmt: skip
            lecture = self.on_day(q[0], 26)
            if code == "SFZ-SFC-1" and q is quarters[-1]:
                continue  # this quarter's 党课 is going on today (``ahead``)
            self.lecture(u, q, lecture, place)
        if code == "SFZ-JG":
            # The 党委书记 also gave 镇机关党支部 a 党课 in the first month shown, so each
            # calendar year of the twelve months has one of the 党委书记's own (RULES.md §1),
            # not only the one at 第一党支部 in a second quarter.
            q = quarters[0]
            self.lecture(u, q, self.on_day(q[0], 16), place,
                         by=self.b.holders[(COMMITTEE_CODE, Role.SECRETARY)])  # fmt: skip
        self.life(u, place)

    def plan(
        self,
        u: _Unit,
        kind: str,
        title: str,
        start: dt.datetime,
        agenda: Sequence[tuple[str, str]],
        *,
        first: bool = False,
        place: str = "",
        hours: float = 2,
        group: Organization | None = None,
        host: Member | None = None,
        resolutions: int = 0,
        **kw: Any,
    ) -> Meeting:
        items = [(meeting_rules.FIRST_TOPIC, True)] if first else []
        items += [(t, False) for t, _ in agenda]
        meeting = meeting_plan(
            actor=u.actor, branch=u.org, kind=kind, title=title, starts_at=start,
            ends_at=start + dt.timedelta(hours=hours), group=group, place=place,
            host=host or u.host, recorder=u.recorder, agenda=items, **kw,
        )  # fmt: skip
        self.count(meeting)
        if self.past(start, hours):
            self.held.append(_Held(meeting, u, items, resolutions=resolutions))
        return meeting

    def lecture(
        self, u: _Unit, q: list[dt.date], day: dt.date, place: str, by: Member | None = None
    ) -> None:
        """The quarter's 党课, mostly given by the branch's secretary (its ≥1 a year, 支部条例
        第十五条); ``by``: an extra one given by someone else."""
        n = (q[0].month - 1) // 3
        pick = n + len(u.org.code) + (by is not None)  # an extra one: another title
        title = data.LECTURE_TITLES[pick % len(data.LECTURE_TITLES)]
        lecturer: dict[str, Any] = {"lecturer": u.host}
        if by is not None:
            lecturer = {"lecturer": by}
        elif u.plan.code == "SFZ-SFC-1" and n == 1:
            lecturer = {"lecturer": self.b.holders[(COMMITTEE_CODE, Role.SECRETARY)]}
        elif n == 2 and u.plan.code in ("SFZ-SFC-1", "SFZ-DH"):
            lecturer = {"lecturer": None, "lecturer_name": COUNTY_LECTURER}
        elif u.plan.code == BEHIND:
            lecturer = {"lecturer": self.b.holders[(COMMITTEE_CODE, Role.PUBLICITY_OFFICER)]}
        self.plan(u, meeting_rules.LECTURE, f"党课：{title}", self.at(day, 15),
                  ((f"讲授党课：{title}", ""),), place=place,
                  activity_form=ActivityForm.STUDY, **lecturer)  # fmt: skip

    def life(self, u: _Unit, place: str) -> None:
        """组织生活会: once a year, in December (this year's is planned when it is next month)."""
        agenda = [(t, "") for t, _ in data.LIFE_AGENDA]
        for month in [*self.months, add_months(self.months[-1], 1)]:
            if month.month == 12:
                day = self.on_day(month, 18)
                self.plan(u, meeting_rules.LIFE_MEETING, f"{day.year}年度组织生活会",
                          self.at(day, 9), agenda, place=place, hours=3)  # fmt: skip

    def groups(self) -> None:
        u = self.units["SFZ-SFC-1"]
        for i, _name in enumerate(u.plan.groups, start=1):
            group = self.b.orgs[f"SFZ-SFC-1-G{i}"]
            leader = self.b.holders[(group.code, Role.GROUP_LEADER)]
            for month in self.months:
                day = self.on_day(month, 24 + i)
                self.plan(u, meeting_rules.GROUP_MEETING, f"{group.name}{month.month}月党小组会",
                          self.at(day, 19, 30), data.GROUP_AGENDA, group=group, host=leader,
                          hours=1.5, place=f"{u.plan.unit}{i}组组长家中")  # fmt: skip

    # --- holding a meeting -----------------------------------------------------------------
    def attend(self, u: _Unit, member: Member, day: dt.date) -> str:
        """Present, leave or absent, as people are: the mobile away, the retired sometimes ill."""
        stopped = self.stopped.get(member.pk)
        if stopped is not None and day > stopped:
            return AttendanceStatus.LEAVE if self.rng.random() < 0.3 else AttendanceStatus.ABSENT
        roll = self.rng.random()
        if member.pk in self.diligent:
            present, leave = 1.0, 0.0
        elif member.is_mobile:
            present, leave = (0.6, 0.3) if day.month in (1, 2) else (0.1, 0.75)
        elif u.kind == "retired":
            present, leave = 0.82, 0.14
        elif u.plan.code == BEHIND:
            present, leave = 0.75, 0.1
        else:
            present, leave = 0.9, 0.06
        if roll < present:
            return AttendanceStatus.PRESENT
        return AttendanceStatus.LEAVE if roll < present + leave else AttendanceStatus.ABSENT

    def hold(self, h: _Held) -> None:
        meeting, u, day = h.meeting, h.unit, h.meeting.date
        actor = u.actor
        for obs in h.observers:
            observer_add(actor=actor, meeting=meeting, **obs)
        rows = list(meeting.attendances.values_list("pk", "member_id", "role", "voting"))
        marks: dict[int, str] = {}
        missed: list[tuple[int, Member]] = []
        voting_present = 0
        for pk, member_id, role, voting in rows:
            if role == AttendanceRole.OBSERVER:
                marks[pk] = AttendanceStatus.PRESENT
                continue
            member = u.members.get(member_id) or Member.objects.get(pk=member_id)
            key = (meeting.pk, member_id)
            status = AttendanceStatus.ABSENT if key in self.skip else self.attend(u, member, day)
            marks[pk] = status
            if status == AttendanceStatus.PRESENT:
                voting_present += voting
            else:
                missed.append((pk, member))
        attendance_mark(actor=actor, meeting=meeting, marks=marks)
        leave = [m.name for pk, m in missed if marks[pk] == AttendanceStatus.LEAVE]
        away = {m.pk for _, m in missed}
        present = [
            u.members[mid].name
            for _, mid, role, _ in rows
            if role == AttendanceRole.ATTENDEE and mid not in away and mid in u.members
        ]
        content = self.content(h, present, leave, voting_present)
        minutes_save(actor=actor, meeting=meeting, content=content)
        minutes_confirm(actor=actor, meeting=meeting)
        self.b.counts["meetings_held"] += 1
        for pk, member in missed:
            key = (meeting.pk, member.pk)
            if key in self.skip:
                made_up = self.skip[key]
            elif member.pk in self.stopped and day > self.stopped[member.pk]:
                made_up = False
            else:
                made_up = self.rng.random() < (0.85 if member.is_mobile else 0.6)
            if made_up:
                on = min(self.today, day + dt.timedelta(days=self.rng.randint(1, 12)))
                how = "在外地参加流动党员线上学习，提交学习心得" if member.is_mobile else (
                    self.rng.choice(data.MAKEUP_HOWS))  # fmt: skip
                makeup_complete(actor=actor, attendance=Attendance(pk=pk), on=on, how=how)
                self.b.counts["makeups"] += 1

    def content(
        self, h: _Held, present: list[str], leave: list[str], voting_present: int
    ) -> dict[str, Any]:
        """The minutes a recorder would write: a few sentences per agenda item."""
        u, meeting, rng = h.unit, h.meeting, self.rng
        names = [n for n in present if n != u.host.name] or [u.host.name]
        texts = {
            **data.THEME_DAY_CONTENT,
            **dict(data.COMMITTEE_AGENDA),
            **dict(data.ASSEMBLY_AGENDA),
            **dict(data.GROUP_AGENDA),
            **dict(data.LIFE_AGENDA),
        }
        values = {"theme": h.theme or data.MONTH_THEMES[meeting.date.month], "unit": u.plan.unit,
                  "speaker": rng.choice(names) + "同志", "n": rng.randint(2, 6), "x": h.x,
                  "lecturer": meeting.lecturer_label, "title": meeting.title.removeprefix("党课：")}  # fmt: skip
        items = []
        for title, first in h.agenda:
            if first:
                text = data.FIRST_TOPIC_CONTENT
            elif meeting.kind == meeting_rules.LECTURE:
                text = data.LECTURE_CONTENT
            else:
                text = texts.get(title, data.X_CONTENT)
            items.append(
                {"title": title, "is_first_topic": first, "content": text.format(**values)}
            )
        summary = rng.choice(data.SUMMARIES)
        if leave:
            summary += data.SUMMARY_LEAVE.format(names="、".join(leave))
        resolutions = [
            {"text": text, "yes": voting_present - (i % 2), "no": 0, "abstain": i % 2}
            for i, text in enumerate(data.ASSEMBLY_RESOLUTIONS[: h.resolutions])
        ]
        return {"items": items, "resolutions": resolutions, "summary": summary}

    def correction(self) -> None:
        """第一党支部's 主题党日 two months ago: the minutes were corrected (version 2)."""
        u = self.units["SFZ-SFC-1"]
        month = self.months[-3]
        meeting = next(
            h.meeting for h in self.held
            if h.unit is u and h.meeting.kind == meeting_rules.THEME_DAY
            and h.meeting.date.replace(day=1) == month
        )  # fmt: skip
        minutes_correct(actor=u.actor, meeting=meeting,
                        reason="补记民主议事环节党员提出的意见建议及办理分工")  # fmt: skip
        draft = meeting.minutes.get(state="draft")
        content = dict(draft.content)
        items = [dict(i) for i in content["items"]]
        for item in items:
            if item["title"] == "民主议事":
                item["content"] += (
                    "意见建议主要有：村道路灯损坏需维修、留守老人就医不便、垃圾清运不及时。"
                    "分别由组织委员、宣传委员牵头办理，月底前回复。"
                )
        minutes_save(actor=u.actor, meeting=meeting, content={**content, "items": items})
        minutes_confirm(actor=u.actor, meeting=meeting)
        self.b.counts["minutes_corrected"] += 1

    def ahead(self) -> None:
        """What demo_secretary and demo_member see ahead: a 党课 now, leave requests."""
        u = self.units["SFZ-SFC-1"]
        start = self.now.astimezone(self.tz).replace(second=0, microsecond=0)
        start -= dt.timedelta(minutes=start.minute % 30)
        lecture = meeting_plan(
            actor=u.actor, branch=u.org, kind=meeting_rules.LECTURE,
            title=f"党课：{data.LECTURE_TITLES[0]}", starts_at=start,
            ends_at=start + dt.timedelta(hours=3), place=data.PLACES[u.kind], host=u.host,
            recorder=u.recorder, lecturer=u.host, activity_form=ActivityForm.STUDY,
            agenda=[(meeting_rules.FIRST_TOPIC, True), (f"书记讲党课：{data.LECTURE_TITLES[0]}", False)],
        )  # fmt: skip
        self.count(lecture)
        theme_day = (
            Meeting.objects.filter(branch=u.org, kind=meeting_rules.THEME_DAY,
                                   status=MeetingStatus.PLANNED, starts_at__gt=self.now)
            .order_by("starts_at").first()
        )  # fmt: skip
        mobile = [m for m in u.members.values() if m.is_mobile and m.is_current]
        others = [m for m in u.members.values() if m.pk not in self.b.busy and m.category == "full"]
        requests: list[tuple[Meeting, Member, str, bool | None]] = [
            (lecture, others[0], "在县医院陪护住院的父亲", True)
        ]
        if theme_day is not None:
            requests += [
                (theme_day, mobile[0], f"在{mobile[0].mobile_location}务工，无法返回", True),
                (theme_day, others[1], "当天要去镇上办理医保手续，想请半天假", None),
            ]
        for meeting, member, reason, approve in requests:
            row = leave_request(actor=None, meeting=meeting, member=member, reason=reason)
            if approve is not None:
                leave_decide(actor=u.actor, attendance=row, approve=approve)


def build_demo(
    *, seed: int = SEED, today: dt.date | None = None, meetings: bool = True
) -> DemoResult:
    """Build the township demo, or do nothing when it is already there.

    ``meetings=False`` leaves out the year of 三会一课 (most of the build time): browser tests
    that only need the people and the tree use it.
    """
    refuse_in_production()
    if demo_exists():
        return DemoResult(created=False)
    builder = _Builder(seed, today or timezone.localdate(), meetings)
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
