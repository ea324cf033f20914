"""Write the built-in export templates to zhibu/reports/defaults/ (FORMS.md).

    .venv/bin/python scripts/make_export_templates.py

The files are committed; rerun this after changing a layout. The output is reproducible: the
package timestamps and document properties are fixed, so an unchanged layout gives the same
bytes. The placeholders are the ones zhibu/reports/registry.py documents.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

OUT = Path(__file__).resolve().parent.parent / "zhibu" / "reports" / "defaults"
FIXED_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

SONG = "宋体"  # body text, as on the paper forms
HEI = "黑体"  # headings
LATIN = "Times New Roman"


# --- .docx helpers ----------------------------------------------------------------------------


def _fonts(rpr_owner: Any, east_asia: str, size: float | None = None, bold: bool = False) -> None:
    """Set the Latin and the East Asian font: Word picks w:eastAsia for Chinese characters."""
    font = rpr_owner.font
    font.name = LATIN
    if size is not None:
        font.size = Pt(size)
    font.bold = bold
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)


def _style(doc: Any, name: str, base: str = "Normal") -> ParagraphStyle:
    style = doc.styles.add_style(name, 1)  # 1 = paragraph style
    style.base_style = doc.styles[base]
    return style


def _para(
    container: Any,
    text: str = "",
    style: str | None = None,
    align: Any = None,
    bold: bool = False,
    size: float | None = None,
    indent: bool = False,
) -> Any:
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        if bold:
            run.bold = True
        if size is not None:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    return p


def _tag(container: Any, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}): it vanishes on render."""
    container.add_paragraph(tag)


def _cell(cell: _Cell, text: str, bold: bool = False, align: Any = None) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    if align is not None:
        p.alignment = align


def _label(cell: _Cell, text: str) -> None:
    _cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), "F2F2F2")
    cell._tc.get_or_add_tcPr().append(shading)


def _widths(table: Table, widths_cm: list[float]) -> None:
    """Both the grid (LibreOffice reads it) and each cell (Word reads those)."""
    table.autofit = False
    for column, w in zip(table.columns, widths_cm, strict=False):
        column.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


def _page_number(paragraph: Any) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)


def _fixed_properties(doc: Any, title: str) -> None:
    props = doc.core_properties
    props.author = "支部"
    props.last_modified_by = "支部"
    props.title = title
    props.created = FIXED_TIME.replace(tzinfo=None)
    props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1


def _header_row(table: Table, label: str, value: str, span: bool = True) -> None:
    row = table.add_row()
    _label(row.cells[0], label)
    target = row.cells[1].merge(row.cells[3]) if span else row.cells[1]
    _cell(target, value)


def _pair_row(table: Table, l1: str, v1: str, l2: str, v2: str) -> None:
    row = table.add_row()
    _label(row.cells[0], l1)
    _cell(row.cells[1], v1)
    _label(row.cells[2], l2)
    _cell(row.cells[3], v2)


def _tag_row(table: Table, tag: str) -> None:
    row = table.add_row()
    row.cells[0].text = tag


# --- 会议记录本 ---------------------------------------------------------------------------------


