"""The live check: a fragment with the findings marked in the (escaped) text."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse

from zhibu.conftest import Cast
from zhibu.textcheck import rules
from zhibu.textcheck.templatetags.textcheck import highlight

pytestmark = pytest.mark.django_db
URL = "/textcheck/check/"


def post(client: Any, **data: str) -> str:
    response = client.post(URL, data)
    assert response.status_code == 200
    return response.content.decode()


def test_it_marks_a_soft_word_in_a_measure(cast: Cast, client_as: Any) -> None:
    assert reverse("textcheck:check") == URL
    html = post(client_as("member"), kind="measure", text="今后尽量按时参加。")
    assert '<mark class="tc-mark" data-rule="missing_deadline vague_commitment"' in html
    assert ">尽量</mark>" in html
    assert "表态不实" in html and "缺少时限" in html
    assert "“尽量”是软表态" in html
    assert "<html" not in html  # a fragment, not a page


def test_it_escapes_what_was_posted(cast: Cast, client_as: Any) -> None:
    html = post(client_as("member"), kind="measure", text='<script>alert("x")</script>尽量')
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert ">尽量</mark>" in html


def test_it_reads_the_text_from_the_named_field(cast: Cast, client_as: Any) -> None:
    html = post(client_as("secretary"), kind="problem", field="description",
                description="理论学习不够深入。", text="尽量")  # fmt: skip
    assert ">理论学习不够深入</mark>" in html and "问题空泛" in html
    assert "尽量" not in html


def test_it_says_so_quietly_when_nothing_is_found(cast: Cast, client_as: Any) -> None:
    html = post(client_as("member"), kind="measure", text="确保6月30日前完成。")
    assert "未发现问题" in html and "<mark" not in html


def test_it_returns_nothing_for_an_empty_text(cast: Cast, client_as: Any) -> None:
    assert post(client_as("member")).strip() == ""
    assert post(client_as("member"), kind="problem", text="  \n").strip() == ""


def test_it_refuses_an_unknown_kind(cast: Cast, client_as: Any) -> None:
    assert client_as("member").post(URL, {"kind": "poem", "text": "x"}).status_code == 400


def test_it_refuses_get_and_anonymous(cast: Cast, client_as: Any) -> None:
    assert client_as("member").get(URL).status_code == 405
    response = client_as("anonymous").post(URL, {"text": "尽量"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_it_highlights_overlapping_spans_without_nesting() -> None:
    findings = [
        rules.Finding("missing_deadline", 0, 6, "尽量加强学习", "没有时限"),
        rules.Finding("vague_commitment", 0, 2, "尽量", "软表态"),
        rules.Finding("generic_problem", 4, 7, "学习<", '套话 & "引号"'),
    ]
    html = str(highlight("尽量加强学习<b>\n第二行", findings))
    assert html == (
        '<mark class="tc-mark" data-rule="missing_deadline vague_commitment" '
        'title="没有时限；软表态">尽量</mark>'
        '<mark class="tc-mark" data-rule="missing_deadline" title="没有时限">加强</mark>'
        '<mark class="tc-mark" data-rule="missing_deadline generic_problem" '
        'title="没有时限；套话 &amp; &quot;引号&quot;">学习</mark>'
        '<mark class="tc-mark" data-rule="generic_problem" title="套话 &amp; &quot;引号&quot;">'
        "&lt;</mark>b&gt;<br>\n第二行"
    )
    assert str(highlight("<i>", [])) == "&lt;i&gt;"
    # Spans past the end (a stale finding) are cut to the text.
    assert "tc-mark" in str(highlight("尽量", [rules.Finding("vague_commitment", 1, 9, "", "x")]))


def test_it_includes_a_live_check_under_a_textarea() -> None:
    html = Template(
        '{% include "textcheck/live.html" with field="description" kind="problem" %}'
    ).render(Context({}))
    assert 'hx-post="/textcheck/check/"' in html
    assert "from:[name='description']" in html and "load" in html
    assert "hx-include=\"[name='description']\"" in html
    assert """hx-vals='{"kind": "problem", "field": "description"}'""" in html


def test_it_marks_the_right_words_in_text_with_windows_line_breaks() -> None:
    from zhibu.textcheck.rules import vague_commitment
    from zhibu.textcheck.templatetags.textcheck import highlight

    text = "第一行\r\n第二行\r\n我们尽量做好工作"
    html = str(highlight(text, vague_commitment(text)))
    assert ">尽量</mark>" in html
    assert html.count("<br>") == 2
