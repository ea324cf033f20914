"""The meetings' rows of the role matrix (accounts/tests/test_role_matrix.py).

The meetings are made on first use and kept on the cast, so tests that never ask pay nothing:
a theme day of 第一党支部 under way now (secretary, member and peer invited; the activist not),
and a held one with confirmed minutes, an attachment and the member's 补学 due.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.meetings import services
from zhibu.meetings.models import Meeting
from zhibu.meetings.tests.conftest import hold, plan
from zhibu.testing_matrix import B1, BRANCH_MGMT, EVERYONE, LOGIN, POST_ONLY, Row

# Invited members see a meeting; the branch's officers manage it; nobody else learns it exists.
VIEW = {
    "anonymous": LOGIN,
    "outsider": 404,
    "activist": 404,
    "member": 200,
    "other": 404,
    "secretary": 200,
    "committee_officer": 200,
}
MANAGE = {**VIEW, "member": 403}
# What an empty POST gets from the officers when the action needs no fields, or sends its error
# back as a message: redirected. (An upload with no file is a 400 with the reasons on the page.)
SENT_ON = {"secretary": 302, "committee_officer": 302}
UPLOAD_MISSING = {"secretary": 400, "committee_officer": 400}


def _current(c: Cast) -> Meeting:
    if not hasattr(c, "_meeting"):
        c._meeting = plan(c)  # type: ignore[attr-defined]
    return c._meeting  # type: ignore[attr-defined]


def _held(c: Cast) -> Meeting:
    if not hasattr(c, "_held"):
        meeting = hold(c, plan(c, start=timezone.now() - dt.timedelta(days=2)), present=["石书记"])
        services.attachment_add(
            actor=None, meeting=meeting, file=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4")
        )
        c._held = meeting  # type: ignore[attr-defined]
    return c._held  # type: ignore[attr-defined]


def _series(c: Cast) -> Any:
    if not hasattr(c, "_series"):
        c._series = services.series_plan(  # type: ignore[attr-defined]
            actor=None, branch=c.branch, kind="theme_day", title="主题党日", day_of_month=10,
            start_time=dt.time(15, 0), duration_minutes=120, starts_on=timezone.localdate(), months=2,
        )  # fmt: skip
    return c._series  # type: ignore[attr-defined]


def current(c: Cast) -> dict[str, Any]:
    return {"pk": _current(c).pk}


def held(c: Cast) -> dict[str, Any]:
    return {"pk": _held(c).pk}


def held_version(c: Cast) -> dict[str, Any]:
    return {"pk": _held(c).pk, "version": 1}


def my_row(c: Cast) -> dict[str, Any]:
    return {"pk": _current(c).attendances.get(member__user=c.member).pk}


def my_missed_row(c: Cast) -> dict[str, Any]:
    return {"pk": _held(c).attendances.get(member__user=c.member).pk}


def attachment(c: Cast) -> dict[str, Any]:
    return {"pk": _held(c).attachments.get().pk}


def series(c: Cast) -> dict[str, Any]:
    return {"pk": _series(c).pk}


from zhibu.meetings.tests.matrix_ledger import ROWS as LEDGER_ROWS  # noqa: E402

ROWS: dict[str, Row] = {
    **LEDGER_ROWS,
    "meetings:mine": (lambda c: {}, EVERYONE),
    "meetings:branch": (B1, BRANCH_MGMT),
    "meetings:plan": (B1, BRANCH_MGMT),
    "meetings:series_new": (B1, BRANCH_MGMT),
    "meetings:settings": (B1, BRANCH_MGMT),
    "meetings:series": (series, BRANCH_MGMT),
    "meetings:series_stop": (series, BRANCH_MGMT),
    "meetings:detail": (current, VIEW),
    "meetings:edit": (current, MANAGE),
    "meetings:cancel": (current, MANAGE),
    "meetings:sign_in": (current, VIEW),
    "meetings:qr": (current, MANAGE),
    "meetings:attendance": (current, MANAGE),
    "meetings:observer_add": (current, POST_ONLY),
    "meetings:leave": (current, VIEW),
    "meetings:minutes": (current, MANAGE),
    "meetings:minutes_confirm": (current, POST_ONLY),
    "meetings:minutes_correct": (held, MANAGE),
    "meetings:minutes_version": (held_version, VIEW),
    "meetings:attachment_add": (current, POST_ONLY),
    "meetings:attachment": (attachment, VIEW),
    "meetings:attachment_remove": (attachment, POST_ONLY),
    "meetings:leave_decide": (my_row, MANAGE),
    "meetings:exclusion": (my_row, MANAGE),
    "meetings:makeup": (my_missed_row, VIEW),
}

# An empty POST per role (accounts/tests/test_role_matrix.py). Forms come back with their
# errors (200); the status of each action that writes without fields is pinned here.
POST_ROWS: dict[str, Row] = {
    "meetings:import": (B1, BRANCH_MGMT | UPLOAD_MISSING),
    "meetings:plan": (B1, BRANCH_MGMT),
    "meetings:series_new": (B1, BRANCH_MGMT),
    "meetings:settings": (B1, BRANCH_MGMT),
    "meetings:series": (series, BRANCH_MGMT),
    "meetings:series_stop": (series, BRANCH_MGMT),
    "meetings:edit": (current, MANAGE),
    "meetings:cancel": (current, MANAGE),
    # Without the QR token: signing in fails with a message, back on the meeting's page.
    "meetings:sign_in": (current, VIEW | SENT_ON | {"member": 302}),
    # Nobody's mark changes: saved, back on the sheet.
    "meetings:attendance": (current, MANAGE | SENT_ON),
    "meetings:observer_add": (current, MANAGE | SENT_ON),
    "meetings:leave": (current, VIEW),
    # An empty draft may be saved (confirming refuses it).
    "meetings:minutes": (current, MANAGE | SENT_ON),
    "meetings:minutes_confirm": (current, MANAGE | SENT_ON),
    "meetings:minutes_correct": (held, MANAGE),
    "meetings:attachment_add": (current, MANAGE | SENT_ON),
    # Needs no fields: the attachment is removed.
    "meetings:attachment_remove": (attachment, MANAGE | SENT_ON),
    "meetings:leave_decide": (my_row, MANAGE),
    "meetings:exclusion": (my_row, MANAGE),
    "meetings:makeup": (my_missed_row, VIEW),
}
