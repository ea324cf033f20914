"""整改台账 exports: the .xlsx (one row per problem) and the .docx (班子 and 个人 in two tables),
with the built-in templates and an organization's own; who may take them; the filters; the
query count."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.members.models import Member
from zhibu.orgs.models import Organization
from zhibu.rectification import services
from zhibu.rectification.models import Problem, ProblemCategory
from zhibu.rectification.queries import LedgerFilter
from zhibu.rectification.services import MeasureInput
from zhibu.reports import contexts, registry
from zhibu.reports import services as report_services
from zhibu.reports.rules import zh_long_date

TODAY = timezone.localdate()
THIS, LAST = TODAY.year, TODAY.year - 1
SOON, LATER = TODAY + dt.timedelta(days=30), TODAY + dt.timedelta(days=60)
HEADERS = [
    "序号", "所属组织", "年度", "问题来源", "问题类别", "问题主体", "问题表现", "原因剖析",
    "整改目标", "整改措施", "责任领导/\n责任人", "整改时限", "整改进展/\n完成情况", "状态",
    "是否销号", "销号时间", "佐证材料", "备注",
]  # fmt: skip
FIRST_ROW = 5  # title, filters, totals, headers


def _category(name: str) -> ProblemCategory:
    return ProblemCategory.objects.get(name=name)


def _me(cast: Cast, role: str) -> Member:
    member = getattr(cast, role).member
    assert member is not None
    return member


def _problem(
    cast: Cast,
    *,
    description: str,
    measures: list[tuple[str, Member, dt.date]],
    owner: Member | None = None,
    org: Organization | None = None,
    category: str = "组织生活",
    year: int = THIS,
    today: dt.date | None = None,
    **kw: Any,
) -> Problem:
    return services.problem_create(
        actor=cast.secretary, organization=org or cast.branch,
        owner_kind="member" if owner else "committee", owner_member=owner,
        source=kw.pop("source", "life_meeting"), category=_category(category),
        description=description, year=year, today=today,
        measures=[MeasureInput(text, who, when) for text, who, when in measures], **kw,
    )  # fmt: skip


@dataclass
class Ledger:
    committee: Problem  # 第一党支部's 班子, two measures, one done
    closed: Problem  # 梅党员's, done and 销号, with a file
    late: Problem  # 裴同志's of last year, its measure ten days past the deadline
    sibling: Problem  # 第二党支部's: only in the committee's export


def _ledger(cast: Cast) -> Ledger:
    secretary, member = _me(cast, "secretary"), _me(cast, "member")
    committee = _problem(
        cast, description="支部组织生活不够严肃规范", target="组织生活规范有序",
        cause_thinking="对从严治党认识不足", cause_ability="会议组织能力不强",
        source_note=f"{LAST}年度组织生活会",
        measures=[("每月按时召开支委会", secretary, SOON), ("规范会议记录", member, LATER)],
    )  # fmt: skip
    services.measure_complete(
        actor=cast.secretary, measure=committee.measures.get(text="每月按时召开支委会"),
        evidence="已按月召开支委会", done_on=TODAY,
    )  # fmt: skip
    closed = _problem(
        cast, description="理论学习不够深入", owner=member, category="作风建设",
        cause_thinking="学习自觉性不够", remark="本人已表态",
        measures=[("每周自学两小时并做笔记", member, SOON)],
    )  # fmt: skip
    services.measure_complete(
        actor=cast.member, measure=closed.measures.get(), evidence="坚持每周自学",
        files=[SimpleUploadedFile("学习笔记.pdf", b"%PDF-1.4 notes")],
    )  # fmt: skip
    services.problem_close(actor=cast.secretary, problem=closed, note="核实完成")
    late = _problem(
        cast, description="参加组织生活不够经常", owner=cast.peer, year=LAST,
        today=TODAY - dt.timedelta(days=60), source="opinion",
        measures=[("按时参加主题党日", cast.peer, TODAY - dt.timedelta(days=10))],
    )  # fmt: skip
    sibling = _problem(
        cast, org=cast.sibling, owner=_me(cast, "other"), description="党员作用发挥不明显",
        measures=[("带头参加志愿服务", _me(cast, "other"), SOON)],
    )  # fmt: skip
    for p in (committee, closed, late, sibling):
        p.refresh_from_db()
    return Ledger(committee, closed, late, sibling)


def _get(client: Any, name: str, code: str, **params: Any) -> Any:
    return client.get(reverse(f"rectification:{name}", args=[code]), params)


def _sheet(response: Any) -> Any:
    assert response.status_code == 200, response
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def _rows(ws: Any) -> dict[str, dict[str, Any]]:
    """Data rows by 问题表现, each as {header: value}."""
    out = {}
    for r in range(FIRST_ROW, ws.max_row + 1):
        if not isinstance(ws.cell(r, 1).value, int):
            break
        row = {h: ws.cell(r, c).value for c, h in enumerate(HEADERS, start=1)}
        out[row["问题表现"]] = row
    return out


def _tables(response: Any) -> list[list[list[str]]]:
    """Each table's rows of cell texts (a merged cell repeats its text in each row it spans)."""
    assert response.status_code == 200, response
    doc = Document(io.BytesIO(response.content))
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def _paragraphs(response: Any) -> list[str]:
    return [p.text for p in Document(io.BytesIO(response.content)).paragraphs if p.text]


