"""The rulebook's rows of the role matrix (accounts/tests/test_role_matrix.py)."""

from __future__ import annotations

from zhibu.testing_matrix import B1, BRANCH_MGMT, EVERYONE, LOGIN, ROLES, Row

# Revising the rulebook is for superusers only (not in the cast; the matrix makes one for the
# rows that name it): everyone else gets 403. An empty POST shows the form with its errors.
SUPERUSERS = {role: 403 for role in ROLES} | {"anonymous": LOGIN, "superuser": 200}
# The committee's own board: only its officers; no branch member or secretary below learns of it.
COMMITTEE = {role: 404 for role in ROLES} | {"anonymous": LOGIN, "committee_officer": 200}


def _requirement(cast: object) -> dict[str, int]:
    from zhibu.rulebook.tests.helpers import seeded

    return {"pk": seeded()[0].pk}


ROWS: dict[str, Row] = {
    "rulebook:index": (lambda c: {}, EVERYONE),
    "rulebook:revise": (_requirement, SUPERUSERS),
    # The committee's board (T-COM) and a branch's drill-down share one URL; T-B1 follows
    # the branch management pages: its officers and the committee above.
    "rulebook:compliance": (B1, BRANCH_MGMT),
    "rulebook:compliance#committee": (lambda c: {"code": c.committee.code}, COMMITTEE),
}
POST_ROWS: dict[str, Row] = {
    "rulebook:revise": (_requirement, SUPERUSERS),
}
