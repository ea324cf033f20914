"""Historical ledger import: valid ledgers, every invalid-row kind, all-or-nothing, dry run,
the names of namesakes and of people who left, CLI and web upload alike."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.meetings import ledger, rules, services
from zhibu.meetings.ledger import COLUMNS, NameRef, Person
from zhibu.meetings.models import (
    Attendance,
    AttendanceRole,
    LeaveState,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesState,
)
from zhibu.meetings.tests.conftest import plan
from zhibu.members.models import Member
from zhibu.members.rules import RuleError
from zhibu.members.services import (
    member_create,
    member_status_change,
    member_transfer_accept,
    member_transfer_out,
)
from zhibu.orgs.services import organization_close, organization_create
from zhibu.testing import make_id_number, member_values

HEADER = list(COLUMNS)


def row(**cells: Any) -> list[Any]:
    """A row in HEADER order; a valid 主题党日 of the cast's branch unless told otherwise."""
    values = {
        "会议类型": "主题党日",
        "日期": "2024-03-10",
        "主题": "学习贯彻全国两会精神",
        "主持人": "石书记",
        "出席": "石书记、梅党员",
        **cells,
    }
    return [values.get(c, "") for c in HEADER]


def xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(cast: Cast, data: bytes, dry_run: bool = False) -> Any:
    header_errors, rows = ledger.read_ledger(io.BytesIO(data))
    return ledger.meeting_ledger_import(
        actor=cast.secretary,
        branch=cast.branch,
        rows=rows,
        header_errors=header_errors,
        dry_run=dry_run,
    )


def add(cast: Cast, name: str, **values: Any) -> Member:
    return member_create(actor=None, branch=cast.branch, values=member_values(name=name, **values))


@pytest.fixture
def namesakes(cast: Cast) -> tuple[Member, Member]:
    """Two 张伟 in 第一党支部."""
    return add(cast, "张伟"), add(cast, "张伟")


def local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None)


# --- a valid ledger -------------------------------------------------------------------------


