"""Meeting pages: planning form, sign-in, QR, one-screen attendance, minutes, lists that stay flat."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.meetings import rules, services
from zhibu.meetings.models import Meeting
from zhibu.meetings.tests.conftest import hold, plan

pytestmark = pytest.mark.django_db


def test_it_plans_from_the_form_and_keeps_input_on_errors(cast: Cast, client_as: Any) -> None:
    url = reverse("meetings:plan", args=[cast.branch.code])
    client = client_as("secretary")
    bad = client.post(
        url,
        {
            "kind": "lecture",
            "title": "党课",
            "date": "2026-12-01",
            "start_time": "15:00",
            "end_time": "14:00",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and "结束时间应晚于开始时间" in html and 'value="党课"' in html
    good = client.post(url, {"kind": "lecture", "title": "学习党章", "date": "2026-12-01", "start_time": "15:00",
                             "end_time": "17:00", "lecturer_name": "镇党委书记", "agenda": "第一议题\n讲党课", "first_topic": "on"})  # fmt: skip
    meeting = Meeting.objects.get(title="学习党章")
    assert good.status_code == 302 and good["Location"] == reverse(
        "meetings:detail", args=[meeting.pk]
    )
    assert list(meeting.agenda.values_list("title", "is_first_topic")) == [
        ("第一议题", True),
        ("讲党课", False),
    ]


def test_it_needs_a_lecturer_for_a_lecture_in_the_form(cast: Cast, client_as: Any) -> None:
    url = reverse("meetings:plan", args=[cast.branch.code])
    html = (
        client_as("secretary")
        .post(
            url,
            {
                "kind": "lecture",
                "title": "党课",
                "date": "2026-12-01",
                "start_time": "15:00",
                "end_time": "17:00",
            },
        )
        .content.decode()
    )
    assert "党课请填写授课人" in html


def test_it_lets_a_member_sign_in_and_ask_for_leave(cast: Cast, client_as: Any) -> None:
    meeting = plan(cast)
    client = client_as("member")
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "签到" in page and "请假" in page
    client.post(reverse("meetings:sign_in", args=[meeting.pk]))
    assert meeting.attendances.get(member__user=cast.member).status == "present"
    assert "已签到" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    later = plan(cast, start=timezone.now() + dt.timedelta(days=1))
    client.post(reverse("meetings:leave", args=[later.pk]), {"reason": "住院"})
    row = later.attendances.get(member__user=cast.member)
    assert (row.leave_state, row.leave_reason) == ("requested", "住院")


def test_it_shows_a_sign_in_button_not_a_sign_in_for_a_scanned_link(
    cast: Cast, client_as: Any
) -> None:
    meeting = plan(cast)
    token = rules.qr_token(
        key=services.qr_key(), meeting_id=meeting.pk, issued=int(timezone.now().timestamp())
    )
    url = reverse("meetings:sign_in", args=[meeting.pk]) + f"?t={token}"
    page = client_as("member").get(url)
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    assert (
        meeting.attendances.get(member__user=cast.member).status == "absent"
    )  # a GET changes nothing
    client_as("member").post(reverse("meetings:sign_in", args=[meeting.pk]), {"t": token})
    assert meeting.attendances.get(member__user=cast.member).sign_method == "qr"


def test_it_draws_a_fresh_qr_code_and_swaps_it_by_htmx(cast: Cast, client_as: Any) -> None:
    meeting = plan(cast)
    full = client_as("secretary").get(reverse("meetings:qr", args=[meeting.pk])).content.decode()
    assert "<svg" in full and f'hx-trigger="every {rules.QR_ROTATE_SECONDS}s"' in full
    part = (
        client_as("secretary")
        .get(reverse("meetings:qr", args=[meeting.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert part.lstrip().startswith('<div id="qr-code"') and "<html" not in part


def test_it_marks_everyone_on_one_screen(cast: Cast, client_as: Any) -> None:
    meeting = plan(cast, "branch_assembly")
    rows = {a.name: a for a in meeting.attendances.select_related("member")}
    data = {f"status-{rows['石书记'].pk}": "present", f"status-{rows['梅党员'].pk}": "leave",
            f"status-{rows['裴同志'].pk}": "absent", f"written-{rows['裴同志'].pk}": "1"}  # fmt: skip
    response = client_as("secretary").post(reverse("meetings:attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    summary = services.attendance_summary(meeting)
    assert (summary["present"], summary["leave"], summary["absent"], summary["written"]) == (
        1,
        1,
        1,
        1,
    )


def test_it_records_and_confirms_minutes_through_the_pages(cast: Cast, client_as: Any) -> None:
    meeting = plan(cast, "branch_assembly")
    client = client_as("secretary")
    rows = {a.name: a.pk for a in meeting.attendances.select_related("member")}
    client.post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {f"status-{rows['石书记']}": "present", f"status-{rows['梅党员']}": "present"},
    )
    form = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "到会人数过半，符合规定" in form
    saved = client.post(reverse("meetings:minutes", args=[meeting.pk]), {
        "item-title": ["讨论发展党员"], "item-0-content": "同意接收", "res-text": ["接收张某为预备党员", ""],
        "res-yes": ["2", "0"], "res-no": ["0", "0"], "res-abstain": ["0", "0"], "res-written": ["0", "0"], "summary": "会议顺利"})  # fmt: skip
    assert saved.status_code == 302
    client.post(reverse("meetings:minutes_confirm", args=[meeting.pk]))
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "同意接收" in page and "通过" in page and "第1版" in page
    assert client.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 302  # locked


def test_it_explains_impossible_votes_and_keeps_what_was_typed(cast: Cast, client_as: Any) -> None:
    meeting = plan(cast, "branch_assembly")
    response = client_as("secretary").post(reverse("meetings:minutes", args=[meeting.pk]), {
        "item-title": ["讨论"], "item-0-content": "记下的话", "res-text": ["事项"], "res-yes": ["9"],
        "res-no": ["0"], "res-abstain": ["0"], "res-written": ["0"]})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "第1项决议" in html and "记下的话" in html


def test_it_lets_a_member_register_makeup(cast: Cast, client_as: Any) -> None:
    meeting = hold(
        cast, plan(cast, start=timezone.now() - dt.timedelta(days=2)), present=["石书记"]
    )
    row = meeting.attendances.get(member__user=cast.member)
    mine = client_as("member").get(reverse("meetings:mine")).content.decode()
    assert "待补学" in mine and meeting.title in mine
    client_as("member").post(
        reverse("meetings:makeup", args=[row.pk]),
        {"on": timezone.localdate().isoformat(), "how": "自学会议记录"},
    )
    row.refresh_from_db()
    assert row.made_up_on == timezone.localdate()


def test_it_shows_each_member_only_their_own_meetings(cast: Cast, client_as: Any) -> None:
    plan(cast, title="第一支部的会")
    assert "第一支部的会" in client_as("member").get(reverse("meetings:mine")).content.decode()
    assert "第一支部的会" not in client_as("other").get(reverse("meetings:mine")).content.decode()


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("role", "url_name", "arg"),
    [("secretary", "meetings:branch", "code"), ("member", "meetings:mine", None)],
)
def test_it_keeps_list_query_counts_flat(
    cast: Cast, client_as: Any, role: str, url_name: str, arg: str | None
) -> None:
    url = reverse(url_name, args=[cast.branch.code] if arg else [])
    client = client_as(role)
    hold(cast, plan(cast, start=timezone.now() - dt.timedelta(days=3)), present=["石书记"])
    plan(cast, start=timezone.now() + dt.timedelta(days=3))
    few = _count(client, url)
    for i in range(6):
        hold(cast, plan(cast, start=timezone.now() - dt.timedelta(days=10 + i)), present=["梅党员"])
        plan(cast, start=timezone.now() + dt.timedelta(days=10 + i))
    assert _count(client, url) == few


def test_it_filters_the_branch_list(cast: Cast, client_as: Any) -> None:
    plan(cast, "lecture", title="讲党课", start=timezone.now() - dt.timedelta(days=1))
    plan(cast, "theme_day", title="主题党日活动", start=timezone.now() + dt.timedelta(days=1))
    url = reverse("meetings:branch", args=[cast.branch.code])
    html = client_as("secretary").get(url, {"kind": "lecture"}).content.decode()
    assert "讲党课" in html and "主题党日活动" not in html
    unrecorded = client_as("secretary").get(url, {"status": "unrecorded"}).content.decode()
    assert "讲党课" in unrecorded and "主题党日活动" not in unrecorded


def test_it_pages_the_meetings_a_member_took_part_in(cast: Cast, client_as: Any) -> None:
    for i in range(12):
        meeting = plan(cast, start=timezone.now() - dt.timedelta(days=3 + i), title=f"第{i}次活动")
        hold(cast, meeting, present=["梅党员"])
    client = client_as("member")
    first = client.get(reverse("meetings:mine")).content.decode()
    assert "第0次活动" in first and "第9次活动" in first and "第10次活动" not in first
    assert "第 1 / 2 页" in first
    second = client.get(reverse("meetings:mine"), {"page": 2}).content.decode()
    assert "第11次活动" in second and "第0次活动" not in second
