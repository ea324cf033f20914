"""制度与流程: the handbook every member can read, with each number taken from the code."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhibu.browser import PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.conftest import PASSWORD, Cast, build_cast
from zhibu.meetings import rules as meeting_rules
from zhibu.meetings.models import BranchSettings
from zhibu.notices import rules as notice_rules
from zhibu.rulebook import rules
from zhibu.rulebook.services import requirement_revise
from zhibu.rulebook.tests.helpers import requirement, seeded
from zhibu.testing_matrix import ROLES

SECTIONS = {
    "requirements": "会议频次要求",
    "plan": "会议的安排和通知",
    "sign-in": "签到",
    "leave": "请假",
    "makeup": "补学",
    "minutes": "会议记录",
    "attendance": "谁应到会，谁有表决权",
    "assembly": "党员大会：到会人数和表决",
    "six-months": "连续不参加组织生活",
    "history": "历史版本",
}


@pytest.fixture(autouse=True)
def _requirements(request: pytest.FixtureRequest) -> None:
    if "live_server" not in request.fixturenames:  # the browser test seeds its own database
        request.getfixturevalue("db")
        seeded()


def page_for(client: Any) -> str:
    response = client.get(reverse("rulebook:index"))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_of(html: str) -> str:
    """The page as a reader sees it: tags dropped, whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, anchor: str) -> str:
    match = re.search(rf'<section class="card" id="{anchor}">(.*?)</section>', html, re.S)
    assert match, anchor
    return text_of(match.group(1))


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_it_lets_every_role_read_it(role: str, client_as: Any) -> None:
    html = page_for(client_as(role))
    for anchor, title in SECTIONS.items():
        assert f'href="#{anchor}"' in html, anchor  # the table of contents
        assert f'id="{anchor}"' in html, anchor
        assert title in html, title


