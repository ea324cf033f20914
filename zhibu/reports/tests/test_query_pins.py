"""Pinned query count (STYLE.md rule 10): the templates page costs the same however many
templates an organization has uploaded and replaced."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhibu.conftest import Cast
from zhibu.reports import services
from zhibu.reports.models import ExportTemplate
from zhibu.reports.tests.helpers import docx_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _count(client: Any, cast: Cast) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("reports:templates", args=[cast.branch.code]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _round(cast: Cast, n: int) -> None:
    """One more file for each document, by the branch's secretary or the committee's officer
    in turn, the sign-in sheet's then retired; and the committee's own meeting book."""
    actor = cast.secretary if n % 2 else cast.committee_officer
    files = {
        "meeting_book": upload(f"记录本{n}.docx", docx_bytes("{{ org.name }}")),
        "sign_in_sheet": upload(f"签到{n}.xlsx", xlsx_bytes([["{{ meeting.title }}"]])),
        "attendance_sheet": upload(f"出席{n}.xlsx", xlsx_bytes([["{{ org.name }}"]])),
    }
    for key, file in files.items():
        services.export_template_upload(
            actor=actor, organization=cast.branch, document=key, file=file
        )
    services.export_template_retire(actor=actor, organization=cast.branch, document="sign_in_sheet")
    services.export_template_upload(
        actor=cast.committee_officer, organization=cast.committee, document="meeting_book",
        file=upload(f"镇记录本{n}.docx", docx_bytes("{{ org.name }}")),
    )  # fmt: skip


def test_it_keeps_the_templates_page_flat(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    _round(cast, 1)
    few, _ = _count(client, cast)
    for n in range(2, 5):
        _round(cast, n)
    assert ExportTemplate.objects.filter(organization=cast.branch).count() == 12
    many, page = _count(client, cast)
    assert "记录本4.docx" in page and "记录本1.docx" in page and "已停用" in page
    assert "石书记" in page and "程组织" in page  # who uploaded each
    assert (few, many) == (11, 11)
