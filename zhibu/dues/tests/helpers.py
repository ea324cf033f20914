"""Building dues records through the services, for the tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from unittest import mock

from zhibu.dues import services
from zhibu.dues.models import DuesAssessment, DuesPayment
from zhibu.members.models import Member


def assess(
    member: Member, month: dt.date, category: str = "employed", **values: Any
) -> DuesAssessment:
    if category in ("employed", "retired") and "base" not in values:
        values["base"] = Decimal("4500")
    return services.assessment_set(
        actor=None, member=member, valid_from=month,
        values=services.AssessmentInput(category=category, **values),
    )  # fmt: skip


def pay(member: Member, on: dt.date, amount: str, **kwargs: Any) -> DuesPayment:
    kwargs.setdefault("method", "cash")
    return services.payment_record(actor=None, member=member, paid_on=on, amount=Decimal(amount),
                                   **kwargs)  # fmt: skip


def freeze_time(day: str) -> Any:
    """Today is ``day`` (``timezone.localdate``) inside the test or block."""
    frozen = dt.date.fromisoformat(day)
    return mock.patch("django.utils.timezone.localdate", lambda *args, **kwargs: frozen)


def member_of(user: Any) -> Member:
    """The member record of a cast user (typed: every cast account has one)."""
    assert user.member is not None
    member: Member = user.member
    return member
