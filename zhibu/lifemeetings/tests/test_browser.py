"""The whole 组织生活会 cycle in a real browser, on the demo branch: a 专题 plan approved by the
committee, an opinion given on a phone, a talk recorded, a 对照检查材料 with a soft word marked
and fixed, the meeting and its 批评与自我批评 recorded, the 整改清单 confirmed and an opinion
taken up into the ledger, the member's problems on their phone, the 公示, the report, and
the member's 书面反馈 read and downloaded on the phone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document

from zhibu.ballots import services as ballots
from zhibu.ballots.models import Poll, PollVoter
from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.lifemeetings.models import LifeMeeting
from zhibu.meetings import services as meetings
from zhibu.members.models import Member
from zhibu.rectification.models import Problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_whole_cycle_on_the_demo_branch(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    today = timezone.localdate()
    base = live_server.url
    member = Member.objects.get(user__username="demo_member")
    secretary_m = Member.objects.get(user__username="demo_secretary")

    # 1. The plan (a 专题 meeting: the demo already has this year's annual one), approved above.
    secretary = new_page(browser, DESKTOP)
    login(secretary, base, "demo_secretary")
    secretary.click("nav.sidebar-nav >> text=组织生活会")
    secretary.click("main .actions >> text=制定方案")
    secretary.check("input[name=kind][value=special]")
    secretary.fill("input[name=topic]", "学习贯彻党的创新理论")
    secretary.fill("input[name=theme]", "对照党章党规 查找差距不足")
    secretary.fill("input[name=planned_on]", (today + dt.timedelta(days=20)).isoformat())
    shot(secretary, test_output, "secretary-desktop-lifemeeting-plan")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=方案已保存")
    secretary.once("dialog", lambda d: d.accept())
    secretary.click("text=报送上级审核")
    secretary.wait_for_selector("text=已报送上级党组织审核")
    lm = LifeMeeting.objects.get(kind="special")
    assert lm.plan_state == "submitted"

    committee = new_page(browser, DESKTOP)
    login(committee, base, "demo_committee")
    committee.click("#plans-to-review >> text=对照党章党规")
    committee.check("input[name=decision][value=approve]")
    shot(committee, test_output, "committee-desktop-lifemeeting-review")
    committee.click("main form button[type=submit]")
    committee.wait_for_selector("text=已审核")
    lm.refresh_from_db()
    assert lm.plan_state == "approved"

    # 2. Opinions: the branch's open poll is chosen for this meeting; the member answers on
    # the phone (two more members answer on paper, so there are enough to read).
    poll = Poll.objects.get(organization=member.branch, state="open")
    secretary.goto(f"{base}/lifemeetings/{lm.pk}/opinions/")
    secretary.select_option("select[name=poll]", str(poll.pk))
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=已保存")

    phone = new_page(browser, PHONE)
    login(phone, base, "demo_member")
    phone.goto(f"{base}/ballots/mine/")
    phone.locator("a.list-item", has_text=poll.title).click()
    phone.fill("textarea[name=a-q1]", "支部开会的时间总是临时通知，外出务工的党员赶不回来。")
    phone.check("input[name=a-q3][value=基本满意]")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-lifemeeting-opinion")
    phone.once("dialog", lambda d: d.accept())
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("text=投票成功")
    voters = PollVoter.objects.filter(poll=poll).values("member")
    others = Member.objects.filter(pk__in=voters).exclude(pk__in=[member.pk, secretary_m.pk])[:2]
    for i, other in enumerate(others):
        ballots.ballot_cast(actor=None, voter=other, poll=poll,
                            answers={"q1": f"希望多到田间地头开会{i}", "q2": "", "q3": "满意"})  # fmt: skip
    ballots.poll_close(actor=None, poll=poll)

    # 3. A talk.
    secretary.goto(f"{base}/lifemeetings/{lm.pk}/talks/new/")
    secretary.select_option("select[name=first]", str(secretary_m.pk))
    secretary.select_option("select[name=second]", str(member.pk))
    secretary.fill("textarea[name=topics]", "学习缺席的原因，对支部工作的意见")
    secretary.fill("textarea[name=summary]", "谈了工作和家庭的困难，表示下半年按时参加学习")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=已登记谈心谈话")
    shot(secretary, test_output, "secretary-desktop-lifemeeting-dashboard")

    phone.goto(f"{base}/lifemeetings/{lm.pk}/")
    phone.wait_for_selector("text=会前准备")
    assert phone.get_by_text("还没有谈的").is_visible()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-lifemeeting")

    # 4. The member writes the 对照检查材料 on the phone: a soft word is marked, then fixed.
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
    review = lm.reviews.get(member=member)
    assert review.state == "submitted" and review.items.get().measure.startswith("每月走访")

    secretary.goto(f"{base}/lifemeetings/review/{review.pk}/")
    secretary.check("input[name=decision][value=accept]")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=已审核")

    # 5. The meeting: scheduled (what is missing is said plainly), the speeches recorded.
    secretary.goto(f"{base}/lifemeetings/{lm.pk}/")
    secretary.click("text=安排召开会议")
    secretary.wait_for_selector("text=会前准备还没有完成")
    secretary.fill("input[name=date]", today.isoformat())
    secretary.fill("input[name=start_time]", "00:00")
    secretary.fill("input[name=end_time]", "23:30")
    secretary.fill("input[name=place]", "村党群服务中心")
    shot(secretary, test_output, "secretary-desktop-lifemeeting-convene")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=已安排召开会议")
    secretary.click("main a:has-text('记录批评与自我批评')")
    secretary.locator(".speaking-order li").first.get_by_text(secretary_m.name).wait_for()
    row = secretary.locator(".speaking-order li", has_text=member.name)
    row.get_by_text("记录发言").click()
    secretary.check("input[name=spoke][value=yes]")
    secretary.fill("textarea[name=self_criticism]", "走访联系户少，群众反映的事跟进不及时")
    secretary.select_option("select[name=crit-0-critic]", str(secretary_m.pk))
    secretary.fill("textarea[name=crit-0-content]", "支部会上发言少，对村里的事提意见不多")
    secretary.fill("textarea[name=pledge]", "接受批评，按清单整改")
    shot(secretary, test_output, "secretary-desktop-lifemeeting-speech")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector(f"text=已记录{member.name}的发言")
    shot(secretary, test_output, "secretary-desktop-lifemeeting-speeches")

    lm.refresh_from_db()
    assert lm.meeting is not None
    meetings.minutes_save(actor=None, meeting=lm.meeting,
                          content={"items": [{"title": "批评和自我批评", "content": "逐一发言"}]})  # fmt: skip
    meetings.minutes_confirm(actor=None, meeting=lm.meeting)
    secretary.goto(f"{base}/lifemeetings/{lm.pk}/")
    secretary.once("dialog", lambda d: d.accept())
    secretary.click("text=会议已召开，进入会后整改")
    secretary.wait_for_selector("text=已进入会后整改")

    # 6. The follow-up: the member's 整改清单 (their problem, and the criticism with a measure).
    secretary.click("text=整改清单、公示和报告")
    secretary.locator("tr", has_text=member.name).get_by_text("确认清单").click()
    crit = secretary.locator("fieldset", has_text="的批评意见")
    crit.locator("input[type=checkbox]").check()
    crit.locator("select").select_option(label="组织生活")
    crit.locator("textarea[name$=measure]").fill("每次支部会议至少发言一次，提一条具体建议")
    crit.locator("input[type=date]").fill((today + dt.timedelta(days=60)).isoformat())
    shot(secretary, test_output, "secretary-desktop-lifemeeting-confirm")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=已将2个问题列入")

    secretary.goto(f"{base}/lifemeetings/{lm.pk}/opinions/answers/")
    secretary.locator("li", has_text="临时通知").get_by_text("转为问题").click()
    secretary.select_option("select[name=owner_kind]", "committee")
    secretary.select_option("select[name=category]", label="组织生活")
    secretary.fill("textarea[name=measure]", "每次会议提前7天通知，外出党员可线上参加")
    secretary.select_option("select[name=responsible]", str(secretary_m.pk))
    secretary.fill("input[name=deadline]", (today + dt.timedelta(days=30)).isoformat())
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=已转为问题")
    shot(secretary, test_output, "secretary-desktop-lifemeeting-opinions")
    made = Problem.objects.filter(year=lm.year, source_note__contains="组织生活会·")
    assert made.filter(owner_member=member).count() == 2

    # 7. The problems in the ledger, and on the member's phone.
    secretary.goto(f"{base}/rectification/org/{member.branch.code}/?source=life_meeting")
    secretary.get_by_text("支部会上发言少").first.wait_for()
    shot(secretary, test_output, "secretary-desktop-lifemeeting-ledger")
    phone.goto(f"{base}/rectification/mine/")
    phone.get_by_text("支部会上发言少").first.wait_for()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-lifemeeting-problems")

    # 8. The 公示, then the report closes the cycle.
    secretary.goto(f"{base}/lifemeetings/{lm.pk}/follow-up/")
    secretary.click("text=公示问题清单")
    secretary.click("main form button[type=submit]")
    secretary.wait_for_selector("text=已发布公示")
    secretary.once("dialog", lambda d: d.accept())
    secretary.click("text=报送情况报告")
    secretary.wait_for_selector("text=情况报告已报送上级党组织")
    shot(secretary, test_output, "secretary-desktop-lifemeeting-closed")
    lm.refresh_from_db()
    assert lm.stage == "closed" and lm.publication is not None

    # 9. The member reads the 书面反馈 on the phone and downloads it.
    phone.goto(f"{base}/lifemeetings/{lm.pk}/")
    phone.click("text=我的书面反馈")
    phone.get_by_text("支部会上发言少").first.wait_for()
    assert no_horizontal_scroll(phone)
    with phone.expect_download() as info:
        phone.click("text=下载文档")
    letter = Document(info.value.path())
    text = "\n".join(p.text for p in letter.paragraphs) + "\n".join(
        c.text for t in letter.tables for r in t.rows for c in r.cells
    )
    assert "支部会上发言少" in text and "每次支部会议至少发言一次" in text
