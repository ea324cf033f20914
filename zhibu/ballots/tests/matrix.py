"""The ballots app's rows of the role matrix (accounts/tests/test_role_matrix.py).

The polls in these rows are 第一党支部's, organized by its secretary; its party members (the
secretary and 梅党员, the cast's ``member``) are its voters once it opens. Organizers are the
branch's officers and the committee above; a voter sees the voting page and, once published, the
results, but not the organizers' pages (403); nobody else learns a poll exists (404). A draft is
the organizers' alone.
"""

from __future__ import annotations

from typing import Any

from zhibu.ballots.tests import helpers
from zhibu.testing_matrix import B1, BRANCH_MGMT, EVERYONE, LOGIN, NONE, POST_ONLY, PUBLIC, Row

# Organizers' pages of an open poll: its voter 梅党员 knows it (403).
MANAGE = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 404,
    "member": 403,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
# A draft: nobody but the organizers knows it.
DRAFT = {**MANAGE, "member": 404}
# The voting page: the voters; the committee officer organizes but is not on the list (403).
VOTE = {**MANAGE, "member": 200, "committee_officer": 403}
# Results once published: the organizers and the voters.
PUBLISHED = {**MANAGE, "member": 200}
SENT_ON = {"secretary": 302, "committee_officer": 302}


def _draft(c: Any) -> dict[str, int]:
    return {"pk": helpers.make_poll(c).pk}


def _open(c: Any) -> dict[str, int]:
    return {"pk": helpers.make_poll(c, state="open").pk}


def _closed(c: Any) -> dict[str, int]:
    return {"pk": helpers.make_poll(c, state="closed").pk}


def _published(c: Any) -> dict[str, int]:
    return {"pk": helpers.make_poll(c, state="published").pk}


ROWS: dict[str, Row] = {
    "ballots:mine": (NONE, EVERYONE),
    "ballots:code_vote": (NONE, PUBLIC),
    "ballots:list": (B1, BRANCH_MGMT),
    "ballots:new": (B1, BRANCH_MGMT),
    "ballots:detail": (_open, MANAGE),
    "ballots:detail#draft": (_draft, DRAFT),
    "ballots:detail#closed": (_closed, MANAGE),
    "ballots:edit": (_draft, DRAFT),
    "ballots:open": (_draft, POST_ONLY),
    "ballots:close": (_open, POST_ONLY),
    "ballots:publish": (_closed, POST_ONLY),
    "ballots:codes": (_open, POST_ONLY),
    "ballots:vote": (_open, VOTE),
    "ballots:results": (_open, MANAGE),
    "ballots:results#closed": (_closed, MANAGE),
    "ballots:results#published": (_published, PUBLISHED),
}

# An empty POST: opening, closing and publishing need no fields (sent on to the poll with a
# message); codes without a count are sent back with one; an empty ballot or code is shown
# again with its errors.
POST_ROWS: dict[str, Row] = {
    "ballots:code_vote": (NONE, PUBLIC),
    "ballots:new": (B1, BRANCH_MGMT),
    "ballots:edit": (_draft, DRAFT),
    "ballots:open": (_draft, DRAFT | SENT_ON),
    "ballots:close": (_open, MANAGE | SENT_ON),
    "ballots:publish": (_closed, MANAGE | SENT_ON),
    "ballots:codes": (_open, MANAGE | SENT_ON),
    "ballots:vote": (_open, VOTE),
}
