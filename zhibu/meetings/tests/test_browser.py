"""三会一课 in a real browser: a member signs in on a phone; a secretary records the minutes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.meetings import services
from zhibu.meetings.models import Meeting
from zhibu.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _meeting_now(kind: str = "theme_day", title: str = "11月主题党日", **kw: Any) -> Meeting:
    secretary = Member.objects.get(user__username="demo_secretary")
    start = timezone.now() - dt.timedelta(minutes=20)
    return services.meeting_plan(
        actor=None, branch=secretary.branch, kind=kind, title=title, starts_at=start,
        ends_at=start + dt.timedelta(hours=2), place="村党群服务中心二楼", host=secretary, recorder=secretary,
        **kw,
    )  # fmt: skip


def test_it_lets_a_member_sign_in_on_a_phone(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    meeting = _meeting_now()
    page = new_page(browser, PHONE)
    login(page, live_server.url, "demo_member")
    page.click("nav.tabbar >> text=组织生活")
    page.wait_for_url(f"{live_server.url}/meetings/")
    assert page.get_by_text("11月主题党日").first.is_visible()
    assert no_horizontal_scroll(page)
    shot(page, test_output, "member-360-meetings")
    page.get_by_text("11月主题党日").first.click()
    page.wait_for_selector("#my-attendance")
    shot(page, test_output, "member-360-meeting-before-sign-in")
    page.click("#my-attendance button[type=submit]")
    page.wait_for_selector("text=签到成功")
    assert page.locator("#my-attendance").get_by_text("已签到").is_visible()
    assert no_horizontal_scroll(page)
    shot(page, test_output, "member-360-meeting-signed-in")
    assert meeting.attendances.get(member__user__username="demo_member").status == "present"


def test_it_lets_a_secretary_record_the_minutes(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    meeting = _meeting_now("branch_assembly", "讨论接收预备党员")
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "demo_secretary")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/attendance/")
    radios = page.locator("input[type=radio][value=present]")
    for i in range(radios.count()):
        if i % 5:  # most of the branch came
            radios.nth(i).check()
    shot(page, test_output, "secretary-desktop-attendance")
    page.click("main form >> text=保存出席情况")
    page.wait_for_selector("text=已保存出席情况")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/minutes/")
    page.fill(
        "textarea[name=item-0-content]",
        "支部书记介绍了发展对象的培养考察情况，与会党员逐一发表意见。",
    )
    voting_present = services.attendance_summary(meeting)["voting_present"]
    page.fill("input[name=res-text] >> nth=0", "同意接收张某为中共预备党员")
    page.fill("input[name=res-yes] >> nth=0", str(voting_present))
    page.fill("textarea[name=summary]", "会议按程序进行，表决有效。")
    page.click("main form.minutes-form >> text=保存草稿")
    page.wait_for_selector("text=会议记录已保存（草稿）")
    shot(page, test_output, "secretary-desktop-minutes-draft")
    page.once("dialog", lambda d: d.accept())
    page.click("text=确认并锁定会议记录")
    page.wait_for_selector("text=会议记录已确认并锁定")
    assert page.get_by_text("同意接收张某为中共预备党员").is_visible()
    assert page.get_by_text("到会人数过半，符合规定").first.is_visible()
    shot(page, test_output, "secretary-desktop-meeting-held")
    meeting.refresh_from_db()
    assert meeting.status == "held"


def test_it_signs_in_a_member_who_scans_the_hosts_code(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    from zhibu.meetings import rules

    build_demo(meetings=False)
    meeting = _meeting_now("lecture", "党章专题党课", lecturer_name="镇党委书记")
    host = new_page(browser, DESKTOP)
    login(host, live_server.url, "demo_secretary")
    host.goto(f"{live_server.url}/meetings/{meeting.pk}/qr/")
    assert host.locator("#qr-code svg").is_visible()
    shot(host, test_output, "secretary-desktop-qr")
    # What the phone's camera opens: the sign-in link with the code's current token.
    now = int(timezone.now().timestamp())
    token = rules.qr_token(key=services.qr_key(), meeting_id=meeting.pk, issued=now)
    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "demo_member")
    phone.goto(f"{live_server.url}/meetings/{meeting.pk}/sign-in/?t={token}")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-qr-landing")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=签到成功")
    row = meeting.attendances.get(member__user__username="demo_member")
    assert row.status == "present" and row.sign_method == "qr"
    # A screenshot of an old code, passed on later, no longer works.
    stale = rules.qr_token(
        key=services.qr_key(), meeting_id=meeting.pk, issued=now - rules.QR_TOKEN_SECONDS - 1
    )
    other = new_page(browser, PHONE)
    login(other, live_server.url, "demo_secretary")
    other.goto(f"{live_server.url}/meetings/{meeting.pk}/sign-in/?t={stale}")
    other.click("main button[type=submit]")
    other.wait_for_selector("text=二维码已过期")
    shot(other, test_output, "secretary-360-qr-expired")