def test_it_imports_a_valid_ledger_as_held_meetings_with_confirmed_minutes(
    cast: Cast, namesakes: tuple[Member, Member]
) -> None:
    zhang = namesakes[0]
    data = xlsx(
        [
            row(
                出席=f"石书记、梅党员，张伟({zhang.id_number_tail})",
                请假="裴同志（外出务工）",
                缺席="无",
                列席="艾积极、王村长（村委会主任）",
                记录人="梅党员",
                内容摘要="集中学习；重温入党誓词；交纳党费。",
            ),
            row(
                会议类型="党小组会",
                党小组="第一党小组",
                日期=dt.date(2024, 3, 15),
                开始时间="14:30:00",
                主题="学习党章第一章",
                主持人="梅党员",
                出席="梅党员",
                缺席="裴同志",
            ),
            row(
                会议类型="支部委员会会议",
                日期="2024年4月2日",
                开始时间=dt.time(19, 0),
                主题="研究发展党员工作",
                出席="石书记",
            ),
        ]
    )
    meetings, events = Meeting.objects.count(), AuditEvent.objects.count()
    result = run(cast, data)
    assert result.ok and result.written, result.error_lines()
    assert result.summary() == (
        "已导入 3 次会议：支部委员会会议 1 次，党小组会 1 次，主题党日 1 次；出席情况 9 人次"
    )
    assert Meeting.objects.count() == meetings + 3

    day = Meeting.objects.get(kind="theme_day", imported=True)
    assert day.status == MeetingStatus.HELD and day.branch == cast.branch and day.group is None
    assert local(day.starts_at) == dt.datetime(2024, 3, 10, 9, 0)  # no time given: 09:00
    assert local(day.ends_at) == dt.datetime(2024, 3, 10, 11, 0)  # and two hours
    assert day.host and day.host.name == "石书记" and day.recorder and day.recorder.name == "梅党员"
    assert list(day.agenda.values_list("title", flat=True)) == ["学习贯彻全国两会精神"]

    minutes = Minutes.objects.get(meeting=day)
    assert minutes.version == 1 and minutes.state == MinutesState.CONFIRMED
    assert minutes.confirmed_by == cast.secretary and minutes.confirmed_at is not None
    assert minutes.content == {
        "items": [
            {
                "title": "学习贯彻全国两会精神",
                "is_first_topic": False,
                "content": "集中学习；重温入党誓词；交纳党费。",
            }
        ],
        "resolutions": [],
        "summary": "",
    }
    # The attendance frozen in the minutes is what the meetings service computes.
    assert minutes.attendance == services.attendance_summary(day)
    assert minutes.attendance["expected"] == 4 and minutes.attendance["present"] == 3
    assert minutes.attendance["present_names"] == ["石书记", "梅党员", "张伟"]
    assert minutes.attendance["leave_names"] == [{"name": "裴同志", "reason": "外出务工"}]
    assert minutes.attendance["observers"] == [
        {"name": "艾积极", "title": "", "present": True},
        {"name": "王村长", "title": "村委会主任", "present": True},
    ]

    rows = {a.name: a for a in Attendance.objects.filter(meeting=day).select_related("member")}
    assert set(rows) == {"石书记", "梅党员", "张伟", "裴同志", "艾积极", "王村长"}
    mei = rows["梅党员"]
    assert mei.status == "present" and mei.role == AttendanceRole.ATTENDEE and mei.voting
    assert mei.participated_on == dt.date(2024, 3, 10) and mei.sign_method == "import"
    assert rows["张伟"].member == zhang
    pei = rows["裴同志"]
    assert pei.status == "leave" and pei.leave_state == LeaveState.APPROVED
    assert pei.leave_reason == "外出务工" and pei.participated_on is None
    assert rows["艾积极"].role == AttendanceRole.OBSERVER and rows["艾积极"].member is not None
    assert rows["王村长"].member is None and rows["王村长"].guest_title == "村委会主任"
    # Expected members the ledger does not name are not made up as absent.
    assert not Attendance.objects.filter(meeting=day, member=namesakes[1]).exists()

    group = Meeting.objects.get(kind="group_meeting", imported=True)
    assert group.group == cast.group and local(group.starts_at) == dt.datetime(2024, 3, 15, 14, 30)
    absent = Attendance.objects.get(meeting=group, member=cast.peer)
    assert absent.status == "absent" and absent.participated_on is None
    committee = Meeting.objects.get(kind="committee_meeting", imported=True)
    assert local(committee.starts_at) == dt.datetime(2024, 4, 2, 19, 0)  # an Excel time cell

    # One event per meeting and one for the import; none per attendance row.
    assert AuditEvent.objects.count() == events + 4
    assert AuditEvent.objects.filter(verb="meeting.import").count() == 3
    event = AuditEvent.objects.get(verb="meeting.import", object_id=str(day.pk))
    assert event.changes["source"] == [None, "纸质台账导入（第2行）"]
    assert event.changes["attendance"] == [None, "应到4 实到3 请假1 缺席0"]
    summary = AuditEvent.objects.get(verb="ledger.import")
    assert summary.actor == cast.secretary and summary.changes["rows"] == [None, 3]
    assert summary.changes["attendance"] == [None, 9]


def test_it_gives_no_vote_to_whom_was_still_probationary_that_day(cast: Cast) -> None:
    add(cast, "预备期", joined_on=dt.date(2023, 9, 1), full_on=dt.date(2024, 9, 1))
    assert run(cast, xlsx([row(会议类型="支部党员大会", 出席="石书记、预备期")])).ok
    rows = Attendance.objects.filter(meeting__imported=True).select_related("member")
    assert {a.name: a.voting for a in rows} == {"石书记": True, "预备期": False}


def test_it_matches_members_who_have_left_the_branch_since(cast: Cast) -> None:
    """A ledger is history: those transferred out, in or out of zhibu, or deceased still match."""
    away = add(cast, "外转出")
    member_transfer_out(actor=None, member=away, on=dt.date(2025, 1, 5), to_name="外县某支部")
    moved = add(cast, "调邻支")
    transfer = member_transfer_out(
        actor=None, member=moved, on=dt.date(2025, 1, 5), to_org=cast.sibling
    )
    member_transfer_accept(actor=None, transfer=transfer, on=dt.date(2025, 1, 6))
    gone = add(cast, "已故者")
    member_status_change(actor=None, member=gone, to="deceased", on=dt.date(2025, 2, 1))
    result = run(cast, xlsx([row(出席="石书记、外转出、调邻支", 缺席="已故者")]))
    assert result.ok, result.error_lines()
    names = set(Attendance.objects.filter(meeting__imported=True).values_list("member", flat=True))
    assert names >= {away.pk, moved.pk, gone.pk}


