"""The notices page on a member's 360 px phone: read one, read all, set the e-mail address."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from zhibu.browser import PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.conftest import PASSWORD, Cast, build_cast
from zhibu.notices.models import Notice
from zhibu.notices.services import notify
from zhibu.notices.tests.helpers import at, plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast_tx(transactional_db: Any) -> Cast:
    return build_cast()


def test_it_serves_the_notices_on_a_360px_phone(
    cast_tx: Cast, browser: Any, live_server: Any, test_output: Path
) -> None:
    cast = cast_tx
    meeting = plan(cast, at(timezone.localdate() + dt.timedelta(days=3), 9))
    notify(
        users=[cast.member],
        key="browser:leave",
        title="请假已批准：十一月主题党日",
        body="同意。请会后阅读会议记录并登记补学。",
        url=f"/meetings/{meeting.pk}/",
    )
    notify(users=[cast.member], key="browser:old", title="会议变更：党小组会「学习交流」")
    Notice.objects.filter(key="browser:old").update(
        read_at=timezone.now(), created_at=timezone.now() - dt.timedelta(days=2)
    )
    page = new_page(browser, PHONE)
    login(page, live_server.url, "member", PASSWORD)
    page.goto(f"{live_server.url}/notices/")
    assert page.locator("h1.topbar-title").inner_text() == "通知"
    assert page.get_by_text("2 条未读").is_visible()
    assert page.locator("li.notice-unread").count() == 2
    assert page.locator(".topbar-bell .count-badge").inner_text() == "2"
    assert no_horizontal_scroll(page)
    shot(page, test_output, "member-360-notices")

    # Opening a notice goes to its meeting and marks it read.
    page.get_by_text("请假已批准：十一月主题党日").click()
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
    page.goto(f"{live_server.url}/notices/")
    assert page.get_by_text("1 条未读").is_visible()

    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_selector("text=已将 1 条通知标为已读")
    assert page.locator("li.notice-unread").count() == 0

    page.fill("input[name=email]", "mei@")
    page.get_by_role("button", name="保存邮箱").click()
    page.wait_for_selector("text=请填写正确的电子邮箱地址")
    assert no_horizontal_scroll(page)
    shot(page, test_output, "member-360-notices-email-error")
    page.fill("input[name=email]", "mei@example.org")
    page.get_by_role("button", name="保存邮箱").click()
    page.wait_for_selector("text=通知将同时发到 mei@example.org")
    cast.member.refresh_from_db()
    assert cast.member.email == "mei@example.org"

    page.get_by_role("link", name="日历订阅：把会议同步到手机日历").click()
    page.get_by_role("button", name="生成订阅链接").click()
    page.wait_for_selector("text=订阅链接已生成")
    feed_url = page.input_value("#feed-url").strip()
    assert feed_url.endswith(".ics")
    assert no_horizontal_scroll(page)
    shot(page, test_output, "member-360-calendar-feed")
