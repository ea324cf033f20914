"""组织生活会 in a real browser (so far): a secretary plans, the committee approves, a talk is
recorded, and a member follows the preparation on a phone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.lifemeetings.models import LifeMeeting
from zhibu.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_plan_to_approval_and_records_a_talk(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    today = timezone.localdate()
    secretary = new_page(browser, DESKTOP)
    login(secretary, live_server.url, "demo_secretary")
    secretary.click("nav.sidebar-nav >> text=组织生活会")
    secretary.click("main .actions >> text=制定方案")
    secretary.fill("input[name=theme]", "对照党章党规 查找差距不足")
    secretary.fill("input[name=planned_on]", (today + dt.timedelta(days=20)).isoformat())
    shot(secretary, test_output, "secretary-desktop-lifemeeting-plan")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=方案已保存")
    secretary.once("dialog", lambda d: d.accept())
    secretary.click("text=报送上级审核")
    secretary.wait_for_selector("text=已报送上级党组织审核")
    lm = LifeMeeting.objects.get()
    assert lm.plan_state == "submitted"

    committee = new_page(browser, DESKTOP)
    login(committee, live_server.url, "demo_committee")
    committee.click("#plans-to-review >> text=对照党章党规")
    committee.check("input[name=decision][value=approve]")
    shot(committee, test_output, "committee-desktop-lifemeeting-review")
    committee.click("main form button[type=submit]")
    committee.wait_for_selector("text=已审核")
    lm.refresh_from_db()
    assert lm.plan_state == "approved"

    member = Member.objects.get(user__username="demo_member")
    secretary.goto(f"{live_server.url}/lifemeetings/{lm.pk}/talks/new/")
    secretary.select_option(
        "select[name=first]", str(Member.objects.get(user__username="demo_secretary").pk)
    )
    secretary.select_option("select[name=second]", str(member.pk))
    secretary.fill("textarea[name=topics]", "学习缺席的原因，对支部工作的意见")
    secretary.fill("textarea[name=summary]", "谈了工作和家庭的困难，表示下半年按时参加学习")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=已登记谈心谈话")
    shot(secretary, test_output, "secretary-desktop-lifemeeting-dashboard")

    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "demo_member")
    phone.goto(f"{live_server.url}/lifemeetings/{lm.pk}/")
    phone.wait_for_selector("text=会前准备")
    assert phone.get_by_text("还没有谈的").is_visible()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-lifemeeting")

    # The member writes the 对照检查材料 on the phone: a soft word is marked, then fixed.
    phone.click("text=撰写我的对照检查材料")
    phone.select_option("select[name=items-0-category]", label="作风建设")
    phone.fill(
        "textarea[name=items-0-problem]", "10月走访联系户只去了1户，群众反映的路灯问题没有跟进"
    )
    phone.fill("textarea[name=items-0-measure]", "争取多走访联系户")
    phone.locator("mark", has_text="争取").wait_for()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-self-review-vague")
    phone.fill("textarea[name=items-0-measure]", "每月走访联系户至少2次，确保路灯问题12月底前解决")
    phone.locator("mark", has_text="争取").wait_for(state="detached")
    phone.fill("input[name=items-0-deadline]", (today + dt.timedelta(days=25)).isoformat())
    phone.once("dialog", lambda d: d.accept())
    phone.click("button[name=submit]")
    phone.wait_for_selector("text=已提交，等待党支部审核")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-self-review-submitted")
    review = lm.reviews.get()
    assert review.state == "submitted" and review.items.get().measure.startswith("每月走访")
