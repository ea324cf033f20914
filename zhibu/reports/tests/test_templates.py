"""Export templates: upload, replace, retire, and which one a branch uses."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.reports import services
from zhibu.reports.models import ExportTemplate, in_effect
from zhibu.reports.tests.helpers import (
    YEAR,
    docx_bytes,
    docx_lines,
    hold,
    plan_past,
    upload,
    xlsx_bytes,
)


def _book(client: Any, cast: Cast) -> list[str]:
    response = client.get(reverse("reports:meeting_book", args=[cast.branch.code]), {"year": YEAR})
    assert response.status_code == 200, response
    return docx_lines(response.content)


def _upload(client: Any, org_code: str, key: str, name: str, data: bytes) -> Any:
    url = reverse("reports:template_upload", args=[org_code, key])
    return client.post(url, {"file": upload(name, data)})


def test_it_uses_the_builtin_template_until_one_is_uploaded(cast: Cast) -> None:
    effect = in_effect(cast.branch)
    assert {e.source for e in effect.values()} == {"builtin"}
    assert effect["meeting_book"].source_label == "系统默认"


def test_it_uses_the_branch_then_the_ancestor_then_the_builtin(cast: Cast, client_as: Any) -> None:
    officer, secretary = client_as("committee_officer"), client_as("secretary")
    hold(cast, plan_past(cast))
    assert "会 议 记 录 本" in _book(secretary, cast)

    response = _upload(
        officer, cast.committee.code, "meeting_book", "镇模板.docx",
        docx_bytes("镇党委格式：{{ org.name }}"),
    )  # fmt: skip
    assert response.status_code == 302
    assert _book(secretary, cast) == ["镇党委格式：第一党支部"]
    assert in_effect(cast.sibling)["meeting_book"].source_label == "上级「测试镇党委」"
    page = secretary.get(reverse("reports:templates", args=[cast.branch.code])).content.decode()
    assert "上级「测试镇党委」" in page

    _upload(
        secretary, cast.branch.code, "meeting_book", "支部模板.docx",
        docx_bytes("支部格式：{{ org.name }}，{{ count }}次"),
    )  # fmt: skip
    assert _book(secretary, cast) == ["支部格式：第一党支部，1次"]
    assert in_effect(cast.sibling)["meeting_book"].source == "ancestor"  # siblings unaffected

    retire = reverse("reports:template_retire", args=[cast.branch.code, "meeting_book"])
    assert secretary.post(retire).status_code == 302
    assert _book(secretary, cast) == ["镇党委格式：第一党支部"]
    officer.post(reverse("reports:template_retire", args=[cast.committee.code, "meeting_book"]))
    assert "会 议 记 录 本" in _book(secretary, cast)
    assert ExportTemplate.objects.count() == 2 and not ExportTemplate.objects.active().exists()


def test_it_keeps_the_old_file_when_replaced(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    for text in ("第一版 {{ org.name }}", "第二版 {{ org.name }}"):
        _upload(client, cast.branch.code, "meeting_book", "模板.docx", docx_bytes(text))
    old, new = ExportTemplate.objects.order_by("pk")
    assert old.retired_at is not None and old.retired_by == cast.secretary and new.is_active
    url = reverse("reports:template_download", args=[cast.branch.code, "meeting_book"])
    assert docx_lines(client.get(url, {"version": old.pk}).content) == ["第一版 {{ org.name }}"]
    assert docx_lines(client.get(url).content) == ["第二版 {{ org.name }}"]
    builtin = client.get(url, {"builtin": "1"})
    assert "会 议 记 录 本" in docx_lines(builtin.content)
    assert "filename*=UTF-8''" in builtin["Content-Disposition"]
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="export_template").values_list("verb", flat=True)
    )
    assert verbs == ["export_template.upload", "export_template.upload"]


def test_it_refuses_a_broken_template_at_upload_naming_the_placeholder(
    cast: Cast, client_as: Any
) -> None:
    response = _upload(
        client_as("secretary"), cast.branch.code, "meeting_book", "坏模板.docx",
        docx_bytes("{%p for m in meetings %}", "会议：{{ m.titel }}", "{%p endfor %}"),
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "模板中的占位符 {{ m.titel }} 无法识别" in page
    assert not ExportTemplate.objects.exists()


@pytest.mark.parametrize(
    ("key", "name", "data", "says"),
    [
        ("meeting_book", "模板.xlsx", xlsx_bytes([["x"]]), "应为 Word 文档"),
        (
            "sign_in_sheet",
            "签到.xlsx",
            xlsx_bytes([["{{ meeting.titel }}"]]),
            "{{ meeting.titel }}",
        ),
        ("sign_in_sheet", "签到.xlsx", xlsx_bytes([["{{ row.nmae }}"]]), "{{ row.nmae }}"),
        ("meeting_book", "模板.docx", b"PK\x03\x04 broken", "无法读取"),
        ("meeting_book", "模板.docx", docx_bytes("{{ meting.title }}"), "{{ meting.title }}"),
    ],
)
def test_it_checks_uploads(cast: Cast, key: str, name: str, data: bytes, says: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.export_template_upload(
            actor=cast.secretary, organization=cast.branch, document=key, file=upload(name, data)
        )
    assert says in str(exc.value.message_dict["file"])


def test_it_refuses_a_file_over_five_megabytes(cast: Cast) -> None:
    big = upload("大.docx", b"0" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="5 MB"):
        services.export_template_upload(
            actor=cast.secretary, organization=cast.branch, document="meeting_book", file=big
        )


def test_it_shows_a_template_that_breaks_at_render_time_as_a_message(
    cast: Cast, client_as: Any
) -> None:
    """It passes the sample (two meetings) and fails on a year with one: a message, no 500."""
    client = client_as("secretary")
    hold(cast, plan_past(cast))
    response = _upload(
        client, cast.branch.code, "meeting_book", "条件.docx",
        docx_bytes("{{ org.name }}", "{% if count == 1 %}{{ org.nmae }}{% endif %}"),
    )  # fmt: skip
    assert response.status_code == 302
    url = reverse("reports:meeting_book", args=[cast.branch.code])
    response = client.get(url, {"year": YEAR}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(
        reverse("reports:templates", args=[cast.branch.code])
    )
    page = response.content.decode()
    assert "「第一党支部」的会议记录本模板无法生成文件" in page
    assert "模板中的占位符 {{ org.nmae }} 无法识别" in page
    assert not AuditEvent.objects.filter(verb="export.meeting_book").exists()


def test_it_lets_only_the_organizations_own_officers_retire_or_upload(
    cast: Cast, client_as: Any
) -> None:
    services.export_template_upload(
        actor=cast.committee_officer, organization=cast.committee, document="meeting_book",
        file=upload("镇.docx", docx_bytes("{{ org.name }}")),
    )  # fmt: skip
    client = client_as("secretary")
    retire = reverse("reports:template_retire", args=[cast.committee.code, "meeting_book"])
    assert client.post(retire).status_code == 404  # the committee is not the secretary's to see
    up = _upload(client, cast.committee.code, "meeting_book", "x.docx", docx_bytes("x"))
    assert up.status_code == 404
    member = _upload(
        client_as("member"), cast.branch.code, "meeting_book", "x.docx", docx_bytes("x")
    )
    assert member.status_code == 403
    # Retiring from the branch page finds nothing of the branch's own to retire.
    own = reverse("reports:template_retire", args=[cast.branch.code, "meeting_book"])
    page = client.post(own, follow=True).content.decode()
    assert "本组织没有在用的会议记录本模板" in page
    assert ExportTemplate.objects.active().count() == 1


def test_it_answers_404_for_an_unknown_document(cast: Cast, client_as: Any) -> None:
    url = reverse("reports:template_download", args=[cast.branch.code, "nothing"])
    assert client_as("secretary").get(url).status_code == 404


def test_it_lists_every_document_with_its_placeholders(cast: Cast, client_as: Any) -> None:
    page = client_as("committee_officer").get(
        reverse("reports:templates", args=[cast.committee.code])
    )
    text = page.content.decode()
    assert page.status_code == 200
    for name in ("会议记录本", "签到表", "党员出席情况统计表"):
        assert name in text
    assert "{{ m.title }}" in text and "{{ row.signature }}" in text
    assert "导出会议记录本" not in text  # a committee exports per branch
