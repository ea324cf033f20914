"""Pinned query counts (STYLE.md rule 10): a meeting plan's page and the one-screen attendance
sheet cost the same whether they list a few rows or many."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.meetings import services
from zhibu.meetings.models import Meeting, MeetingSeries
from zhibu.meetings.tests.conftest import plan
from zhibu.rulebook.tests.helpers import person

pytestmark = pytest.mark.django_db


def _count(client: Any, url: str, *shown: str) -> int:
    """The page's queries, after checking it shows each of ``shown`` (the rows the count is
    about are really on it)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert [s for s in shown if s not in page] == []
    return len(ctx.captured_queries)


def _series(cast: Cast, months: int) -> MeetingSeries:
    """A plan over ``months`` months, its first meetings already past: some held, some left
    without minutes, one cancelled, so every kind of row is on the page."""
    series = services.series_plan(
        actor=cast.secretary, branch=cast.branch, kind="theme_day", title="主题党日",
        day_of_month=10, start_time=dt.time(15, 0), duration_minutes=120,
        starts_on=timezone.localdate() - dt.timedelta(days=62), months=months,
    )  # fmt: skip
    past = list(series.meetings.filter(starts_at__lt=timezone.now()).order_by("starts_at"))
    services.minutes_save(actor=cast.secretary, meeting=past[0],
                          content={"items": [{"title": "学习", "content": "学习讨论。"}]})  # fmt: skip
    services.minutes_confirm(actor=cast.secretary, meeting=past[0])
    future = series.meetings.filter(starts_at__gt=timezone.now()).order_by("starts_at").last()
    assert future is not None
    services.meeting_cancel(actor=cast.secretary, meeting=future, reason="与防汛工作冲突")
    return series


def test_it_keeps_the_series_page_flat(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    shown = ("已召开", "待填写记录", "已取消", "（4 次）")
    few = _count(client, reverse("meetings:series", args=[_series(cast, 4).pk]), *shown)
    shown = ("已召开", "待填写记录", "已取消", "（12 次）")
    many = _count(client, reverse("meetings:series", args=[_series(cast, 12).pk]), *shown)
    assert (few, many) == (10, 10)


def _meeting(cast: Cast, n: int, *, held: bool) -> Meeting:
    """A 支部党员大会 of 第一党支部 after ``n`` more members (a third of them probationary, so
    without a vote) joined the cast: two observers, and either pending leave requests or, once
    held, absences with 补学 due and one made up."""
    for i in range(n):
        category = "probationary" if i % 3 == 2 else "full"
        joined = (
            {"joined_on": timezone.localdate() - dt.timedelta(days=100)}
            if category == "probationary"
            else {}
        )
        person(cast.branch, f"新党员{n}-{i}", category=category, **joined)
    meeting = plan(cast, "branch_assembly", title=f"{n}人的党员大会")
    services.observer_add(actor=cast.secretary, meeting=meeting, member=cast.activist.member)
    services.observer_add(actor=cast.secretary, meeting=meeting, guest_name="联系点领导",
                          guest_title="镇党委委员")  # fmt: skip
    rows = list(meeting.attendances.filter(role="attendee").select_related("member"))
    for row in rows[:2]:
        assert row.member is not None
        services.leave_request(actor=None, meeting=meeting, member=row.member, reason="外出务工")
    if held:
        marks = {a.pk: "present" for a in rows[: len(rows) // 2]}
        services.attendance_mark(actor=cast.secretary, meeting=meeting, marks=marks)
        services.minutes_save(actor=cast.secretary, meeting=meeting,
                              content={"items": [{"title": "学习", "content": "学习讨论。"}]})  # fmt: skip
        services.minutes_confirm(actor=cast.secretary, meeting=meeting)
        missed = meeting.attendances.filter(role="attendee", status="absent").first()
        assert missed is not None
        services.makeup_complete(actor=cast.secretary, attendance=missed,
                                 on=timezone.localdate(), how="自学会议记录")  # fmt: skip
    return meeting


@pytest.mark.parametrize(
    ("held", "shown", "queries"),
    [
        (False, ("待批准的请假", "无（预备党员）", "列席（镇党委委员）", "艾积极"), 13),
        (True, ("已于", "登记补学", "无（预备党员）", "列席（镇党委委员）"), 13),
    ],
)
def test_it_keeps_the_attendance_sheet_flat(
    cast: Cast, client_as: Any, held: bool, shown: tuple[str, ...], queries: int
) -> None:
    client = client_as("secretary")
    counts = []
    # One at a time: a member who joins is added to the meetings still planned.
    for n, listed in ((3, 8), (12, 20)):
        meeting = _meeting(cast, n, held=held)
        assert meeting.attendances.count() == listed
        counts.append(_count(client, reverse("meetings:attendance", args=[meeting.pk]), *shown))
    assert counts == [queries, queries]
