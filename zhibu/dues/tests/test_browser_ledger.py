"""The 党费账 in a real browser: a member reads the year's 党费收缴使用情况公示 with its chart on a
phone (360 px); the secretary records a spending at a desk and looks at the ledger on a phone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.conftest import PASSWORD, Cast, build_cast
from zhibu.dues import ledger
from zhibu.dues.models import DuesExpense
from zhibu.dues.tests.test_ledger import YEAR, a_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast_tx(transactional_db: Any) -> Cast:
    return build_cast()


def test_it_shows_the_report_on_a_phone_and_records_a_spending(
    cast_tx: Cast, browser: Any, live_server: Any, test_output: Path
) -> None:
    cast = cast_tx
    a_year(cast)
    today = timezone.localdate()
    ledger.report_publish(
        actor=cast.secretary, branch=cast.branch, year=YEAR, starts_on=today,
        ends_on=today + dt.timedelta(days=9), contact="石书记 13900000000",
    )  # fmt: skip
    report_url = live_server.url + reverse("dues:report", args=[cast.branch.code, YEAR])

    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "member", PASSWORD)
    phone.goto(report_url)
    phone.wait_for_selector("text=一、党费收缴")
    assert phone.locator("svg.chart-svg rect").count() == 24  # 12 months × collected, spent
    assert phone.get_by_text("月份", exact=True).first.is_visible()
    assert phone.get_by_text("欠交和免交的同志只计人数，不列姓名。").is_visible()
    assert phone.locator("text=裴同志").count() == 0  # in arrears: counted, never named
    assert phone.locator("text=发布公示").count() == 0
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-dues-report")
    phone.screenshot(path=str(test_output / "screenshots" / "member-360-dues-report-top.png"))
    chart = phone.locator("#months")
    chart.evaluate("e => window.scrollTo(0, e.offsetTop - 80)")
    chart.screenshot(path=str(test_output / "screenshots" / "member-360-dues-report-chart.png"))
    phone.click("text=以表格查看每月数字")
    assert phone.locator("#months table").is_visible()
    assert no_horizontal_scroll(phone)
    with phone.expect_download() as info:
        phone.click("text=下载文档")
    info.value.save_as(test_output / "dues-report.docx")
    assert info.value.suggested_filename.endswith("党费收缴使用情况公示.docx")

    desk = new_page(browser, DESKTOP)
    login(desk, live_server.url, "secretary", PASSWORD)
    desk.goto(live_server.url + reverse("dues:ledger", args=[cast.branch.code]) + f"?year={YEAR}")
    desk.wait_for_selector("text=账目明细")
    form = desk.locator("#new form")
    form.locator("input[name=kind][value=spent]").check()
    form.locator("input[name=on]").fill(f"{YEAR}-11-20")
    form.locator("input[name=amount]").fill("66.60")
    form.locator("select[name=use]").select_option("materials")
    form.locator("select[name=meeting]").select_option(index=1)
    form.locator("input[name=voucher]").fill("FP-2026-31")
    form.locator("input[name=note]").fill("订阅《党建》杂志")
    form.locator("button[type=submit]").click()
    desk.wait_for_selector("text=已登记")
    row = DuesExpense.objects.get(voucher="FP-2026-31")
    assert (row.use, str(row.amount)) == ("materials", "66.60")
    assert desk.get_by_text("支出：报刊学习资料").first.is_visible()
    shot(desk, test_output, "secretary-desktop-dues-ledger")

    # Too much is refused beside the field, and what was typed stays.
    form = desk.locator("#new form")
    form.locator("input[name=kind][value=spent]").check()
    form.locator("input[name=amount]").fill("99999")
    form.locator("select[name=use]").select_option("awards")
    form.locator("input[name=decision]").fill("支委会决定")
    form.locator("input[name=voucher]").fill("FP-X")
    form.locator("button[type=submit]").click()
    desk.wait_for_selector("text=支出金额超过结存")
    assert desk.locator("input[name=amount]").input_value() == "99999"
    shot(desk, test_output, "secretary-desktop-dues-expense-refused")

    small = new_page(browser, PHONE)
    login(small, live_server.url, "secretary", PASSWORD)
    small.goto(live_server.url + reverse("dues:ledger", args=[cast.branch.code]) + f"?year={YEAR}")
    small.wait_for_selector("text=账目明细")
    assert no_horizontal_scroll(small)
    shot(small, test_output, "secretary-360-dues-ledger")
    small.locator("#lines").evaluate("e => window.scrollTo(0, e.offsetTop - 60)")
    small.screenshot(path=str(test_output / "screenshots" / "secretary-360-dues-ledger-lines.png"))
    small.goto(report_url)
    small.wait_for_selector("text=发布公示")
    assert no_horizontal_scroll(small)
    shot(small, test_output, "secretary-360-dues-report")
