"""The bases spreadsheet (姓名, 身份证号, 类别, 基数或金额): reading an upload, writing the
template. Same shape as the roster's (members/roster.py): header problems as row 1 errors,
rows numbered as Excel shows them, blank rows skipped."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from zhibu.core.xlsx import Row, read_table
from zhibu.dues.services import BASE_COLUMNS


class BasesFileError(ValueError):
    """The upload is not a readable .xlsx."""


def read_bases(fileobj: IO[bytes]) -> tuple[list[tuple[int, str, str]], Iterator[Row]]:
    """Header problems (as ``(1, column, reason)``) and the data rows keyed by column name
    (``core.xlsx.read_table``)."""
    errors, rows = read_table(
        fileobj, columns=BASE_COLUMNS, required=BASE_COLUMNS, error=BasesFileError
    )
    return errors, ((n, {k: _text(v) for k, v in values.items()}) for n, values in rows)


def _text(value: Any) -> Any:
    # Excel stores 4500 as the float 4500.0; read it back as typed.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    if ws is None:  # a new Workbook always has one sheet; this satisfies the type checker
        ws = wb.create_sheet()
    ws.title = "党费基数"
    ws.append(list(BASE_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(["张卫国", "110101198503070013", "在职", "4500"])
    ws.append(["李秀英", "110101195001010027", "离退休", "3200"])
    ws.append(["王大山", "110101196805050031", "农民", ""])
    for letter, width in (("A", 12), ("B", 22), ("C", 14), ("D", 14)):
        ws.column_dimensions[letter].width = width
        ws.column_dimensions[letter].number_format = "@"
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 100
    for line in (
        "类别填：在职、离退休、农民、学生、下岗失业、低保等生活困难、其他（按固定金额）。",
        "在职党员填每月税后工资性收入，离退休党员填每月离退休费；农民党员可填每月金额"
        "（0.20～1.00 元，不填按本支部设置）；其他固定金额的类别不填。",
        "身份证号请用文本格式，以免后几位丢失；姓名须与花名册一致。",
        "有任何一行不符合要求时，整个文件都不会导入，请按提示修改后重新上传。",
    ):
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