def test_it_does_not_match_another_branchs_member(cast: Cast) -> None:
    result = run(cast, xlsx([row(出席="石书记、欧邻支")]))
    assert result.error_lines() == [
        "第2行 出席: 本支部花名册中没有“欧邻支”（已转出、去世的人员也已核对）；"
        "非本支部人员请填在“列席”列"
    ]


@pytest.mark.parametrize("kind", list(rules.KIND_LABELS.values()))
def test_it_freezes_the_attendance_as_the_meetings_service_computes_it(
    cast: Cast, kind: str
) -> None:
    add(cast, "预备期", joined_on=dt.date(2023, 9, 1), full_on=dt.date(2024, 9, 1))
    cells = {"党小组": "第一党小组"} if kind == "党小组会" else {}
    data = xlsx(
        [
            row(
                会议类型=kind,
                出席="石书记、预备期",
                请假="梅党员（病假）",
                缺席="裴同志",
                列席="艾积极（入党积极分子）、王村长",
                **cells,
            )
        ]
    )
    assert run(cast, data).written
    meeting = Meeting.objects.get(imported=True)
    frozen = Minutes.objects.get(meeting=meeting).attendance
    assert frozen == services.attendance_summary(meeting)
    assert ("quorum" in frozen) is (kind in ("支部党员大会", "支部委员会会议"))


