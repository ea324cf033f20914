"""The demo's 党费: a year of assessments and payments in demo_secretary's branch."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhibu.core.demo import build_demo
from zhibu.dues import queries, rules
from zhibu.dues.models import DuesPayment
from zhibu.members.models import Member

pytestmark = pytest.mark.django_db


def test_it_builds_a_year_with_a_quarterly_a_proxy_and_two_members_behind() -> None:
    build_demo(meetings=False)
    today = timezone.localdate()
    branch = Member.objects.get(user__username="demo_secretary").branch
    # As the sheet counts them: this month is late only after the collection day (the 8th).
    rows = queries.sheet(branch, today, streak_until=rules.overdue_until(today, 8))
    streaks = sorted(r.streak for r in rows if r.streak >= 3)
    assert streaks == [3, 6]
    assert DuesPayment.objects.filter(branch=branch, method="proxy").exists()
    assert DuesPayment.objects.filter(branch=branch, method="transfer").exists()  # by quarter
    me = queries.member_dues(Member.objects.get(user__username="demo_member"), today)
    assert me.streak <= 1 and me.payments
