"""Filling a template with a context: .docx through docxtpl, .xlsx through openpyxl.

Both run Jinja in a sandbox with ``StrictUndefined``: an uploaded template is code written by
someone else, and a misspelt placeholder must be an error naming it, never a silent blank.

The .xlsx convention (shown on the 导出模板 page):

- ``{{ name }}`` anywhere in a cell is replaced by the value. A cell holding nothing but one
  placeholder gets the value itself (a number stays a number, so sums and formats work).
- The row(s) that use ``{{ row.… }}`` repeat once per record of ``rows``, downwards; what lies
  below moves down. A document with per-meeting columns has ``columns``: the column(s) that use
  ``{{ col.… }}`` repeat once per record, to the right; in a repeated row and column both ``row``
  and ``col`` are known (``{{ row.marks[col.index] }}``).
- Cell styles, row heights, column widths, merged cells, print area and print titles follow the
  repeats. Formulas are copied as written (their references are not moved): use the totals the
  context provides instead.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from copy import copy
from typing import Any, cast

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, meta
from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined
from jinja2.sandbox import SandboxedEnvironment
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from zhibu.reports.registry import DOCX, XLSX, Document

MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # a 5 MB upload that unpacks to more is not a form
MAX_ENTRIES = 3000
GUIDE_HINT = "可用的占位符见“台账导出与模板”页该文书下的说明"
EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


class TemplateProblem(Exception):
    """The template cannot be read or filled in. ``str()`` is the message for the user."""


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)


# --- messages that name the placeholder -------------------------------------------------------


def _missing(exc: UndefinedError) -> tuple[str, bool] | None:
    """(identifier, is_attribute) from Jinja's message, e.g. "'meting' is undefined"."""
    text = str(exc.message or "")
    m = re.match(r"^'([^']+)' is undefined", text)
    if m:
        return m.group(1), False
    m = re.search(r"has no attribute '([^']+)'", text)
    if m:
        return m.group(1), True
    m = re.search(r"has no element (.+)$", text)
    if m:
        return m.group(1).strip("'\""), True
    return None


def _expressions(source: str) -> list[str]:
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", e)).split())
        for e in EXPRESSION.findall(source)
    ]


def _find(expressions: list[str], ident: str, attribute: bool) -> str | None:
    word = re.escape(ident)
    pattern = (
        rf"\.\s*{word}\b|\[\s*['\"]?{word}['\"]?\s*\]" if attribute else rf"(?<![\w.]){word}\b"
    )
    return next((e for e in expressions if re.search(pattern, e)), None)


def undefined_message(exc: UndefinedError, source: str, where: str = "") -> str:
    found = _missing(exc)
    if found is None:
        return f"模板中的占位符{where}无法识别：{exc.message}。{GUIDE_HINT}"
    ident, attribute = found
    expr = _find(_expressions(source), ident, attribute)
    what = f"没有“{ident}”这一项" if attribute else f"没有名为“{ident}”的数据"
    shown = f" {expr} " if expr else f"“{ident}”"
    return f"模板中的占位符{shown}{where}无法识别：{what}。{GUIDE_HINT}"


SYNTAX_HINTS = (
    ("unexpected end of template", "模板提前结束，可能缺少 endfor 或 endif"),
    ("unknown tag", "有无法识别的标签"),
    ("expected token", "占位符写法不完整"),
    ("unexpected '}'", "多了一个 }"),
    ("unexpected char", "有无法识别的字符（请检查中文标点或全角括号）"),
)


def syntax_message(exc: TemplateSyntaxError, snippet: str = "", where: str = "") -> str:
    text = str(exc.message or "")
    hint = next((zh for en, zh in SYNTAX_HINTS if en in text.lower()), "写法有误")
    near = f"，出错处附近的文字：「{snippet.strip()[:80]}」" if snippet.strip() else ""
    return f"模板中的占位符{where}{hint}（{text}）{near}。请检查 {{{{ }}}} 与 {{% %}} 是否成对。"


def _other_message(exc: Exception, where: str = "") -> str:
    if isinstance(exc, SecurityError):
        return f"模板{where}使用了不允许的写法（{exc}）。请只使用说明中列出的占位符。"
    return f"模板{where}无法生成：{exc}。{GUIDE_HINT}"


# --- checking a file is what it claims to be ------------------------------------------------


