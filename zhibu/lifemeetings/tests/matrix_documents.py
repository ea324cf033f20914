"""The role-matrix rows of the 组织生活会's documents (merged into ``matrix.py``).

A held cycle of 第一党支部 (in the follow-up stage). The 书面反馈 is read by the member it is for,
the branch's officers and the committee above; for any other member it does not exist (404). The
情况报告 is the officers': the branch's members 403, anyone else 404.
"""

from __future__ import annotations

from typing import Any

from zhibu.lifemeetings.tests.helpers import held
from zhibu.testing_matrix import LOGIN, Row

OWN = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 404,
    "member": 200,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
OTHERS = {**OWN, "member": 404}
OFFICERS = {**OWN, "member": 403}


def _held(c: Any) -> dict[str, int]:
    return {"pk": held(c).pk}


def _own(c: Any) -> dict[str, int]:
    """梅党员's feedback (the cast's member)."""
    return {"pk": held(c).pk, "member_id": c.member.member.pk}


def _secretarys(c: Any) -> dict[str, int]:
    """石书记's feedback: another member's, for 梅党员."""
    return {"pk": held(c).pk, "member_id": c.secretary.member.pk}


ROWS: dict[str, Row] = {
    "lifemeetings:feedback": (_own, OWN),
    "lifemeetings:feedback#other": (_secretarys, OTHERS),
    "lifemeetings:feedback_docx": (_own, OWN),
    "lifemeetings:feedback_docx#other": (_secretarys, OTHERS),
    "lifemeetings:report": (_held, OFFICERS),
    "lifemeetings:report_docx": (_held, OFFICERS),
}
POST_ROWS: dict[str, Row] = {}
