"""The textcheck rows of the role matrix (accounts/tests/test_role_matrix.py)."""

from __future__ import annotations

from zhibu.testing_matrix import EVERYONE, NONE, POST_ONLY, Row

# Checking a text reads only what was posted: every signed-in user may, and only by POST.
ROWS: dict[str, Row] = {
    "textcheck:check": (NONE, POST_ONLY),
}
POST_ROWS: dict[str, Row] = {
    "textcheck:check": (NONE, EVERYONE),
}