def meeting_book() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.4)

    normal = doc.styles["Normal"]
    _fonts(normal, SONG, 12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.5
    for name in ("Table Grid",):
        _fonts(doc.styles[name], SONG, 11)

    cover_title = _style(doc, "封面标题")
    _fonts(cover_title, HEI, 36, bold=True)
    cover_title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cover_org = _style(doc, "封面组织")
    _fonts(cover_org, HEI, 20)
    cover_org.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading = _style(doc, "会议标题")
    _fonts(heading, HEI, 16, bold=True)
    heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.page_break_before = True
    heading.paragraph_format.space_after = Pt(6)
    sub = _style(doc, "会议主题")
    _fonts(sub, SONG, 12)
    sub.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.space_after = Pt(8)
    part = _style(doc, "栏目标题")
    _fonts(part, HEI, 14, bold=True)
    part.paragraph_format.space_before = Pt(12)
    part.paragraph_format.space_after = Pt(4)
    item_title = _style(doc, "议题标题")
    _fonts(item_title, SONG, 12, bold=True)
    item_title.paragraph_format.space_before = Pt(6)
    body = _style(doc, "记录正文")
    body.paragraph_format.first_line_indent = Pt(24)
    small = _style(doc, "附注")
    _fonts(small, SONG, 9)
    small.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style = small
    footer.add_run("{{ org.name }} · {{ year }}年度会议记录本 · 第 ")
    _page_number(footer)
    footer.add_run(" 页")

    # Cover
    for _ in range(5):
        _para(doc)
    _para(doc, "{{ org.name }}", style="封面组织")
    _para(doc)
    _para(doc, "会 议 记 录 本", style="封面标题")
    _para(doc)
    _para(doc, "{{ year }}年度", style="封面组织")
    for _ in range(8):
        _para(doc)
    facts = doc.add_table(rows=0, cols=2)
    facts.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in (
        ("党 组 织", "{{ org.name }}"),
        ("年    度", "{{ year }}年"),
        ("会议次数", "{{ count }} 次"),
        ("导出日期", "{{ generated_on }}"),
    ):
        row = facts.add_row()
        _cell(row.cells[0], label, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _cell(row.cells[1], "：" + value)
    _widths(facts, [3.5, 8.5])

    # Contents
    _para(doc, "目    录", style="会议标题")
    table = doc.add_table(rows=1, cols=4, style="Table Grid")
    for cell, text in zip(table.rows[0].cells, ("序号", "日期", "会议名称", "主题"), strict=True):
        _label(cell, text)
    _tag_row(table, "{%tr for m in meetings %}")
    row = table.add_row()
    _cell(row.cells[0], "{{ m.number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(row.cells[1], "{{ m.date }}")
    _cell(row.cells[2], "{{ m.name }}")
    _cell(row.cells[3], "{{ m.title }}")
    _tag_row(table, "{%tr endfor %}")
    _widths(table, [1.4, 3.6, 5.2, 5.6])
    _tag(doc, "{%p if not meetings %}")
    _para(doc, "本年度没有已召开并确认会议记录的会议。", align=WD_ALIGN_PARAGRAPH.CENTER)
    _tag(doc, "{%p endif %}")

    # One section per meeting
    _tag(doc, "{%p for m in meetings %}")
    _para(doc, "{{ m.name }}", style="会议标题")
    _para(doc, "{{ m.title }}", style="会议主题")
    info = doc.add_table(rows=0, cols=4, style="Table Grid")
    _pair_row(info, "会议名称", "{{ m.name }}", "会议类别", "{{ m.kind }}")
    _header_row(info, "{{ m.title_label }}", "{{ m.title }}")
    _header_row(
        info,
        "会议时间",
        "{{ m.date }}（{{ m.weekday }}）{{ m.period }}{{ m.start_zh }}　散会时间 {{ m.end_zh }}",
    )
    _header_row(info, "地    点", "{{ m.place }}")
    _pair_row(
        info,
        "主 持 人",
        "{{ m.host }}{% if m.host_title %}（{{ m.host_title }}）{% endif %}",
        "记 录 人",
        "{{ m.recorder }}",
    )
    _tag_row(info, "{%tr if m.is_lecture %}")
    _header_row(info, "授 课 人", "{{ m.lecturer }}")
    _tag_row(info, "{%tr endif %}")
    _pair_row(info, "应到人数", "{{ m.expected }} 人", "实到人数", "{{ m.present }} 人")
    _pair_row(info, "缺席人数", "{{ m.not_present }} 人", "其中请假", "{{ m.leave }} 人")
    _header_row(info, "{{ m.present_label }}", "{{ m.present_text or '无' }}")
    _header_row(info, "{{ m.absent_label }}\n及原因", "{{ m.absent_text or '无' }}")
    _header_row(info, "列席人员", "{{ m.observers_text or '无' }}")
    row = info.add_row()
    _label(row.cells[0], "会议议题")
    agenda = row.cells[1].merge(row.cells[3])
    agenda.text = "{%p for a in m.agenda %}"
    agenda.add_paragraph("{{ loop.index }}. {{ a }}")
    agenda.add_paragraph("{%p endfor %}")
    _widths(info, [2.6, 7.4, 2.4, 3.4])

    _para(doc, "会议内容", style="栏目标题")
    _tag(doc, "{%p for item in m.topics %}")
    _para(
        doc,
        "{{ item.number_zh }}、{{ item.title }}{% if item.is_first_topic %}（第一议题）{% endif %}",
        style="议题标题",
    )
    _para(doc, "{{ item.content or '（未记录）' }}", style="记录正文")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if not m.topics %}")
    _para(doc, "（未记录）", style="记录正文")
    _tag(doc, "{%p endif %}")

    _para(doc, "会议决议及表决情况", style="栏目标题")
    _tag(doc, "{%p if m.is_assembly %}")
    _para(
        doc,
        "表决情况：应到会有表决权的党员 {{ m.voting_expected }} 人，"
        "实到会有表决权的党员 {{ m.voting_present }} 人。",
        style="记录正文",
    )
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if m.is_committee %}")
    _para(
        doc,
        "表决情况：应到委员 {{ m.expected }} 人，实到委员 {{ m.present }} 人。",
        style="记录正文",
    )
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if m.quorum_text %}")
    _para(doc, "{{ m.quorum_text }}。", style="记录正文")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if m.resolutions %}")
    votes = doc.add_table(rows=1, cols=6, style="Table Grid")
    for cell, text in zip(
        votes.rows[0].cells, ("序号", "决议事项", "赞成", "反对", "弃权", "结果"), strict=True
    ):
        _label(cell, text)
    _tag_row(votes, "{%tr for r in m.resolutions %}")
    row = votes.add_row()
    _cell(row.cells[0], "{{ r.number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(
        row.cells[1],
        "{{ r.text }}{% if r.written %}（含书面意见 {{ r.written }} 份）{% endif %}"
        "{% if r.owner %}；责任人：{{ r.owner }}{% endif %}"
        "{% if r.due %}；完成时限：{{ r.due }}{% endif %}",
    )
    for cell, key in zip(row.cells[2:5], ("yes", "no", "abstain"), strict=True):
        _cell(cell, f"{{{{ r.{key} }}}}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell(row.cells[5], "{{ r.result or '—' }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    _tag_row(votes, "{%tr endfor %}")
    _widths(votes, [1.4, 7.8, 1.5, 1.5, 1.5, 2.1])
    _tag(doc, "{%p else %}")
    _para(doc, "本次会议无表决事项。", style="记录正文")
    _tag(doc, "{%p endif %}")

    _para(doc, "主持人总结", style="栏目标题")
    _para(doc, "{{ m.summary or '（未记录）' }}", style="记录正文")

    _para(doc)
    _para(doc, "散会时间：{{ m.end_zh }}")
    _para(doc)
    sign = _para(
        doc,
        "记录人签字：＿＿＿＿＿＿＿＿　　　主持人签字：＿＿＿＿＿＿＿＿",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    sign.paragraph_format.space_before = Pt(12)
    _para(
        doc,
        "会议记录第{{ m.version }}版，{{ m.confirmed_on }}确认"
        "{% if m.correction %}；更正原因：{{ m.correction }}{% endif %}。",
        style="附注",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    _tag(doc, "{%p endfor %}")

    _fixed_properties(doc, "会议记录本")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- 整改台账（Word） -----------------------------------------------------------------------------

LEDGER_COLUMNS = ("序号", "问题", "原因", "整改措施", "责任人", "时限", "进展", "是否销号")
LEDGER_WIDTHS = [1.2, 5.0, 4.0, 5.4, 1.8, 2.7, 4.0, 1.6]  # 25.7 cm: A4 landscape less margins


def _repeat_header(row: Any) -> None:
    """Word repeats this row at the top of each page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _ledger_table(doc: Any, records: str, problem: str) -> None:
    """One row per measure; 序号, 问题, 原因 and 是否销号 merged down over a problem's measures
    ({% vm %}), so each measure keeps its own 责任人, 时限 and 进展."""
    table = doc.add_table(rows=1, cols=len(LEDGER_COLUMNS), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, LEDGER_COLUMNS, strict=True):
        _label(cell, text)
    _repeat_header(table.rows[0])
    _tag_row(table, f"{{%tr for p in {records} %}}")
    _tag_row(table, "{%tr for m in p.measures %}")
    row = table.add_row()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell(row.cells[0], "{% vm %}{{ p.number }}", align=center)
    _cell(row.cells[1], "{% vm %}" + problem)
    _cell(row.cells[2], "{% vm %}{{ p.causes }}")
    _cell(row.cells[3], "{{ m.number }}. {{ m.text }}")
    _cell(row.cells[4], "{{ m.responsible }}", align=center)
    _cell(row.cells[5], "{{ m.deadline }}", align=center)
    _cell(row.cells[6], "{{ m.progress }}")
    _cell(
        row.cells[7],
        "{% vm %}{{ p.closed }}{% if p.closed_on %}（{{ p.closed_on }}）{% endif %}",
        align=center,
    )
    _tag_row(table, "{%tr endfor %}")
    _tag_row(table, "{%tr endfor %}")
    _widths(table, LEDGER_WIDTHS)
    _tag(doc, f"{{%p if not {records} %}}")
    _para(doc, "无", style="记录正文")
    _tag(doc, "{%p endif %}")


def rectification_ledger_docx() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin = section.right_margin = Cm(2.0)

    normal = doc.styles["Normal"]
    _fonts(normal, SONG, 12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.25
    grid = doc.styles["Table Grid"]
    _fonts(grid, SONG, 10.5)
    grid.paragraph_format.line_spacing = 1.0

    title = _style(doc, "台账标题")
    _fonts(title, HEI, 18, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    sub = _style(doc, "台账说明")
    _fonts(sub, SONG, 10.5)
    sub.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    part = _style(doc, "栏目标题")
    _fonts(part, HEI, 14, bold=True)
    part.paragraph_format.space_before = Pt(12)
    part.paragraph_format.space_after = Pt(6)
    part.paragraph_format.keep_with_next = True
    body = _style(doc, "记录正文")
    body.paragraph_format.first_line_indent = Pt(24)
    small = _style(doc, "附注")
    _fonts(small, SONG, 9)
    small.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style = small
    footer.add_run("{{ org.name }} · 整改台账 · 第 ")
    _page_number(footer)
    footer.add_run(" 页")

    _para(doc, "{{ title }}", style="台账标题")
    _para(doc, "筛选条件：{{ filters.text }}　　导出日期：{{ generated_on }}", style="台账说明")
    _para(
        doc,
        "共{{ totals.problems }}个问题（班子问题{{ collective|length }}个，党员个人问题"
        "{{ individual|length }}个），整改措施{{ totals.measures }}项。其中待整改"
        "{{ totals.open }}个，整改中{{ totals.in_progress }}个，已完成待销号"
        "{{ totals.rectified }}个，已销号{{ totals.closed }}个；逾期未完成{{ totals.overdue }}个。",
        style="记录正文",
    ).paragraph_format.space_before = Pt(6)

    _para(doc, "一、班子（支部委员会/党支部）问题", style="栏目标题")
    _ledger_table(
        doc,
        "collective",
        "{% if subtree %}【{{ p.organization }}】{% endif %}{{ p.description }}",
    )
    _para(doc, "二、党员个人问题", style="栏目标题")
    _ledger_table(
        doc,
        "individual",
        "{{ p.owner }}{% if subtree %}（{{ p.organization }}）{% endif %}：{{ p.description }}",
    )

    _para(doc)
    _para(
        doc,
        "说明：问题整改完成后，由党支部（班子和党支部的问题由上级党组织）逐项核实，对单销号。",
        style="附注",
    )
    sign = _para(
        doc,
        "填报人：＿＿＿＿＿＿　　审核人（书记）：＿＿＿＿＿＿　　（党组织盖章）",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    sign.paragraph_format.space_before = Pt(12)

    _fixed_properties(doc, "整改台账")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- 组织生活会：书面反馈、情况报告 ------------------------------------------------------------------


def _portrait(doc: Any) -> Any:
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    _fonts(normal, SONG, 12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.5
    grid = doc.styles["Table Grid"]
    _fonts(grid, SONG, 11)
    grid.paragraph_format.line_spacing = 1.25
    return section


def _letter_styles(doc: Any) -> None:
    title = _style(doc, "文书标题")
    _fonts(title, HEI, 18, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    sub = _style(doc, "文书副标题")
    _fonts(sub, SONG, 12)
    sub.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.paragraph_format.space_after = Pt(12)
    part = _style(doc, "栏目标题")
    _fonts(part, HEI, 14)
    part.paragraph_format.space_before = Pt(10)
    part.paragraph_format.space_after = Pt(4)
    part.paragraph_format.keep_with_next = True
    body = _style(doc, "记录正文")
    body.paragraph_format.first_line_indent = Pt(24)
    small = _style(doc, "附注")
    _fonts(small, SONG, 9)
    small.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _footer(section: Any, text: str) -> None:
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style = "附注"
    footer.add_run(text + " · 第 ")
    _page_number(footer)
    footer.add_run(" 页")


def _opinion_box(table: Table, label: str, sign: str, lines: int = 4) -> None:
    """An opinion box (FORMS.md): the label on the left, room to write, and the signature line
    「XX签字（盖章）： 年 月 日」 at the bottom right."""
    row = table.add_row()
    _label(row.cells[0], label)
    box = row.cells[1].merge(row.cells[-1])
    box.text = ""
    for _ in range(lines - 1):
        box.add_paragraph("")
    signature = box.add_paragraph(f"{sign}：＿＿＿＿＿＿　　　　年　　月　　日")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def lifemeeting_feedback() -> bytes:
    doc = Document()
    section = _portrait(doc)
    _letter_styles(doc)
    _footer(section, "{{ org.name }} · {{ member.name }} · 评议意见反馈")

    _para(doc, "{{ title }}", style="文书标题")
    _para(doc, "{{ org.name }}", style="文书副标题")

    # Personal data as a 6-column grid: three label/value pairs a row (FORMS.md).
    info = doc.add_table(rows=0, cols=6, style="Table Grid")
    info.alignment = WD_TABLE_ALIGNMENT.CENTER
    row = info.add_row()
    for i, (label, value) in enumerate(
        (("姓　　名", "{{ member.name }}"), ("人员类别", "{{ member.category }}"),
         ("评议等次", "{{ grade or '—' }}"))
    ):  # fmt: skip
        _label(row.cells[2 * i], label)
        _cell(row.cells[2 * i + 1], value, align=WD_ALIGN_PARAGRAPH.CENTER)
    row = info.add_row()
    _label(row.cells[0], "会　　议")
    _cell(row.cells[1].merge(row.cells[3]), "{{ meeting.name }}")
    _label(row.cells[4], "召开日期")
    _cell(row.cells[5], "{{ meeting.date }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    row = info.add_row()
    _label(row.cells[0], "会议主题")
    _cell(row.cells[1].merge(row.cells[5]), "{{ meeting.theme }}")
    _widths(info, [2.2, 3.2, 2.2, 2.6, 2.2, 3.2])

    _para(doc, "一、本人自我批评要点", style="栏目标题")
    _tag(doc, "{%p if self_criticism %}")
    _para(doc, "{{ self_criticism }}", style="记录正文")
    _tag(doc, "{%p else %}")
    _para(doc, "（{{ spoke }}，没有记录自我批评）", style="记录正文")
    _tag(doc, "{%p endif %}")
    _para(doc, "本人表态：{{ pledge or '（未记录）' }}", style="记录正文")

    _para(doc, "二、他人批评意见", style="栏目标题")
    _tag(doc, "{%p for c in criticisms %}")
    _para(doc, "{{ c.number }}. {{ c.critic }}：{{ c.content }}", style="记录正文")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if not criticisms %}")
    _para(doc, "无", style="记录正文")
    _tag(doc, "{%p endif %}")

    _para(doc, "三、民主评议情况", style="栏目标题")
    _para(
        doc,
        "{% if grade %}评定等次：{{ grade }}{% else %}{{ grade_text }}{% endif %}",
        style="记录正文",
    )

    _para(doc, "四、问题清单和整改措施", style="栏目标题")
    _tag(doc, "{%p if problems %}")
    table = doc.add_table(rows=1, cols=5, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(
        table.rows[0].cells, ("序号", "问题", "整改措施", "整改时限", "状态"), strict=True
    ):
        _label(cell, text)
    _repeat_header(table.rows[0])
    _tag_row(table, "{%tr for p in problems %}")
    _tag_row(table, "{%tr for m in p.measures %}")
    row = table.add_row()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell(row.cells[0], "{% vm %}{{ p.number }}", align=center)
    _cell(row.cells[1], "{% vm %}{{ p.category }}：{{ p.description }}")
    _cell(row.cells[2], "{{ m.number }}. {{ m.text }}")
    _cell(row.cells[3], "{{ m.deadline }}", align=center)
    _cell(row.cells[4], "{{ m.status }}", align=center)
    _tag_row(table, "{%tr endfor %}")
    _tag_row(table, "{%tr endfor %}")
    _widths(table, [1.2, 5.6, 5.4, 2.8, 2.4])
    _tag(doc, "{%p else %}")
    _para(doc, "本次组织生活会还没有为本人确认整改清单。", style="记录正文")
    _tag(doc, "{%p endif %}")

    _para(doc)
    boxes = doc.add_table(rows=0, cols=2, style="Table Grid")
    boxes.alignment = WD_TABLE_ALIGNMENT.CENTER
    _opinion_box(boxes, "支部意见", "党支部书记签字（盖章）")
    _opinion_box(boxes, "本人意见", "本人签字")
    _widths(boxes, [2.4, 15.0])

    _para(doc)
    _para(
        doc,
        "本反馈一式两份，党支部和本人各留存一份。{{ org.short_name }} · 由支部系统生成 · "
        "{{ generated_on }}",
        style="附注",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )

    _fixed_properties(doc, "组织生活会书面反馈")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def lifemeeting_report() -> bytes:
    doc = Document()
    section = _portrait(doc)
    _letter_styles(doc)
    heading = _style(doc, "小标题")
    _fonts(heading, SONG, 12, bold=True)
    heading.paragraph_format.first_line_indent = Pt(24)
    _footer(section, "{{ org.name }} · 情况报告")

    _para(doc, "{{ title }}", style="文书标题")
    _para(doc)
    _para(doc, "{{ addressee }}：")
    _para(
        doc,
        "{{ org.name }}于{{ meeting.date }}召开{{ meeting.name }}，会议主题为“{{ meeting.theme }}”。"
        "现将有关情况报告如下。",
        style="记录正文",
    )

    _para(doc, "一、会前准备", style="栏目标题")
    _para(
        doc,
        "会前，支部组织党员集中学习{{ study.count }}次"
        "{% if study_meetings %}（{% for s in study_meetings %}{{ s.date }}“{{ s.title }}”"
        "{% if not loop.last %}；{% endif %}{% endfor %}）{% endif %}；"
        "{% if opinions.held %}以无记名方式广泛征求意见，共收到意见{{ opinions.count }}份"
        "{% else %}没有开展书面征求意见{% endif %}；"
        "开展谈心谈话{{ talks.held }}次，委员之间、委员与党员应谈{{ talks.required }}人次，"
        "已谈{{ talks.done }}人次{% if talks.missing %}（尚未谈：{{ talks.missing }}）{% endif %}；"
        "党员撰写对照检查材料，应交{{ reviews.expected }}份，已提交{{ reviews.submitted }}份，"
        "经审核通过{{ reviews.accepted }}份。",
        style="记录正文",
    )

    _para(doc, "二、会议召开情况", style="栏目标题")
    _para(
        doc,
        "会议于{{ meeting.date }}（{{ meeting.weekday }}）{{ meeting.start }}—{{ meeting.end }}"
        "{% if meeting.place %}在{{ meeting.place }}{% endif %}召开"
        "{% if meeting.host %}，由{{ meeting.host }}主持{% endif %}。"
        "应到党员{{ attendance.expected }}名，实到{{ attendance.present }}名"
        "{% if attendance.leave %}，请假{{ attendance.leave }}名（{{ attendance.leave_text }}）"
        "{% endif %}{% if attendance.absent %}，缺席{{ attendance.absent }}名"
        "（{{ attendance.absent_text }}）{% endif %}。"
        "{% if contact_leader %}上级联系指导人{{ contact_leader }}"
        "{% if contact_leader_present %}到会指导{% else %}未到会{% endif %}。{% endif %}"
        "{{ speeches.spoke }}名党员逐一发言，开展批评和自我批评，相互提出批评意见"
        "{{ speeches.criticisms }}条。",
        style="记录正文",
    )
    _para(doc, "会议议程：", style="记录正文")
    _tag(doc, "{%p for a in agenda %}")
    _para(doc, "{{ loop.index }}. {{ a }}", style="记录正文")
    _tag(doc, "{%p endfor %}")

    _para(doc, "三、查摆的主要问题", style="栏目标题")
    _para(
        doc,
        "共查摆问题{{ totals.problems }}个，其中班子问题{{ totals.collective }}个、"
        "党员个人问题{{ totals.individual }}个，均已列入问题清单和整改台账。",
        style="记录正文",
    )
    _tag(doc, "{%p for g in categories %}")
    _para(doc, "（{{ g.number_zh }}）{{ g.name }}（{{ g.count }}个）", style="小标题")
    _tag(doc, "{%p for p in g.problems %}")
    _para(doc, "{{ p.number }}. {{ p.owner }}：{{ p.description }}", style="记录正文")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")

    _para(doc, "四、民主评议结果", style="栏目标题")
    _para(doc, "{{ evaluation.text }}", style="记录正文")

    _para(doc, "五、整改措施", style="栏目标题")
    _para(
        doc,
        "针对查摆的问题，共制定整改措施{{ totals.measures }}项，逐项明确责任人和整改时限，"
        "目前已完成{{ totals.measures_done }}项。",
        style="记录正文",
    )
    _tag(doc, "{%p if measures %}")
    table = doc.add_table(rows=1, cols=5, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(
        table.rows[0].cells, ("序号", "问题主体", "整改措施", "责任人", "整改时限"), strict=True
    ):
        _label(cell, text)
    _repeat_header(table.rows[0])
    _tag_row(table, "{%tr for m in measures %}")
    row = table.add_row()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell(row.cells[0], "{{ m.number }}", align=center)
    _cell(row.cells[1], "{{ m.owner }}", align=center)
    _cell(row.cells[2], "{{ m.text }}")
    _cell(row.cells[3], "{{ m.responsible }}", align=center)
    _cell(row.cells[4], "{{ m.deadline }}", align=center)
    _tag_row(table, "{%tr endfor %}")
    _widths(table, [1.2, 3.0, 7.6, 2.2, 3.4])
    _tag(doc, "{%p endif %}")

    _para(doc, "特此报告。", style="记录正文").paragraph_format.space_before = Pt(12)
    _para(doc)
    _para(doc, "{{ org.name }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "{{ submitted_on or generated_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT)

    _fixed_properties(doc, "组织生活会情况报告")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- .xlsx helpers ----------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
CJK = "宋体"


def _font(size: float = 11, bold: bool = False, color: str = "000000") -> Font:
    return Font(name=CJK, size=size, bold=bold, color=color)


def _put(
    ws: Worksheet,
    ref: str,
    value: Any,
    *,
    bold: bool = False,
    size: float = 11,
    box: bool = False,
    head: bool = False,
    align: str = "left",
    wrap: bool = True,
    color: str = "000000",
) -> None:
    cell = ws[ref]
    cell.value = value
    cell.font = _font(size, bold or head, color)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if box or head:
        cell.border = BOX
    if head:
        cell.fill = HEAD_FILL


def _box_range(ws: Worksheet, cells: str) -> None:
    for row in ws[cells]:
        for cell in row:
            cell.border = BOX


def _print_setup(ws: Worksheet, *, landscape: bool, title_rows: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    setup = ws.sheet_properties.pageSetUpPr
    if setup is None:
        setup = ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    setup.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = title_rows
    footer = ws.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "第 &P 页，共 &N 页"


def _workbook_bytes(wb: Workbook) -> bytes:
    wb.properties.creator = "支部"
    wb.properties.lastModifiedBy = "支部"
    wb.properties.created = FIXED_TIME.replace(tzinfo=None)
    wb.properties.modified = FIXED_TIME.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- 签到表 -------------------------------------------------------------------------------------


def sign_in_sheet() -> bytes:
    wb = Workbook()
    ws = wb.create_sheet()
    wb.remove(wb.worksheets[0])
    ws.title = "签到表"
    for col, width in zip("ABCD", (10, 14, 28, 32), strict=True):
        ws.column_dimensions[col].width = width

    ws.merge_cells("A1:D1")
    _put(ws, "A1", "{{ org.name }} {{ meeting.kind }}签到表", bold=True, size=16, align="center")
    ws.row_dimensions[1].height = 34
    for r, label, value in (
        (2, "会议主题", "{{ meeting.title }}"),
        (3, "时    间", "{{ meeting.when }}"),
        (4, "地    点", "{{ meeting.place }}"),
        (5, "主 持 人", "{{ meeting.host }}　　记录人：{{ meeting.recorder }}"),
    ):
        ws.merge_cells(f"B{r}:D{r}")
        _put(ws, f"A{r}", label, head=True, align="center")
        _put(ws, f"B{r}", value, box=True)
        _box_range(ws, f"B{r}:D{r}")
        ws.row_dimensions[r].height = 24
    ws.merge_cells("A6:D6")
    _put(
        ws,
        "A6",
        "应到 {{ expected }} 人　　实到 {{ present }} 人　　缺席 {{ absent }} 人"
        "（其中请假 {{ leave }} 人）",
        box=True,
    )
    _box_range(ws, "A6:D6")
    ws.row_dimensions[6].height = 24
    for col, text in zip("ABCD", ("序号", "姓名", "本人签名", "备注"), strict=True):
        _put(ws, f"{col}7", text, head=True, align="center")
    ws.row_dimensions[7].height = 24
    for col, text, align in (
        ("A", "{{ row.number }}", "center"),
        ("B", "{{ row.name }}", "center"),
        ("C", "{{ row.signature }}", "center"),
        ("D", "{{ row.note }}", "left"),
    ):
        _put(ws, f"{col}8", text, box=True, align=align)
    ws.row_dimensions[8].height = 30  # room for a pen signature
    ws.merge_cells("A10:D10")
    _put(
        ws,
        "A10",
        "记录人签字：＿＿＿＿＿＿　　主持人签字：＿＿＿＿＿＿",
        align="right",
    )
    ws.merge_cells("A11:D11")
    _put(
        ws,
        "A11",
        "{{ org.short_name }} · 由支部系统导出 · {{ generated_on }}",
        size=9,
        align="right",
        color="555555",
    )
    _print_setup(ws, landscape=False, title_rows="7:7")
    return _workbook_bytes(wb)


# --- 出席情况统计表 ------------------------------------------------------------------------------


def attendance_sheet() -> bytes:
    wb = Workbook()
    ws = wb.create_sheet()
    wb.remove(wb.worksheets[0])
    ws.title = "出席情况"
    widths = {"A": 6, "B": 10, "C": 10, "D": 7.5, "E": 7, "F": 6, "G": 6, "H": 6, "I": 6, "J": 8}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width

    ws.merge_cells("A1:J1")
    _put(
        ws,
        "A1",
        "{{ org.name }} {{ year }}年度党员参加组织生活情况统计表",
        bold=True,
        size=16,
        align="center",
    )
    ws.row_dimensions[1].height = 32
    ws.merge_cells("A2:J2")
    _put(
        ws,
        "A2",
        "已召开会议 {{ totals.meetings }} 次　　总出席率 {{ totals.rate }}　　导出日期 {{ generated_on }}",
        align="right",
        size=10,
    )
    for col, text in (
        ("A", "序号"),
        ("B", "姓名"),
        ("C", "人员类别"),
        ("E", "应参加"),
        ("F", "出席"),
        ("G", "请假"),
        ("H", "缺席"),
        ("I", "补学"),
        ("J", "出席率"),
    ):
        _put(ws, f"{col}3", text, head=True, align="center")
        ws[f"{col}4"].border, ws[f"{col}4"].fill = BOX, HEAD_FILL
        ws.merge_cells(f"{col}3:{col}4")
    _put(ws, "D3", "{{ col.date }}", head=True, align="center")
    _put(ws, "D4", "{{ col.kind_short }}", head=True, align="center")
    ws.row_dimensions[3].height = 20
    ws.row_dimensions[4].height = 30
    for col, text in (
        ("A", "{{ row.number }}"),
        ("B", "{{ row.name }}"),
        ("C", "{{ row.category }}"),
        ("D", "{{ row.marks[col.index] }}"),
        ("E", "{{ row.expected }}"),
        ("F", "{{ row.present }}"),
        ("G", "{{ row.leave }}"),
        ("H", "{{ row.absent }}"),
        ("I", "{{ row.made_up }}"),
        ("J", "{{ row.rate }}"),
    ):
        _put(ws, f"{col}5", text, box=True, align="center")
    ws.row_dimensions[5].height = 20
    ws.merge_cells("A6:C6")
    _put(ws, "A6", "合计（实到/应到）", head=True, align="center")
    _box_range(ws, "A6:C6")
    _put(ws, "D6", "{{ col.present }}/{{ col.expected }}", head=True, align="center")
    for col, key in zip(
        "EFGHIJ", ("expected", "present", "leave", "absent", "made_up", "rate"), strict=True
    ):
        _put(ws, f"{col}6", f"{{{{ totals.{key} }}}}", head=True, align="center")
    ws.merge_cells("A8:J8")
    _put(
        ws,
        "A8",
        "说明：出席＝到会；请假＝经批准请假；缺席＝未请假未到会；补学＝未到会、已补学；"
        "—＝不需参加（如支委会只由委员参加，或当时尚未转入本支部）。",
        size=9,
        color="555555",
    )
    ws.row_dimensions[8].height = 30
    ws.freeze_panes = "D5"
    _print_setup(ws, landscape=True, title_rows="3:4")
    return _workbook_bytes(wb)


# --- 整改台账 -----------------------------------------------------------------------------------

LEDGER_SHEET = (
    # (header, placeholder, width, horizontal alignment)
    ("序号", "{{ row.number }}", 5, "center"),
    ("所属组织", "{{ row.organization }}", 11, "center"),
    ("年度", "{{ row.year }}", 6, "center"),
    (
        "问题来源",
        "{{ row.source }}{% if row.source_note %}（{{ row.source_note }}）{% endif %}",
        9,
        "center",
    ),
    ("问题类别", "{{ row.category }}", 9, "center"),
    ("问题主体", "{{ row.owner }}", 10, "center"),
    ("问题表现", "{{ row.description }}", 28, "left"),
    ("原因剖析", "{{ row.causes }}", 22, "left"),
    ("整改目标", "{{ row.target }}", 14, "left"),
    ("整改措施", "{{ row.measures_text }}", 32, "left"),
    ("责任领导/\n责任人", "{{ row.responsible }}", 10, "center"),
    ("整改时限", "{{ row.deadline }}{% if row.late %}\n{{ row.late }}{% endif %}", 11, "center"),
    ("整改进展/\n完成情况", "{{ row.progress_text }}", 24, "left"),
    ("状态", "{{ row.status }}", 7, "center"),
    ("是否销号", "{{ row.closed }}", 6, "center"),
    ("销号时间", "{{ row.closed_on }}", 11, "center"),
    ("佐证材料", "{{ row.evidence }}", 12, "left"),
    (
        "备注",
        "{{ row.remark }}{% if row.recurs %}{% if row.remark %}；{% endif %}"
        "往年问题重复出现（{{ row.recurs }}）{% endif %}",
        11,
        "left",
    ),
)


def rectification_ledger() -> bytes:
    wb = Workbook()
    ws = wb.create_sheet()
    wb.remove(wb.worksheets[0])
    ws.title = "整改台账"
    last = get_column_letter(len(LEDGER_SHEET))
    split = get_column_letter(len(LEDGER_SHEET) - 5)
    for n, (_, _, width, _) in enumerate(LEDGER_SHEET, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width

    ws.merge_cells(f"A1:{last}1")
    _put(ws, "A1", "{{ title }}", bold=True, size=18, align="center")
    ws.row_dimensions[1].height = 36
    ws.merge_cells(f"A2:{get_column_letter(len(LEDGER_SHEET) - 6)}2")
    _put(ws, "A2", "筛选条件：{{ filters.text }}", size=10)
    ws.merge_cells(f"{split}2:{last}2")
    _put(ws, f"{split}2", "导出日期：{{ generated_on }}", size=10, align="right")
    ws.merge_cells(f"A3:{last}3")
    _put(
        ws,
        "A3",
        "共 {{ totals.problems }} 个问题、{{ totals.measures }} 项整改措施：待整改 {{ totals.open }} 个，"
        "整改中 {{ totals.in_progress }} 个，已完成（待销号）{{ totals.rectified }} 个，"
        "已销号 {{ totals.closed }} 个；逾期未完成 {{ totals.overdue }} 个。",
        size=10,
    )
    ws.row_dimensions[2].height = ws.row_dimensions[3].height = 20
    for n, (head, value, _, align) in enumerate(LEDGER_SHEET, start=1):
        col = get_column_letter(n)
        _put(ws, f"{col}4", head, head=True, align="center", size=10)
        _put(ws, f"{col}5", value, box=True, align=align, size=10)
    ws.row_dimensions[4].height = 32
    ws.merge_cells(f"A7:{last}7")
    _put(
        ws,
        "A7",
        "说明：状态“已完成”指各项整改措施均已完成，待核实销号；党员个人的问题由党支部核实销号，"
        "班子和党支部的问题由上级党组织核实销号（对单销号）。整改时限为各项措施中最晚的时限。",
        size=9,
        color="555555",
    )
    ws.row_dimensions[7].height = 28
    ws.merge_cells(f"A8:{last}8")
    _put(
        ws,
        "A8",
        "填报人：＿＿＿＿＿＿　　审核人（书记）：＿＿＿＿＿＿　　（党组织盖章）",
        align="right",
    )
    ws.row_dimensions[8].height = 30
    ws.merge_cells(f"A9:{last}9")
    _put(
        ws,
        "A9",
        "{{ org.short_name }} · 由支部系统导出 · {{ generated_on }}",
        size=9,
        align="right",
        color="555555",
    )
    ws.freeze_panes = "A5"
    _print_setup(ws, landscape=True, title_rows="4:4")
    return _workbook_bytes(wb)


# --- 党费 ---------------------------------------------------------------------------------------

MONEY_FORMAT = "#,##0.00"
MONTHS = [f"{m}月" for m in range(1, 13)]


def _money_cells(ws: Worksheet, cells: list[str]) -> None:
    for ref in cells:
        ws[ref].number_format = MONEY_FORMAT


def dues_sheet() -> bytes:
    """党费收缴登记表 (FORMS.md): 党支部, 年度 · 序号 · 姓名 · 人员类别 · 交纳基数 · 比例 · 月应交 ·
    1月…12月实交 · 全年应交 · 全年实交 · 备注 · 合计 · 收款人 and 书记签字."""
    wb = Workbook()
    ws = wb.create_sheet()
    wb.remove(wb.worksheets[0])
    ws.title = "收缴登记表"
    head = [
        ("序号", "{{ row.number }}", 5, "center"),
        ("姓名", "{{ row.name }}", 9, "center"),
        ("人员类别", "{{ row.category }}", 8, "center"),
        ("交纳基数", "{{ row.base }}", 9, "right"),
        ("比例", "{{ row.rate }}", 6, "center"),
        ("月应交", "{{ row.monthly }}", 8, "right"),
        *[(m, f"{{{{ row.paid[{i}] }}}}", 7, "right") for i, m in enumerate(MONTHS)],
        ("全年应交", "{{ row.due_total }}", 9, "right"),
        ("全年实交", "{{ row.paid_total }}", 9, "right"),
        ("备注", "{{ row.remark }}", 22, "left"),
    ]
    last = get_column_letter(len(head))
    for n, (_, _, width, _) in enumerate(head, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width

    ws.merge_cells(f"A1:{last}1")
    _put(ws, "A1", "{{ org.name }}{{ year }}年度党费收缴登记表", bold=True, size=16, align="center")
    ws.row_dimensions[1].height = 32
    ws.merge_cells("A2:J2")
    _put(
        ws,
        "A2",
        "党支部：{{ org.name }}　　年度：{{ year }}年　　人数：{{ totals.members }}人",
        size=10,
    )
    ws.merge_cells(f"K2:{last}2")
    _put(ws, "K2", "单位：元　　导出日期：{{ generated_on }}", size=10, align="right")
    ws.merge_cells("G3:R3")
    _put(
        ws,
        "G3",
        "各月实交（收款人在系统中登记，纸质表由收款人签名）",
        head=True,
        align="center",
        size=10,
    )
    _box_range(ws, "G3:R3")
    for n, (label, value, _, align) in enumerate(head, start=1):
        col = get_column_letter(n)
        if 7 <= n <= 18:
            _put(ws, f"{col}4", label, head=True, align="center", size=10)
        else:
            _put(ws, f"{col}3", label, head=True, align="center", size=10)
            ws[f"{col}4"].border, ws[f"{col}4"].fill = BOX, HEAD_FILL
            ws.merge_cells(f"{col}3:{col}4")
        _put(ws, f"{col}5", value, box=True, align=align, size=10)
    ws.row_dimensions[3].height = ws.row_dimensions[4].height = 20
    ws.row_dimensions[5].height = 20
    money = [get_column_letter(n) for n in (4, 6, *range(7, 21))]
    _money_cells(ws, [f"{c}5" for c in money])

    ws.merge_cells("A6:F6")
    _put(ws, "A6", "合计", head=True, align="center")
    _box_range(ws, "A6:F6")
    for i in range(12):
        col = get_column_letter(7 + i)
        _put(ws, f"{col}6", f"{{{{ totals.paid[{i}] }}}}", head=True, align="right", size=10)
    _put(ws, "S6", "{{ totals.due_total }}", head=True, align="right", size=10)
    _put(ws, "T6", "{{ totals.paid_total }}", head=True, align="right", size=10)
    _put(ws, f"{last}6", "", head=True)
    _money_cells(ws, [f"{get_column_letter(c)}6" for c in range(7, 21)])
    ws.row_dimensions[6].height = 20

    ws.merge_cells(f"A8:{last}8")
    _put(
        ws,
        "A8",
        "说明：月应交按当月有效的党费核定计算；实交按每笔交纳分配到的月份登记（补交、预交记在所属月份）。"
        "备注写明减交、免交及批准组织和日期，月应交的调整，补交和代交。",
        size=9,
        color="555555",
    )
    ws.row_dimensions[8].height = 28
    ws.merge_cells(f"A9:{last}9")
    _put(
        ws,
        "A9",
        "收款人签字：＿＿＿＿＿＿　　党支部书记签字：＿＿＿＿＿＿　　（党支部盖章）",
        align="right",
    )
    ws.row_dimensions[9].height = 30
    ws.merge_cells(f"A10:{last}10")
    _put(
        ws, "A10", "{{ org.short_name }} · 由支部系统导出 · {{ generated_on }}", size=9,
        align="right", color="555555",
    )  # fmt: skip
    ws.freeze_panes = "C5"
    _print_setup(ws, landscape=True, title_rows="3:4")
    return _workbook_bytes(wb)


DUES_LEDGER_SHEET = (
    ("序号", "{{ row.number }}", 5, "center"),
    ("日期", "{{ row.date }}", 11, "center"),
    ("摘要", "{{ row.summary }}", 22, "left"),
    ("收入", "{{ row.income }}", 11, "right"),
    ("支出", "{{ row.outgoing }}", 11, "right"),
    ("结存", "{{ row.balance }}", 11, "right"),
    ("集体研究决定", "{{ row.decision }}", 26, "left"),
    ("凭证号", "{{ row.voucher }}", 13, "center"),
    ("说明", "{{ row.note }}", 20, "left"),
)


def dues_ledger() -> bytes:
    wb = Workbook()
    ws = wb.create_sheet()
    wb.remove(wb.worksheets[0])
    ws.title = "党费收支台账"
    last = get_column_letter(len(DUES_LEDGER_SHEET))
    for n, (_, _, width, _) in enumerate(DUES_LEDGER_SHEET, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.merge_cells(f"A1:{last}1")
    _put(ws, "A1", "{{ title }}", bold=True, size=16, align="center")
    ws.row_dimensions[1].height = 32
    ws.merge_cells(f"A2:{last}2")
    _put(
        ws,
        "A2",
        "上年结转 {{ opening }} 元　本年收缴 {{ totals.collected }} 元　上缴 {{ totals.handed_up }} 元"
        "　返还 {{ totals.returned }} 元　支出 {{ totals.spent }} 元　年末结存 {{ closing }} 元",
        size=10,
    )
    ws.row_dimensions[2].height = 20
    for n, (label, value, _, align) in enumerate(DUES_LEDGER_SHEET, start=1):
        col = get_column_letter(n)
        _put(ws, f"{col}3", label, head=True, align="center", size=10)
        _put(ws, f"{col}5", value, box=True, align=align, size=10)
    ws.merge_cells("A4:C4")
    _put(ws, "A4", "上年结转", box=True, align="center", size=10)
    _box_range(ws, "A4:C4")
    _put(ws, "D4", "", box=True)
    _put(ws, "E4", "", box=True)
    _put(ws, "F4", "{{ opening }}", box=True, align="right", size=10)
    ws.merge_cells(f"G4:{last}4")
    _box_range(ws, f"G4:{last}4")
    ws.merge_cells("A6:C6")
    _put(ws, "A6", "本年合计", head=True, align="center", size=10)
    _box_range(ws, "A6:C6")
    _put(ws, "D6", "{{ totals.income }}", head=True, align="right", size=10)
    _put(ws, "E6", "{{ totals.outgoing }}", head=True, align="right", size=10)
    _put(ws, "F6", "{{ closing }}", head=True, align="right", size=10)
    ws.merge_cells(f"G6:{last}6")
    _box_range(ws, f"G6:{last}6")
    _money_cells(ws, ["D5", "E5", "F5", "F4", "D6", "E6", "F6"])
    for r in (3, 4, 5, 6):
        ws.row_dimensions[r].height = 20
    ws.merge_cells(f"A8:{last}8")
    _put(
        ws,
        "A8",
        "说明：收缴党费按交纳日期每天合为一行；上缴上级党委、上级返还和支出逐笔登记，支出写明用途、"
        "集体研究决定和凭证号；登记有误的账目不删除，另起一行冲销（金额为负）。结存 = 上年结转 + 收缴 + "
        "返还 − 上缴 − 支出。",
        size=9,
        color="555555",
    )
    ws.row_dimensions[8].height = 30
    ws.merge_cells(f"A9:{last}9")
    _put(ws, "A9", "记账人签字：＿＿＿＿＿＿　　党支部书记签字：＿＿＿＿＿＿", align="right")
    ws.row_dimensions[9].height = 30
    ws.freeze_panes = "A4"
    _print_setup(ws, landscape=True, title_rows="3:3")

    months = wb.create_sheet("按月汇总")
    months.column_dimensions["A"].width = 12
    months.column_dimensions["B"].width = 11
    months.merge_cells("A1:B1")
    _put(months, "A1", "{{ org.short_name }}{{ year }}年党费按月汇总", bold=True, size=14)
    months.row_dimensions[1].height = 28
    _put(months, "A2", "项目", head=True, align="center", size=10)
    _put(months, "B2", "{{ col.month }}", head=True, align="center", size=10)
    for r, (label, key) in enumerate(
        (("收缴", "collected"), ("上缴", "handed_up"), ("返还", "returned"), ("支出", "spent"),
         ("月末结存", "balance")),
        start=3,
    ):  # fmt: skip
        _put(months, f"A{r}", label, head=True, align="center", size=10)
        _put(months, f"B{r}", f"{{{{ col.{key} }}}}", box=True, align="right", size=10)
        months[f"B{r}"].number_format = MONEY_FORMAT
    _put(
        months, "A9", "单位：元　　导出日期：{{ generated_on }}", size=9, color="555555", wrap=False
    )
    _print_setup(months, landscape=True, title_rows="2:2")
    return _workbook_bytes(wb)


def dues_report() -> bytes:
    doc = Document()
    section = _portrait(doc)
    _letter_styles(doc)
    _footer(section, "{{ org.name }} · 党费收缴使用情况公示")
    center = WD_ALIGN_PARAGRAPH.CENTER
    right = WD_ALIGN_PARAGRAPH.RIGHT

    _para(doc, "{{ title }}", style="文书标题")
    _para(doc, "{% if period %}公示期：{{ period }}{% endif %}", style="文书副标题")
    _para(
        doc,
        "按照党费收缴、使用和管理的规定，现将本支部{{ year }}年度党费收缴、上缴、使用和结存情况"
        "公示如下（统计截至{{ through }}，金额单位：元）。",
        style="记录正文",
    )
    _tag(doc, "{%p if note %}")
    _para(doc, "{{ note }}", style="记录正文")
    _tag(doc, "{%p endif %}")

    _para(doc, "一、党费收缴", style="栏目标题")
    _para(
        doc,
        "本支部应交纳党费的党员{{ members.total }}名，应交党费{{ due_total }}元，实交{{ paid_total }}元。"
        "按时交清{{ members.paid_in_full }}名{% if members.in_arrears %}，欠交{{ members.in_arrears }}名"
        "{% endif %}{% if members.exempt %}，经批准免交{{ members.exempt }}名{% endif %}。"
        "本年共收缴党费{{ collected }}元（按交纳日期，含补交和预交）。",
        style="记录正文",
    )
    _tag(doc, "{%p if paid_members %}")
    table = doc.add_table(rows=1, cols=4, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(
        table.rows[0].cells, ("序号", "姓名", "月交纳额", "全年交纳额"), strict=True
    ):
        _label(cell, text)
    _repeat_header(table.rows[0])
    _tag_row(table, "{%tr for p in paid_members %}")
    row = table.add_row()
    _cell(row.cells[0], "{{ p.number }}", align=center)
    _cell(row.cells[1], "{{ p.name }}", align=center)
    _cell(row.cells[2], "{{ p.monthly }}", align=right)
    _cell(row.cells[3], "{{ p.paid_total }}", align=right)
    _tag_row(table, "{%tr endfor %}")
    _widths(table, [1.6, 5.0, 4.6, 4.6])
    _tag(doc, "{%p endif %}")
    _para(doc, "欠交和免交的同志只计人数，不列姓名。", style="附注")

    _para(doc, "二、党费上缴和返还", style="栏目标题")
    _para(
        doc,
        "本年上缴上级党委{{ handed_up }}元{% if handed_up_lines %}（{% for h in handed_up_lines %}"
        "{{ h.date }}{{ h.amount }}元{% if not loop.last %}；{% endif %}{% endfor %}）{% endif %}；"
        "上级返还{{ returned }}元{% if returned_lines %}（{% for r in returned_lines %}"
        "{{ r.date }}{{ r.amount }}元{% if not loop.last %}；{% endif %}{% endfor %}）{% endif %}。",
        style="记录正文",
    )

    _para(doc, "三、党费使用", style="栏目标题")
    _para(doc, "本年支出{{ spent }}元，均经集体研究决定，按用途：", style="记录正文")
    table = doc.add_table(rows=1, cols=3, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("用途", "金额", "占支出"), strict=True):
        _label(cell, text)
    _tag_row(table, "{%tr for u in uses %}")
    row = table.add_row()
    _cell(row.cells[0], "{{ u.name }}")
    _cell(row.cells[1], "{{ u.amount }}", align=right)
    _cell(row.cells[2], "{{ u.share }}", align=center)
    _tag_row(table, "{%tr endfor %}")
    _widths(table, [6.0, 5.0, 3.0])
    _tag(doc, "{%p if spendings %}")
    _para(doc, "每笔支出：", style="记录正文")
    table = doc.add_table(rows=1, cols=5, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(
        table.rows[0].cells, ("序号", "日期", "用途", "金额", "集体研究决定及说明"), strict=True
    ):
        _label(cell, text)
    _repeat_header(table.rows[0])
    _tag_row(table, "{%tr for s in spendings %}")
    row = table.add_row()
    _cell(row.cells[0], "{{ s.number }}", align=center)
    _cell(row.cells[1], "{{ s.date }}", align=center)
    _cell(row.cells[2], "{{ s.use }}", align=center)
    _cell(row.cells[3], "{{ s.amount }}", align=right)
    _cell(row.cells[4], "{{ s.decision }}{% if s.note %}；{{ s.note }}{% endif %}")
    _tag_row(table, "{%tr endfor %}")
    _widths(table, [1.2, 3.4, 3.0, 2.4, 6.8])
    _tag(doc, "{%p endif %}")

    _para(doc, "四、结存", style="栏目标题")
    _para(
        doc,
        "上年结转{{ opening }}元，加本年收缴{{ collected }}元、返还{{ returned }}元，"
        "减上缴{{ handed_up }}元、支出{{ spent }}元，年末结存{{ closing }}元。",
        style="记录正文",
    )

    _para(doc, "五、各月收支", style="栏目标题")
    table = doc.add_table(rows=1, cols=4, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("月份", "收缴", "支出", "月末结存"), strict=True):
        _label(cell, text)
    _tag_row(table, "{%tr for m in months %}")
    row = table.add_row()
    _cell(row.cells[0], "{{ m.month }}", align=center)
    _cell(row.cells[1], "{{ m.collected }}", align=right)
    _cell(row.cells[2], "{{ m.spent }}", align=right)
    _cell(row.cells[3], "{{ m.balance }}", align=right)
    _tag_row(table, "{%tr endfor %}")
    _widths(table, [3.0, 4.0, 4.0, 4.0])

    _para(doc)
    _para(
        doc,
        "党员对公示内容有疑问的，请在公示期内向{{ contact or '党支部' }}反映。",
        style="记录正文",
    )
    _para(doc)
    _para(doc, "{{ org.name }}", align=right)
    _para(doc, "{{ generated_on }}", align=right)

    _fixed_properties(doc, "党费收缴使用情况公示")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- reproducible packages --------------------------------------------------------------------


def normalized(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and sorted entries, so equal content = equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        first = [n for n in names if n == "[Content_Types].xml"]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            body = src.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps the save time: pin it
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", body
                )
            dst.writestr(info, body)
    return out.getvalue()


BUILDERS = {
    "meeting_book.docx": meeting_book,
    "sign_in_sheet.xlsx": sign_in_sheet,
    "attendance_sheet.xlsx": attendance_sheet,
    "rectification_ledger.xlsx": rectification_ledger,
    "rectification_ledger_docx.docx": rectification_ledger_docx,
    "lifemeeting_feedback.docx": lifemeeting_feedback,
    "lifemeeting_report.docx": lifemeeting_report,
    "dues_sheet.xlsx": dues_sheet,
    "dues_ledger.xlsx": dues_ledger,
    "dues_report.docx": dues_report,
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in BUILDERS.items():
        path = OUT / name
        data = normalized(build())
        changed = not path.exists() or path.read_bytes() != data
        path.write_bytes(data)
        print(f"{'wrote' if changed else 'unchanged'} {path.relative_to(OUT.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
