"""Reading an uploaded .xlsx table (a roster, a meeting ledger, dues bases): the header checked
against the template's columns, then the data rows keyed by column name.

Rows are numbered as the spreadsheet shows them (the header is row 1); blank rows are skipped.
Reading is streamed, so a 40,000-row file does not sit in memory twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, Any

from python_calamine import CalamineError, CalamineWorkbook

Row = tuple[int, dict[str, Any]]


def read_table(
    fileobj: IO[bytes],
    *,
    columns: Sequence[str],
    required: Sequence[str],
    error: type[ValueError],
) -> tuple[list[tuple[int, str, str]], Iterator[Row]]:
    """Header problems (as ``(1, column, reason)``) and the data rows keyed by column name.
    An unreadable or empty file raises ``error`` with what to do."""
    try:
        wb = CalamineWorkbook.from_filelike(fileobj)
        sheet = wb.get_sheet_by_index(0)
        # calamine yields rows from row 1 even when the used range starts lower, so the
        # numbers below match what Excel shows.
        rows = iter(sheet.iter_rows())
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise error("无法读取该文件：请上传 Excel 表格（.xlsx，可先下载模板）") from exc
    header = next(rows, None)
    if header is None:
        raise error("表格是空的：第1行应为列名（可先下载模板）")
    # The templates mark required columns with *, and people copy it: 姓名* means 姓名.
    names = [str(h).strip().rstrip("*＊").strip() if h is not None else "" for h in header]
    errors: list[tuple[int, str, str]] = []
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            continue
        if name not in columns:
            errors.append((1, name, "不是模板中的列名（可用列：" + "、".join(columns) + "）"))
        elif name in index:
            errors.append((1, name, "列名重复"))
        else:
            index[name] = i
    for name in required:
        if name not in index:
            errors.append((1, name, "缺少必填列"))

    def data() -> Iterator[Row]:
        for number, cells in enumerate(rows, start=2):
            if cells is None or all(c is None or str(c).strip() == "" for c in cells):
                continue
            yield (
                number,
                {name: (cells[i] if i < len(cells) else None) for name, i in index.items()},
            )
        wb.close()

    return errors, data()
