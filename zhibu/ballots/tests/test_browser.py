"""征求意见 in a real browser: the secretary drafts and opens an opinion poll and prints a paper
code; a member votes on a 360 px phone; a 群众 uses the paper code without logging in; the
secretary closes the poll and reads the results; the member reads them once published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zhibu.ballots.models import Ballot, Poll, VoteReceipt
from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo has its own polls (the 组织生活会's opinions, the 民主评议): this one has its own title.
TITLE = "支部工作意见征集（第四季度）"
QUESTIONS = "1. 支部班子在联系服务群众方面还有哪些不足？\n2. 您对本支部“三会一课”的质量是否满意｜满意／基本满意／不满意"


def _answer(page: Any, words: str, choice: str) -> None:
    page.fill("textarea[name='a-q1']", words)
    page.get_by_label(choice, exact=True).check()


def test_it_collects_opinions_from_members_and_the_public(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    secretary = Member.objects.get(user__username="demo_secretary")
    branch = secretary.branch

    desk = new_page(browser, DESKTOP)
    desk.on("dialog", lambda dialog: dialog.accept())
    login(desk, live_server.url, "demo_secretary")
    desk.goto(f"{live_server.url}/ballots/org/{branch.code}/")
    desk.wait_for_selector("text=2026年度组织生活会征求意见")
    shot(desk, test_output, "secretary-desktop-polls")
    desk.click("main .actions >> text=新建征求意见")
    desk.fill("input[name=title]", TITLE)
    desk.fill("textarea[name=questions]", QUESTIONS)
    shot(desk, test_output, "secretary-desktop-poll-form")
    desk.click("main button[type=submit] >> text=保存草稿")
    desk.wait_for_selector("text=已保存为草稿")
    shot(desk, test_output, "secretary-desktop-poll-draft")
    desk.click("main button >> text=开始投票")
    desk.wait_for_selector("text=已开始投票")
    poll = Poll.objects.get(title=TITLE)
    assert poll.state == "open"
    desk.fill("input[name=count]", "2")
    desk.click("text=生成并打印凭证")
    desk.wait_for_selector("text=凭证码只显示这一次")
    code = desk.locator("main .card [data-code]").first.inner_text()
    assert len(code) == 12
    shot(desk, test_output, "secretary-desktop-paper-codes")
    desk.emulate_media(media="print")
    shot(desk, test_output, "secretary-print-paper-codes")
    desk.emulate_media(media="screen")

    phone = new_page(browser, PHONE)
    phone.on("dialog", lambda dialog: dialog.accept())
    login(phone, live_server.url, "demo_member")
    phone.goto(f"{live_server.url}/ballots/mine/")
    phone.wait_for_selector("text=未投票")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-my-polls")
    phone.locator("a.list-item", has_text=TITLE).click()
    phone.wait_for_selector("text=无记名投票")
    _answer(phone, "希望支部书记多到老党员家里走走。", "基本满意")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-vote-form")
    phone.click("main button >> text=提交选票")
    phone.wait_for_selector("text=投票成功")
    assert phone.get_by_text("已投票", exact=True).is_visible()
    assert "希望支部书记" not in phone.content()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-voted")

    public = new_page(browser, PHONE)
    public.on("dialog", lambda dialog: dialog.accept())
    public.goto(f"{live_server.url}/ballots/code/")
    public.fill("input[name=code]", "ABCD-EFGH-JK")
    public.click("main button >> text=下一步")
    public.wait_for_selector("text=凭证码不正确")
    assert no_horizontal_scroll(public)
    shot(public, test_output, "public-360-wrong-code")
    public.fill("input[name=code]", code.lower())
    public.click("main button >> text=下一步")
    public.wait_for_selector("text=匿名填写")
    _answer(public, "村口路灯坏了两个月，希望党员带头反映。", "不满意")
    assert no_horizontal_scroll(public)
    shot(public, test_output, "public-360-answer")
    public.click("main button >> text=提交意见")
    public.wait_for_selector("text=谢谢您的意见")
    assert no_horizontal_scroll(public)
    shot(public, test_output, "public-360-thanks")

    desk.goto(f"{live_server.url}/ballots/p/{poll.pk}/vote/")
    _answer(desk, "", "满意")
    desk.click("main button >> text=提交选票")
    desk.wait_for_selector("text=投票成功")
    assert Ballot.objects.filter(poll=poll).count() == 3
    assert VoteReceipt.objects.filter(poll=poll).count() == 2

    desk.goto(f"{live_server.url}/ballots/p/{poll.pk}/")
    desk.click("main button >> text=结束投票")
    desk.wait_for_selector("text=选票已打乱重排")
    turnout = desk.locator("#turnout")
    turnout.get_by_text("已投票 2 人").click()
    assert turnout.get_by_text(f"{secretary.name}（").is_visible()
    shot(desk, test_output, "secretary-desktop-poll-closed")
    desk.click("main a >> text=查看结果")
    desk.wait_for_selector("text=收到的选票")
    assert desk.get_by_text("村口路灯坏了两个月").is_visible()
    shot(desk, test_output, "secretary-desktop-results")
    desk.goto(f"{live_server.url}/ballots/p/{poll.pk}/")
    desk.click("main button >> text=公布结果")
    desk.wait_for_selector("text=结果已公布")

    phone.goto(f"{live_server.url}/ballots/mine/")
    phone.locator("a.list-item", has_text=TITLE).click()
    phone.wait_for_selector("text=收到的选票")
    assert phone.get_by_text("希望支部书记多到老党员家里走走。").is_visible()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-results")
