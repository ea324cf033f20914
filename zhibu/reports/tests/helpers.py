"""Files and meetings for the reports tests, built with python-docx/openpyxl and the services."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from zhibu.conftest import Cast
from zhibu.meetings import services
from zhibu.meetings.models import Meeting

# Last year: always in the past and one calendar year, whatever day the tests run.
YEAR = timezone.localdate().year - 1

CONTENT = {
    "items": [
        {
            "title": "学习党的二十届四中全会精神",
            "is_first_topic": True,
            "content": "石书记领学全会公报。\n梅党员发言：要把学习成果转化为工作实效。",
        },
        {"title": "讨论村集体经济发展", "content": "大家一致同意发展特色种植。"},
    ],
    "resolutions": [
        {
            "text": "同意成立特色种植合作社",
            "yes": 2,
            "no": 0,
            "abstain": 0,
            "owner": "石书记",
            "due": "2026年6月底前",
        }
    ],  # fmt: skip
    "summary": "会议要求各位党员带头学、带头干。",
}


def docx_bytes(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def xlsx_bytes(rows: list[list[Any]], title: str = "表") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def docx_lines(data: bytes) -> list[str]:
    """Every paragraph's text in document order, table cells included."""
    body = Document(io.BytesIO(data)).element.body
    return [
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in body.iter(qn("w:p"))
        if any(t.text for t in p.iter(qn("w:t")))
    ]


def sheet(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data)).worksheets[0]


def at(month: int, day: int, hour: int = 15) -> dt.datetime:
    return dt.datetime(YEAR, month, day, hour, 0, tzinfo=timezone.get_current_timezone())


def plan_past(cast: Cast, kind: str = "branch_assembly", *, month: int = 3, day: int = 10,
              **kw: Any) -> Meeting:  # fmt: skip
    start = at(month, day)
    kw.setdefault("title", "学习贯彻全会精神")
    kw.setdefault("place", "村党群服务中心")
    if kind == "lecture":
        kw.setdefault("lecturer_name", "镇党委书记")
    if kind == "group_meeting":
        kw.setdefault("group", cast.group)
    return services.meeting_plan(
        actor=cast.secretary, branch=cast.branch, kind=kind, starts_at=start,
        ends_at=start + dt.timedelta(hours=2), host=cast.secretary.member,
        recorder=cast.member.member, send_notice=False,
        agenda=[("学习党的二十届四中全会精神", True), ("讨论村集体经济发展", False)], **kw,
    )  # fmt: skip


def hold(
    cast: Cast,
    meeting: Meeting,
    *,
    present: tuple[str, ...] = ("石书记", "梅党员"),
    leave: tuple[str, ...] = ("裴同志",),
    content: dict[str, Any] | None = None,
    observer: bool = True,
) -> Meeting:
    """Attendance by name (others absent), an observer from the committee, confirmed minutes."""
    if observer:
        services.observer_add(
            actor=cast.secretary, meeting=meeting, guest_name="程组织", guest_title="镇党委组织委员"
        )
    marks = {}
    for a in meeting.attendances.select_related("member"):
        marks[a.pk] = (
            "present"
            if a.name in present or a.role == "observer"
            else "leave"
            if a.name in leave
            else "absent"
        )
    services.attendance_mark(actor=cast.secretary, meeting=meeting, marks=marks)
    services.minutes_save(actor=cast.secretary, meeting=meeting, content=content or CONTENT)
    services.minutes_confirm(actor=cast.secretary, meeting=meeting)
    meeting.refresh_from_db()
    return meeting
