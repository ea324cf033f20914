"""The 党费 rows of the role matrix (accounts/tests/test_role_matrix.py).

The branch's officers (and the committee above) keep its dues: the sheet, settings, bases, a
member's dues, payments and reversals. A fellow party member of the branch gets 403 on another
member's dues; an activist or anyone else 404. Everyone signed in has 我的党费.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zhibu.dues.services import payment_record
from zhibu.testing_matrix import (
    B1,
    BRANCH_MGMT,
    EVERYONE,
    NONE,
    PEER,
    POST_ONLY,
    RECEIVE,
    RECORD,
    Row,
)

SENT_ON = {"secretary": 302, "committee_officer": 302}
UPLOAD_MISSING = {"secretary": 400, "committee_officer": 400}


def _payment(c: Any) -> dict[str, int]:
    p = payment_record(actor=None, member=c.peer, paid_on=dt.date(2024, 3, 5),
                       amount=Decimal("10.00"), method="cash")  # fmt: skip
    return {"pk": p.pk}


ROWS: dict[str, Row] = {
    "dues:sheet": (B1, BRANCH_MGMT),
    "dues:settings": (B1, BRANCH_MGMT),
    "dues:bases": (B1, BRANCH_MGMT),
    "dues:bases_template": (NONE, EVERYONE),
    "dues:member": (PEER, RECORD),
    "dues:assess": (PEER, RECORD),
    "dues:pay": (PEER, RECORD),
    "dues:credit": (PEER, POST_ONLY),
    "dues:payment_reverse": (_payment, RECEIVE),
    "dues:mine": (NONE, EVERYONE),
}
POST_ROWS: dict[str, Row] = {
    # Empty forms: shown again with their errors.
    "dues:settings": (B1, BRANCH_MGMT),
    "dues:bases": (B1, BRANCH_MGMT | UPLOAD_MISSING),
    "dues:assess": (PEER, RECORD),
    "dues:pay": (PEER, RECORD),
    # No credit: said so, sent back to the member's dues.
    "dues:credit": (PEER, RECORD | SENT_ON),
    "dues:payment_reverse": (_payment, RECEIVE),
}

# The ledger's pages (上缴/返还/支出, 公示, exports): their rows live beside their tests.
from zhibu.dues.tests.matrix_ledger import POST_ROWS as LEDGER_POST_ROWS  # noqa: E402
from zhibu.dues.tests.matrix_ledger import ROWS as LEDGER_ROWS  # noqa: E402

ROWS |= LEDGER_ROWS
POST_ROWS |= LEDGER_POST_ROWS
