"""The organization tree in a real browser: the committee expands a node, sees the findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_it_lets_the_committee_walk_the_tree(
    transactional_db: Any,
    browser: Any,
    live_server: Any,
    test_output: Path,
    viewport: dict[str, int],
) -> None:
    build_demo(meetings=False)
    size = "360" if viewport is PHONE else "desktop"
    page = new_page(browser, viewport)
    login(page, live_server.url, "demo_committee")
    assert page.get_by_text("需要关注的党支部").is_visible()
    if viewport is PHONE:
        assert no_horizontal_scroll(page)
    shot(page, test_output, f"committee-{size}-home")

    page.goto(f"{live_server.url}/orgs/")
    toggle = page.locator("button.tree-toggle").first
    toggle.click()
    page.wait_for_selector(".tree-slot .tree-node")
    assert page.get_by_role("link", name="第一党支部").is_visible()
    shot(page, test_output, f"committee-{size}-tree")

    page.get_by_role("link", name="第一党支部").click()
    page.wait_for_selector(".dl")
    assert page.get_by_text("现任职务").is_visible()
    if viewport is PHONE:
        assert no_horizontal_scroll(page)
    shot(page, test_output, f"committee-{size}-branch")
