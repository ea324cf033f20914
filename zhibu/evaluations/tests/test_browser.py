"""民主评议 in a real browser: a member writes the 个人小结 on a 360 px phone; after the
民主测评 the secretary proposes grades on the desktop and is warned about the 1/3 cap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.ballots import services as ballots
from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.evaluations import services
from zhibu.evaluations.models import Evaluation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_summary_on_the_phone_and_warns_about_the_cap(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "demo_member")
    phone.click("main a[href='/evaluations/mine/']")
    phone.wait_for_selector("text=撰写个人小结")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-evaluation-mine")
    phone.click("main >> text=撰写个人小结")
    phone.fill(
        "textarea[name=summary]",
        "今年参加支部组织生活11次，缺席1次已补学。对照党员标准，理论学习不够系统，"
        "明年按时参加学习，主动承担志愿服务。",
    )
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-evaluation-summary")
    phone.click("main button[name=submit]")
    phone.wait_for_selector("text=个人小结已提交")
    ev = Evaluation.objects.get(year=timezone.localdate().year)
    entry = ev.entries.get(member__user__username="demo_member")
    assert entry.is_submitted and "志愿服务" in entry.summary
    shot(phone, test_output, "member-360-evaluation-submitted")

    secretary_user = User.objects.get(username="demo_secretary")
    ev = services.evaluation_voting_open(actor=secretary_user, evaluation=ev)
    assert ev.poll is not None
    for pv in ev.poll.voters.select_related("member"):
        answers = {q["id"]: "qualified" for q in ev.poll.questions}
        ballots.ballot_cast(actor=None, voter=pv.member, poll=ev.poll, answers=answers)
    ballots.poll_close(actor=secretary_user, poll=ev.poll)

    desk = new_page(browser, DESKTOP)
    login(desk, live_server.url, "demo_secretary")
    desk.click("nav.sidebar-nav >> text=民主评议")
    desk.click(f"main >> text={ev.year}年度民主评议")
    desk.wait_for_selector("text=共 ")
    shot(desk, test_output, "secretary-desktop-evaluation-detail")
    desk.click("main >> text=支委会提出评定意见")
    selects = desk.locator("main form select")
    for i in range(selects.count()):
        selects.nth(i).select_option("excellent")
    desk.click("main form button[type=submit]")
    desk.wait_for_selector("text=超过正式党员")
    assert desk.get_by_text("还不能提请党员大会确定").is_visible()
    shot(desk, test_output, "secretary-desktop-evaluation-propose-warning")

    small = new_page(browser, PHONE)
    login(small, live_server.url, "demo_secretary")
    small.goto(f"{live_server.url}/evaluations/{ev.pk}/propose/")
    small.wait_for_selector("text=超过正式党员")
    assert no_horizontal_scroll(small)
    shot(small, test_output, "secretary-360-evaluation-propose")
    small.locator("main form tbody tr").first.scroll_into_view_if_needed()
    small.screenshot(
        path=str(test_output / "screenshots" / "secretary-360-evaluation-propose-rows.png")
    )