def test_it_imports_in_a_number_of_queries_that_does_not_grow_with_the_file(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(first_day: dt.date, n: int) -> int:
        rows = [
            row(日期=(first_day + dt.timedelta(days=i)).isoformat(), 请假="裴同志", 列席="王村长")
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as ctx:
            assert run(cast, xlsx(rows)).written
        return len(ctx.captured_queries)

    assert queries(dt.date(2020, 1, 1), 2) == queries(dt.date(2021, 1, 1), 40)


# --- names ------------------------------------------------------------------------------


def test_it_asks_for_the_id_tail_when_two_members_share_a_name(
    cast: Cast, namesakes: tuple[Member, Member]
) -> None:
    result = run(cast, xlsx([row(出席="石书记、张伟")]))
    assert result.error_lines() == [
        "第2行 出席: 本支部有2人名为“张伟”，请在姓名后写明身份证号后四位，如 张伟(123X)"
    ]
    second = namesakes[1]
    result = run(cast, xlsx([row(出席=f"石书记、张伟（{second.id_number_tail.lower()}）")]))
    assert result.ok and result.written, result.error_lines()
    assert Attendance.objects.filter(meeting__imported=True, member=second).exists()
    assert not Attendance.objects.filter(meeting__imported=True, member=namesakes[0]).exists()


def test_it_refuses_an_id_tail_that_matches_neither_namesake(
    cast: Cast, namesakes: tuple[Member, Member]
) -> None:
    tail = "000X" if "000X" not in {m.id_number_tail for m in namesakes} else "001X"
    result = run(cast, xlsx([row(主持人=f"张伟({tail})")]))
    assert result.error_lines() == [
        f"第2行 主持人: 本支部花名册中没有身份证号后四位为{tail}的“张伟”"
    ]


# --- every invalid-row kind, each writing nothing ---------------------------------------------

KINDS = "支部党员大会、支部委员会会议、党小组会、党课、主题党日、组织生活会"
BAD = [
    (row(会议类型=""), "第3行 会议类型: 必填"),
    (row(会议类型="民主生活会"), f"第3行 会议类型: 应为 {KINDS} 之一"),
    (row(会议类型="党小组会"), "第3行 党小组: 党小组会必须填写党小组"),
    (
        row(会议类型="党小组会", 党小组="第九党小组"),
        "第3行 党小组: 本支部没有名为“第九党小组”的党小组",
    ),
    (row(党小组="第一党小组"), "第3行 党小组: 只有党小组会填写党小组，其他会议请留空"),
    (row(日期=""), "第3行 日期: 必填"),
    (row(日期="2099-01-01"), "第3行 日期: 2099-01-01 晚于今天，不能是将来的日期"),
    (row(日期="2024-02-30"), "第3行 日期: “2024-02-30”不是真实的日期"),
    (row(日期="1900-01-01"), "第3行 日期: 1900-01-01 早于建党日期，请核对"),
    (row(开始时间="25:00"), "第3行 开始时间: “25:00”不是时间，请写成 14:30 的格式"),
    (row(主题=""), "第3行 主题: 必填"),
    (row(主题="长" * 201), "第3行 主题: 不能超过200个字"),
    (row(主持人="石书记、梅党员"), "第3行 主持人: 只能填写一人"),
    (
        row(主持人="王某"),
        "第3行 主持人: 本支部花名册中没有“王某”；主持人须是本支部人员（含已转出的）",
    ),
    (
        row(出席="石书记、王某"),
        "第3行 出席: 本支部花名册中没有“王某”（已转出、去世的人员也已核对）；"
        "非本支部人员请填在“列席”列",
    ),
    (
        row(缺席="石书记"),
        "第3行 缺席: “石书记”已填在“出席”列：同一人只能填在出席、请假、缺席、列席中的一列",
    ),
    (
        row(列席="梅党员"),
        "第3行 列席: “梅党员”已填在“出席”列：同一人只能填在出席、请假、缺席、列席中的一列",
    ),
    (row(出席="石书记、石书记"), "第3行 出席: “石书记”填写了两次"),
    (row(出席="石书记、艾积极"), "第3行 出席: 艾积极不是党员，请填在“列席”列"),
    (
        row(出席="石书记（病假）"),
        "第3行 出席: “石书记（病假）”括号中应为身份证号后四位，如 张伟(123X)",
    ),
    (row(出席="石书记(123X"), "第3行 出席: “石书记(123X”的括号不完整"),
    (row(), "第3行 主题: 与第2行是同一次会议（类型、党小组、日期、主题都相同）"),
]


@pytest.mark.parametrize(
    ("bad", "line"), BAD, ids=[f"{i}-{line[4:]}" for i, (_, line) in enumerate(BAD)]
)
def test_it_reports_each_invalid_row_kind_and_writes_nothing(
    cast: Cast, bad: list[Any], line: str
) -> None:
    """All or nothing: one bad row among good ones, and no meeting, minutes or event is written."""
    counts = (Meeting.objects.count(), Minutes.objects.count(), Attendance.objects.count())
    events = AuditEvent.objects.count()
    good_after = row(日期="2024-05-10", 主题="五月主题党日")
    result = run(cast, xlsx([row(), bad, good_after]))
    assert not result.ok and not result.written
    assert result.error_lines() == [line]
    assert (Meeting.objects.count(), Minutes.objects.count(), Attendance.objects.count()) == counts
    assert AuditEvent.objects.count() == events


def test_it_refuses_a_person_who_joined_after_the_meeting(cast: Cast) -> None:
    add(cast, "新党员", joined_on=dt.date(2024, 6, 1), full_on=None, category="probationary")
    result = run(cast, xlsx([row(出席="石书记、新党员")]))
    assert result.error_lines() == ["第2行 出席: 新党员在会议当天还不是党员，请填在“列席”列"]


def test_it_reports_every_problem_of_every_row_at_once(cast: Cast) -> None:
    result = run(cast, xlsx([row(会议类型="座谈会", 日期="明天"), row(出席="王某", 主题="")]))
    assert result.error_lines() == [
        f"第2行 会议类型: 应为 {KINDS} 之一",
        "第2行 日期: “明天”不是日期，请写成 2020-07-01 的格式",
        "第3行 主题: 必填",
        "第3行 出席: 本支部花名册中没有“王某”（已转出、去世的人员也已核对）；"
        "非本支部人员请填在“列席”列",
    ]


def test_it_refuses_a_meeting_already_in_the_database(cast: Cast) -> None:
    assert run(cast, xlsx([row()])).written
    again = run(cast, xlsx([row(日期="2024-04-10", 主题="四月"), row()]))
    assert again.error_lines() == [
        "第3行 主题: 系统中已有这次会议（2024-03-10 主题党日「学习贯彻全国两会精神」），不能重复导入"
    ]
    assert Meeting.objects.filter(imported=True).count() == 1


def test_it_refuses_a_meeting_planned_in_zhibu_on_that_day(cast: Cast) -> None:
    start = timezone.now() - dt.timedelta(days=3)
    meeting = plan(cast, title="已安排的会议", start=start)
    result = run(cast, xlsx([row(日期=meeting.date.isoformat(), 主题="已安排的会议")]))
    assert not result.ok and "系统中已有这次会议" in result.error_lines()[0]


def test_it_allows_the_same_title_for_another_group_or_day(cast: Cast) -> None:
    g2 = organization_create(
        actor=None, code="T-G2", name="第二党小组", kind="group", parent=cast.branch
    )
    assert g2.pk
    rows = [
        row(会议类型="党小组会", 党小组="第一党小组", 主持人="", 出席="梅党员"),
        row(会议类型="党小组会", 党小组="第二党小组", 主持人="", 出席="梅党员"),
        row(日期="2024-03-11"),
    ]
    assert run(cast, xlsx(rows)).ok


def test_it_writes_nothing_on_a_dry_run(cast: Cast) -> None:
    meetings, events = Meeting.objects.count(), AuditEvent.objects.count()
    result = run(cast, xlsx([row(), row(日期="2024-04-10")]), dry_run=True)
    assert result.ok and not result.written
    assert result.summary() == "检查通过，可导入 2 次会议：主题党日 2 次；出席情况 4 人次"
    assert Meeting.objects.count() == meetings and AuditEvent.objects.count() == events


def test_it_checks_the_header_row(cast: Cast) -> None:
    result = run(cast, xlsx([["主题党日", "x"]], header=["会议类型", "地点"]))
    assert result.error_lines() == [
        "第1行 地点: 不是模板中的列名（可用列：" + "、".join(COLUMNS) + "）",
        "第1行 日期: 缺少必填列",
        "第1行 主题: 缺少必填列",
    ]


def test_it_accepts_columns_in_any_order_starred_headers_and_blank_rows(cast: Cast) -> None:
    header = ["主题*", "出席", "日期*", "会议类型*"]
    rows: list[list[Any]] = [
        ["学习", "石书记", "2024-03-10", "主题党日"],
        [None] * 4,
        ["党课", "", "2024-03-11", "党课"],
    ]
    result = run(cast, xlsx(rows, header=header))
    assert result.ok and result.written and sum(result.counts.values()) == 2


def test_it_reports_an_empty_sheet(cast: Cast) -> None:
    assert run(cast, xlsx([])).error_lines() == ["第2行 会议类型: 表格中没有数据行"]


def test_it_refuses_a_file_that_is_not_xlsx() -> None:
    with pytest.raises(ledger.LedgerFileError, match="请上传 Excel 表格"):
        ledger.read_ledger(io.BytesIO(b"kind,date\n"))


def test_it_imports_only_into_a_branch(cast: Cast) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ledger.meeting_ledger_import(actor=None, branch=cast.committee, rows=[])


# --- pure rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("张三、李四", ["张三", "李四"]),
        ("张三，李四,王五;赵六\n孙七", ["张三", "李四", "王五", "赵六", "孙七"]),
        ("张　伟、 李 四 ", ["张伟", "李四"]),  # names padded to line up on paper
        ("李四（村委会主任，兼会计）、王五", ["李四（村委会主任，兼会计）", "王五"]),
        ("无", []),
        ("—", []),
        (None, []),
        ("、、张三、", ["张三"]),
    ],
)
def test_it_splits_names(cell: Any, names: list[str]) -> None:
    assert ledger.split_names(cell) == names


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("张伟", NameRef("张伟", "张伟")),
        ("张伟(123x)", NameRef("张伟(123x)", "张伟", tail="123X")),
        ("张伟（1234）", NameRef("张伟（1234）", "张伟", tail="1234")),
        ("赵强（外出务工）", NameRef("赵强（外出务工）", "赵强", note="外出务工")),
        ("张伟(123X)（病假）", NameRef("张伟(123X)（病假）", "张伟", tail="123X", note="病假")),
    ],
)
def test_it_parses_a_name_with_its_id_tail_and_note(text: str, ref: NameRef) -> None:
    assert ledger.parse_name(text) == ref


