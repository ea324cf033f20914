"""Capability 1 in a real browser: a member on a phone, a secretary at a desk, a roster import."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.members.models import Member
from zhibu.testing import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db: Any) -> None:
    build_demo(meetings=False)


def test_it_serves_a_member_on_a_360px_phone(
    demo: None, browser: Any, live_server: Any, test_output: Path
) -> None:
    page = new_page(browser, PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "demo_member")
    page.fill("input[name=password]", "wrong-password")
    page.click("main button[type=submit]")
    assert page.get_by_text("用户名或密码不正确").is_visible()
    shot(page, test_output, "member-360-login-error")

    login(page, live_server.url, "demo_member")
    assert page.locator("h1.topbar-title").inner_text() == "首页"
    assert page.get_by_text("第一党支部").first.is_visible()
    assert page.locator("nav.tabbar").is_visible()
    assert no_horizontal_scroll(page)
    shot(page, test_output, "member-360-home")

    page.click("nav.tabbar >> text=我的")
    page.wait_for_url(f"{live_server.url}/members/me/")
    assert page.locator("h1.topbar-title").inner_text() == "我的"
    me = Member.objects.get(user__username="demo_member")
    assert page.get_by_text(me.id_number).is_visible()  # their own full ID
    assert no_horizontal_scroll(page)
    shot(page, test_output, "member-360-me")

    # An ordinary member cannot open the roster: a clear refusal, not a crash.
    response = page.goto(f"{live_server.url}/members/org/{me.branch.code}/")
    assert response is not None and response.status == 403


def test_it_serves_the_secretary_at_a_desk(
    demo: None, browser: Any, live_server: Any, test_output: Path
) -> None:
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "demo_secretary")
    assert page.locator("aside.sidebar").is_visible()
    assert page.get_by_role("heading", name="第一党支部").first.is_visible()
    shot(page, test_output, "secretary-desktop-home")

    page.click("aside.sidebar >> text=党员")
    page.wait_for_selector("table.table")
    rows = page.locator("table.table tbody tr")
    assert rows.count() > 10
    assert "********" in page.locator("table.table").inner_text()  # masked in lists
    shot(page, test_output, "secretary-desktop-members")

    page.fill("input[name=q]", "王")
    page.press("input[name=q]", "Enter")
    page.wait_for_timeout(500)
    names = page.locator("table.table tbody td.primary").all_inner_texts()
    assert names and all("王" in n for n in names)

    page.locator("table.table tbody td.primary a").first.click()
    page.wait_for_selector(".dl")
    shot(page, test_output, "secretary-desktop-member-detail")
    page.click("nav.tabs >> text=历史记录")
    page.wait_for_selector(".timeline")
    assert page.get_by_text("登记人员").first.is_visible()
    shot(page, test_output, "secretary-desktop-member-history")


def _roster_with_one_bad_row() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "人员类别", "入党日期", "手机号"])
    ws.append(
        [
            "新同志甲",
            make_id_number(dt.date(1991, 4, 5), 811),
            "正式党员",
            "2015-07-01",
            "13800000001",
        ]
    )
    ws.append(
        [
            "新同志乙",
            make_id_number(dt.date(1992, 6, 7), 812)[:-1] + "0",
            "正式党员",
            "2016-07-01",
            "138",
        ]
    )
    ws.append(
        ["新同志丙", make_id_number(dt.date(1993, 8, 9), 813), "入党积极分子", "", "13800000003"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_it_shows_the_row_errors_of_an_import_and_writes_nothing(
    demo: None,
    browser: Any,
    live_server: Any,
    test_output: Path,
    tmp_path: Path,
    viewport: dict[str, int],
) -> None:
    file = tmp_path / "花名册.xlsx"
    file.write_bytes(_roster_with_one_bad_row())
    page = new_page(browser, viewport)
    login(page, live_server.url, "demo_secretary")
    page.goto(
        f"{live_server.url}/members/org/{Member.objects.get(user__username='demo_secretary').branch.code}/import/"
    )
    page.set_input_files("input[type=file]", str(file))
    page.click("main button[type=submit]")
    page.wait_for_selector("table.error-table")
    text = page.locator("table.error-table").inner_text()
    assert "第3行" in text and "身份证号" in text and "手机号" in text
    assert page.get_by_text("未导入任何数据").is_visible()
    assert not Member.objects.filter(name__startswith="新同志").exists()
    if viewport is PHONE:
        assert no_horizontal_scroll(page)
    shot(page, test_output, f"secretary-{'360' if viewport is PHONE else 'desktop'}-import-errors")
