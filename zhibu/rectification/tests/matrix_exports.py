"""The 整改台账 exports' rows of the role matrix (accounts/tests/test_role_matrix.py), to be
merged into ``matrix.py``.

The branch's officers and the committee above export 第一党支部's ledger (an empty one is still
a file); its members and activists get 403, anyone else 404. GET only: a POST is 405 for
everyone logged in, so there are no POST rows.
"""

from __future__ import annotations

from zhibu.testing_matrix import B1, BRANCH_MGMT, Row

ROWS: dict[str, Row] = {
    "rectification:ledger_xlsx": (B1, BRANCH_MGMT),
    "rectification:ledger_docx": (B1, BRANCH_MGMT),
}
