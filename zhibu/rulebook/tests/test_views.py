"""Rulebook pages: the requirements, revising them, the board and the drill-down."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.orgs.services import organization_create
from zhibu.rulebook.models import Requirement
from zhibu.rulebook.tests.helpers import give_committee, hold, person, requirement, seeded

pytestmark = pytest.mark.django_db
D = dt.date
RANGE = {"from": "2026-01-01", "to": "2026-06-30"}


@pytest.fixture(autouse=True)
def _requirements(db: Any) -> None:
    seeded()


def superuser(cast: Cast) -> Any:
    cast.committee_officer.is_superuser = True
    cast.committee_officer.save(update_fields=["is_superuser"])
    return cast.committee_officer


def html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_it_shows_members_the_requirements_with_their_sources(client_as: Any) -> None:
    page = html(client_as("member").get(reverse("rulebook:index")))
    for text in (
        "每个党支部每季度至少召开1次支部党员大会",
        "设支部委员会的党支部每月至少召开1次支部委员会会议",
        "每个党小组每月至少召开1次党小组会",
        "每个党支部每季度至少讲1次党课",
        "每个党支部每月至少开展1次主题党日",
        "每个党支部每年至少召开1次组织生活会",
        "《中国共产党支部工作条例（试行）》第十二条",
        "2018-10-28",
        "《中国共产党章程》第九条",
    ):
        assert text in page, text
    assert "修订</a>" not in page


def test_it_quotes_the_dues_rates_from_the_code(client_as: Any) -> None:
    page = html(client_as("member").get(reverse("rulebook:index")))
    for text in (
        "3000元以下（含）", "3000元以上至5000元（含）", "0.5%", "1.5%", "10000元以上", "2%",
        "每月交纳 0.20 元至 1.00 元", "补交一般不超过 6 个月", "连续 3 个月未交",
        "连续 6 个月的，提请支部党员大会", "中组发〔2008〕3号", "补助生活困难党员",
    ):  # fmt: skip
        assert text in page, text


def test_it_lets_only_superusers_revise(cast: Cast, client_as: Any) -> None:
    pk = requirement("lecture").pk
    assert (
        client_as("committee_officer").get(reverse("rulebook:revise", args=[pk])).status_code == 403
    )
    assert (
        client_as("committee_officer").post(reverse("rulebook:revise", args=[pk]), {}).status_code
        == 403
    )
    superuser(cast)
    client = client_as("committee_officer")
    assert "修订</a>" in html(client.get(reverse("rulebook:index")))
    assert "保存为新版本" in html(client.get(reverse("rulebook:revise", args=[pk])))


def test_it_revises_through_a_new_version(cast: Cast, client_as: Any) -> None:
    superuser(cast)
    client = client_as("committee_officer")
    old = requirement("lecture")
    response = client.post(
        reverse("rulebook:revise", args=[old.pk]),
        {"min_count": "1", "period": "half_year", "effective_from": "2027-01-01",
         "source": "县委组织部通知", "note": "党课每半年1次"},
    )  # fmt: skip
    assert response.status_code == 302
    old.refresh_from_db()
    new = Requirement.objects.get(replaces=old)
    assert (old.effective_to, new.effective_from, new.period) == (
        D(2026, 12, 31),
        D(2027, 1, 1),
        "half_year",
    )
    page = html(client.get(reverse("rulebook:index")))
    assert "即将施行" in page and "每个党支部每半年至少讲1次党课" in page
    event = AuditEvent.objects.get(verb="requirement.revise")
    assert event.changes["period"] == ["季度", "半年"]
    # The old version cannot be revised again; the form keeps what was typed on an error.
    assert client.get(reverse("rulebook:revise", args=[old.pk])).status_code == 302
    bad = html(
        client.post(
            reverse("rulebook:revise", args=[new.pk]),
            {
                "min_count": "2",
                "period": "half_year",
                "effective_from": "2026-12-01",
                "source": "再改",
                "note": "",
            },
        )  # fmt: skip
    )
    assert "施行日期应晚于现行版本的施行日期 2027-01-01" in bad and 'value="再改"' in bad


def test_it_shows_the_committee_its_board(cast: Cast, client_as: Any) -> None:
    hold(cast.branch, "theme_day", D(2026, 1, 10))
    hold(cast.branch, "branch_assembly", D(2026, 3, 10))
    page = html(
        client_as("committee_officer").get(reverse("rulebook:compliance", args=["T-COM"]), RANGE)
    )
    assert "测试镇党委 · 制度落实" in page
    for name in ("第一党支部", "第二党支部", "镇机关党支部"):
        assert name in page
    assert re.search(r">缺失</a> <span class=\"num\">1/6</span>", page)  # 主题党日 of 第一党支部
    assert re.search(r">缺失</a> <span class=\"num\">1/2</span>", page)  # 党员大会
    assert "待完成" in page  # the year's 组织生活会
    assert 'id="compliance-chart-data" type="application/json"' in page
    assert "2026-06" in page  # the same numbers as a table
    assert "连续未参加组织生活的党员" in page and "梅党员" in page
    # No inline script or style: only the JSON data block and files from /static/.
    for tag in re.findall(r"<script[^>]*>", page):
        assert 'type="application/json"' in tag or "src=" in tag
    assert "style=" not in page


def test_it_filters_sorts_and_drills_down(cast: Cast, client_as: Any) -> None:
    for day in range(1, 7):
        hold(cast.sibling, "theme_day", D(2026, day, 10))
    client = client_as("committee_officer")
    url = reverse("rulebook:compliance", args=["T-COM"])
    everyone = html(client.get(url, {**RANGE, "sort": "missing"}))
    assert everyone.index("第一党支部") < everyone.index("第二党支部")
    behind = html(client.get(url, {**RANGE, "behind": "on"}))
    assert "第一党支部" in behind
    assert 'href="/compliance/T-B1/?from=2026-01-01&amp;to=2026-06-30#theme_day"' in behind
    empty = html(client.get(url, {"from": "2018-01-01", "to": "2018-06-30", "behind": "on"}))
    assert "没有落后的党支部" in empty
    bad = html(client.get(url, {"from": "2026-06-01", "to": "2026-01-01"}))
    assert "结束日期不能早于开始日期" in bad and "今年以来" in bad


def test_it_drills_into_a_branch_with_its_meetings(cast: Cast, client_as: Any) -> None:
    meeting = hold(cast.branch, "theme_day", D(2026, 2, 10), title="二月主题党日")
    hold(cast.branch, "group_meeting", D(2026, 2, 12), group=cast.group)
    page = html(
        client_as("committee_officer").get(reverse("rulebook:compliance", args=["T-B1"]), RANGE)
    )
    assert f'href="{reverse("meetings:detail", args=[meeting.pk])}"' in page
    assert "二月主题党日" in page and "2026年2月" in page
    assert 'id="theme_day"' in page and 'id="group_meeting-T-G1"' in page
    assert "未设支部委员会，不考核支部委员会会议" in page
    assert (
        'href="/compliance/T-COM/?from=2026-01-01&amp;to=2026-06-30"' in page
    )  # back to the board
    # The secretary sees the same without the way up (the committee is not theirs).
    own = html(client_as("secretary").get(reverse("rulebook:compliance", args=["T-B1"])))
    assert "/compliance/T-COM/" not in own
    assert "安排会议" in own  # this month's theme day is still due
    today = timezone.localdate()
    assert f'value="{today.year}-01-01"' in own and f'value="{today.isoformat()}"' in own
    # A group's own page.
    assert "第一党小组" in html(
        client_as("secretary").get(reverse("rulebook:compliance", args=["T-G1"]))
    )


def test_it_tells_a_branch_with_nothing_to_check(cast: Cast, client_as: Any) -> None:
    page = html(
        client_as("committee_officer").get(
            reverse("rulebook:compliance", args=["T-B1"]),
            {"from": "2017-01-01", "to": "2017-12-31"},
        )
    )
    assert "没有需要考核的要求" in page


def queries(client: Any, url: str, params: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_it_keeps_the_query_count_flat(cast: Cast, client_as: Any) -> None:
    client = client_as("committee_officer")
    board = reverse("rulebook:compliance", args=["T-COM"])
    branch = reverse("rulebook:compliance", args=["T-B1"])
    hold(cast.branch, "theme_day", D(2026, 1, 10))
    before = (queries(client, board, RANGE), queries(client, branch, RANGE))
    for i in range(6):
        b = organization_create(
            actor=None, code=f"T-N{i}", name=f"新支部{i}", kind="branch", parent=cast.committee
        )
        organization_create(actor=None, code=f"T-N{i}G", name="党小组", kind="group", parent=b)
        give_committee(b, 3, D(2025, 1, 1))
        hold(b, "committee_meeting", D(2026, 2, 3))
        hold(b, "theme_day", D(2026, 2, 10))
    for day in (D(2026, 2, 10), D(2026, 3, 10), D(2026, 4, 10)):
        hold(cast.branch, "theme_day", day)
    hold(cast.branch, "group_meeting", D(2026, 2, 12), group=cast.group)
    for i in range(5):
        person(cast.branch, f"新党员{i}")
    after = (queries(client, board, RANGE), queries(client, branch, RANGE))
    assert after == before
    # Beyond what every page costs (session, user, the shell's scope and notices), which the
    # rulebook page shows plus its one query: the organization, the audit head (the cache's
    # version), compute's seven (and the meetings on the drill-down), and the members with
    # dues unpaid (dues.queries.arrears, one query: the six-month rule's other half).
    shell = queries(client, reverse("rulebook:index"), {}) - 1
    assert (before[0] - shell, before[1] - shell) == (1 + 1 + 7 + 1, 1 + 1 + 7 + 1 + 1)
    # Nothing written since: the same pages are answered from the remembered result.
    again = (queries(client, board, RANGE), queries(client, branch, RANGE))
    assert (again[0] - shell, again[1] - shell) == (1 + 1 + 1, 1 + 1 + 1 + 1)  # dues not remembered


def test_it_paginates_a_long_board(cast: Cast, client_as: Any, settings: Any) -> None:
    settings.PAGE_SIZE = 2
    page = html(
        client_as("committee_officer").get(reverse("rulebook:compliance", args=["T-COM"]), RANGE)
    )
    assert "第 1 / 2 页" in page


def test_it_renders_the_due_next_card_for_the_secretarys_home(cast: Cast) -> None:
    from django.template.loader import render_to_string

    from zhibu.rulebook.compliance import due_next

    today = D(2026, 11, 21)
    card = render_to_string(
        "rulebook/_due_next.html", {"org": cast.branch, "due_next": due_next(cast.branch, today)}
    )
    assert "本月主题党日还未开展（截至11月30日）" in card and "还有 9 天" in card
    assert f'href="{reverse("meetings:plan", args=["T-B1"])}?kind=theme_day"' in card
    assert reverse("rulebook:compliance", args=["T-B1"]) in card
    done = render_to_string("rulebook/_due_next.html", {"org": cast.branch, "due_next": []})
    assert "本期要求的会议都已召开并确认记录" in done


def test_it_renders_the_members_own_record(cast: Cast) -> None:
    from django.template.loader import render_to_string

    from zhibu.rulebook.compliance import member_life

    me = person(cast.branch, "自己")
    hold(cast.branch, "theme_day", D(2026, 6, 10), present=[me])
    late = render_to_string(
        "rulebook/_member_life.html", {"life": member_life(me, D(2026, 11, 21))}
    )
    assert "最近一次参加：2026年6月10日 (周三)" in late
    assert "已连续 5 个月未参加组织生活" in late and "alert-warn" in late
    fine = render_to_string("rulebook/_member_life.html", {"life": member_life(me, D(2026, 7, 1))})
    assert "正常" in fine and "alert" not in fine.replace("alert-source", "")


def test_it_shows_requirements_read_only_in_the_admin(cast: Cast, client_as: Any) -> None:
    cast.committee_officer.is_staff = True
    superuser(cast)
    client = client_as("committee_officer")
    assert client.get("/admin/rulebook/requirement/").status_code == 200
    assert client.get("/admin/rulebook/requirement/add/").status_code == 403
