"""Role-matrix rows for the notices URLs (merged by accounts/tests/test_role_matrix.py)."""

from __future__ import annotations

from typing import Any

from zhibu.conftest import Cast
from zhibu.notices.models import Notice
from zhibu.notices.services import notify
from zhibu.testing_matrix import EVERYONE, LOGIN, NONE, POST_ONLY, ROLES, Row


def _members_notice(c: Cast) -> dict[str, Any]:
    """A notice of the member's: they are sent on to its link, everyone else finds nothing."""
    notify(users=[c.member], key="matrix", title="测试通知", url="/members/me/")
    return {"pk": Notice.objects.get(user=c.member, key="matrix").pk}


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
}
