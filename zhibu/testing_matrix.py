"""Shared pieces of the role matrix (accounts/tests/test_role_matrix.py).

Each app lists its URLs in ``<app>/tests/matrix.py`` as ``ROWS = {url name: (kwargs of the
cast, expected status per role)}``; the matrix test merges them and checks every URL in the
URLconf has a row. These are the kwargs and the expectations the rows share.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zhibu.conftest import Cast

ROLES = ("anonymous", "outsider", "activist", "member", "other", "secretary", "committee_officer")
LOGIN = "login"  # expected: redirect to the login page

# Targets, all inside 第一党支部 (T-B1) unless said otherwise.
B1 = lambda c: {"code": c.branch.code}  # noqa: E731
PEER = lambda c: {"pk": c.peer.pk}  # noqa: E731
INCOMING = lambda c: {"pk": c.incoming.pk}  # noqa: E731
NONE: Callable[[Cast], dict[str, Any]] = lambda c: {}  # noqa: E731

Row = tuple[Callable[[Cast], dict[str, Any]], dict[str, Any]]

# Branch management pages: the branch's officers and the committee above; the branch's own
# members and activists know the branch exists (403); anyone else gets 404.
BRANCH_MGMT = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 403,
    "member": 403,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
# Another member's record: only officers; a fellow party member of the branch gets 403,
# an activist (who sees only their own file) 404.
RECORD = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 404,
    "member": 403,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
# Only the committee above the branch may move or close it.
PARENT_MGMT = {**BRANCH_MGMT, "secretary": 403}
EVERYONE = {role: 200 for role in ROLES} | {"anonymous": LOGIN}
POST_ONLY = {role: 405 for role in ROLES} | {"anonymous": LOGIN}
# A letter to 第一党支部: its officers act on it; the sending branch's officers (the committee,
# which manages both) may withdraw it; no one else learns it exists.
RECEIVE = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 404,
    "member": 404,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
WITHDRAW = {**RECEIVE, "secretary": 403}
PUBLIC = {role: 200 for role in ROLES}
OFFICERS = {
    "anonymous": LOGIN,
    "outsider": 200,
    "activist": 403,
    "member": 403,
    "other": 403,
    "secretary": 200,
    "committee_officer": 200,
}
