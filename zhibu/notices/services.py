"""Sending notices. Called by other services inside their transaction; e-mail goes out after
the transaction commits, so a rolled-back change never mails anyone."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from zhibu.notices.models import Notice

if TYPE_CHECKING:
    from zhibu.accounts.models import User

log = logging.getLogger(__name__)


def notify(*, users: Iterable[User], key: str, title: str, body: str = "", url: str = "") -> int:
    """Give each user the notice once (per ``key``); returns how many were new.

    Notices are not audited: they are messages about audited changes, not changes themselves.
    """
    users = [u for u in users if u is not None and u.is_active]
    if not users:
        return 0
    already = set(Notice.objects.filter(user__in=users, key=key).values_list("user_id", flat=True))
    fresh = [
        Notice(user=u, key=key, title=title[:200], body=body, url=url)
        for u in users
        if u.pk not in already
    ]
    Notice.objects.bulk_create(fresh, ignore_conflicts=True)
    addresses = [u.email for u in users if u.pk not in already and u.email]
    if addresses:
        transaction.on_commit(lambda: _mail(key, title, body, url, addresses))
    return len(fresh)


def _mail(key: str, title: str, body: str, url: str, addresses: list[str]) -> None:
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{url}" if url and settings.SITE_URL else ""
    try:
        send_mail(f"【支部】{title}", f"{body}{link}", None, addresses, fail_silently=False)
    except Exception:  # a mail server outage must not break the change that was saved
        log.exception("sending notice %s by e-mail failed", key)
        return
    Notice.objects.filter(key=key, user__email__in=addresses, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


def notice_read(*, user: User, notice_id: int | None = None) -> int:
    """Mark one notice, or all of the user's, as read."""
    unread = Notice.objects.filter(user=user, read_at__isnull=True)
    if notice_id is not None:
        unread = unread.filter(pk=notice_id)
    return unread.update(read_at=timezone.now())
