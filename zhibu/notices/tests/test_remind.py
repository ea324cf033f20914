"""zhibu remind: the day before a planned meeting, and 补学 more than a week overdue; once each."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.meetings.models import Meeting
from zhibu.meetings.services import (
    makeup_complete,
    meeting_cancel,
    meeting_update,
    minutes_confirm,
    minutes_save,
)
from zhibu.notices.models import Notice
from zhibu.notices.services import account_email_set
from zhibu.notices.tests.helpers import at, plan


def remind(today: dt.date) -> str:
    out = io.StringIO()
    call_command("remind", "--today", today.isoformat(), stdout=out)
    return out.getvalue().strip()


def reminders(key_part: str = ":remind") -> list[tuple[str, str]]:
    return sorted(
        Notice.objects.filter(key__contains=key_part).values_list("user__username", "key")
    )


@pytest.fixture
def ahead() -> dt.date:
    """A day well ahead, so the meetings planned for it are still to come."""
    return timezone.localdate() + dt.timedelta(days=40)


def test_it_reminds_the_invitees_the_day_before_once(cast: Cast, ahead: dt.date) -> None:
    meeting = plan(cast, at(ahead, 9))
    assert remind(ahead - dt.timedelta(days=2)) == (
        "发出 0 条通知：会议提醒 0 条（0 次会议），补学提醒 0 条，整改提醒 0 条"
    )
    assert remind(ahead).startswith("发出 0 条")  # on the day itself it is too late
    summary = remind(ahead - dt.timedelta(days=1))
    # 应到: the secretary and the member have accounts; the peer has none, the activist
    # is not expected at a 党员大会.
    assert summary == "发出 2 条通知：会议提醒 2 条（1 次会议），补学提醒 0 条，整改提醒 0 条"
    key = f"meeting:{meeting.pk}:remind:{ahead.isoformat()}"
    assert reminders() == [("member", key), ("secretary", key)]
    notice = Notice.objects.get(user=cast.member, key=key)
    assert notice.title == "明天开会：支部党员大会「学习党的二十届四中全会精神」"
    assert "09:00 · 村委会二楼会议室" in notice.body and notice.url == f"/meetings/{meeting.pk}/"
    # Hourly cron: the same day again sends nothing more.
    assert remind(ahead - dt.timedelta(days=1)).startswith("发出 0 条")
    assert Notice.objects.filter(key=key).count() == 2


def test_it_reads_tomorrow_as_the_local_date(cast: Cast, ahead: dt.date) -> None:
    just_after_midnight = plan(cast, at(ahead, 0, 30), title="零点半")  # the day before in UTC
    late = plan(cast, at(ahead, 23, 59), title="深夜")
    the_evening_before = plan(cast, at(ahead - dt.timedelta(days=1), 23, 59), title="前一晚")
    remind(ahead - dt.timedelta(days=1))
    reminded = {int(k.split(":")[1]) for _, k in reminders()}
    assert reminded == {just_after_midnight.pk, late.pk}
    assert the_evening_before.pk not in reminded


def test_it_skips_cancelled_meetings_and_reminds_again_after_a_move(
    cast: Cast, ahead: dt.date
) -> None:
    cancelled = plan(cast, at(ahead, 9), title="取消的会")
    meeting_cancel(actor=cast.secretary, meeting=cancelled, reason="与防汛工作冲突")
    moved = plan(cast, at(ahead, 15), title="改期的会")
    remind(ahead - dt.timedelta(days=1))
    assert {k for _, k in reminders()} == {f"meeting:{moved.pk}:remind:{ahead.isoformat()}"}
    later = ahead + dt.timedelta(days=3)
    meeting_update(
        actor=cast.secretary,
        meeting=moved,
        starts_at=at(later, 15),
        ends_at=at(later, 17),
    )
    remind(later - dt.timedelta(days=1))
    assert f"meeting:{moved.pk}:remind:{later.isoformat()}" in {k for _, k in reminders()}


def test_it_emails_the_reminder_too(
    cast: Cast, ahead: dt.date, django_capture_on_commit_callbacks: Any
) -> None:
    account_email_set(actor=cast.member, user=cast.member, email="mei@example.org")
    plan(cast, at(ahead, 9))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remind(ahead - dt.timedelta(days=1))
    (message,) = mail.outbox
    assert message.subject.startswith("【支部】明天开会：")


def _held(cast: Cast, day: dt.date) -> Meeting:
    """A meeting held on ``day`` (in the past) that the member missed."""
    meeting = plan(cast, at(day, 9), title="上月的党员大会")
    minutes_save(
        actor=cast.secretary,
        meeting=meeting,
        content={"items": [{"title": "学习", "content": "传达学习了会议精神。"}]},
    )
    minutes_confirm(actor=cast.secretary, meeting=meeting)
    return meeting


def test_it_reminds_of_makeup_more_than_a_week_overdue_once(cast: Cast) -> None:
    day = timezone.localdate() - dt.timedelta(days=20)
    meeting = _held(cast, day)
    assert remind(day + dt.timedelta(days=7)).endswith("补学提醒 0 条，整改提醒 0 条")
    summary = remind(day + dt.timedelta(days=8))
    # Everyone with an account missed it (no one signed in): the secretary and the member.
    assert summary == "发出 2 条通知：会议提醒 0 条（0 次会议），补学提醒 2 条，整改提醒 0 条"
    notice = Notice.objects.get(user=cast.member, key__endswith=":remind")
    assert notice.title == "补学提醒：支部党员大会「上月的党员大会」"
    assert "已过去8天" in notice.body and notice.url == f"/meetings/{meeting.pk}/"
    assert remind(day + dt.timedelta(days=9)).endswith("补学提醒 0 条，整改提醒 0 条")
    assert remind(day + dt.timedelta(days=19)).endswith("补学提醒 0 条，整改提醒 0 条")


def test_it_does_not_remind_who_has_made_up(cast: Cast) -> None:
    day = timezone.localdate() - dt.timedelta(days=20)
    meeting = _held(cast, day)
    row = meeting.attendances.get(member=cast.member.member)
    makeup_complete(
        actor=cast.member, attendance=row, on=day + dt.timedelta(days=2), how="自学记录"
    )
    remind(day + dt.timedelta(days=8))
    assert [u for u, _ in reminders()] == ["secretary"]


def test_it_refuses_a_malformed_date(db: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("remind", "--today", "2026-13-01")


def test_it_runs_for_today_by_default(cast: Cast) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    plan(cast, at(tomorrow, 20))
    out = io.StringIO()
    call_command("remind", stdout=out)
    assert "会议提醒 2 条（1 次会议）" in out.getvalue()
