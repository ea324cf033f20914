"""党费 in a real browser: a member reads 我的党费 on a 360 px phone; the secretary finds who
has not paid on the sheet and records a payment, at a desk and on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.dues.models import DuesPayment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_a_member_their_dues_and_takes_a_payment(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "demo_member")
    phone.click("main a[href='/dues/mine/']")
    phone.wait_for_selector("text=交纳记录")
    assert no_horizontal_scroll(phone)
    assert phone.locator("main >> text=收据").count() > 0
    shot(phone, test_output, "member-360-dues-mine")

    desk = new_page(browser, DESKTOP)
    login(desk, live_server.url, "demo_secretary")
    desk.click("nav.sidebar-nav >> text=党费")
    desk.wait_for_selector("text=党费收缴")
    shot(desk, test_output, "secretary-desktop-dues-sheet")
    desk.click("main nav.tabs >> text=连续未交3个月以上")
    desk.wait_for_selector("text=提交支部大会")
    shot(desk, test_output, "secretary-desktop-dues-arrears")
    behind = desk.locator("main tbody tr", has_text="提交支部大会").first
    name = behind.locator("td.primary a").inner_text()
    behind.locator("text=登记交纳").click()
    desk.wait_for_selector("text=登记党费交纳")
    desk.fill("input[name=amount]", "abc")
    desk.click("main button[type=submit]")
    desk.wait_for_selector("text=不是有效的金额")
    shot(desk, test_output, "secretary-desktop-dues-pay-error")
    desk.fill("input[name=amount]", "100")
    desk.select_option("select[name=method]", "proxy")
    desk.fill("input[name=proxy_name]", "家属")
    desk.click("main button[type=submit]")
    desk.wait_for_selector("text=收据编号")
    payment = DuesPayment.objects.filter(member__name=name).order_by("-pk").first()
    assert payment is not None and payment.proxy_name == "家属"
    assert desk.locator(f"text={payment.receipt_no}").count() > 0
    shot(desk, test_output, "secretary-desktop-dues-member")

    small = new_page(browser, PHONE)
    login(small, live_server.url, "demo_secretary")
    small.goto(f"{live_server.url}/dues/member/{payment.member_id}/pay/")
    assert no_horizontal_scroll(small)
    shot(small, test_output, "secretary-360-dues-pay")
    sheet_url = desk.url.split("/dues/")[0] + f"/dues/org/{payment.branch.code}/"
    small.goto(sheet_url)
    assert no_horizontal_scroll(small)
    shot(small, test_output, "secretary-360-dues-sheet")
