"""The reports' rows of the role matrix (accounts/tests/test_role_matrix.py).

Exports and templates are for the officers of the branch and the committee above it. The
sign-in sheet uses the held meeting the meetings' rows keep on the cast.
"""

from __future__ import annotations

from typing import Any

from zhibu.conftest import Cast
from zhibu.meetings.tests.matrix import MANAGE, held
from zhibu.testing_matrix import B1, BRANCH_MGMT, POST_ONLY, Row


def b1_book(c: Cast) -> dict[str, Any]:
    return {"code": c.branch.code, "key": "meeting_book"}


ROWS: dict[str, Row] = {
    "reports:meeting_book": (B1, BRANCH_MGMT),
    "reports:attendance_sheet": (B1, BRANCH_MGMT),
    "reports:sign_in_sheet": (held, MANAGE),
    "reports:templates": (B1, BRANCH_MGMT),
    "reports:template_download": (b1_book, BRANCH_MGMT),
    "reports:template_upload": (b1_book, POST_ONLY),
    "reports:template_retire": (b1_book, POST_ONLY),
}

# An empty POST: the upload without a file is refused with the reasons on the page (400);
# retiring when there is nothing to retire is a message back on the templates page.
POST_ROWS: dict[str, Row] = {
    "reports:template_upload": (
        b1_book,
        BRANCH_MGMT | {"secretary": 400, "committee_officer": 400},
    ),
    "reports:template_retire": (
        b1_book,
        BRANCH_MGMT | {"secretary": 302, "committee_officer": 302},
    ),
}