# --- Excel -----------------------------------------------------------------------------------


def test_it_writes_the_branch_ledger_one_row_per_problem(cast: Cast, client_as: Any) -> None:
    ledger = _ledger(cast)
    response = _get(client_as("secretary"), "ledger_xlsx", cast.branch.code)
    assert response["Content-Type"] == registry.DOCUMENTS["rectification_ledger"].content_type
    filename = quote("第一党支部-整改台账.xlsx")
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{filename}"
    ws = _sheet(response)
    assert ws["A1"].value == "第一党支部整改台账"
    assert ws["A2"].value == "筛选条件：全部问题（未筛选）"
    assert ws.cell(2, 13).value == f"导出日期：{zh_long_date(TODAY)}"
    assert ws["A3"].value.startswith("共 3 个问题、4 项整改措施：待整改 1 个，整改中 1 个")
    assert "已销号 1 个；逾期未完成 1 个" in ws["A3"].value
    assert [ws.cell(4, c).value for c in range(1, 19)] == HEADERS
    rows = _rows(ws)
    assert set(rows) == {"支部组织生活不够严肃规范", "理论学习不够深入", "参加组织生活不够经常"}
    assert sorted(r["序号"] for r in rows.values()) == [1, 2, 3]

    team = rows["支部组织生活不够严肃规范"]
    assert team["所属组织"] == "第一党支部" and team["年度"] == THIS
    assert team["问题来源"] == f"组织生活会（{LAST}年度组织生活会）"
    assert team["问题类别"] == "组织生活" and team["问题主体"] == "支部委员会（班子）"
    assert team["原因剖析"] == "思想意识：对从严治党认识不足\n能力作风：会议组织能力不强"
    assert team["整改目标"] == "组织生活规范有序"
    assert team["整改措施"] == (
        f"1. 每月按时召开支委会（责任人：石书记；时限：{zh_long_date(SOON)}）\n"
        f"2. 规范会议记录（责任人：梅党员；时限：{zh_long_date(LATER)}）"
    )
    assert team["责任领导/\n责任人"] == "石书记、梅党员"
    assert team["整改时限"] == zh_long_date(LATER)
    assert team["整改进展/\n完成情况"] == (
        f"已完成1/2项措施\n1. {zh_long_date(TODAY)}完成：已按月召开支委会"
    )
    assert (team["状态"], team["是否销号"], team["销号时间"]) == ("整改中", "否", None)

    closed = rows["理论学习不够深入"]
    assert closed["问题主体"] == "梅党员" and closed["问题类别"] == "作风建设"
    assert (closed["状态"], closed["是否销号"]) == ("已销号", "是")
    assert closed["销号时间"] == zh_long_date(TODAY)
    assert closed["佐证材料"] == "学习笔记.pdf" and closed["备注"] == "本人已表态"
    assert closed["整改进展/\n完成情况"].endswith("完成（已核实）：坚持每周自学")

    late = rows["参加组织生活不够经常"]
    assert late["年度"] == LAST and late["问题来源"] == "征求意见"
    assert late["状态"] == "待整改" and late["是否销号"] == "否"
    late_day = zh_long_date(TODAY - dt.timedelta(days=10))
    assert late["整改时限"] == f"{late_day}\n逾期10天"

    event = AuditEvent.objects.get(verb="export.rectification_ledger")
    assert event.actor_id == cast.secretary.pk and event.organization_id == cast.branch.pk
    assert event.changes["rows"] == [None, 3] and event.changes["year"] == [None, "全部"]
    assert ledger.sibling.description not in str(rows)


