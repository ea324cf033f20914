"""Reads of notices for other apps (the shell's badge)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhibu.notices.models import Notice

if TYPE_CHECKING:
    from zhibu.accounts.models import User


def unread_count(user: User) -> int:
    """How many of the user's notices are unread: one COUNT on the (user, read_at) index."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()
