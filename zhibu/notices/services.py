"""Sending notices, reminders, and a user's own reach settings (e-mail address, calendar feed).

``notify`` is called by other services inside their transaction; e-mail goes out after the
transaction commits, so a rolled-back change never mails anyone.

Notices are not audited: they are messages about changes that were audited where they were
made (a meeting planned, a leave decided), and auditing them again would only copy those events
into the trail once per recipient. Reading a notice is the reader's own state, like a mail
client's unread mark, so it is not audited either. The settings a user changes here (their
e-mail address, their calendar feed) are audited like any other change to an account.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.core import audit
from zhibu.core.dates import zh_date
from zhibu.meetings.calendar import token_hash
from zhibu.meetings.models import Attendance, CalendarFeed, Meeting, MeetingStatus
from zhibu.notices import rules
from zhibu.notices.models import Notice

if TYPE_CHECKING:
    from zhibu.orgs.models import Organization

log = logging.getLogger(__name__)

EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit; also the User.email column


def notify(*, users: Iterable[User], key: str, title: str, body: str = "", url: str = "") -> int:
    """Give each user the notice once (per ``key``); returns how many were new.

    Notices are not audited: they are messages about audited changes, not changes themselves.
    """
    users = list({u.pk: u for u in users if u is not None and u.is_active}.values())
    if not users:
        return 0
    already = set(Notice.objects.filter(user__in=users, key=key).values_list("user_id", flat=True))
    fresh = [
        Notice(user=u, key=key, title=title[:200], body=body, url=url)
        for u in users
        if u.pk not in already
    ]
    Notice.objects.bulk_create(fresh, ignore_conflicts=True)
    recipients = [(u.pk, u.email) for u in users if u.pk not in already and u.email]
    if recipients:
        transaction.on_commit(lambda: _mail(key, title, body, url, recipients))
    return len(fresh)


def email_text(*, title: str, body: str = "", url: str = "") -> tuple[str, str]:
    """Subject and plain-text body of a notice's e-mail copy, with the link to act on it."""
    site = settings.SITE_URL.rstrip("/")
    subject = "【支部】" + " ".join(title.split())  # one line: a header cannot hold a newline
    lines = ["您好！", "", title]
    if body:
        lines.append(body)
    if url:
        lines += ["", f"查看详情：{site}{url}" if site else "请登录“支部”查看详情。"]
    lines += ["", "——", "这封邮件由“支部”系统自动发送，请不要直接回复。"]
    if site:
        where = f"{site}{reverse('notices:list')}"
        lines.append(f"如不想再收到邮件，可在“通知”页面的“通知设置”中清除邮箱地址：{where}")
    return subject, "\n".join(lines) + "\n"


def _mail(key: str, title: str, body: str, url: str, recipients: list[tuple[int, str]]) -> None:
    """One message per recipient, so no one learns the others' addresses."""
    subject, text = email_text(title=title, body=body, url=url)
    sent: list[int] = []
    try:
        with get_connection() as connection:
            for user_id, address in recipients:
                message = EmailMessage(subject, text, None, [address], connection=connection)
                try:
                    message.send()
                except Exception:  # one bad address must not keep the others from their copy
                    log.exception("sending notice %s to user %s by e-mail failed", key, user_id)
                else:
                    sent.append(user_id)
    except Exception:  # a mail server outage must not break the change that was saved
        log.exception("sending notice %s by e-mail failed", key)
    if sent:
        Notice.objects.filter(key=key, user_id__in=sent, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )


def notice_read(*, user: User, notice_id: int | None = None) -> int:
    """Mark one notice, or all of the user's, as read (the user's own state: not audited)."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_id is not None:
        unread = unread.filter(pk=notice_id)
    return unread.update(read_at=timezone.now())


# --- reminders (zhibu remind) ----------------------------------------------------------------


@dataclass
class Reminded:
    meetings: int = 0  # meetings starting tomorrow that had someone to remind
    meeting_notices: int = 0
    makeup_notices: int = 0
    rectification_notices: int = 0  # 整改 deadlines, escalations and 回头看
    dues_notices: int = 0  # 党费: on each branch's collection day, to members who owe

    @property
    def notices(self) -> int:
        return (self.meeting_notices + self.makeup_notices + self.rectification_notices
                + self.dues_notices)  # fmt: skip


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _meeting_reminders(today: dt.date) -> tuple[int, int]:
    day = rules.meeting_reminder_day(today)
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED,
            starts_at__gte=_local_midnight(day),
            starts_at__lt=_local_midnight(day + dt.timedelta(days=1)),
        )
        .prefetch_related("agenda")
        .order_by("starts_at", "pk")
    )
    reminded = count = 0
    for meeting in meetings:
        local = timezone.localtime(meeting.starts_at)
        place = meeting.place or ("线上会议" if meeting.online_link else "")
        agenda = "、".join(a.title for a in meeting.agenda.all()[:5])
        # The key names the date, so a meeting moved to another day is reminded of again.
        new = notify(
            users=User.objects.filter(member__attendances__meeting=meeting, is_active=True),
            key=f"meeting:{meeting.pk}:remind:{local.date().isoformat()}",
            title=f"明天开会：{meeting.get_kind_display()}「{meeting.title}」",
            body=(
                f"{zh_date(local.date())} {local:%H:%M}{(' · ' + place) if place else ''}"
                + (f"\n议程：{agenda}" if agenda else "")
                + "\n不能参加的，请在会议页面请假。"
            ),
            url=reverse("meetings:detail", args=[meeting.pk]),
        )
        reminded += 1 if new else 0
        count += new
    return reminded, count


def _makeup_key(attendance_id: int) -> str:
    return f"makeup:{attendance_id}:remind"


def _makeup_reminders(today: dt.date) -> int:
    before = _local_midnight(rules.makeup_overdue_before(today))
    rows = list(
        Attendance.objects.makeup_due()
        .filter(meeting__starts_at__lt=before, member__user__is_active=True)
        .select_related("meeting", "member__user")
        .order_by("meeting__starts_at", "pk")
    )
    # Skip, in one query, everyone already reminded: a cron job runs this every day.
    done = set(
        Notice.objects.filter(key__in=[_makeup_key(a.pk) for a in rows]).values_list(
            "key", flat=True
        )
    )
    count = 0
    for row in rows:
        if _makeup_key(row.pk) in done:
            continue
        meeting = row.meeting
        user: User = row.member.user  # type: ignore[union-attr]  # filtered on above
        days = (today - meeting.date).days
        count += notify(
            users=[user],
            key=_makeup_key(row.pk),
            title=f"补学提醒：{meeting.get_kind_display()}「{meeting.title}」",
            body=(
                f"您没有参加{zh_date(meeting.date)}的会议，已过去{days}天，还没有登记补学。"
                "请阅读会议记录补学，完成后在会议页面登记。"
            ),
            url=reverse("meetings:detail", args=[meeting.pk]),
        )
    return count


def reminders_send(*, today: dt.date | None = None) -> Reminded:
    """The day-before reminder for every planned meeting starting tomorrow (local date),
    one reminder per missed meeting whose 补学 is more than a week overdue, and the
    rectification deadlines (``rectification.services.deadline_reminders_send``) and the dues on
    each branch's collection day (``dues.services.dues_reminders_send``).

    Run as often as you like: each reminder's key makes it go out once.
    """
    today = today or timezone.localdate()
    result = Reminded()
    with transaction.atomic():
        result.meetings, result.meeting_notices = _meeting_reminders(today)
    with transaction.atomic():
        result.makeup_notices = _makeup_reminders(today)
    from zhibu.rectification.services import deadline_reminders_send

    with transaction.atomic():
        result.rectification_notices = deadline_reminders_send(today=today).notices
    from zhibu.dues.services import dues_reminders_send

    with transaction.atomic():
        result.dues_notices = dues_reminders_send(today=today)
    return result


# --- the user's own reach settings ------------------------------------------------------------


def _branch_of(user: User) -> Organization | None:
    member = user.member if user.member_id else None
    return member.branch if member is not None else None


def _label(user: User, what: str) -> str:
    member = user.member if user.member_id else None
    return f"{member.name if member else audit.masked_username(user.get_username())} · {what}"


@transaction.atomic
def account_email_set(*, actor: User | None, user: User, email: str) -> User:
    """Set or clear (``""``) where notices are e-mailed. The trail keeps the address masked."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"email": "请填写正确的电子邮箱地址，如 name@example.org"}
            ) from None
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError({"email": f"邮箱地址不能超过{EMAIL_MAX_LENGTH}个字符"})
        email = User.objects.normalize_email(email)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.email == email:
        return locked
    before = locked.email
    locked.email = user.email = email
    locked.save(update_fields=["email"])
    audit.record(
        actor,
        "account.email_set",
        locked,
        organization=_branch_of(locked),
        label=_label(locked, "通知邮箱"),
        changes={"email": [rules.masked_email(before) or None, rules.masked_email(email) or None]},
    )
    return locked


@transaction.atomic
def calendar_feed_issue(*, actor: User | None, user: User) -> str:
    """A new secret calendar URL token for ``user``; the previous one stops working.

    Only the token's SHA-256 is stored: the token is returned once, to be shown once.
    """
    User.objects.select_for_update().get(pk=user.pk)  # one live feed per user, even in a race
    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=token_hash(token))
    changes: dict[str, list[object]] = {"feed": [None, "已创建"]}
    if revoked:
        changes["previous"] = ["有效", "已停用"]
    audit.record(
        actor,
        "calendar_feed.issue",
        feed,
        organization=_branch_of(user),
        label=_label(user, "日历订阅"),
        changes=changes,
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User | None, user: User) -> int:
    """Stop ``user``'s calendar URL; returns how many were live (0: nothing to do, no event)."""
    live = list(CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    if not live:
        return 0
    CalendarFeed.objects.filter(pk__in=[f.pk for f in live]).update(revoked_at=timezone.now())
    audit.record(
        actor,
        "calendar_feed.revoke",
        live[0],
        organization=_branch_of(user),
        label=_label(user, "日历订阅"),
        changes={"feed": ["有效", "已停用"]},
    )
    return len(live)
