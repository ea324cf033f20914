"""The personal iCal feed: parsed back with icalendar, per member, stable UIDs, revocable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.meetings.calendar import feed_ics
from zhibu.meetings.models import Meeting
from zhibu.meetings.services import (
    meeting_cancel,
    meeting_plan,
    meeting_update,
    observer_add,
)
from zhibu.notices.services import calendar_feed_issue, calendar_feed_revoke

SITE = "https://zhibu.example.org"
TZ = timezone.get_current_timezone()


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE


def _at(days: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def _plan(cast: Cast, days: int, title: str, **values: Any) -> Meeting:
    values.setdefault("kind", "branch_assembly")
    branch = values.pop("branch", cast.branch)
    starts_at = _at(days, values.pop("hour", 9))
    return meeting_plan(
        actor=None,
        branch=branch,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        **values,
    )


def _events(client: Client, token: str) -> dict[str, Any]:
    response = client.get(f"/notices/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_it_serves_the_members_meetings_as_ical(cast: Cast) -> None:
    meeting = _plan(
        cast,
        5,
        "学习党的二十届四中全会精神",
        hour=14,
        place="村委会二楼会议室",
        agenda=[("学习习近平总书记重要讲话", True), ("讨论年度工作", False)],
    )
    token = calendar_feed_issue(actor=cast.member, user=cast.member)
    response = Client().get(f"/notices/calendar/{token}.ics")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"private", "max-age=300"}
    events = _events(Client(), token)
    event = events["「支部党员大会」学习党的二十届四中全会精神"]
    assert str(event["UID"]) == f"meeting-{meeting.pk}@zhibu.example.org"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)  # in UTC
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["LOCATION"]) == "村委会二楼会议室"
    assert str(event["URL"]) == f"{SITE}/meetings/{meeting.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert "1. 【第一议题】学习习近平总书记重要讲话" in description
    assert "2. 讨论年度工作" in description and "组织：第一党支部" in description


def test_it_keeps_the_uid_when_a_meeting_changes_and_marks_cancellations(cast: Cast) -> None:
    moved = _plan(cast, 10, "会前")
    dropped = _plan(cast, 12, "要取消的会")
    token = calendar_feed_issue(actor=cast.member, user=cast.member)
    before = _events(Client(), token)
    uid = str(before["「支部党员大会」会前"]["UID"])
    meeting_update(
        actor=None, meeting=moved, title="会后", starts_at=_at(11, 15), ends_at=_at(11, 17)
    )
    meeting_cancel(actor=None, meeting=dropped, reason="与防汛工作冲突")
    after = _events(Client(), token)
    assert "「支部党员大会」会前" not in after
    changed = after["「支部党员大会」会后"]
    assert str(changed["UID"]) == uid and changed.decoded("DTSTART") == _at(11, 15)
    cancelled = after["【已取消】「支部党员大会」要取消的会"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "与防汛工作冲突" in str(cancelled["DESCRIPTION"])


def test_it_shows_only_the_members_own_meetings_in_the_window(cast: Cast) -> None:
    _plan(cast, 3, "本支部大会")
    _plan(cast, 4, "第二支部大会", branch=cast.sibling)
    _plan(cast, 6, "支委会", kind="committee_meeting")  # the member is not on the committee
    _plan(cast, 7, "党小组会", kind="group_meeting", group=cast.group)
    _plan(cast, -89, "近三个月")
    _plan(cast, -92, "太久以前")
    _plan(cast, 366, "一年以后")
    listened = _plan(cast, 8, "列席的会")
    titles = set(_events(Client(), calendar_feed_issue(actor=cast.member, user=cast.member)))
    assert titles == {
        "「支部党员大会」本支部大会",
        "「党小组会」党小组会",
        "「支部党员大会」近三个月",
        "「支部党员大会」列席的会",
    }
    # The activist is on no list until added as an observer (列席).
    activist_token = calendar_feed_issue(actor=cast.activist, user=cast.activist)
    assert _events(Client(), activist_token) == {}
    observer_add(actor=None, meeting=listened, member=cast.activist.member)
    (event,) = _events(Client(), activist_token).values()
    assert "您的身份：列席" in str(event["DESCRIPTION"])
    other = set(_events(Client(), calendar_feed_issue(actor=cast.other, user=cast.other)))
    assert other == {"「支部党员大会」第二支部大会"}


def test_it_answers_404_for_unknown_and_revoked_tokens(cast: Cast) -> None:
    token = calendar_feed_issue(actor=cast.member, user=cast.member)
    assert Client().get(f"/notices/calendar/{token}.ics").status_code == 200
    assert Client().get(f"/notices/calendar/{token[:-1]}x.ics").status_code == 404
    assert Client().get(f"/notices/calendar/{'A' * 43}.ics").status_code == 404
    calendar_feed_revoke(actor=cast.member, user=cast.member)
    assert Client().get(f"/notices/calendar/{token}.ics").status_code == 404
    renewed = calendar_feed_issue(actor=cast.member, user=cast.member)
    assert Client().get(f"/notices/calendar/{token}.ics").status_code == 404
    assert Client().get(f"/notices/calendar/{renewed}.ics").status_code == 200


def test_it_builds_the_feed_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    for n in range(6):
        _plan(cast, n + 1, f"第{n}次", agenda=[("议题甲", False), ("议题乙", False)])
    with django_assert_num_queries(2):  # the attendance rows with their meetings; the agenda
        body = feed_ics(cast.member)
    assert body.count(b"BEGIN:VEVENT") == 6


def test_it_serves_an_empty_calendar_to_a_login_without_a_member(cast: Cast) -> None:
    from zhibu.accounts.models import User

    admin = User.objects.create(username="admin-only")
    cal = icalendar.Calendar.from_ical(feed_ics(admin))
    assert cal.walk("VEVENT") == [] and str(cal["X-WR-CALNAME"]) == "支部 · 我的会议"