def test_it_exports_a_committees_whole_subtree(cast: Cast, client_as: Any) -> None:
    _ledger(cast)
    ws = _sheet(_get(client_as("committee_officer"), "ledger_xlsx", cast.committee.code))
    assert ws["A1"].value == "测试镇党委整改台账"
    rows = _rows(ws)
    assert len(rows) == 4
    assert rows["党员作用发挥不明显"]["所属组织"] == "第二党支部"
    assert rows["党员作用发挥不明显"]["问题主体"] == "欧邻支"
    assert rows["理论学习不够深入"]["所属组织"] == "第一党支部"
    # The branch's secretary does not see the committee's ledger.
    assert _get(client_as("secretary"), "ledger_xlsx", cast.committee.code).status_code == 404


def test_it_applies_the_ledger_filters(cast: Cast, client_as: Any) -> None:
    _ledger(cast)
    client = client_as("secretary")
    by_year = _get(client, "ledger_xlsx", cast.branch.code, year=LAST)
    filename = quote(f"第一党支部-{LAST}年整改台账.xlsx")
    assert by_year["Content-Disposition"] == f"attachment; filename*=UTF-8''{filename}"
    ws = _sheet(by_year)
    assert ws["A1"].value == f"第一党支部{LAST}年度整改台账"
    assert ws["A2"].value == f"筛选条件：年度：{LAST}年"
    assert set(_rows(ws)) == {"参加组织生活不够经常"}

    ws = _sheet(_get(client, "ledger_xlsx", cast.branch.code, status="closed"))
    assert set(_rows(ws)) == {"理论学习不够深入"} and ws["A2"].value == "筛选条件：状态：已销号"

    work_style = _category("作风建设").pk
    ws = _sheet(_get(client, "ledger_xlsx", cast.branch.code, category=work_style, year=THIS))
    assert set(_rows(ws)) == {"理论学习不够深入"}
    assert ws["A2"].value == f"筛选条件：年度：{THIS}年；问题类别：作风建设"

    ws = _sheet(_get(client, "ledger_xlsx", cast.branch.code, status="overdue"))
    assert set(_rows(ws)) == {"参加组织生活不够经常"}
    ws = _sheet(_get(client, "ledger_xlsx", cast.branch.code, owner_kind="committee"))
    assert set(_rows(ws)) == {"支部组织生活不够严肃规范"}
    ws = _sheet(_get(client, "ledger_xlsx", cast.branch.code, year="abc", status="nonsense"))
    assert len(_rows(ws)) == 3  # an unknown value is no filter, as on the ledger page