@pytest.mark.parametrize(
    ("cell", "time"),
    [
        ("14:30", dt.time(14, 30)),
        ("14:30:00", dt.time(14, 30)),
        ("9:05", dt.time(9, 5)),
        ("14：30", dt.time(14, 30)),
        ("14点30分", dt.time(14, 30)),
        ("19点", dt.time(19, 0)),
        (dt.time(19, 0), dt.time(19, 0)),
        (dt.datetime(2024, 1, 1, 8, 15), dt.time(8, 15)),
        (0.5, dt.time(12, 0)),
    ],
)
def test_it_reads_start_times(cell: Any, time: dt.time) -> None:
    assert ledger.parse_time(cell) == time


@pytest.mark.parametrize("cell", ["25:00", "14:61", "下午", "1430", 2.5])
def test_it_refuses_what_is_not_a_time(cell: Any) -> None:
    with pytest.raises(RuleError, match="不是时间"):
        ledger.parse_time(cell)


def test_it_finds_people_by_name_and_tail() -> None:
    a = Person(1, "张伟", "123X", "full")
    b = Person(2, "张伟", "4567", "full")
    roster = ledger.roster_index([a, b, Person(3, "李四", "0001", "full")])
    assert ledger.find_person(NameRef("李四", "李四"), roster).id == 3  # type: ignore[union-attr]
    assert ledger.find_person(NameRef("张伟", "张伟", tail="4567"), roster) == b
    assert ledger.find_person(NameRef("王五", "王五"), roster) is None
    with pytest.raises(RuleError, match="请在姓名后写明身份证号后四位"):
        ledger.find_person(NameRef("张伟", "张伟"), roster)
    with pytest.raises(RuleError, match="没有身份证号后四位为0000的"):
        ledger.find_person(NameRef("张伟", "张伟", tail="0000"), roster)


