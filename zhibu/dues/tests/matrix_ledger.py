"""The role-matrix rows of the 党费账 pages (to be merged into ``matrix.py``).

The ledger, its entry and correction forms and the downloads are 第一党支部's officers' (and the
committee's above): the branch's members and activists 403, anyone else 404. The year's 公示 is
read by the branch's party members while it is showing (an activist is not one: 404); before it
is published it does not exist for them (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from zhibu.dues import ledger
from zhibu.testing_matrix import B1, BRANCH_MGMT, LOGIN, POST_ONLY, Row

YEAR = timezone.localdate().year - 1

READ = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 404,
    "member": 200,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
UNPUBLISHED = {**READ, "member": 404}
SENT_ON = {**BRANCH_MGMT, "secretary": 302, "committee_officer": 302}


def _year(c: Any) -> dict[str, Any]:
    return {"code": c.branch.code, "year": YEAR}


def _published(c: Any) -> dict[str, Any]:
    today = timezone.localdate()
    ledger.report_publish(
        actor=c.secretary, branch=c.branch, year=YEAR, starts_on=today,
        ends_on=today + dt.timedelta(days=7), contact="石书记",
    )  # fmt: skip
    return _year(c)


def _report(c: Any) -> dict[str, int]:
    today = timezone.localdate()
    row = ledger.report_publish(
        actor=c.secretary, branch=c.branch, year=YEAR, starts_on=today,
        ends_on=today + dt.timedelta(days=7), contact="石书记",
    )  # fmt: skip
    return {"pk": row.pk}


def _expense(c: Any) -> dict[str, int]:
    """A 返还 of 第一党支部 (a line that needs no balance before it)."""
    row = ledger.expense_record(
        actor=c.secretary, branch=c.branch, kind="returned", on=dt.date(YEAR, 5, 1),
        amount="100.00",
    )  # fmt: skip
    return {"pk": row.pk}


ROWS: dict[str, Row] = {
    "dues:ledger": (B1, BRANCH_MGMT),
    "dues:expense_new": (B1, BRANCH_MGMT),
    "dues:expense_reverse": (_expense, BRANCH_MGMT),
    "dues:ledger_xlsx": (B1, BRANCH_MGMT),
    "dues:sheet_xlsx": (B1, BRANCH_MGMT),
    "dues:report": (_published, READ),
    "dues:report#unpublished": (_year, UNPUBLISHED),
    "dues:report_docx": (_published, READ),
    "dues:report_docx#unpublished": (_year, UNPUBLISHED),
    "dues:report_publish": (_year, POST_ONLY),
    "dues:report_withdraw": (_report, POST_ONLY),
}
POST_ROWS: dict[str, Row] = {
    # Empty forms come back with what to fill in.
    "dues:expense_new": (B1, BRANCH_MGMT),
    "dues:expense_reverse": (_expense, BRANCH_MGMT),
    "dues:report_publish": (_year, BRANCH_MGMT),
    # Withdrawing needs no fields: the officers are sent back to the 公示.
    "dues:report_withdraw": (_report, SENT_ON),
}
