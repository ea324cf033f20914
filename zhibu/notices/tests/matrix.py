"""Role-matrix rows for the notices URLs (merged by accounts/tests/test_role_matrix.py)."""

from __future__ import annotations

from typing import Any

from zhibu.conftest import Cast
from zhibu.notices.models import Notice
from zhibu.notices.services import calendar_feed_issue, calendar_feed_revoke, notify
from zhibu.testing_matrix import EVERYONE, LOGIN, NONE, POST_ONLY, PUBLIC, ROLES, Row


def _members_notice(c: Cast) -> dict[str, Any]:
    """A notice of the member's: they are sent on to its link, everyone else finds nothing."""
    notify(users=[c.member], key="matrix", title="测试通知", url="/members/me/")
    return {"pk": Notice.objects.get(user=c.member, key="matrix").pk}


def _live_feed(c: Cast) -> dict[str, Any]:
    return {"token": calendar_feed_issue(actor=c.member, user=c.member)}


def _revoked_feed(c: Cast) -> dict[str, Any]:
    token = calendar_feed_issue(actor=c.member, user=c.member)
    calendar_feed_revoke(actor=c.member, user=c.member)
    return {"token": token}


OWNER_ONLY = {role: 404 for role in ROLES} | {"anonymous": LOGIN, "member": 302}
# The feed is public (calendar apps cannot log in): a token that is not live is a 404 for all.
UNKNOWN_FEED = {role: 404 for role in ROLES}

ROWS: dict[str, Row] = {
    "notices:list": (NONE, EVERYONE),
    "notices:open": (_members_notice, OWNER_ONLY),
    "notices:read_all": (NONE, POST_ONLY),
    "notices:email": (NONE, POST_ONLY),
    "notices:calendar": (NONE, EVERYONE),
    "notices:calendar_feed": (lambda c: {"token": "x" * 43}, UNKNOWN_FEED),
    "notices:calendar_feed#live": (_live_feed, PUBLIC),
    "notices:calendar_feed#revoked": (_revoked_feed, UNKNOWN_FEED),
}
# An empty POST: each is the user's own setting, done (or explained) and sent back.
SENT_BACK = {role: 302 for role in ROLES} | {"anonymous": LOGIN}
POST_ROWS: dict[str, Row] = {
    "notices:read_all": (NONE, SENT_BACK),
    "notices:email": (NONE, SENT_BACK),  # an empty address clears it
    "notices:calendar": (NONE, SENT_BACK),  # no action chosen
}
