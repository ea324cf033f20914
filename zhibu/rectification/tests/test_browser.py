"""整改 in a real browser: a secretary's vague measure highlighted and fixed; a member reports a
measure done on a phone; the committee's overdue count goes down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.core.demo import build_demo
from zhibu.members.models import Member
from zhibu.rectification import services
from zhibu.rectification.models import Measure, Problem, ProblemCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_flags_a_vague_measure_while_the_secretary_types(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    member = Member.objects.get(user__username="demo_member")
    page = new_page(browser, DESKTOP)
    login(page, live_server.url, "demo_secretary")
    page.click("nav.sidebar-nav >> text=整改")
    page.wait_for_selector("text=问题清单与整改台账")
    shot(page, test_output, "secretary-desktop-ledger")
    page.click("text=登记问题")
    page.wait_for_selector("textarea[name=description]")
    page.select_option("select[name=owner_member]", str(member.pk))
    page.select_option("select[name=category]", label="作风建设")
    page.fill("textarea[name=description]", "工作作风不够扎实")
    # The stock phrase with no fact is flagged under the problem…
    page.wait_for_selector("text=材料质检：有")
    page.fill("textarea[name=description]", "2026年10月村务公开栏3周没有更新，群众来电反映2次。")
    page.fill("textarea[name='measures-0-text']", "尽量及时更新公开栏")
    measure_box = page.locator(
        "textarea[name='measures-0-text'] >> xpath=../following-sibling::div[1]"
    )
    measure_box.locator("mark", has_text="尽量").wait_for()
    assert page.locator("mark", has_text="尽量").count() >= 1
    shot(page, test_output, "secretary-desktop-vague-measure")
    page.fill(
        "textarea[name='measures-0-text']",
        "每周一更新公开栏，确保12月31日前补齐10月、11月的公开内容。",
    )
    measure_box.get_by_text("未发现问题").wait_for()
    page.select_option("select[name='measures-0-responsible']", str(member.pk))
    page.fill(
        "input[name='measures-0-deadline']",
        (timezone.localdate() + dt.timedelta(days=25)).isoformat(),
    )
    shot(page, test_output, "secretary-desktop-measure-fixed")
    page.click("main form button[type=submit] >> text=登记问题")
    page.wait_for_selector("text=问题已登记")
    problem = Problem.objects.get(description__startswith="2026年10月村务公开栏")
    assert problem.measures.get().text.startswith("每周一更新公开栏")
    shot(page, test_output, "secretary-desktop-problem")


def test_it_lets_a_member_finish_a_measure_and_the_committee_see_it(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_demo(meetings=False)
    today = timezone.localdate()
    member = Member.objects.get(user__username="demo_member")
    secretary = Member.objects.get(user__username="demo_secretary")
    late = services.problem_create(
        actor=secretary.user, organization=member.branch, owner_kind="member", owner_member=member,
        source="opinion", category=ProblemCategory.objects.get(name="服务群众"),
        description="征求意见中群众反映：联系户王某家的低保材料催办2次仍未送达镇里。",
        measures=[services.MeasureInput("11月底前把王某的低保材料送到镇民政办并告知结果。", member,
                                        today - dt.timedelta(days=3))],
        year=today.year, today=today - dt.timedelta(days=20),
    )  # fmt: skip

    committee = new_page(browser, DESKTOP)
    login(committee, live_server.url, "demo_committee")
    card = committee.locator("#rectification-card")
    before = int(
        card.locator(".stat", has_text="整改逾期").locator(".stat-value").inner_text().rstrip("个")
    )
    assert before >= 2
    shot(committee, test_output, "committee-desktop-home-overdue-before")

    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "demo_member")
    assert phone.get_by_text("整改措施：11月底前把王某的低保材料").is_visible()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-home-task")
    phone.click("main a[href='/rectification/mine/']")
    phone.wait_for_selector("text=我负责的整改措施")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-my-measures")
    measure = Measure.objects.get(problem=late)
    phone.click(f"a[href='/rectification/m/{measure.pk}/complete/']")
    phone.fill("textarea[name=evidence]", "11月28日已把材料送到镇民政办，已告知王某。")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-complete-form")
    phone.click("main form button[type=submit]")
    phone.wait_for_selector("text=已登记完成")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-measure-done")
    measure.refresh_from_db()
    assert measure.status == "done"

    # The branch's 公示 on the phone.
    phone.goto(f"{live_server.url}/")
    phone.click("text=公示：")
    phone.wait_for_selector("text=公示期")
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-publication")

    committee.reload()
    after = int(
        card.locator(".stat", has_text="整改逾期").locator(".stat-value").inner_text().rstrip("个")
    )
    assert after == before - 1
    shot(committee, test_output, "committee-desktop-home-overdue-after")
    committee.click("#rectification-card >> text=逾期通报")
    committee.wait_for_selector("text=通报名单")
    shot(committee, test_output, "committee-desktop-bulletin")
