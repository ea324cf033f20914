"""Roster import: every invalid-row kind, all-or-nothing, dry run, CLI and web upload alike."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.members import roster
from zhibu.members.models import Member
from zhibu.members.rules import COLUMNS
from zhibu.testing import make_id_number

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "人员类别", "入党日期", "转正日期", "手机号", "党小组"]


def row(
    name: str,
    serial: int,
    category: str = "正式党员",
    joined: str = "2010-07-01",
    full: str = "2011-07-02",
    phone: str = "13800138000",
    group: str = "",
) -> list[Any]:
    return [name, make_id_number(dt.date(1985, 3, 7), serial), category, joined, full, phone, group]


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
    from zhibu.members.services import roster_import

    header_errors, rows = roster.read_roster(io.BytesIO(data))
    return roster_import(
        actor=cast.secretary,
        branch=cast.branch,
        rows=rows,
        header_errors=header_errors,
        dry_run=dry_run,
    )


GOOD_ROWS = [
    row("王一", 1),
    row("李二", 2, "预备党员", joined="2026-03-01", full=""),
    row("张三", 3, "入党积极分子", joined="", full="", group="第一党小组"),
]


def test_it_imports_every_row_and_counts_by_category(cast: Cast) -> None:
    before = Member.objects.count()
    result = run(cast, xlsx(GOOD_ROWS))
    assert result.ok and result.written
    assert Member.objects.count() == before + 3
    assert result.summary() == "已导入 3 人：正式党员 1 人，预备党员 1 人，入党积极分子 1 人"
    zhang = Member.objects.get(name="张三")
    assert zhang.group == cast.group and zhang.branch == cast.branch
    assert zhang.in_branch_since == dt.date.today()  # noqa: DTZ011  (not yet a member: since the import)
    assert Member.objects.get(name="王一").in_branch_since == dt.date(2010, 7, 1)
    # One event per member for their history, and one for the import itself.
    assert AuditEvent.objects.filter(verb="member.create", object_id=str(zhang.pk)).exists()
    assert AuditEvent.objects.get(verb="roster.import").changes["rows"] == [None, 3]


BAD = [
    (row("", 11), "第3行 姓名: 必填"),
    (row("甲", 12)[:1] + ["11010519850307001X"] + row("甲", 12)[2:], "第3行 身份证号: 校验位错误"),
    (row("乙", 13, phone="1234"), "第3行 手机号: 应为以1开头"),
    (row("丙", 14, category="群众"), "第3行 人员类别: 应为 正式党员"),
    (row("丁", 15, joined=""), "第3行 入党日期: 正式党员必须填写入党日期"),
    (row("戊", 16, joined="2099-01-01", full=""), "第3行 入党日期: 2099-01-01 晚于今天"),
    (row("己", 17, full="2010-12-31"), "第3行 转正日期: 应在入党满1年之后"),
    (
        row("庚", 18, category="预备党员", joined="2026-01-05", full="2026-06-01"),
        "第3行 转正日期: 只有正式党员才有转正日期",
    ),
    (row("辛", 19, group="第九党小组"), "第3行 党小组: 本支部没有名为“第九党小组”的党小组"),
    (row("壬", 1), "第3行 身份证号: 与第2行重复"),
    (
        ["癸", make_id_number(dt.date(2010, 1, 1), 20), "入党申请人", "", "", "", ""],
        "第3行 身份证号: 按出生日期计算未满18周岁",
    ),
    (
        [
            "子",
            make_id_number(dt.date(1985, 1, 1), 21),
            "正式党员",
            "2002-01-01",
            "2003-01-01",
            "",
            "",
        ],
        "第3行 入党日期: 入党时未满18周岁",
    ),
    (["丑", "2020-13-01", "正式党员", "2010-07-01", "", "", ""], "第3行 身份证号: 应为18位"),
]


@pytest.mark.parametrize(
    ("bad", "line"), BAD, ids=[line.split(": ")[0][4:] + str(i) for i, (_, line) in enumerate(BAD)]
)
def test_it_reports_each_invalid_row_kind_and_writes_nothing(
    cast: Cast, bad: list[Any], line: str
) -> None:
    members, events = Member.objects.count(), AuditEvent.objects.count()
    result = run(cast, xlsx([row("王一", 1), bad, row("赵四", 4)]))
    assert not result.ok and not result.written
    assert any(e.startswith(line) for e in result.error_lines()), result.error_lines()
    assert Member.objects.count() == members
    assert AuditEvent.objects.count() == events


def test_it_refuses_an_id_already_on_any_roster(cast: Cast) -> None:
    other_id = cast.other.member.id_number  # type: ignore[union-attr]
    result = run(cast, xlsx([["重名", other_id, "正式党员", "2005-07-01", "", "", ""]]))
    assert result.error_lines() == [
        "第2行 身份证号: 该身份证号已在系统花名册中；如是转入人员，请办理组织关系转入"
    ]


def test_it_checks_the_header_row(cast: Cast) -> None:
    result = run(cast, xlsx([["王一", "x"]], header=["姓名", "手机"]))
    lines = result.error_lines()
    assert "第1行 手机: 不是模板中的列名（可用列：" + "、".join(COLUMNS) + "）" in lines
    assert "第1行 身份证号: 缺少必填列" in lines and "第1行 人员类别: 缺少必填列" in lines


def test_it_accepts_columns_in_any_order_and_skips_blank_rows(cast: Cast) -> None:
    header = list(reversed(HEADER))
    rows = [list(reversed(row("王一", 1))), [None] * len(HEADER), list(reversed(row("李二", 2)))]
    result = run(cast, xlsx(rows, header=header))
    assert result.ok and sum(result.counts.values()) == 2


def test_it_writes_nothing_on_a_dry_run(cast: Cast) -> None:
    members = Member.objects.count()
    result = run(cast, xlsx(GOOD_ROWS), dry_run=True)
    assert result.ok and not result.written
    assert result.summary().startswith("检查通过，可导入 3 人")
    assert Member.objects.count() == members


def test_it_reports_an_empty_sheet(cast: Cast) -> None:
    assert run(cast, xlsx([])).error_lines() == ["第2行 姓名: 表格中没有数据行"]


def test_it_refuses_a_file_that_is_not_xlsx() -> None:
    with pytest.raises(roster.RosterFileError, match="请上传 Excel 表格"):
        roster.read_roster(io.BytesIO(b"name,id\n"))


def test_it_offers_a_template_that_imports_cleanly(cast: Cast, client_as: Any) -> None:
    response = client_as("secretary").get(reverse("members:import_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert run(cast, response.content).ok


def test_it_exports_the_roster_in_the_import_columns(cast: Cast, client_as: Any) -> None:
    response = client_as("secretary").get(reverse("members:export", args=[cast.branch.code]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    names = {r[0] for r in rows[1:]}
    assert names == set(Member.objects.filter(branch=cast.branch).values_list("name", flat=True))
    peer = next(r for r in rows[1:] if r[0] == "裴同志")
    assert peer[4] == cast.peer.id_number and peer[5] == "13912345678"  # full values for officers
    assert AuditEvent.objects.filter(verb="roster.export", actor=cast.secretary).exists()


def test_it_shows_the_row_errors_as_a_table_in_the_web_upload(cast: Cast, client_as: Any) -> None:
    data = xlsx([row("王一", 1), row("乙", 13, phone="1234")])
    upload = io.BytesIO(data)
    upload.name = "roster.xlsx"
    response = client_as("secretary").post(
        reverse("members:import", args=[cast.branch.code]), {"file": upload}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "发现 1 处问题，未导入任何数据" in html and "第3行" in html and "手机号" in html
    assert not Member.objects.filter(name="王一").exists()


def test_it_imports_through_the_web_and_redirects_to_the_roster(cast: Cast, client_as: Any) -> None:
    upload = io.BytesIO(xlsx(GOOD_ROWS))
    upload.name = "roster.xlsx"
    response = client_as("secretary").post(
        reverse("members:import", args=[cast.branch.code]), {"file": upload}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "members:list", args=[cast.branch.code]
    )
    assert Member.objects.filter(name__in=["王一", "李二", "张三"]).count() == 3


def test_it_asks_for_a_file(cast: Cast, client_as: Any) -> None:
    response = client_as("secretary").post(reverse("members:import", args=[cast.branch.code]), {})
    assert response.status_code == 400 and "请选择要上传的 .xlsx 文件" in response.content.decode()


@pytest.mark.slow
def test_it_exits_1_with_row_lines_from_the_command_line(
    tmp_path: Path, transactional_db: Any
) -> None:
    """End to end in a subprocess: the exit status and the exact lines a script sees."""
    import os

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
    assert (
        zhibu("org", "add", "--code", "C", "--name", "镇党委", "--kind", "committee").returncode
        == 0
    )
    assert (
        zhibu(
            "org", "add", "--code", "B", "--name", "支部", "--kind", "branch", "--parent", "C"
        ).returncode
        == 0
    )
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row("王一", 1), row("乙", 13, phone="1234"), row("", 14)]))
    out = zhibu("import-members", str(bad), "--org", "B")
    assert out.returncode == 1
    assert out.stderr.splitlines()[:2] == [
        "第3行 手机号: 应为以1开头、第二位为3至9的11位手机号码",
        "第4行 姓名: 必填",
    ]
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(GOOD_ROWS[:2]))
    dry = zhibu("import-members", str(good), "--org", "B", "--dry-run")
    assert dry.returncode == 0 and "检查通过" in dry.stdout and "未写入" in dry.stdout
    done = zhibu("import-members", str(good), "--org", "B")
    assert (
        done.returncode == 0 and done.stdout.strip() == "已导入 2 人：正式党员 1 人，预备党员 1 人"
    )
    again = zhibu("import-members", str(good), "--org", "B")
    assert again.returncode == 1 and "已在系统花名册中" in again.stderr
    assert again.stderr.strip().splitlines() == [
        "第2行 身份证号: 该身份证号已在系统花名册中；如是转入人员，请办理组织关系转入",
        "第3行 身份证号: 该身份证号已在系统花名册中；如是转入人员，请办理组织关系转入",
    ]
    assert zhibu("import-members", str(good), "--org", "C").returncode == 1


def test_it_reads_starred_headers_and_number_dates(cast: Cast) -> None:
    header = ["姓名*", "身份证号*", "人员类别*", "入党日期"]
    data = xlsx(
        [["王五", make_id_number(dt.date(1985, 3, 7), 31), "预备党员", 20260105]], header=header
    )
    result = run(cast, data)
    assert result.ok, result.error_lines()
    assert Member.objects.get(name="王五").joined_on == dt.date(2026, 1, 5)


def test_it_stops_at_a_wrong_header_instead_of_failing_every_row(cast: Cast) -> None:
    data = xlsx([row("王一", 1)[:1], row("李二", 2)[:1]], header=["姓名"])
    assert run(cast, data).error_lines() == [
        "第1行 身份证号: 缺少必填列",
        "第1行 人员类别: 缺少必填列",
    ]


def test_it_names_categories_in_chinese_in_the_history(cast: Cast) -> None:
    run(cast, xlsx(GOOD_ROWS))
    counts = AuditEvent.objects.get(verb="roster.import").changes["counts"][1]
    assert counts == {"正式党员": 1, "预备党员": 1, "入党积极分子": 1}
