"""Demo dues for demo_secretary's branch: a year of assessments and payments. Most members pay
each month; one pays by the quarter, one through a proxy; one is 3 months behind (提醒) and one 6
months behind (提交支部大会)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from zhibu.accounts.models import User
from zhibu.core.dates import add_months
from zhibu.dues import rules, services
from zhibu.members.models import Member

BASES = ("3800", "4500", "5200", "6800", "2900", "9200", "12000")


def _day(month: dt.date, today: dt.date) -> dt.date | None:
    day = month.replace(day=8)
    return day if day <= today else None


def build(today: dt.date, users: Mapping[str, User], account_members: Mapping[str, Member]) -> int:
    """Returns how many payments it recorded."""
    secretary = users["demo_secretary"]
    branch = account_members["demo_secretary"].branch
    services.settings_update(actor=secretary, branch=branch, collection_day=8, rounding="fen",
                             farmer_amount=Decimal("0.50"))  # fmt: skip
    start = add_months(rules.month_of(today), -11)
    months = rules.months_between(start, today)
    accounts = {m.pk for m in account_members.values()}
    members = list(Member.objects.current().party_members().filter(branch=branch).order_by("name"))
    others = [m for m in members if m.pk not in accounts]
    behind = {m.pk: n for m, n in zip(others[:2], (3, 6), strict=False)}
    quarterly = others[2].pk if len(others) > 2 else None
    proxy = others[3].pk if len(others) > 3 else None
    payments = 0
    for i, member in enumerate(members):
        first = max(start, rules.month_of(member.joined_on or start))
        if member.is_retired:
            values = services.AssessmentInput(category="retired", base=Decimal("4200"))
        elif i % 5 == 4:
            values = services.AssessmentInput(category="farmer")
        else:
            values = services.AssessmentInput(category="employed", base=Decimal(BASES[i % 7]))
        services.assessment_set(actor=secretary, member=member, valid_from=first, values=values)
        owed = [m for m in months if m >= first]
        if member.pk in behind:
            # Unpaid for the last n months that are already late (this month counts only after
            # the collection day).
            late = rules.overdue_until(today, 8)
            owed = [m for m in owed if m <= add_months(late, -behind[member.pk])]
        monthly = services.queries.member_dues(member, first).current
        amount = monthly.monthly if monthly is not None else rules.ZERO
        if member.pk == quarterly:
            for q in owed[::3]:
                last = owed[min(owed.index(q) + 2, len(owed) - 1)]
                on = _day(q, today)
                if on is not None and amount > 0:
                    services.payment_record(
                        actor=secretary, member=member, paid_on=on, method="transfer",
                        amount=amount * (owed.index(last) - owed.index(q) + 1), through=last,
                    )  # fmt: skip
                    payments += 1
            continue
        for month in owed:
            on = _day(month, today)
            if on is None or amount <= 0:
                continue
            services.payment_record(
                actor=secretary, member=member, paid_on=on, amount=amount,
                method="proxy" if member.pk == proxy else ("online" if i % 2 else "cash"),
                proxy_name="家属代交" if member.pk == proxy else "",
            )  # fmt: skip
            payments += 1
    return payments
