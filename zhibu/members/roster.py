"""Roster spreadsheets: reading an upload, writing the template and the export (.xlsx).

Reading uses python-calamine (a Rust reader, ~10× faster than openpyxl on a 40,000-row roster);
writing uses openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhibu.core.xlsx import Row, read_table
from zhibu.members.models import Member
from zhibu.members.rules import CATEGORY_LABEL, COLUMNS, REQUIRED_COLUMNS

EXAMPLE_ROW = {
    "姓名": "张卫国",
    "性别": "男",
    "民族": "汉族",
    "出生日期": "1985-03-07",
    "身份证号": "110101198503070013",
    "手机号": "13800138000",
    "学历": "大学本科",
    "人员类别": "正式党员",
    "入党日期": "2010-07-01",
    "转正日期": "2011-07-01",
    "党小组": "",
    "工作单位及职务": "示范村村委会 会计",
    "转入本支部日期": "",
}
TEXT_COLUMNS = {"身份证号", "手机号"}


class RosterFileError(ValueError):
    """The upload is not a readable .xlsx roster."""


def read_roster(fileobj: IO[bytes]) -> tuple[list[tuple[int, str, str]], Iterator[Row]]:
    """Header problems (as ``(1, column, reason)``) and the data rows keyed by column name
    (``core.xlsx.read_table``)."""
    return read_table(fileobj, columns=COLUMNS, required=REQUIRED_COLUMNS, error=RosterFileError)


def _workbook(title: str) -> tuple[Workbook, Any]:
    wb = Workbook()
    ws = wb.active
    if ws is None:  # a new Workbook always has one sheet; this satisfies the type checker
        ws = wb.create_sheet()
    ws.title = title
    ws.append(list(COLUMNS))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F3F4F6")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
    for i, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = 22 if name in TEXT_COLUMNS or len(name) > 4 else 12
        if name in TEXT_COLUMNS:
            # Text format stops Excel from turning an 18-digit ID into 1.10101E+17.
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A2"
    return wb, ws


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_workbook() -> bytes:
    wb, ws = _workbook("花名册")
    ws.append([EXAMPLE_ROW[c] for c in COLUMNS])
    for cell in ws[2]:
        cell.number_format = "@"
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for line in (
        "带 * 的列必填：姓名*、身份证号*、人员类别*。第1行为列名，列的顺序可以调整。",
        "人员类别填：正式党员、预备党员、发展对象、入党积极分子、入党申请人。",
        "正式党员和预备党员必须填写入党日期；转正日期只填正式党员，且应在入党满一年之后。",
        "日期写成 2020-07-01；身份证号和手机号请用文本格式，以免后几位丢失。",
        "党小组须是本支部已建立的党小组名称；转入本支部日期不填时，党员按入党日期计。",
        "有任何一行不符合要求时，整个文件都不会导入，请按提示修改后重新上传。",
    ):
        notes.append([line])
    return _save(wb)


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def build_workbook(members: Iterable[Member]) -> bytes:
    wb, ws = _workbook("花名册")
    for m in members:
        ws.append(
            [
                m.name,
                m.get_gender_display(),
                m.ethnicity,
                _cell(m.birth_date),
                m.id_number,
                m.phone,
                m.education,
                CATEGORY_LABEL[m.category],
                _cell(m.joined_on),
                _cell(m.full_on),
                m.group.name if m.group_id and m.group else "",
                m.work_unit,
                _cell(m.in_branch_since),
            ]
        )
    return _save(wb)
