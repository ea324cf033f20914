"""The 组织生活会 rows of the role matrix (accounts/tests/test_role_matrix.py).

A cycle of 第一党支部: its officers run it, the committee above reviews it, its party members
see it (403 on the management pages), an activist or anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from zhibu.lifemeetings.tests.helpers import approved, convened, cycle, held, self_review
from zhibu.testing_matrix import B1, BRANCH_MGMT, LOGIN, POST_ONLY, Row

SEE = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 404,
    "member": 200,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
MANAGE = {**SEE, "member": 403}
REVIEW = {**MANAGE, "secretary": 403}
# One's own 对照检查材料: the branch's party members (the committee's officer is in another
# branch: 403); the author and the officers read a material; only an officer who is not its
# author decides on it.
WRITE = {**SEE, "committee_officer": 403}
READ = SEE
DECIDE = {**MANAGE, "secretary": 302, "committee_officer": 302}


def _review(c: Any) -> dict[str, int]:
    return {"pk": self_review(c).pk}


def _draft(c: Any) -> dict[str, int]:
    return {"pk": cycle(c).pk}


def _submitted(c: Any) -> dict[str, int]:
    return {"pk": cycle(c, submitted=True).pk}


def _approved(c: Any) -> dict[str, int]:
    return {"pk": approved(c).pk}


def _convened(c: Any) -> dict[str, int]:
    return {"pk": convened(c).pk}


def _speaker(c: Any) -> dict[str, int]:
    return {"pk": convened(c).pk, "member_id": c.member.member.pk}


def _held(c: Any) -> dict[str, int]:
    return {"pk": held(c).pk}


def _held_member(c: Any) -> dict[str, int]:
    return {"pk": held(c).pk, "member_id": c.member.member.pk}


# A POST that needs no fields sends the officers back to the cycle (with a message when it
# could not be done).
BACK = {**MANAGE, "secretary": 302, "committee_officer": 302}

ROWS: dict[str, Row] = {
    "lifemeetings:list": (B1, BRANCH_MGMT),
    "lifemeetings:new": (B1, BRANCH_MGMT),
    "lifemeetings:detail": (_draft, SEE),
    "lifemeetings:edit": (_draft, MANAGE),
    "lifemeetings:submit": (_draft, POST_ONLY),
    "lifemeetings:review": (_submitted, REVIEW),
    "lifemeetings:study": (_draft, MANAGE),
    "lifemeetings:opinions": (_draft, MANAGE),
    "lifemeetings:talk_new": (_draft, MANAGE),
    "lifemeetings:my_review": (_draft, WRITE),
    "lifemeetings:self_reviews": (_draft, MANAGE),
    "lifemeetings:self_review": (_review, READ),
    "lifemeetings:self_review_decide": (_review, POST_ONLY),
    "lifemeetings:convene": (_approved, MANAGE),
    "lifemeetings:speeches": (_convened, MANAGE),
    "lifemeetings:speech": (_speaker, MANAGE),
    "lifemeetings:conclude": (_convened, POST_ONLY),
    "lifemeetings:follow_up": (_held, MANAGE),
    "lifemeetings:confirm": (_held_member, MANAGE),
    "lifemeetings:opinion_answers": (_held, MANAGE),
    # Without an answer chosen the officers are sent to the list of answers.
    "lifemeetings:opinion_take_up": (_held, BACK),
    "lifemeetings:publish": (_held, MANAGE),
    "lifemeetings:report_submit": (_held, POST_ONLY),
}
POST_ROWS: dict[str, Row] = {
    "lifemeetings:new": (B1, BRANCH_MGMT),
    "lifemeetings:edit": (_draft, MANAGE),
    # Submitting needs no fields: the officers are sent back to the cycle.
    "lifemeetings:submit": (_draft, {**MANAGE, "secretary": 302, "committee_officer": 302}),
    "lifemeetings:review": (_submitted, REVIEW),
    # An empty choice of study meetings is a valid answer (none yet): saved, sent back.
    "lifemeetings:study": (_draft, {**MANAGE, "secretary": 302, "committee_officer": 302}),
    "lifemeetings:talk_new": (_draft, MANAGE),
    # No poll chosen is a valid answer: saved, sent back.
    "lifemeetings:opinions": (_draft, {**MANAGE, "secretary": 302, "committee_officer": 302}),
    "lifemeetings:my_review": (_draft, WRITE),
    "lifemeetings:self_review_decide": (_review, DECIDE),
    # Empty forms come back with what to fill in.
    "lifemeetings:convene": (_approved, MANAGE),
    "lifemeetings:speech": (_speaker, MANAGE),
    "lifemeetings:confirm": (_held_member, MANAGE),
    "lifemeetings:opinion_take_up": (_held, MANAGE),
    "lifemeetings:publish": (_held, MANAGE),
    # The minutes are not confirmed / nothing is in the ledger yet: sent back with the reason.
    "lifemeetings:conclude": (_convened, BACK),
    "lifemeetings:report_submit": (_held, BACK),
}

# The documents' rows (书面反馈, 情况报告) are kept beside their tests.
from zhibu.lifemeetings.tests.matrix_documents import ROWS as DOCUMENT_ROWS  # noqa: E402

ROWS |= DOCUMENT_ROWS