def check_package(data: bytes, fmt: str) -> None:
    """A .docx/.xlsx is a zip package with the right main part, no macros, no zip bomb."""
    label = "Word 文档（.docx）" if fmt == DOCX else "Excel 表格（.xlsx）"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise TemplateProblem(f"无法读取该文件：请上传 {label}") from None
    names = {i.filename for i in infos}
    main = "word/document.xml" if fmt == DOCX else "xl/workbook.xml"
    if main not in names:
        raise TemplateProblem(f"该文件不是 {label}")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise TemplateProblem("不接受带宏的文件：请另存为不含宏的 .docx / .xlsx 后上传")
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise TemplateProblem("文件解压后过大，不像是一份表单模板")


# --- .docx ------------------------------------------------------------------------------------


def _docx_source(tpl: DocxTemplate) -> str:
    """The template's text as Jinja sees it (body, headers, footers), to find placeholders in."""
    from docx.oxml import parse_xml

    tpl.init_docx()
    parts = [tpl.patch_xml(tpl.get_xml())]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            parts.append(tpl.patch_xml(tpl.xml_to_string(parse_xml(part.blob))))
    return "\n".join(parts)


def _docx_snippet(exc: TemplateSyntaxError) -> str:
    lines = list(getattr(exc, "docx_context", None) or [])
    if not lines or exc.lineno is None:
        return ""
    index = min(exc.lineno - 1 - max(exc.lineno - 4, 0), len(lines) - 1)
    return html.unescape(lines[max(index, 0)])


def _paragraphs(value: Any) -> Any:
    """A line break in a value starts a new paragraph with the same style (docxtpl turns
    ``\\a`` into one), so the first-line indent of a record's paragraphs holds for each."""
    if isinstance(value, str) and "\n" in value:
        return value.replace("\r\n", "\n").replace("\n", "\a")
    return value


