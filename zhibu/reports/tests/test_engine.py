"""Filling templates: the .xlsx repeat convention, the sandbox, and messages naming placeholders."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from openpyxl.styles import Border, Font, Side

from zhibu.reports import engine, registry
from zhibu.reports.tests.helpers import docx_bytes, docx_lines, sheet, xlsx_bytes

BOOK = registry.DOCUMENTS["meeting_book"]
ATTENDANCE = registry.DOCUMENTS["attendance_sheet"]


def _grid_template() -> bytes:
    """Title merged across, a two-row header, one repeated row, a totals row below."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "统计"
    ws["A1"] = "{{ org.name }} {{ year }}年"
    ws.merge_cells("A1:D1")
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "序号", "姓名", "{{ col.date }}", "出席"
    ws["A3"], ws["B3"] = "{{ row.number }}", "{{ row.name }}"
    ws["C3"], ws["D3"] = "{{ row.marks[col.index] }}", "{{ row.present }}"
    ws["A4"], ws["C4"], ws["D4"] = "合计", "{{ col.present }}", "{{ totals.present }}"
    ws["B3"].font = Font(bold=True, color="B71C1C")
    ws["C3"].border = Border(left=Side(style="thin"))
    ws.column_dimensions["C"].width = 9
    ws.row_dimensions[3].height = 30
    ws.merge_cells("A4:B4")
    ws.print_area = "A1:D4"
    ws.freeze_panes = "C3"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _context(members: int, meetings: int) -> dict[str, object]:
    return {
        "org": {"name": "第一党支部"},
        "year": 2025,
        "columns": [
            {"index": n, "date": f"0{n + 1}-10", "present": members} for n in range(meetings)
        ],
        "rows": [
            {
                "number": i + 1,
                "name": f"党员{i + 1}",
                "marks": ["出席"] * meetings,
                "present": meetings,
            }
            for i in range(members)
        ],
        "totals": {"present": members * meetings},
    }


def test_it_repeats_rows_and_columns_and_keeps_layout() -> None:
    out = sheet(engine.render_xlsx(_grid_template(), _context(members=3, meetings=2)))
    assert out["A1"].value == "第一党支部 2025年"
    assert "A1:E1" in {str(r) for r in out.merged_cells.ranges}  # the title spans the new column
    assert [out.cell(2, c).value for c in range(1, 6)] == ["序号", "姓名", "01-10", "02-10", "出席"]
    assert [out.cell(r, 2).value for r in (3, 4, 5)] == ["党员1", "党员2", "党员3"]
    assert out["A3"].value == 1 and out["E5"].value == 2  # a lone placeholder keeps its number
    assert out["C5"].value == "出席" and out["D5"].value == "出席"
    assert out["A6"].value == "合计" and "A6:B6" in {str(r) for r in out.merged_cells.ranges}
    assert out["C6"].value == 3 and out["E6"].value == 6
    assert out["B4"].font.bold and out["B4"].font.color.rgb.endswith("B71C1C")
    assert out["D5"].border.left.style == "thin"
    assert out.column_dimensions["D"].width == 9
    assert out.row_dimensions[5].height == 30
    assert out.print_area == "'统计'!$A$1:$E$6"
    assert out.freeze_panes == "C3"


def test_it_drops_the_repeated_row_when_there_are_no_records() -> None:
    out = sheet(engine.render_xlsx(_grid_template(), _context(members=0, meetings=0)))
    assert [out.cell(2, c).value for c in range(1, 4)] == ["序号", "姓名", "出席"]
    assert out["A3"].value == "合计" and out["C3"].value == 0


def test_it_names_the_cell_and_placeholder_it_cannot_fill() -> None:
    data = xlsx_bytes([["姓名"], ["{{ row.nmae }}"]], title="签到")
    with pytest.raises(engine.TemplateProblem) as exc:
        engine.render_xlsx(data, {"rows": [{"name": "梅党员"}]})
    message = str(exc.value)
    assert "{{ row.nmae }}" in message and "A2" in message and "“签到”" in message
    assert "无法识别" in message


def test_it_names_an_unknown_name_in_a_docx() -> None:
    data = docx_bytes("会议：{{ meting.title }}")
    with pytest.raises(engine.TemplateProblem) as exc:
        engine.render_docx(data, {"meeting": {"title": "x"}})
    assert str(exc.value).startswith("模板中的占位符 {{ meting.title }} 无法识别")


def test_it_names_a_misspelt_field_inside_a_loop() -> None:
    data = docx_bytes("{%p for m in meetings %}", "{{ m.titel }}", "{%p endfor %}")
    with pytest.raises(engine.TemplateProblem) as exc:
        engine.validate(BOOK, data)
    assert "{{ m.titel }}" in str(exc.value) and "“titel”" in str(exc.value)


def test_it_explains_a_syntax_error_in_chinese() -> None:
    with pytest.raises(engine.TemplateProblem) as exc:
        engine.validate(BOOK, docx_bytes("{{ org.name }"))
    assert "模板中的占位符" in str(exc.value) and "成对" in str(exc.value)


def test_it_keeps_values_as_text_and_line_breaks_as_paragraphs() -> None:
    data = docx_bytes("{{ text }}")
    out = engine.render_docx(data, {"text": "A < B & C\n第二段"})
    assert docx_lines(out) == ["A < B & C", "第二段"]


def test_it_runs_templates_in_a_sandbox() -> None:
    data = docx_bytes("{{ org.__class__.__mro__ }}")
    with pytest.raises(engine.TemplateProblem) as exc:
        engine.render_docx(data, {"org": {"name": "x"}})
    assert "不允许" in str(exc.value) or "无法识别" in str(exc.value)


@pytest.mark.parametrize(
    ("doc", "data", "says"),
    [
        (BOOK, b"not a zip", "无法读取"),
        (BOOK, xlsx_bytes([["x"]]), "不是 Word"),
        (ATTENDANCE, docx_bytes("x"), "不是 Excel"),
    ],
)
def test_it_refuses_files_that_are_not_the_format(
    doc: registry.Document, data: bytes, says: str
) -> None:
    with pytest.raises(engine.TemplateProblem) as exc:
        engine.validate(doc, data)
    assert says in str(exc.value)


@pytest.mark.parametrize("doc", list(registry.DOCUMENTS.values()), ids=lambda d: d.key)
def test_it_fills_each_builtin_template_with_its_sample(doc: registry.Document) -> None:
    engine.validate(doc, doc.default_bytes())


@pytest.mark.parametrize("doc", list(registry.DOCUMENTS.values()), ids=lambda d: d.key)
def test_it_documents_exactly_the_sample_fields(doc: registry.Document) -> None:
    assert set(registry.context_paths(doc.sample())) == doc.paths()
    # A field named like a dict method would be shadowed by it in Jinja (m.items is a method).
    shadowed = {"items", "keys", "values", "get", "pop", "update", "copy", "clear", "setdefault"}
    assert not {p.rsplit(".", 1)[-1].rstrip("[]") for p in doc.paths()} & shadowed
