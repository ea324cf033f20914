"""notify's e-mail copy, the e-mail setting, the calendar feed services, and the masking rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.meetings.calendar import feed_for_token, token_hash
from zhibu.meetings.models import CalendarFeed
from zhibu.notices import rules
from zhibu.notices.models import Notice
from zhibu.notices.queries import unread_count
from zhibu.notices.services import (
    account_email_set,
    calendar_feed_issue,
    calendar_feed_revoke,
    email_text,
    notice_read,
    notify,
)
from zhibu.notices.tests.helpers import at, plan

SITE = "https://zhibu.example.org"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("zhang@example.org", "z***@example.org"),
        ("z@example.org", "z***@example.org"),
        ("", ""),
        ("no-at-sign", "n***"),
    ],
)
def test_it_masks_an_address(address: str, masked: str) -> None:
    assert rules.masked_email(address) == masked


@pytest.mark.parametrize(
    ("meeting_day", "today", "overdue"),
    [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 8), False),  # 7 days: not yet
        (dt.date(2026, 3, 1), dt.date(2026, 3, 9), True),  # 8 days: more than 7
        (dt.date(2026, 2, 28), dt.date(2026, 3, 7), False),
        (dt.date(2026, 2, 28), dt.date(2026, 3, 8), True),
    ],
)
def test_it_counts_a_makeup_overdue_after_more_than_seven_days(
    meeting_day: dt.date, today: dt.date, overdue: bool
) -> None:
    assert rules.makeup_overdue(meeting_day, today) is overdue
    assert rules.meeting_reminder_day(dt.date(2026, 12, 31)) == dt.date(2027, 1, 1)


def test_it_mails_each_recipient_separately_after_commit(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    account_email_set(actor=cast.member, user=cast.member, email="mei@example.org")
    account_email_set(actor=cast.secretary, user=cast.secretary, email="shi@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        sent = notify(
            users=[cast.member, cast.secretary, cast.activist],
            key="test:1",
            title="会议通知：支部党员大会「学习会」",
            body="2026年12月1日 (周二) 09:00 · 村委会",
            url="/meetings/7/",
        )
    assert sent == 3 and not mail.outbox  # nothing is mailed before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["mei@example.org", "shi@example.org"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    message = mail.outbox[0]
    assert message.subject == "【支部】会议通知：支部党员大会「学习会」"
    assert "您好！" in message.body
    assert "2026年12月1日 (周二) 09:00 · 村委会" in message.body
    assert f"查看详情：{SITE}/meetings/7/" in message.body
    assert f"{SITE}/notices/" in message.body  # where to stop the e-mails
    emailed = Notice.objects.filter(key="test:1", emailed_at__isnull=False)
    assert set(emailed.values_list("user_id", flat=True)) == {cast.member.pk, cast.secretary.pk}


def test_it_mails_nothing_when_the_change_rolls_back(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    account_email_set(actor=cast.member, user=cast.member, email="mei@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(users=[cast.member], key="test:rollback", title="不会发出")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not mail.outbox and not Notice.objects.filter(key="test:rollback").exists()


def test_it_gives_a_notice_once_per_key(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    account_email_set(actor=cast.member, user=cast.member, email="mei@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(users=[cast.member, cast.member], key="k", title="一") == 1
        assert notify(users=[cast.member], key="k", title="一") == 0
    assert Notice.objects.filter(user=cast.member, key="k").count() == 1
    assert len(mail.outbox) == 1


def test_it_mails_the_planned_meeting_with_its_link(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    account_email_set(actor=cast.member, user=cast.member, email="mei@example.org")
    day = timezone.localdate() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = plan(cast, at(day, 14, 30))
    (message,) = mail.outbox
    assert message.to == ["mei@example.org"]
    assert message.subject == "【支部】会议通知：支部党员大会「学习党的二十届四中全会精神」"
    assert f"{day.year}年{day.month}月{day.day}日" in message.body and "14:30" in message.body
    assert f"{SITE}/meetings/{meeting.pk}/" in message.body


def test_it_writes_the_email_without_a_link_when_the_site_is_unknown(settings: Any) -> None:
    settings.SITE_URL = ""
    subject, body = email_text(title="请假已批准：学习会", body="", url="/meetings/1/")
    assert subject == "【支部】请假已批准：学习会"
    assert "请登录“支部”查看详情" in body and "http" not in body


def test_it_keeps_the_subject_on_one_line() -> None:
    subject, _ = email_text(title="一\n二")
    assert subject == "【支部】一 二"


def test_it_sets_and_clears_the_email_with_the_address_masked_in_the_trail(cast: Cast) -> None:
    account_email_set(actor=cast.member, user=cast.member, email=" Mei.Dang@Example.ORG ")
    cast.member.refresh_from_db()
    assert cast.member.email == "Mei.Dang@example.org"
    event = AuditEvent.objects.filter(verb="account.email_set").latest("seq")
    assert event.changes == {"email": [None, "M***@example.org"]}
    assert event.organization_id == cast.branch.pk and "梅党员" in event.object_label
    assert "Mei.Dang" not in str(event.changes)
    account_email_set(actor=cast.member, user=cast.member, email="")
    cast.member.refresh_from_db()
    assert cast.member.email == ""
    event = AuditEvent.objects.filter(verb="account.email_set").latest("seq")
    assert event.changes == {"email": ["M***@example.org", None]}
    seq = event.seq
    account_email_set(actor=cast.member, user=cast.member, email="")  # no change, no event
    assert AuditEvent.objects.filter(verb="account.email_set").latest("seq").seq == seq


@pytest.mark.parametrize("bad", ["mei", "mei@", "@example.org", "梅 党员@example.org"])
def test_it_refuses_a_malformed_address(cast: Cast, bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        account_email_set(actor=cast.member, user=cast.member, email=bad)
    assert "请填写正确的电子邮箱地址" in exc.value.message_dict["email"][0]
    cast.member.refresh_from_db()
    assert cast.member.email == ""


def test_it_counts_and_marks_unread_notices(cast: Cast, django_assert_num_queries: Any) -> None:
    for n in range(3):
        notify(users=[cast.member], key=f"u{n}", title=f"第{n}条")
    notify(users=[cast.secretary], key="u0", title="别人的")
    with django_assert_num_queries(1):
        assert unread_count(cast.member) == 3
    first = Notice.objects.filter(user=cast.member).last()
    assert first is not None
    assert notice_read(user=cast.secretary, notice_id=first.pk) == 0  # not theirs
    assert notice_read(user=cast.member, notice_id=first.pk) == 1
    assert unread_count(cast.member) == 2
    assert notice_read(user=cast.member) == 2
    assert unread_count(cast.member) == 0 and unread_count(cast.secretary) == 1


def test_it_stores_only_the_hash_of_a_feed_token_and_revokes_the_old_one(cast: Cast) -> None:
    first = calendar_feed_issue(actor=cast.member, user=cast.member)
    assert len(first) >= 43
    feed = CalendarFeed.objects.get(user=cast.member)
    assert feed.token_hash == token_hash(first) and first not in feed.token_hash
    assert feed_for_token(first) == feed
    second = calendar_feed_issue(actor=cast.member, user=cast.member)
    assert second != first
    assert feed_for_token(first) is None and feed_for_token(second) is not None
    assert CalendarFeed.objects.filter(user=cast.member, revoked_at__isnull=True).count() == 1
    issued = AuditEvent.objects.filter(verb="calendar_feed.issue").order_by("seq")
    assert [e.changes for e in issued] == [
        {"feed": [None, "已创建"]},
        {"feed": [None, "已创建"], "previous": ["有效", "已停用"]},
    ]
    assert all(first not in str(e.changes) and second not in str(e.changes) for e in issued)
    assert calendar_feed_revoke(actor=cast.member, user=cast.member) == 1
    assert feed_for_token(second) is None
    assert calendar_feed_revoke(actor=cast.member, user=cast.member) == 0
    assert AuditEvent.objects.filter(verb="calendar_feed.revoke").count() == 1


def test_it_closes_the_feed_of_a_switched_off_account(cast: Cast) -> None:
    from zhibu.accounts.services import account_set_active

    token = calendar_feed_issue(actor=cast.member, user=cast.member)
    account_set_active(actor=cast.secretary, user=cast.member, active=False)
    assert feed_for_token(token) is None