def test_it_exports_an_empty_ledger(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    ws = _sheet(_get(client, "ledger_xlsx", cast.branch.code, year=THIS))
    assert ws["A3"].value.startswith("共 0 个问题")
    assert [ws.cell(4, c).value for c in range(1, 19)] == HEADERS
    assert _rows(ws) == {} and ws.cell(FIRST_ROW + 1, 1).value.startswith("说明")
    response = _get(client, "ledger_docx", cast.branch.code)
    tables = _tables(response)
    assert [len(t) for t in tables] == [1, 1]  # the headers only
    lines = _paragraphs(response)
    assert lines.count("无") == 2


def test_it_prints_the_sheet_like_a_ledger() -> None:
    ws = load_workbook(
        io.BytesIO(registry.DOCUMENTS["rectification_ledger"].default_bytes())
    ).worksheets[0]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$4:$4" and ws.freeze_panes == "A5"
    assert ws["A4"].font.bold and ws["A4"].font.name == "宋体" and ws["A4"].border.left.style
    assert ws["J5"].alignment.wrap_text and ws.column_dimensions["J"].width >= 30
    doc = Document(io.BytesIO(registry.DOCUMENTS["rectification_ledger_docx"].default_bytes()))
    width, height = doc.sections[0].page_width, doc.sections[0].page_height
    assert width and height and (round(width.cm, 1), round(height.cm, 1)) == (29.7, 21.0)
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"


# --- Word ------------------------------------------------------------------------------------


def test_it_writes_the_word_ledger_in_two_lists(cast: Cast, client_as: Any) -> None:
    _ledger(cast)
    response = _get(client_as("secretary"), "ledger_docx", cast.branch.code, year=THIS)
    filename = quote(f"第一党支部-{THIS}年整改台账.docx")
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{filename}"
    lines = _paragraphs(response)
    assert lines[0] == f"第一党支部{THIS}年度整改台账"
    assert "一、班子（支部委员会/党支部）问题" in lines and "二、党员个人问题" in lines
    assert lines.index("一、班子（支部委员会/党支部）问题") < lines.index("二、党员个人问题")
    assert any(line.startswith("共2个问题（班子问题1个，党员个人问题1个）") for line in lines)
    team, personal = _tables(response)
    header = ["序号", "问题", "原因", "整改措施", "责任人", "时限", "进展", "是否销号"]
    assert team[0] == header and personal[0] == header
    cause = "思想意识：对从严治党认识不足\n能力作风：会议组织能力不强"
    assert team[1:] == [
        ["1", "支部组织生活不够严肃规范", cause, "1. 每月按时召开支委会", "石书记",
         zh_long_date(SOON), f"{zh_long_date(TODAY)}完成：已按月召开支委会", "否"],
        ["1", "支部组织生活不够严肃规范", cause, "2. 规范会议记录", "梅党员",
         zh_long_date(LATER), "未完成", "否"],
    ]  # fmt: skip
    assert personal[1:] == [
        ["1", "梅党员：理论学习不够深入", "思想意识：学习自觉性不够", "1. 每周自学两小时并做笔记",
         "梅党员", zh_long_date(SOON), f"{zh_long_date(TODAY)}完成（已核实）：坚持每周自学",
         f"是（{zh_long_date(TODAY)}）"],
    ]  # fmt: skip
    # The problem's cells are merged down over its measures, not repeated.
    body = Document(io.BytesIO(response.content)).element.body
    merges = [m.get(qn("w:val")) for m in body.iter(qn("w:vMerge"))]
    assert merges.count("restart") == 4 + 4 and merges.count("continue") == 4
    event = AuditEvent.objects.get(verb="export.rectification_ledger_docx")
    assert event.changes["year"] == [None, THIS] and event.changes["rows"] == [None, 2]


def test_it_names_the_organization_in_a_committees_word_ledger(cast: Cast, client_as: Any) -> None:
    _ledger(cast)
    response = _get(
        client_as("committee_officer"), "ledger_docx", cast.committee.code, status="overdue"
    )
    team, personal = _tables(response)
    assert len(team) == 1 and len(personal) == 2
    problem, progress = personal[1][1], personal[1][6]
    assert problem == "裴同志（第一党支部）：参加组织生活不够经常"
    assert progress == "未完成，逾期10天"
    assert "无" in _paragraphs(response)  # no 班子 problem is overdue


# --- access, queries, fields, templates -------------------------------------------------------


def test_it_lets_only_the_officers_export(cast: Cast, client_as: Any) -> None:
    for name in ("ledger_xlsx", "ledger_docx"):
        assert _get(client_as("member"), name, cast.branch.code).status_code == 403
        assert _get(client_as("activist"), name, cast.branch.code).status_code == 403
        assert _get(client_as("outsider"), name, cast.branch.code).status_code == 404
        assert _get(client_as("other"), name, cast.branch.code).status_code == 404
        url = reverse(f"rectification:{name}", args=[cast.branch.code])
        assert client_as("secretary").post(url).status_code == 405
    assert not AuditEvent.objects.filter(verb__startswith="export.rectification").exists()


def test_it_builds_the_exports_in_a_fixed_number_of_queries(cast: Cast, client_as: Any) -> None:
    client = client_as("committee_officer")

    def count(name: str, **params: Any) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = _get(client, name, cast.committee.code, **params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    secretary = _me(cast, "secretary")
    _problem(cast, description="第一个问题", measures=[("措施", secretary, SOON)])
    few = {n: count(n) for n in ("ledger_xlsx", "ledger_docx")}
    by_category = count("ledger_xlsx", category=_category("组织生活").pk)
    _ledger(cast)
    for n in range(5):
        _problem(
            cast, description=f"问题{n}", owner=_me(cast, "member"),
            measures=[("措施甲", secretary, SOON), ("措施乙", cast.peer, LATER)],
        )  # fmt: skip
    assert {n: count(n) for n in ("ledger_xlsx", "ledger_docx")} == few
    assert count("ledger_xlsx", category=_category("组织生活").pk) == by_category
    assert by_category == few["ledger_xlsx"] + 1  # the category's name for the header
    # session, user, organization, member and positions (scope); problems, their measures, the
    # measures' files; the template in effect; savepoint, the audit event (chain head, the
    # actor's name, insert, head update), release; the session's save.
    assert few == {"ledger_xlsx": 18, "ledger_docx": 18}


def test_it_gives_real_contexts_only_documented_fields(cast: Cast) -> None:
    _ledger(cast)
    flt = LedgerFilter.from_query({})
    for key, context in (
        ("rectification_ledger", contexts.rectification_ledger_context(cast.branch, flt, TODAY)),
        (
            "rectification_ledger_docx",
            contexts.rectification_ledger_docx_context(cast.committee, flt, TODAY),
        ),
    ):
        assert set(registry.context_paths(context)) == registry.DOCUMENTS[key].paths(), key


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_it_uses_an_uploaded_template(cast: Cast, client_as: Any) -> None:
    _ledger(cast)
    report_services.export_template_upload(
        actor=cast.committee_officer, organization=cast.committee,
        document="rectification_ledger",
        file=SimpleUploadedFile("镇台账.xlsx", _xlsx([
            ["{{ org.name }}问题整改台账"],
            ["{{ row.number }}", "{{ row.owner }}", "{{ row.description }}", "{{ row.status }}"],
        ])),
    )  # fmt: skip
    report_services.export_template_upload(
        actor=cast.secretary, organization=cast.branch, document="rectification_ledger_docx",
        file=SimpleUploadedFile("支部台账.docx", _docx(
            "{{ org.short_name }}：班子{{ collective|length }}个，个人{{ individual|length }}个",
            "{%p for p in individual %}", "{{ p.owner }}：{{ p.description }}", "{%p endfor %}",
        )),
    )  # fmt: skip
    client = client_as("secretary")
    ws = _sheet(_get(client, "ledger_xlsx", cast.branch.code, status="closed"))
    assert ws["A1"].value == "第一党支部问题整改台账"
    assert [ws.cell(2, c).value for c in range(1, 5)] == [1, "梅党员", "理论学习不够深入", "已销号"]
    event = AuditEvent.objects.get(verb="export.rectification_ledger")
    assert event.changes["template"] == [None, "上级「测试镇党委」"]
    lines = _paragraphs(_get(client, "ledger_docx", cast.branch.code))
    assert lines == [
        "第一党支部：班子1个，个人2个",
        "梅党员：理论学习不够深入",
        "裴同志：参加组织生活不够经常",
    ]


def test_it_sends_a_template_problem_back_to_the_ledger(cast: Cast, client_as: Any) -> None:
    """A template that passes the sample (two problems) and fails on an empty ledger."""
    report_services.export_template_upload(
        actor=cast.secretary, organization=cast.branch, document="rectification_ledger",
        file=SimpleUploadedFile("条件.xlsx", _xlsx([
            ["{{ org.name }}", "{% if totals.problems == 0 %}{{ org.nmae }}{% endif %}"],
        ])),
    )  # fmt: skip
    response = _get(client_as("secretary"), "ledger_xlsx", cast.branch.code)
    assert response.status_code == 302
    assert response["Location"] == reverse("rectification:ledger", args=[cast.branch.code])
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "「第一党支部」的整改台账模板无法生成文件" in message and "org.nmae" in message
    assert not AuditEvent.objects.filter(verb="export.rectification_ledger").exists()


def test_it_lists_the_ledgers_on_the_templates_page(cast: Cast, client_as: Any) -> None:
    response = client_as("committee_officer").get(
        reverse("reports:templates", args=[cast.committee.code])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="doc-rectification_ledger"' in page and 'id="doc-rectification_ledger_docx"' in page
    assert "{{ row.measures_text }}" in page and "{% for p in collective %}" in page
    assert "{% for m in row.measures %}" in page  # a list inside a row is a loop in the cell