@pytest.mark.parametrize(
    ("category", "joined", "full", "day", "member", "vote"),
    [
        ("full", dt.date(2010, 7, 1), dt.date(2011, 7, 1), dt.date(2011, 7, 1), True, True),
        ("full", dt.date(2010, 7, 1), dt.date(2011, 7, 1), dt.date(2011, 6, 30), True, False),
        ("full", dt.date(2010, 7, 1), None, dt.date(2010, 7, 1), True, True),
        ("full", dt.date(2010, 7, 1), None, dt.date(2010, 6, 30), False, False),
        ("probationary", dt.date(2024, 1, 1), None, dt.date(2024, 6, 1), True, False),
        ("activist", None, None, dt.date(2024, 6, 1), False, False),
    ],
)
def test_it_knows_who_was_a_party_member_and_had_a_vote_that_day(
    category: str,
    joined: dt.date | None,
    full: dt.date | None,
    day: dt.date,
    member: bool,
    vote: bool,
) -> None:
    p = Person(1, "某", "0001", category, joined_on=joined, full_on=full)
    assert ledger.party_member_on(p, day) is member
    assert ledger.had_vote_on(p, day) is vote


def test_it_refuses_a_meeting_later_today() -> None:
    now = dt.datetime(2026, 3, 10, 14, 0)
    cells = dict(zip(HEADER, row(日期="2026-03-10", 开始时间="15:00"), strict=True))
    assert ledger.validate_row(cells, now=now, groups=frozenset()).errors == [
        ("开始时间", "15:00 还没有到，不能导入尚未召开的会议")
    ]
    cells["开始时间"] = "13:30"
    assert ledger.validate_row(cells, now=now, groups=frozenset()).errors == []


def test_it_takes_the_time_from_a_date_cell_that_has_one() -> None:
    cells = dict(zip(HEADER, row(日期=dt.datetime(2024, 3, 10, 19, 30)), strict=True))
    checked = ledger.validate_row(cells, now=dt.datetime(2026, 1, 1), groups=frozenset())
    assert checked.values["start"] == dt.time(19, 30) and checked.values["date"] == dt.date(
        2024, 3, 10
    )


