"""The rectification app's rows of the role matrix (accounts/tests/test_role_matrix.py).

The problem in these rows belongs to 梅党员 (the cast's ``member``) of 第一党支部, who is also
responsible for its measure. Officers of the branch and the committee above see it; so does
梅党员; nobody else learns it exists.
"""

from __future__ import annotations

from typing import Any

from zhibu.rectification.tests import helpers
from zhibu.rectification.tests.matrix_exports import ROWS as EXPORT_ROWS
from zhibu.testing_matrix import B1, BRANCH_MGMT, EVERYONE, LOGIN, NONE, POST_ONLY, Row

# Seen by its officers and by the member it concerns.
OWN = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 404,
    "member": 200,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
# Changing it: its officers; the member it concerns knows it (403).
MANAGE = {**OWN, "member": 403}
# 约谈 is the committee's above the branch.
COMMITTEE = {**MANAGE, "secretary": 403}
# A 公示 is read by the branch's party members (not its activists) while it is showing.
PUBLICATION = {**OWN}


def _problem(c: Any) -> dict[str, int]:
    return {"pk": helpers.make_problem(c).pk}


def _closed(c: Any) -> dict[str, int]:
    return {"pk": helpers.closed_problem(c).pk}


def _measure(c: Any) -> dict[str, int]:
    return {"pk": helpers.make_problem(c).measures.get().pk}


def _recheck(c: Any) -> dict[str, int]:
    return {"pk": helpers.pending_recheck(c).pk}


def _evidence(c: Any) -> dict[str, int]:
    return {"pk": helpers.with_evidence(c).files.get().pk}


def _publication(c: Any) -> dict[str, int]:
    return {"pk": helpers.publication(c).pk}


ROWS: dict[str, Row] = {
    "rectification:mine": (NONE, EVERYONE),
    "rectification:ledger": (B1, BRANCH_MGMT),
    "rectification:new": (B1, BRANCH_MGMT),
    "rectification:bulletin": (B1, BRANCH_MGMT),
    "rectification:publications": (B1, BRANCH_MGMT),
    "rectification:detail": (_problem, OWN),
    "rectification:edit": (_problem, MANAGE),
    "rectification:measure_add": (_problem, POST_ONLY),
    "rectification:close": (_problem, POST_ONLY),
    # Reopening is for whoever closes: a member's own problem is not closed by that member.
    "rectification:reopen": (_closed, MANAGE),
    "rectification:interview": (_problem, COMMITTEE),
    "rectification:measure_edit": (_measure, MANAGE),
    "rectification:measure_complete": (_measure, OWN),
    "rectification:measure_return": (_measure, POST_ONLY),
    "rectification:recheck": (_recheck, MANAGE),
    "rectification:evidence": (_evidence, OWN),
    "rectification:publication": (_publication, PUBLICATION),
    "rectification:publication_withdraw": (_publication, POST_ONLY),
    **EXPORT_ROWS,
}

# An empty POST: a form shown again with its errors (200), or a redirect with the message (302).
POST_ROWS: dict[str, Row] = {
    "rectification:new": (B1, BRANCH_MGMT),
    "rectification:publications": (B1, BRANCH_MGMT),
    "rectification:edit": (_problem, MANAGE),
    "rectification:measure_add": (_problem, MANAGE),
    "rectification:close": (_problem, {**MANAGE, "secretary": 302, "committee_officer": 302}),
    "rectification:reopen": (_closed, MANAGE),
    "rectification:interview": (_problem, COMMITTEE),
    "rectification:measure_edit": (_measure, MANAGE),
    "rectification:measure_complete": (_measure, OWN),
    "rectification:measure_return": (
        _measure,
        {**MANAGE, "secretary": 302, "committee_officer": 302},
    ),  # fmt: skip
    "rectification:recheck": (_recheck, MANAGE),
    "rectification:publication_withdraw": (
        _publication,
        {**MANAGE, "secretary": 302, "committee_officer": 302},
    ),  # fmt: skip
}
