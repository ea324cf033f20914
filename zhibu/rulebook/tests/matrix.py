"""The rulebook's rows of the role matrix (accounts/tests/test_role_matrix.py)."""

from __future__ import annotations

from zhibu.testing_matrix import B1, BRANCH_MGMT, EVERYONE, LOGIN, ROLES, Row

# Revising the rulebook is for superusers only (none in the cast): everyone else gets 403.
SUPERUSERS = {role: 403 for role in ROLES} | {"anonymous": LOGIN}


def _requirement(cast: object) -> dict[str, int]:
    from zhibu.rulebook.tests.helpers import seeded

    return {"pk": seeded()[0].pk}


ROWS: dict[str, Row] = {
    "rulebook:index": (lambda c: {}, EVERYONE),
    "rulebook:revise": (_requirement, SUPERUSERS),
    # The committee's board (T-COM) and a branch's drill-down share one URL; T-B1 follows
    # the branch management pages: its officers and the committee above.
    "rulebook:compliance": (B1, BRANCH_MGMT),
}
