"""The 台账导出与模板 page in a real browser: a secretary at a desk and on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.members.models import Member
from zhibu.reports.tests.helpers import docx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_refuses_a_broken_template_on_the_page(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path, tmp_path: Path
) -> None:
    build_demo(meetings=False)
    branch = Member.objects.get(user__username="demo_secretary").branch
    url = f"{live_server.url}/reports/org/{branch.code}/templates/"
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "demo_secretary")
    page.goto(url)
    assert page.locator("#doc-meeting_book").get_by_text("系统默认").first.is_visible()
    page.locator("#doc-meeting_book summary").first.click()
    shot(page, test_output, "secretary-desktop-export-templates")

    broken = tmp_path / "我们的记录本.docx"
    broken.write_bytes(docx_bytes("{%p for m in meetings %}", "{{ m.titel }}", "{%p endfor %}"))
    page.set_input_files("#file-meeting_book", str(broken))
    page.click("#doc-meeting_book button:has-text('上传并启用')")
    error = page.locator("#doc-meeting_book .errors")
    assert "模板中的占位符 {{ m.titel }} 无法识别" in error.inner_text()
    shot(page, test_output, "secretary-desktop-export-template-refused")

    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "demo_secretary")
    phone.goto(url)
    phone.locator("#doc-attendance_sheet summary").first.click()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "secretary-360-export-templates")
