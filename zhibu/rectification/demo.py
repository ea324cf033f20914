"""The demo's problem list (called by ``core.demo`` after the accounts exist).

第一党支部 (demo_secretary's) gets a year's problems from its 组织生活会: demo_member's, one
repeated from last year (老问题), one with a vague measure the 材料质检 flags, one closed and due
for 回头看, the branch committee's own problem long overdue (in the committee's 通报), and a
公示 of the list this week. 东湖村党支部 has one overdue problem, so the committee's counts show
more than one branch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from zhibu.accounts.models import User
from zhibu.members.models import Member
from zhibu.orgs.models import Organization, Position, Role
from zhibu.rectification import services
from zhibu.rectification.models import Problem, ProblemCategory
from zhibu.rectification.services import MeasureInput


def _category(name: str) -> ProblemCategory:
    return ProblemCategory.objects.get(name=name)


def _secretary(org: Organization) -> Member:
    return (
        Position.objects.filter(organization=org, role=Role.SECRETARY, ended_on__isnull=True)
        .select_related("member")
        .get()
        .member
    )


def build(today: dt.date, users: Mapping[str, User], account_members: Mapping[str, Member]) -> int:
    secretary_user = users["demo_secretary"]
    secretary = account_members["demo_secretary"]
    member = account_members["demo_member"]
    branch = secretary.branch
    year = today.year
    count = 0

    def add(owner: Member | None, kind: str, text: str, cat: str, measures: list[MeasureInput],
            *, created: dt.date, org: Organization = branch, y: int = year, **kw: Any) -> int:  # fmt: skip
        nonlocal count
        count += 1
        return services.problem_create(
            actor=secretary_user if org == branch else None, organization=org, owner_kind=kind, owner_member=owner,
            source=kw.pop("source", "life_meeting"), category=_category(cat), description=text,
            year=y, measures=measures, today=created, **kw,
        ).pk  # fmt: skip

    # Last year's problem of demo_member, closed; this year the same words again (老问题).
    last = services.problem_create(
        actor=secretary_user, organization=branch, owner_kind="member", owner_member=member,
        source="life_meeting", category=_category("思想理论学习"), year=year - 1,
        description="理论学习不够深入，支部集中学习缺席3次，学习笔记只有4篇。",
        measures=[MeasureInput("每月参加支部集中学习，确保不缺席，年底前完成学习笔记12篇。", member,
                               dt.date(year - 1, 12, 31))],
        today=dt.date(year - 1, 2, 1),
    )  # fmt: skip
    m = last.measures.get()
    services.measure_complete(actor=users["demo_member"], measure=m, evidence="全年参加学习11次",
                              done_on=dt.date(year - 1, 12, 20), today=dt.date(year - 1, 12, 20))  # fmt: skip
    services.problem_close(actor=secretary_user, problem=last, today=dt.date(year - 1, 12, 28))
    count += 1
    add(member, "member", "理论学习不够深入，支部集中学习缺席3次，学习笔记只有5篇。", "思想理论学习",
        [MeasureInput("由党小组长每月提醒，缺席当月补学并在党小组会上交流，12月31日前完成学习笔记12篇。",
                      member, today + dt.timedelta(days=5))],
        created=today - dt.timedelta(days=60), target="全年集中学习不缺席")  # fmt: skip
    add(member, "member", "联系群众不够紧密，今年只走访了联系的2户困难群众中的1户。", "服务群众",
        [MeasureInput("进一步加强联系群众，尽量多走访。", member, today + dt.timedelta(days=40))],
        created=today - dt.timedelta(days=30), cause_thinking="宗旨意识淡化，认为走访是形式")  # fmt: skip
    # The branch committee's own problem, long overdue: the committee lists it (通报).
    add(None, "committee", "“三会一课”记录不规范：上半年3次支委会记录没有写表决情况和缺席人员。",
        "组织生活",
        [MeasureInput("书记负责，7月底前补齐上半年支委会记录，此后每次会后3天内由组织委员核对。",
                      secretary, today - dt.timedelta(days=45))],
        created=today - dt.timedelta(days=120), source="inspection",
        source_note=f"{year}年党委督查反馈第2条")  # fmt: skip
    # A problem rectified and closed three months ago: its 回头看 is due.
    closed_pk = add(secretary, "member", "带头讲党课不够，上半年没有讲党课。", "担当作为",
                    [MeasureInput("9月底前给全体党员讲一次党课，题目围绕强村富民。", secretary,
                                  today - dt.timedelta(days=100))],
                    created=today - dt.timedelta(days=150))  # fmt: skip
    closed = Problem.objects.get(pk=closed_pk)
    services.measure_complete(actor=secretary_user, measure=closed.measures.get(),
                              evidence="已讲党课《强村富民路上的党员担当》", today=today - dt.timedelta(days=101),
                              done_on=today - dt.timedelta(days=101))  # fmt: skip
    services.problem_close(actor=users["demo_committee"], problem=closed,
                           today=today - dt.timedelta(days=95))  # fmt: skip
    # Another branch with an overdue measure, so the committee's table has two rows.
    other = Organization.objects.get(code="SFZ-DH")
    other_secretary = _secretary(other)
    add(other_secretary, "member", "村集体经济台账更新不及时，9月、10月的收支没有入账。", "作风建设",
        [MeasureInput("11月20日前补齐9月、10月台账，此后每月5日前入账。", other_secretary,
                      today - dt.timedelta(days=12))],
        created=today - dt.timedelta(days=40), org=other, source="self_check")  # fmt: skip
    services.publication_create(
        actor=secretary_user, organization=branch, title=f"{branch.name}{year}年度问题清单及整改情况公示",
        starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=6),
        problems=list(Problem.objects.filter(organization=branch, year=year)),
        note="如有意见建议，请在公示期内向支部书记反映。", contact=f"{secretary.name}（支部书记）",
    )  # fmt: skip
    return count
