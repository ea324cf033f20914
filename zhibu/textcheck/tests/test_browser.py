"""The live check in a real form: typing a problem shows its findings, marked, half a second
later (htmx posts the textarea to textcheck:check)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from zhibu.browser import DESKTOP, login, new_page, shot
from zhibu.conftest import PASSWORD, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_findings_while_a_problem_is_typed(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    cast = build_cast()
    errors: list[str] = []
    page = new_page(browser, DESKTOP)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, "secretary", PASSWORD)
    # The 登记问题 form includes textcheck/live.html under its description.
    page.goto(live_server.url + reverse("rectification:new", args=[cast.branch.code]))
    live = page.locator(".tc-live").first
    page.fill("textarea[name=description]", "理论学习不够深入，联系群众有待加强。")
    mark = live.locator("mark.tc-mark").first
    mark.wait_for()
    assert mark.inner_text() == "理论学习不够深入"
    assert "套话" in (mark.get_attribute("title") or "")
    assert live.locator("mark.tc-mark", has_text="有待").count() == 1
    shot(page, test_output, "textcheck-live")
    page.fill("textarea[name=description]", "<b>尽量</b>参加")
    live.get_by_text("<b>").first.wait_for()  # shown as typed, not as markup
    assert live.locator("mark.tc-mark").inner_text() == "尽量"
    page.fill("textarea[name=description]", "2026年上半年缺席集中学习两次。")
    live.get_by_text("未发现问题").wait_for()
    assert not [e for e in errors if "Content Security Policy" in e], errors
