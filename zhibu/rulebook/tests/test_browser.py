"""The committee opens the compliance board and drills into a branch, at a desk and on a phone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.conftest import PASSWORD, Cast, build_cast
from zhibu.rulebook.tests.helpers import give_committee, hold, seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date
RANGE = "?from=2026-01-01&to=2026-06-30"


def _history(cast: Cast) -> None:
    """Half a year: 第一党支部 nearly on time, 第二党支部 behind (and its members never there),
    镇机关党支部 (with a committee) on time."""
    first, second, agency = cast.branch, cast.sibling, cast.agency
    give_committee(agency, 3, D(2025, 1, 1))
    for month in range(1, 7):
        if month != 3:
            hold(first, "theme_day", D(2026, month, 10), title=f"{month}月主题党日")
        hold(first, "group_meeting", D(2026, month, 20), group=cast.group)
        if month % 2:
            hold(second, "theme_day", D(2026, month, 10), present=[])  # nobody came
        hold(agency, "theme_day", D(2026, month, 12))
        hold(agency, "committee_meeting", D(2026, month, 5))
    for month in (3, 6):
        for branch in (first, agency):
            hold(branch, "branch_assembly", D(2026, month, 25), title=f"第{month // 3}季度党员大会")
            hold(branch, "lecture", D(2026, month, 26), title="专题党课")


def test_it_lets_the_committee_open_the_board_and_drill_into_a_branch(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    cast = build_cast()
    seeded()  # a transactional test database has lost the migration's rows
    _history(cast)
    errors: list[str] = []
    page = new_page(browser, DESKTOP)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, "committee_officer", PASSWORD)
    page.goto(f"{live_server.url}/compliance/T-COM/{RANGE}")
    page.wait_for_selector("table.table")
    assert page.get_by_role("heading", name="测试镇党委 · 制度落实").is_visible()
    row = page.locator("tr", has_text="第一党支部").first
    assert "正常" in row.inner_text() and "缺失" in row.inner_text()
    # The chart was drawn by the vendored Chart.js, with no inline script or style refused.
    drawn = page.evaluate(
        "() => !!(window.Chart && Chart.getChart(document.getElementById('compliance-chart')))"
    )
    assert drawn
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert page.locator("#members").get_by_text("欧邻支").is_visible()  # 第二党支部, never there
    shot(page, test_output, "committee-desktop-compliance-board")

    page.check("input[name=behind]")
    page.select_option("select[name=sort]", "missing")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**behind=on**")
    shot(page, test_output, "committee-desktop-compliance-behind")

    page.click("table.table >> text=第一党支部")
    page.wait_for_selector("#theme_day")
    assert page.get_by_role("heading", name="第一党支部 · 制度落实").first.is_visible()
    assert page.locator("#theme_day").get_by_text("2026年3月").is_visible()
    assert page.locator("#theme_day a", has_text="1月主题党日").is_visible()
    shot(page, test_output, "committee-desktop-compliance-branch")
    page.click("nav.crumbs >> text=测试镇党委")
    page.wait_for_selector("#compliance-chart")

    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "committee_officer", PASSWORD)
    phone.goto(f"{live_server.url}/compliance/T-COM/{RANGE}")
    phone.wait_for_selector("table.table")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "committee-360-compliance-board")
    phone.locator("table.table a", has_text="第一党支部").first.click()
    phone.wait_for_selector("#theme_day")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "committee-360-compliance-branch")