# --- the web page -----------------------------------------------------------------------


def upload(data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = "ledger.xlsx"
    return f


def test_it_shows_the_row_errors_as_a_table_in_the_web_upload(cast: Cast, client_as: Any) -> None:
    data = xlsx([row(), row(日期="2024-04-10", 出席="石书记、王某")])
    response = client_as("secretary").post(
        reverse("meetings:import", args=[cast.branch.code]), {"file": upload(data)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "发现 1 处问题，未导入任何数据" in html and "第3行" in html and "王某" in html
    assert 'class="upload"' in html and 'name="dry_run"' in html
    assert not Meeting.objects.filter(imported=True).exists()


def test_it_checks_only_on_a_dry_run_through_the_web(cast: Cast, client_as: Any) -> None:
    response = client_as("secretary").post(
        reverse("meetings:import", args=[cast.branch.code]),
        {"file": upload(xlsx([row()])), "dry_run": "1"},
    )
    assert response.status_code == 200
    assert "检查通过，可导入 1 次会议" in response.content.decode()
    assert not Meeting.objects.filter(imported=True).exists()


def test_it_imports_through_the_web_and_redirects_to_the_meetings(
    cast: Cast, client_as: Any
) -> None:
    response = client_as("committee_officer").post(
        reverse("meetings:import", args=[cast.branch.code]), {"file": upload(xlsx([row()]))}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:branch", args=[cast.branch.code])
    assert Meeting.objects.filter(imported=True, branch=cast.branch).count() == 1
    assert AuditEvent.objects.get(verb="ledger.import").actor == cast.committee_officer


def test_it_asks_for_a_file_and_explains_a_bad_one(cast: Cast, client_as: Any) -> None:
    url = reverse("meetings:import", args=[cast.branch.code])
    response = client_as("secretary").post(url, {})
    assert response.status_code == 400 and "请选择要上传的 .xlsx 文件" in response.content.decode()
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    response = client_as("secretary").post(url, {"file": bad})
    assert response.status_code == 400 and "无法读取该文件" in response.content.decode()


def test_it_refuses_the_page_for_a_committee_or_a_closed_branch(cast: Cast, client_as: Any) -> None:
    officer = client_as("committee_officer")
    response = officer.get(reverse("meetings:import", args=[cast.committee.code]))
    assert response.status_code == 403
    empty = organization_create(
        actor=None, code="T-B9", name="将撤销支部", kind="branch", parent=cast.committee,
        unit_type="village",
    )  # fmt: skip
    organization_close(actor=None, organization=empty, closed_on=timezone.localdate())
    assert officer.get(reverse("meetings:import", args=[empty.code])).status_code == 403


def test_it_offers_a_template_with_the_columns_and_examples(cast: Cast, client_as: Any) -> None:
    response = client_as("secretary").get(reverse("meetings:ledger_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    # The examples read cleanly; only their names are not on this branch's roster.
    header_errors, rows = ledger.read_ledger(io.BytesIO(response.content))
    assert header_errors == []
    checked = [
        ledger.validate_row(r, now=dt.datetime(2026, 1, 1), groups=frozenset({"第一党小组"}))
        for _, r in rows
    ]
    assert [c.errors for c in checked] == [[], []]


# --- the command line -------------------------------------------------------------------


@pytest.mark.slow
def test_it_exits_1_with_row_lines_from_the_command_line(
    tmp_path: Path, transactional_db: Any
) -> None:
    """End to end in a subprocess: the exit status and the exact lines a script sees."""
    env = {**os.environ, "ZHIBU_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)  # its own SQLite database, migrated below

    def zhibu(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "zhibu", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert zhibu("migrate", "-v0").returncode == 0
    for args in (
        ("--code", "C", "--name", "镇党委", "--kind", "committee"),
        ("--code", "B", "--name", "支部", "--kind", "branch", "--parent", "C"),
    ):
        assert zhibu("org", "add", *args).returncode == 0
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(
        xlsx(
            [
                [name, make_id_number(dt.date(1985, 3, 7), serial), "正式党员", "2010-07-01"]
                for serial, name in enumerate(["王一", "李二"], start=1)
            ],
            header=["姓名", "身份证号", "人员类别", "入党日期"],
        )
    )
    assert zhibu("import-members", str(roster), "--org", "B").returncode == 0

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(
        xlsx(
            [
                row(主持人="王一", 出席="王一、李二"),
                row(会议类型="座谈会", 主持人="王一", 出席="王一、赵某"),
            ]
        )
    )
    out = zhibu("import-meetings", str(bad), "--org", "B")
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        f"第3行 会议类型: 应为 {KINDS} 之一",
        "第3行 出席: 本支部花名册中没有“赵某”（已转出、去世的人员也已核对）；"
        "非本支部人员请填在“列席”列",
    ]
    assert out.stdout == ""

    good = tmp_path / "good.xlsx"
    good.write_bytes(
        xlsx([row(主持人="王一", 出席="王一、李二"), row(主持人="", 会议类型="党课", 出席="王一")])
    )
    dry = zhibu("import-meetings", str(good), "--org", "B", "--dry-run")
    assert dry.returncode == 0 and dry.stdout.strip() == (
        "检查通过，可导入 2 次会议：党课 1 次，主题党日 1 次；出席情况 3 人次（试运行，未写入）"
    )
    done = zhibu("import-meetings", str(good), "--org", "B")
    assert done.returncode == 0 and done.stdout.strip() == (
        "已导入 2 次会议：党课 1 次，主题党日 1 次；出席情况 3 人次"
    )
    again = zhibu("import-meetings", str(good), "--org", "B")
    assert again.returncode == 1
    assert again.stderr.splitlines() == [
        "第2行 主题: 系统中已有这次会议（2024-03-10 主题党日「学习贯彻全国两会精神」），不能重复导入",
        "第3行 主题: 系统中已有这次会议（2024-03-10 党课「学习贯彻全国两会精神」），不能重复导入",
    ]
    committee = zhibu("import-meetings", str(good), "--org", "C")
    assert committee.returncode == 1 and "不是党支部" in committee.stderr


# --- in a real browser ------------------------------------------------------------------


@pytest.mark.browser
def test_it_shows_the_secretary_the_ledger_errors_on_a_desk_and_a_phone(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path, tmp_path: Path
) -> None:
    from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
    from zhibu.conftest import PASSWORD, build_cast

    cast = build_cast()
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(
        xlsx(
            [
                row(),
                row(日期="2099-01-01", 出席="石书记、王某"),
                row(会议类型="党小组会", 主题="学习党章", 出席="梅党员、艾积极"),
            ]
        )
    )
    url = f"{live_server.url}{reverse('meetings:import', args=[cast.branch.code])}"
    for name, viewport in (("desk", DESKTOP), ("phone", PHONE)):
        page = new_page(browser, viewport)
        login(page, live_server.url, "secretary", PASSWORD)
        page.goto(url)
        page.set_input_files("input[name=file]", str(bad))
        assert page.inner_text(".upload-name") == "台账.xlsx"
        page.click("main button[type=submit]")
        page.wait_for_selector(".error-table")
        text = page.inner_text("#import-result")
        assert "发现 4 处问题，未导入任何数据" in text and "第4行" in text
        assert no_horizontal_scroll(page)
        shot(page, test_output, f"meetings-ledger-import-errors-{name}")
        page.context.close()
    assert not Meeting.objects.filter(imported=True).exists()


def test_it_gives_no_vote_to_a_member_under_party_probation_that_day(cast: Cast) -> None:
    from zhibu.members.services import member_party_probation_set

    member_party_probation_set(
        actor=None, member=cast.peer, to="party_probation", on=dt.date(2024, 5, 1),
        note="镇纪委〔2024〕2号",
    )  # fmt: skip
    data = xlsx(
        [
            row(会议类型="支部党员大会", 日期="2024-04-10", 出席="石书记、梅党员、裴同志"),
            row(会议类型="支部党员大会", 日期="2024-06-10", 出席="石书记、梅党员、裴同志"),
        ]
    )
    assert run(cast, data).written
    votes = dict(
        Attendance.objects.filter(member=cast.peer).values_list(
            "meeting__starts_at__month", "voting"
        )
    )
    assert votes == {4: True, 6: False}
