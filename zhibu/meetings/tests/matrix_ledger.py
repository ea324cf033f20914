"""The ledger import's rows of the role matrix (accounts/tests/test_role_matrix.py)."""

from __future__ import annotations

from zhibu.testing_matrix import B1, BRANCH_MGMT, EVERYONE, NONE, Row

ROWS: dict[str, Row] = {
    "meetings:import": (B1, BRANCH_MGMT),
    "meetings:ledger_template": (NONE, EVERYONE),
}
