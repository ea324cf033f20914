"""Helpers for the real-browser tests (Playwright on Debian's chromium). Not used by the app."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.conf import settings

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}


# Every context a test opens, closed when its body ends (``close_pages``, from conftest): a page
# left open keeps its timers, and an htmx request fired after the test (a live 材料质检 500 ms
# after typing) would reach the live server while the next test runs.
_open: list[Any] = []


def close_pages() -> None:
    while _open:
        context = _open.pop()
        with contextlib.suppress(Exception):  # the browser may already be gone
            context.close()


def new_page(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
    _open.append(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def login(page: Any, base_url: str, username: str, password: str | None = None) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or settings.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def no_horizontal_scroll(page: Any) -> bool:
    """Nothing on the page is wider than the viewport (the 360 px rule of UI.md)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def shot(page: Any, out: Path, name: str) -> Path:
    path = out / "screenshots" / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