def render_docx(data: bytes, context: Mapping[str, Any]) -> bytes:
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        source = _docx_source(tpl)
    except Exception:  # python-docx raises many kinds on a damaged package
        raise TemplateProblem("无法读取该文件：请上传 Word 文档（.docx）") from None
    try:
        # autoescape: a value with < or & must stay text, not break the document's XML.
        env = environment()
        env.finalize = _paragraphs
        tpl.render(dict(context), jinja_env=env, autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
    except UndefinedError as exc:
        raise TemplateProblem(undefined_message(exc, source)) from None
    except TemplateSyntaxError as exc:
        raise TemplateProblem(syntax_message(exc, _docx_snippet(exc))) from None
    except TemplateError as exc:
        raise TemplateProblem(_other_message(exc)) from None
    except Exception as exc:  # a filter applied to the wrong kind of value, a broken table loop
        raise TemplateProblem(_other_message(exc)) from None
    return out.getvalue()


def docx_unknown_names(data: bytes, context: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Top-level names the template uses that the context lacks, with the placeholder using each
    (also those in a branch the sample render does not take)."""
    tpl = DocxTemplate(io.BytesIO(data))
    source = _docx_source(tpl)
    env = environment()
    names = meta.find_undeclared_variables(env.parse(source)) - set(context)
    expressions = _expressions(source)
    return [(n, _find(expressions, n, False) or n) for n in sorted(names)]


# --- .xlsx ------------------------------------------------------------------------------------


def _uses(text: Any, name: str) -> bool:
    if not isinstance(text, str) or "{" not in text:
        return False
    return any(re.search(rf"(?<![\w.]){name}\b", e) for e in _expressions(text))


def _block(indexes: list[int]) -> tuple[int, int] | None:
    return (min(indexes), max(indexes)) if indexes else None


class _Axis:
    """Where source row (or column) ``i`` lands when the block ``[lo, hi]`` repeats ``n`` times."""

    def __init__(self, block: tuple[int, int] | None, n: int) -> None:
        self.block, self.n = block, n
        self.size = block[1] - block[0] + 1 if block else 0

    def copies(self, i: int) -> list[tuple[int, int | None]]:
        """[(target index, record number or None)] for source index ``i``."""
        if self.block is None or i < self.block[0]:
            return [(i, None)]
        lo, hi = self.block
        if i > hi:
            return [(i + (self.n - 1) * self.size, None)]
        return [(lo + k * self.size + (i - lo), k) for k in range(self.n)]

    def first(self, i: int) -> int:
        if self.block is not None and self.block[0] <= i <= self.block[1] and self.n == 0:
            return self.block[0]
        return self.copies(i)[0][0]

    def last(self, i: int) -> int:
        if self.block is not None and self.block[0] <= i <= self.block[1] and self.n == 0:
            return self.block[0] - 1
        return self.copies(i)[-1][0]


class _CellRenderer:
    def __init__(self, sheet: str) -> None:
        self.env = environment()
        self.sheet = sheet
        self.cache: dict[str, Callable[[dict[str, Any]], Any]] = {}

    def _compile(self, text: str, where: str) -> Callable[[dict[str, Any]], Any]:
        fn = self.cache.get(text)
        if fn is not None:
            return fn
        try:
            whole = re.fullmatch(r"\s*\{\{(.*?)\}\}\s*", text, re.DOTALL)
            if whole and "{{" not in whole.group(1) and "}}" not in whole.group(1):
                expr = self.env.compile_expression(whole.group(1), undefined_to_none=False)

                def fn(ctx: dict[str, Any]) -> Any:
                    value = expr(**ctx)
                    if isinstance(value, Undefined):
                        str(value)  # StrictUndefined raises here, naming what is missing
                    return value

            else:
                template = self.env.from_string(text)

                def fn(ctx: dict[str, Any]) -> Any:
                    return template.render(ctx)

        except TemplateSyntaxError as exc:
            raise TemplateProblem(syntax_message(exc, text, where)) from None
        self.cache[text] = fn
        return fn

    def value(self, text: Any, ctx: dict[str, Any], coordinate: str) -> Any:
        if not isinstance(text, str) or ("{{" not in text and "{%" not in text):
            return text
        where = f"（工作表“{self.sheet}”{coordinate} 单元格）"
        fn = self._compile(text, where)
        try:
            value = fn(ctx)
        except UndefinedError as exc:
            raise TemplateProblem(undefined_message(exc, text, where)) from None
        except TemplateError as exc:
            raise TemplateProblem(_other_message(exc, where)) from None
        except Exception as exc:
            raise TemplateProblem(_other_message(exc, where)) from None
        if value is None or isinstance(value, str | int | float | bool):
            return value
        if hasattr(value, "isoformat"):
            return value
        return str(value)


def _records(context: Mapping[str, Any], name: str, sheet: str) -> list[Any]:
    value = context.get(name)
    if not isinstance(value, list):
        raise TemplateProblem(
            f"工作表“{sheet}”使用了 {{{{ {'row' if name == 'rows' else 'col'}.… }}}}，"
            f"但这份文件没有逐{'行' if name == 'rows' else '列'}重复的数据。{GUIDE_HINT}"
        )
    return value


def _style_of(cell: Cell) -> Any:
    """The cell's style as openpyxl stores it: indexes into the workbook's shared style tables.
    Copying these (not font, border … one by one, which re-registers each) keeps a 120 × 40
    sheet well under a second."""
    return copy(cast(Any, cell)._style)


def _set_style(cell: Cell, style: Any) -> None:
    cast(Any, cell)._style = copy(style)


def _fill_sheet(ws: Worksheet, context: Mapping[str, Any]) -> None:
    cells: dict[tuple[int, int], tuple[Any, Any]] = {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell, MergedCell) or (cell.value is None and not cell.has_style):
                continue
            style = _style_of(cell) if cell.has_style else None
            cells[(cell.row, cell.column)] = (cell.value, style)
    row_block = _block(sorted({r for (r, _), (v, _) in cells.items() if _uses(v, "row")}))
    col_block = _block(sorted({c for (_, c), (v, _) in cells.items() if _uses(v, "col")}))
    if (
        row_block is None
        and col_block is None
        and not any(isinstance(v, str) and "{" in v for v, _ in cells.values())
    ):
        return
    rows = _records(context, "rows", ws.title) if row_block else []
    cols = _records(context, "columns", ws.title) if col_block else []
    down, right = _Axis(row_block, len(rows)), _Axis(col_block, len(cols))

    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}
    widths: dict[int, float] = {}
    for dim in list(ws.column_dimensions.values()):
        if dim.width and dim.min and dim.max:
            for c in range(dim.min, min(dim.max, 16384) + 1):
                widths[c] = dim.width
    merged = [(r.min_col, r.min_row, r.max_col, r.max_row) for r in ws.merged_cells.ranges]
    for r in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(r))
    max_row = ws.max_row
    ws.delete_rows(1, max_row + 1)

    renderer = _CellRenderer(ws.title)
    base = dict(context)
    for (r, c), (value, style) in sorted(cells.items()):
        for tr, rk in down.copies(r):
            for tc, ck in right.copies(c):
                ctx = base
                if rk is not None or ck is not None:
                    ctx = dict(base)
                    if rk is not None:
                        ctx["row"] = rows[rk]
                    if ck is not None:
                        ctx["col"] = cols[ck]
                target = ws.cell(row=tr, column=tc)
                target.value = renderer.value(value, ctx, f"{get_column_letter(c)}{r}")
                if style is not None and isinstance(target, Cell):
                    _set_style(target, style)

    for r in list(ws.row_dimensions):
        del ws.row_dimensions[r]
    for r, h in heights.items():
        for tr, _ in down.copies(r):
            ws.row_dimensions[tr].height = h
    for key in list(ws.column_dimensions):
        del ws.column_dimensions[key]
    for c, w in widths.items():
        for tc, _ in right.copies(c):
            ws.column_dimensions[get_column_letter(tc)].width = w

    for min_col, min_row, max_col, max_row_ in merged:
        inside_rows = row_block and row_block[0] <= min_row and max_row_ <= row_block[1]
        inside_cols = col_block and col_block[0] <= min_col and max_col <= col_block[1]
        row_spans = (
            [(a, a + max_row_ - min_row) for a, _ in down.copies(min_row)]
            if inside_rows
            else [(down.first(min_row), down.last(max_row_))]
        )
        col_spans = (
            [(a, a + max_col - min_col) for a, _ in right.copies(min_col)]
            if inside_cols
            else [(right.first(min_col), right.last(max_col))]
        )
        for r0, r1 in row_spans:
            for c0, c1 in col_spans:
                if r1 >= r0 and c1 >= c0 and (r1 > r0 or c1 > c0):
                    ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)

    _move_sheet_settings(ws, down, right)


def _move_sheet_settings(ws: Worksheet, down: _Axis, right: _Axis) -> None:
    if ws.print_area:
        area = str(ws.print_area).split("!")[-1].replace("$", "")
        try:
            min_col, min_row, max_col, max_row = range_boundaries(area)
        except (ValueError, TypeError):
            min_col = None
        if min_col is not None and min_row is not None and max_col and max_row:
            ws.print_area = (
                f"{get_column_letter(right.first(min_col))}{down.first(min_row)}:"
                f"{get_column_letter(right.last(max_col))}{down.last(max_row)}"
            )
    if ws.freeze_panes:
        min_col, min_row, _, _ = range_boundaries(str(ws.freeze_panes))
        if min_col and min_row:
            ws.freeze_panes = f"{get_column_letter(right.first(min_col))}{down.first(min_row)}"


def render_xlsx(data: bytes, context: Mapping[str, Any]) -> bytes:
    try:
        wb = load_workbook(io.BytesIO(data))
    except Exception:  # openpyxl raises many kinds on a damaged package
        raise TemplateProblem("无法读取该文件：请上传 Excel 表格（.xlsx）") from None
    for ws in wb.worksheets:
        _fill_sheet(ws, context)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_unknown_names(data: bytes, context: Mapping[str, Any]) -> list[tuple[str, str]]:
    env = environment()
    wb = load_workbook(io.BytesIO(data))
    known = set(context) | {"row", "col"}
    found: dict[str, str] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or "{" not in cell.value:
                    continue
                try:
                    names = meta.find_undeclared_variables(env.parse(cell.value)) - known
                except TemplateSyntaxError:
                    continue  # the test render reports it with the cell
                for name in names:
                    expr = _find(_expressions(cell.value), name, False) or name
                    found.setdefault(name, f"{expr}（工作表“{ws.title}”{cell.coordinate} 单元格）")
    return sorted(found.items())


# --- one entry point --------------------------------------------------------------------------


def render(document: Document, data: bytes, context: Mapping[str, Any]) -> bytes:
    """Fill ``data`` (a template of ``document``'s format) with ``context``."""
    check_package(data, document.format)
    if document.format == XLSX:
        return render_xlsx(data, context)
    return render_docx(data, context)


def validate(document: Document, data: bytes) -> None:
    """Refuse a template that does not fit ``document``: wrong kind of file, a placeholder the
    context lacks (named), or one that fails on the sample context."""
    check_package(data, document.format)
    sample = document.sample()
    try:
        unknown = (
            xlsx_unknown_names(data, sample)
            if document.format == XLSX
            else docx_unknown_names(data, sample)
        )
    except TemplateSyntaxError as exc:
        raise TemplateProblem(syntax_message(exc)) from None
    except TemplateProblem:
        raise
    except Exception:
        unknown = []  # unreadable: the render below says so in its own words
    if unknown:
        name, expr = unknown[0]
        raise TemplateProblem(
            f"模板中的占位符 {expr} 无法识别：没有名为“{name}”的数据。{GUIDE_HINT}"
        )
    render(document, data, sample)
