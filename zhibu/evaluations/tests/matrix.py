"""The 民主评议 rows of the role matrix (accounts/tests/test_role_matrix.py).

An evaluation of 第一党支部: its officers run it (the committee above too); its party members
see it and write their own 个人小结 (403 on the officers' pages); an activist or anyone else
gets 404. The results exist for the branch's members only within the 公示 dates.
"""

from __future__ import annotations

from typing import Any

from zhibu.evaluations.tests.helpers import closed, published, started
from zhibu.testing_matrix import B1, BRANCH_MGMT, EVERYONE, NONE, POST_ONLY, Row

SEE = {
    "anonymous": "login",
    "outsider": 404,
    "activist": 404,
    "member": 200,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
MANAGE = {**SEE, "member": 403}
# One's own 个人小结: the committee's officer belongs to another branch and has none (403).
WRITE = {**SEE, "committee_officer": 403}
SAVED = {**MANAGE, "secretary": 302, "committee_officer": 302}


def _started(c: Any) -> dict[str, int]:
    return {"pk": started(c).pk}


def _closed(c: Any) -> dict[str, int]:
    return {"pk": closed(c).pk}


def _published(c: Any) -> dict[str, int]:
    return {"pk": published(c).pk}


ROWS: dict[str, Row] = {
    "evaluations:list": (B1, BRANCH_MGMT),
    "evaluations:new": (B1, BRANCH_MGMT),
    "evaluations:excellent": (B1, BRANCH_MGMT),
    "evaluations:mine": (NONE, EVERYONE),
    "evaluations:detail": (_started, SEE),
    "evaluations:self_assessment": (_started, WRITE),
    "evaluations:voting": (_started, MANAGE),
    "evaluations:voting_close": (_started, POST_ONLY),
    "evaluations:propose": (_closed, MANAGE),
    "evaluations:confirm": (_closed, MANAGE),
    "evaluations:publish": (_published, MANAGE),
    "evaluations:results": (_published, SEE),
}
POST_ROWS: dict[str, Row] = {
    # An empty year is an error shown on the form.
    "evaluations:new": (B1, BRANCH_MGMT),
    # An empty 小结 saved as a draft: sent back to the member's list.
    "evaluations:self_assessment": (_started, {**WRITE, "member": 302, "secretary": 302}),
    "evaluations:voting": (_started, MANAGE),
    # Not open: said so, sent back to the evaluation.
    "evaluations:voting_close": (_started, SAVED),
    # No grades chosen is a valid (partial) proposal: saved, and the errors shown.
    "evaluations:propose": (_closed, SAVED),
    "evaluations:confirm": (_closed, MANAGE),
    "evaluations:publish": (_published, MANAGE),
}
