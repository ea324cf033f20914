"""The three meeting exports with the built-in templates: what they contain, who took them out."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.meetings import services as meeting_services
from zhibu.reports import contexts, registry
from zhibu.reports.tests.helpers import YEAR, docx_lines, hold, plan_past, sheet


def _get(client: Any, name: str, *args: Any, **params: Any) -> Any:
    return client.get(reverse(name, args=args), params)


def test_it_writes_the_meeting_book_from_the_confirmed_minutes(cast: Cast, client_as: Any) -> None:
    meeting = hold(cast, plan_past(cast))
    # A correction under way (new text, changed attendance) is not what the book prints.
    meeting_services.minutes_correct(actor=cast.secretary, meeting=meeting, reason="补充发言")
    meeting_services.minutes_save(
        actor=cast.secretary, meeting=meeting,
        content={"items": [{"title": "改", "content": "尚未确认的更正"}], "summary": ""},
    )  # fmt: skip
    peer_row = meeting.attendances.get(member=cast.peer)
    meeting_services.attendance_mark(
        actor=cast.secretary, meeting=meeting, marks={peer_row.pk: "present"}
    )

    response = _get(client_as("secretary"), "reports:meeting_book", cast.branch.code, year=YEAR)
    assert response.status_code == 200
    assert response["Content-Type"] == registry.DOCUMENTS["meeting_book"].content_type
    filename = quote(f"第一党支部-{YEAR}年会议记录本.docx")
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{filename}"
    lines = docx_lines(response.content)
    text = "\n".join(lines)
    assert f"{YEAR}年第1次支部党员大会" in lines
    assert "石书记（书记）" in lines and "梅党员" in lines  # host with office; recorder
    assert {"石书记、梅党员", "梅党员、石书记"} & set(lines)  # 出席人员
    assert "裴同志（请假）" in lines  # 缺席人员及原因, as confirmed (not the later mark)
    assert "程组织（镇党委组织委员）" in lines  # 列席人员
    assert (
        f"{YEAR}年3月10日（星期{'一二三四五六日'[dt.date(YEAR, 3, 10).weekday()]}）下午15时00分　散会时间 17时00分"
        in lines
    )
    assert "散会时间：17时00分" in lines
    assert "3 人" in lines and "2 人" in lines and "1 人" in lines  # 应到 · 实到 · 缺席
    assert "一、学习党的二十届四中全会精神（第一议题）" in lines
    assert "石书记领学全会公报。" in lines  # each line of the record its own paragraph
    assert "梅党员发言：要把学习成果转化为工作实效。" in lines
    assert "表决情况：应到会有表决权的党员 3 人，实到会有表决权的党员 2 人。" in lines
    assert "到会有表决权的党员超过应到会有表决权党员的半数，符合规定人数。" in lines
    assert "同意成立特色种植合作社；责任人：石书记；完成时限：2026年6月底前" in lines
    assert "通过" in lines
    assert "会议要求各位党员带头学、带头干。" in lines
    assert any(line.startswith("记录人签字") and "主持人签字" in line for line in lines)
    assert "尚未确认的更正" not in text
    event = AuditEvent.objects.get(verb="export.meeting_book")
    assert event.actor_id == cast.secretary.pk and event.organization_id == cast.branch.pk
    assert event.changes["year"] == [None, YEAR] and event.changes["meetings"] == [None, 1]
    assert event.changes["template"] == [None, "系统默认"]


def test_it_uses_chinese_fonts_and_starts_each_meeting_on_a_new_page() -> None:
    doc = Document(io.BytesIO(registry.DOCUMENTS["meeting_book"].default_bytes()))
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert (
        normal.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "宋体"
    )
    assert doc.styles["会议标题"].paragraph_format.page_break_before
    width, height = doc.sections[0].page_width, doc.sections[0].page_height
    assert width and height and (round(width.cm, 1), round(height.cm, 1)) == (21.0, 29.7)


def test_it_builds_the_book_in_a_fixed_number_of_queries(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    url = reverse("reports:meeting_book", args=[cast.branch.code])
    no_votes = {"items": [{"title": "议题", "content": "内容"}], "summary": "小结"}

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"year": YEAR}).status_code == 200
        return len(ctx.captured_queries)

    hold(cast, plan_past(cast, month=1))
    one = count()
    hold(cast, plan_past(cast, "committee_meeting", month=2), content=no_votes)
    hold(cast, plan_past(cast, "group_meeting", month=3), present=("梅党员",), content=no_votes)
    hold(cast, plan_past(cast, "lecture", month=4), content=no_votes)
    hold(cast, plan_past(cast, "theme_day", month=5), content=no_votes)
    assert count() == one
    # session, user, organization, member and positions (scope); meetings, their confirmed
    # minutes, their agenda, the branch's offices; savepoint, the template in effect, the audit
    # event (chain head, the actor's name, insert, head update), release; the session's save.
    assert one == 19
    lines = docx_lines(client.get(url, {"year": YEAR}).content)
    assert f"第一党小组{YEAR}年第1次党小组会" in lines
    assert "镇党委书记" in lines  # 授课人 of the 党课


def test_it_names_the_rows_of_a_committee_meeting_and_a_lecture(cast: Cast, client_as: Any) -> None:
    no_votes = {"items": [{"title": "议题", "content": "内容"}], "summary": ""}
    hold(cast, plan_past(cast, "committee_meeting", month=2), content=no_votes, present=("石书记",))
    hold(cast, plan_past(cast, "lecture", month=4, title="党章专题党课"), content=no_votes)
    response = _get(client_as("secretary"), "reports:meeting_book", cast.branch.code, year=YEAR)
    lines = docx_lines(response.content)
    assert "出席委员" in lines and "缺席委员及原因" in lines
    assert "表决情况：应到委员 1 人，实到委员 1 人。" in lines
    assert "党课题目" in lines and "听课人员" in lines and "党章专题党课" in lines


def test_it_counts_each_kind_separately_in_the_meeting_names(cast: Cast) -> None:
    no_votes = {"items": [{"title": "议题", "content": "内容"}], "summary": ""}
    for month, kind in ((1, "theme_day"), (2, "committee_meeting"), (3, "theme_day")):
        hold(cast, plan_past(cast, kind, month=month), content=no_votes)
    names = [m["name"] for m in contexts.meeting_book_context(cast.branch, YEAR)["meetings"]]
    assert names == [
        f"{YEAR}年第1次主题党日",
        f"{YEAR}年第1次支部委员会会议",
        f"{YEAR}年第2次主题党日",
    ]


def test_it_gives_real_contexts_only_documented_fields(cast: Cast) -> None:
    meeting = hold(cast, plan_past(cast))
    for key, context in (
        ("meeting_book", contexts.meeting_book_context(cast.branch, YEAR)),
        ("sign_in_sheet", contexts.sign_in_context(meeting)),
        ("attendance_sheet", contexts.attendance_context(cast.branch, YEAR)),
    ):
        assert set(registry.context_paths(context)) == registry.DOCUMENTS[key].paths(), key


def test_it_writes_the_sign_in_sheet(cast: Cast, client_as: Any) -> None:
    start = timezone.now() + dt.timedelta(days=1)
    meeting = meeting_services.meeting_plan(
        actor=cast.secretary, branch=cast.branch, kind="theme_day", title="明天的主题党日",
        starts_at=start, ends_at=start + dt.timedelta(hours=2), place="党群服务中心",
        host=cast.secretary.member, send_notice=False,
    )  # fmt: skip
    meeting_services.leave_request(actor=None, meeting=meeting, member=cast.peer, reason="外出务工")
    response = _get(client_as("secretary"), "reports:sign_in_sheet", meeting.pk)
    assert response.status_code == 200
    ws = sheet(response.content)
    assert ws["A1"].value == "第一党支部 主题党日签到表"
    assert ws["B2"].value == "明天的主题党日" and ws["B4"].value == "党群服务中心"
    assert ws["A6"].value.startswith("应到 3 人　　实到  人")  # blank before the meeting
    rows = {ws.cell(r, 2).value: ws.cell(r, 4).value for r in range(8, 11)}
    assert rows == {"梅党员": None, "石书记": None, "裴同志": "请假待批准：外出务工"}
    assert [ws.cell(r, 1).value for r in range(8, 11)] == [1, 2, 3]
    assert ws["A12"].value.startswith("记录人签字")

    signed_at, me = start + dt.timedelta(minutes=-5), cast.member.member
    assert me is not None
    meeting_services.attendance_sign_in(
        actor=cast.member, meeting=meeting, member=me, now=signed_at
    )
    meeting_services.observer_add(
        actor=cast.secretary, meeting=meeting, member=cast.activist.member
    )
    ws = sheet(_get(client_as("secretary"), "reports:sign_in_sheet", meeting.pk).content)
    rows = {ws.cell(r, 2).value: (ws.cell(r, 3).value, ws.cell(r, 4).value) for r in range(8, 12)}
    assert rows["梅党员"] == (f"已签到 {timezone.localtime(signed_at):%H:%M}", None)
    assert rows["艾积极"] == (None, "列席")
    event = AuditEvent.objects.filter(verb="export.sign_in_sheet").last()
    assert event is not None and event.object_id == str(meeting.pk)


def test_it_counts_the_sign_in_sheet_of_a_held_meeting(cast: Cast, client_as: Any) -> None:
    meeting = hold(cast, plan_past(cast, "theme_day"), observer=False)
    ws = sheet(_get(client_as("secretary"), "reports:sign_in_sheet", meeting.pk).content)
    assert ws["A6"].value == "应到 3 人　　实到 2 人　　缺席 1 人（其中请假 1 人）"
    rows = {ws.cell(r, 2).value: ws.cell(r, 3).value for r in range(8, 11)}
    assert rows == {"梅党员": None, "石书记": None, "裴同志": None}  # marked by the recorder: paper


def test_it_refuses_the_sign_in_sheet_of_a_cancelled_meeting(cast: Cast, client_as: Any) -> None:
    start = timezone.now() + dt.timedelta(days=1)
    meeting = meeting_services.meeting_plan(
        actor=cast.secretary, branch=cast.branch, kind="theme_day", title="取消的会",
        starts_at=start, ends_at=start + dt.timedelta(hours=1), send_notice=False,
    )  # fmt: skip
    meeting_services.meeting_cancel(actor=cast.secretary, meeting=meeting, reason="天气")
    assert _get(client_as("secretary"), "reports:sign_in_sheet", meeting.pk).status_code == 403


def test_it_writes_the_attendance_sheet(cast: Cast, client_as: Any) -> None:
    no_votes = {"items": [{"title": "议题", "content": "内容"}], "summary": ""}
    first = hold(cast, plan_past(cast, "theme_day", month=3, day=10), content=no_votes)
    hold(cast, plan_past(cast, "committee_meeting", month=4, day=8), present=("石书记",),
         content=no_votes)  # fmt: skip
    peer_row = first.attendances.get(member=cast.peer)
    meeting_services.makeup_complete(
        actor=cast.secretary, attendance=peer_row, on=dt.date(YEAR, 3, 12), how="自学会议记录"
    )
    response = _get(client_as("secretary"), "reports:attendance_sheet", cast.branch.code, year=YEAR)
    assert response.status_code == 200
    ws = sheet(response.content)
    assert ws["A1"].value == f"第一党支部 {YEAR}年度党员参加组织生活情况统计表"
    assert [ws.cell(3, c).value for c in range(1, 6)] == [
        "序号",
        "姓名",
        "人员类别",
        "03-10",
        "04-08",
    ]
    assert [ws.cell(4, c).value for c in (4, 5)] == ["主题党日", "支委会"]
    assert ws.cell(3, 6).value == "应参加"
    rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(3, 12)] for r in (5, 6, 7)}
    assert rows["石书记"] == ["正式党员", "出席", "出席", 2, 2, 0, 0, 0, "100%"]
    assert rows["梅党员"] == ["正式党员", "出席", "—", 1, 1, 0, 0, 0, "100%"]
    assert rows["裴同志"] == ["正式党员", "补学", "—", 1, 0, 0, 0, 1, "0%"]  # each once
    assert ws["A8"].value == "合计（实到/应到）"
    assert [ws.cell(8, c).value for c in (4, 5, 6, 7, 10)] == ["2/3", "1/1", 4, 3, 1]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$3:$4"


def test_it_asks_for_a_branch_and_a_sensible_year(cast: Cast, client_as: Any) -> None:
    officer = client_as("committee_officer")
    assert _get(officer, "reports:meeting_book", cast.committee.code).status_code == 403
    url = reverse("reports:attendance_sheet", args=[cast.branch.code])
    response = officer.get(url, {"year": 1900}, follow=True)
    assert "年度应在2000年" in response.content.decode()
    empty = _get(officer, "reports:meeting_book", cast.branch.code)  # this year, nothing held
    assert "本年度没有已召开并确认会议记录的会议。" in docx_lines(empty.content)