def test_it_sends_anonymous_visitors_to_the_login_page(client: Any) -> None:
    response = client.get(reverse("rulebook:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_keeps_the_requirements_driven_by_the_data(cast: Cast, client_as: Any) -> None:
    requirement_revise(
        actor=None, requirement=requirement("theme_day"), min_count=2, period="quarter",
        effective_from=dt.date(2020, 1, 1), source="某县委组织部通知（测试）",
    )  # fmt: skip
    html = page_for(client_as("member"))
    current = section(html, "requirements")
    assert "每个党支部每季度至少开展2次主题党日" in current
    assert "依据某县委组织部通知（测试） · 自 2020-01-01 起施行" in current
    assert "每个党支部每月至少开展1次主题党日" not in current
    history = section(html, "history")
    assert "每个党支部每月至少开展1次主题党日" in history
    assert "《中国共产党支部工作条例（试行）》第十六条" in history


def test_it_cites_the_sources(client_as: Any) -> None:
    html = page_for(client_as("member"))
    cited = {
        "requirements": ["《中国共产党支部工作条例（试行）》第十一条"],
        "attendance": ["《中国共产党章程》第七条", "《中国共产党章程》第四十条",
                       "《中国共产党基层组织选举工作条例》"],
        "assembly": ["《中国共产党支部工作条例（试行）》第十一条",
                     "《中国共产党发展党员工作细则》第二十条"],
        "six-months": [rules.LIFE.source, "《中国共产党章程》第九条", "自行脱党"],
    }  # fmt: skip
    for anchor, sources in cited.items():
        body = section(html, anchor)
        for source in sources:
            assert source in body, (anchor, source)
    # Every section says what it rests on, a party document or the system's own procedure.
    for anchor in SECTIONS:
        if anchor != "history":
            assert "依据" in section(html, anchor), anchor


def test_it_explains_who_attends_and_who_votes(client_as: Any) -> None:
    body = section(page_for(client_as("member")), "attendance")
    assert "支部党员大会、党课、主题党日、组织生活会：本支部全体正式党员和预备党员" in body
    assert "支部委员会会议：支部委员" in body
    assert "党小组会：本小组的正式党员和预备党员" in body
    assert "只有正式党员有表决权" in body
    assert "预备党员没有表决权" in body
    assert "留党察看" in body and "流动党员" in body
    for reason in meeting_rules.EXCLUSION_REASONS.values():
        assert reason in body
    assert "列席人员不计入应到和实到人数" in body


@pytest.mark.parametrize("enabled", [False, True])
def test_it_says_whether_exclusions_are_turned_on(
    enabled: bool, client_as: Any, settings: Any
) -> None:
    settings.VOTING_EXCLUSIONS = enabled
    body = section(page_for(client_as("member")), "attendance")
    assert ("本系统已启用这项规定" in body) is enabled
    assert ("本系统没有启用这项规定" in body) is not enabled


def test_it_quotes_the_numbers_from_the_code(client_as: Any) -> None:
    html = page_for(client_as("member"))
    minutes = int(meeting_rules.SIGN_IN_OPENS_BEFORE.total_seconds()) // 60
    assert f"会议开始前{minutes}分钟到会议结束" in section(html, "sign-in")
    assert f"每{meeting_rules.QR_ROTATE_SECONDS}秒换一次" in section(html, "sign-in")
    assert f"{meeting_rules.QR_TOKEN_SECONDS}秒内有效" in section(html, "sign-in")
    assert f"过去{notice_rules.MAKEUP_GRACE_DAYS}天仍未登记补学" in section(html, "makeup")
    plan = section(html, "plan")
    fixed_day = BranchSettings._meta.get_field("theme_day").get_default()
    assert f"每月{fixed_day}日" in plan
    assert "、".join(meeting_rules.DEFAULT_THEME_DAY_ITEMS) in plan
    assert meeting_rules.FIRST_TOPIC in plan
    life = section(html, "six-months")
    assert f"满 {rules.LIFE.warning} 个月未参加" in life
    assert f"满 {rules.LIFE.critical} 个月的列为严重情况" in life
    assert "不会自动" in life


def test_it_works_the_assembly_examples_out_with_the_rules(client_as: Any) -> None:
    body = section(page_for(client_as("member")), "assembly")
    # The fewest present and the fewest yes-votes, as the rules in meetings/rules.py decide.
    for n, quorum, passes in ((7, 4, 4), (10, 6, 6), (25, 13, 13), (50, 26, 26)):
        assert meeting_rules.assembly_quorum(voting_expected=n, voting_present=quorum)
        assert not meeting_rules.assembly_quorum(voting_expected=n, voting_present=quorum - 1)
        assert meeting_rules.resolution_passes(yes=passes, voting_expected=n)
        assert not meeting_rules.resolution_passes(yes=passes - 1, voting_expected=n)
        assert f"应到会有表决权 {n} 人 至少 {quorum} 人到会才能开会 · 至少 {passes} 票赞成" in body
    assert "到会 6 人，可以开会。表决时 5 票赞成：决议未通过" in body
    assert "书面意见计入票数" in body


def test_it_reads_the_numbers_from_the_code_not_the_template(
    client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Change the constants and the page follows: nothing is retyped in the template."""
    monkeypatch.setattr(meeting_rules, "SIGN_IN_OPENS_BEFORE", dt.timedelta(minutes=45))
    monkeypatch.setattr(meeting_rules, "QR_ROTATE_SECONDS", 75)
    monkeypatch.setattr(notice_rules, "MAKEUP_GRACE_DAYS", 11)
    monkeypatch.setattr(rules, "LIFE", rules.LifeThresholds(warning=2, critical=5))

    def two_thirds(*, yes: int, voting_expected: int) -> bool:
        return yes * 3 > voting_expected * 2

    monkeypatch.setattr(meeting_rules, "resolution_passes", two_thirds)
    html = page_for(client_as("member"))
    assert "会议开始前45分钟到会议结束" in section(html, "sign-in")
    assert "每75秒换一次" in section(html, "sign-in")
    assert "过去11天仍未登记补学" in section(html, "makeup")
    assert "满 2 个月未参加" in section(html, "six-months")
    assert "应到会有表决权 10 人 至少 6 人到会才能开会 · 至少 7 票赞成" in section(html, "assembly")
    assert "会议开始前30分钟" not in html


def test_it_pins_the_query_count(cast: Cast, client_as: Any) -> None:
    """One query of its own (the requirements), however many versions there are."""
    client = client_as("member")
    page_for(client)  # the session is warm

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            page_for(client)
        own = [q for q in ctx.captured_queries if "rulebook_requirement" in q["sql"]]
        return len(ctx.captured_queries), len(own)

    before = count()
    for kind in ("theme_day", "branch_assembly", "group_meeting"):
        old = requirement(kind)
        requirement_revise(
            actor=None, requirement=old, min_count=old.min_count + 1, period=old.period,
            effective_from=dt.date(2030, 1, 1), source="测试",
        )  # fmt: skip
    assert count() == before
    assert before[1] == 1
    # The session and its user, the shell (member, positions, unread notices), the requirements,
    # and the session saved again (a savepoint around the update).
    assert before[0] == 9, before


def test_it_is_linked_from_the_member_pages(client_as: Any) -> None:
    url = reverse("rulebook:index")
    member = client_as("member")
    assert f'href="{url}"' in member.get(reverse("core:home")).content.decode()
    assert f'href="{url}"' in member.get(reverse("members:me")).content.decode()
    # Officers find it in the sidebar, marked as the current page when they are on it.
    officer = client_as("secretary")
    assert f'href="{url}"' in officer.get(reverse("core:home")).content.decode()
    sidebar = page_for(officer).split('<nav class="sidebar-nav">', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{url}" class="active" aria-current="page">' in sidebar


# --- in a browser, on a phone -------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_reads_well_on_a_phone(
    transactional_db: Any, browser: Any, live_server: Any, test_output: Path
) -> None:
    build_cast()
    seeded()  # a transactional test database has lost the migration's rows
    page = new_page(browser, PHONE)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server.url, "member", PASSWORD)
    shot(page, test_output, "member-360-home")  # the way in: a card on the member's home page
    page.get_by_role("link", name="制度与流程").first.click()
    page.wait_for_url("**/rulebook/")
    assert page.get_by_role("heading", name="制度与流程", level=2).is_visible()
    assert no_horizontal_scroll(page)
    shot(page, test_output, "member-360-handbook")

    # The table of contents jumps to a section, whose title shows below the sticky top bar.
    page.locator("nav.card a", has_text="补学").click()
    page.wait_for_url("**/rulebook/#makeup")
    title = page.locator("#makeup .card-title")
    bar = page.locator(".topbar").bounding_box()
    box = title.bounding_box()
    assert bar and box and box["y"] >= bar["y"] + bar["height"], (box, bar)
    # What the reader sees after the jump (the viewport, not the whole page).
    page.screenshot(path=str(test_output / "screenshots" / "member-360-handbook-makeup.png"))
    assert not errors, errors

    page.emulate_media(media="print")
    assert page.locator(".tabbar").is_hidden() and page.locator("nav.card").is_hidden()
