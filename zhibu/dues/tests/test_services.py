"""Dues services: assessments, bases in bulk, payments and their allocation, credit, reversal,
reminders. Unhappy paths write nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.dues import queries, rules, services
from zhibu.dues.models import DuesAllocation, DuesAssessment, DuesPayment
from zhibu.dues.tests.helpers import assess, freeze_time, member_of, pay
from zhibu.members.models import Member
from zhibu.members.services import member_transfer_accept, member_transfer_out
from zhibu.notices.models import Notice

D = dt.date
pytestmark = pytest.mark.django_db


def months_paid(member: Member, until: dt.date) -> dict[str, str]:
    return {f"{m.month:%Y-%m}": str(m.paid) for m in queries.member_dues(member, until).months
            if m.paid}  # fmt: skip


@freeze_time("2026-06-15")
def test_it_assesses_with_the_rate_and_the_branchs_rounding(cast: Cast) -> None:
    services.settings_update(actor=cast.secretary, branch=cast.branch, collection_day=10,
                             rounding="yuan", farmer_amount=Decimal("0.50"))  # fmt: skip
    a = assess(cast.peer, D(2026, 1, 1), base=Decimal("4321"))
    assert (a.rate, a.standard, a.monthly) == (Decimal("0.01"), Decimal("44.00"), Decimal("44.00"))
    farmer = assess(cast.peer, D(2026, 3, 1), category="farmer")
    assert farmer.monthly == Decimal("0.50") and farmer.base is None
    assert AuditEvent.objects.filter(verb="dues.assessment_set").count() == 2


@freeze_time("2026-06-15")
def test_it_refuses_the_same_month_twice_and_keeps_history(cast: Cast) -> None:
    first = assess(cast.peer, D(2026, 1, 1))
    with pytest.raises(ValidationError) as caught:
        assess(cast.peer, D(2026, 1, 20), base=Decimal("6000"))
    assert "已有党费核定" in str(caught.value)
    assert list(DuesAssessment.objects.values_list("pk", "monthly")) == [
        (first.pk, Decimal("45.00"))
    ]


@freeze_time("2026-06-15")
@pytest.mark.parametrize(
    ("category", "values", "field"),
    [("employed", {"base": None}, "base"), ("student", {"base": Decimal("100")}, "base"),
     ("farmer", {"amount": Decimal("2.00")}, "amount"), ("nobody", {}, "category"),
     ("employed", {"reduction": "reduced", "reduced_amount": Decimal("10")}, "reduction_reason")],
)  # fmt: skip
def test_it_refuses_bad_assessments_and_writes_nothing(
    cast: Cast, category: str, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        assess(cast.peer, D(2026, 1, 1), category=category, **values)
    assert field in caught.value.message_dict
    assert (
        not DuesAssessment.objects.exists()
        and not AuditEvent.objects.filter(verb__startswith="dues.").exists()
    )


@freeze_time("2026-06-15")
def test_it_records_a_waiver_with_its_approval(cast: Cast) -> None:
    a = assess(cast.peer, D(2026, 2, 1), reduction="waived", reduction_reason="重病",
               reduction_approved_by="测试镇党委", reduction_approved_on=D(2026, 1, 20))  # fmt: skip
    assert a.monthly == 0 and a.standard == Decimal("45.00")
    record = queries.member_dues(cast.peer, D(2026, 6, 1))
    assert record.streak == 0 and record.outstanding == 0


@freeze_time("2026-06-15")
def test_it_refuses_a_month_before_admission(cast: Cast) -> None:
    cast.peer.joined_on = D(2026, 3, 10)
    cast.peer.full_on = None
    cast.peer.category = "probationary"
    cast.peer.save()
    with pytest.raises(ValidationError, match="入党当月"):
        assess(cast.peer, D(2026, 2, 1))
    assert assess(cast.peer, D(2026, 3, 1)).valid_from == D(2026, 3, 1)


@freeze_time("2026-06-15")
def test_it_allocates_a_quarter_to_its_months_with_a_receipt(cast: Cast) -> None:
    assess(cast.peer, D(2026, 4, 1))
    p = pay(cast.peer, D(2026, 4, 3), "135.00", through=D(2026, 6, 1))
    assert p.receipt_no == "2026-0001"
    assert months_paid(cast.peer, D(2026, 6, 1)) == {"2026-04": "45.00", "2026-05": "45.00",
                                                      "2026-06": "45.00"}  # fmt: skip
    assert pay(cast.peer, D(2026, 6, 1), "1.00").receipt_no == "2026-0002"


@freeze_time("2026-06-15")
def test_it_fills_the_oldest_months_and_keeps_a_partial_month_and_the_credit(cast: Cast) -> None:
    assess(cast.peer, D(2026, 3, 1))
    pay(cast.peer, D(2026, 6, 10), "100.00")
    assert months_paid(cast.peer, D(2026, 6, 1)) == {"2026-03": "45.00", "2026-04": "45.00",
                                                      "2026-05": "10.00"}  # fmt: skip
    record = queries.member_dues(cast.peer, D(2026, 6, 1))
    assert record.credit == 0 and record.streak == 2
    pay(cast.peer, D(2026, 6, 12), "100.00")
    record = queries.member_dues(cast.peer, D(2026, 6, 1))
    assert record.streak == 0 and record.credit == Decimal("20.00")


@freeze_time("2026-08-02")
def test_it_applies_credit_to_months_as_they_fall_due(cast: Cast) -> None:
    assess(cast.peer, D(2026, 6, 1))
    pay(cast.peer, D(2026, 6, 1), "100.00")  # June paid, 55.00 credit
    assert queries.member_dues(cast.peer, D(2026, 8, 1)).streak == 2
    rows = services.credit_apply(actor=cast.secretary, member=cast.peer, until=D(2026, 8, 1))
    assert [(r.month, r.amount) for r in rows] == [(D(2026, 7, 1), Decimal("45.00")),
                                                    (D(2026, 8, 1), Decimal("10.00"))]  # fmt: skip
    assert queries.member_dues(cast.peer, D(2026, 8, 1)).credit == 0
    assert services.credit_apply(actor=None, member=cast.peer, until=D(2026, 8, 1)) == []


@freeze_time("2026-09-15")
def test_it_keeps_back_pay_within_six_months(cast: Cast) -> None:
    assess(cast.peer, D(2026, 1, 1))
    pay(cast.peer, D(2026, 9, 15), "405.00")  # nine months' worth
    paid = months_paid(cast.peer, D(2026, 9, 1))
    assert "2026-01" not in paid and "2026-02" not in paid and "2026-03" in paid
    record = queries.member_dues(cast.peer, D(2026, 9, 1))
    assert record.credit == Decimal("90.00")  # never lost
    assert record.streak == 0


@freeze_time("2026-06-15")
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"amount": "0"}, "amount"), ({"amount": "-5"}, "amount"), ({"amount": "abc"}, "amount"),
     ({"method": "proxy"}, "proxy_name"), ({"method": "deduct"}, "method"),
     ({"paid_on": D(2026, 7, 1)}, "paid_on"), ({"through": D(2026, 5, 1)}, "through")],
)  # fmt: skip
def test_it_refuses_bad_payments_and_writes_nothing(
    cast: Cast, kwargs: dict[str, Any], field: str
) -> None:
    assess(cast.peer, D(2026, 1, 1))
    args: dict[str, Any] = {
        "member": cast.peer,
        "paid_on": D(2026, 6, 1),
        "amount": "45",
        "method": "cash",
    } | kwargs
    amount = args.pop("amount")
    with pytest.raises(ValidationError) as caught:
        services.payment_record(actor=None, amount=amount, **args)
    assert field in caught.value.message_dict
    assert not DuesPayment.objects.exists() and not DuesAllocation.objects.exists()


@freeze_time("2026-06-15")
def test_it_records_a_proxy_payment_with_the_proxys_name(cast: Cast) -> None:
    assess(cast.peer, D(2026, 6, 1))
    p = pay(cast.peer, D(2026, 6, 2), "45", method="proxy", proxy_name="裴家人")
    assert p.proxy_name == "裴家人" and p.get_method_display() == "委托代交"


@freeze_time("2026-06-15")
def test_it_reverses_a_wrong_payment_by_a_correcting_record(cast: Cast) -> None:
    assess(cast.peer, D(2026, 5, 1))
    wrong = pay(cast.peer, D(2026, 6, 1), "100.00")
    reversal = services.payment_reverse(actor=cast.secretary, payment=wrong, reason="金额登记错误")
    assert reversal.amount == Decimal("-100.00") and reversal.receipt_no == "2026-0002"
    assert DuesPayment.objects.count() == 2  # nothing deleted
    record = queries.member_dues(cast.peer, D(2026, 6, 1))
    assert record.credit == 0 and record.streak == 2
    with pytest.raises(ValidationError, match="已冲正"):
        services.payment_reverse(actor=None, payment=wrong, reason="再来一次")
    with pytest.raises(ValidationError, match="冲正记录"):
        services.payment_reverse(actor=None, payment=reversal, reason="x")


@freeze_time("2026-06-15")
def test_it_numbers_receipts_per_branch_and_year(cast: Cast) -> None:
    assess(cast.peer, D(2025, 12, 1))
    assert pay(cast.peer, D(2025, 12, 30), "45").receipt_no == "2025-0001"
    assert pay(cast.peer, D(2026, 1, 2), "45").receipt_no == "2026-0001"
    assert pay(cast.peer, D(2026, 2, 2), "45").receipt_no == "2026-0002"


@freeze_time("2026-06-15")
def test_it_moves_the_obligation_the_month_after_a_transfer(cast: Cast) -> None:
    mover = cast.incoming.member
    assess(mover, D(2026, 1, 1))
    # 童调动 was sent on 2024-01-01; 第一党支部 accepts on 15 March 2026.
    member_transfer_accept(actor=None, transfer=cast.incoming, on=D(2026, 3, 15))
    mover.refresh_from_db()
    rows = {r.member.pk: r for r in queries.sheet(cast.branch, D(2026, 3, 1))}
    assert not rows[mover.pk].owes  # March still owed to 第二党支部
    rows = {r.member.pk: r for r in queries.sheet(cast.branch, D(2026, 4, 1))}
    assert rows[mover.pk].owes and rows[mover.pk].due == Decimal("45.00")
    # The months owed stay the same for the member: the streak runs across the move.
    assert queries.member_dues(mover, D(2026, 6, 1)).streak == 6


@freeze_time("2026-06-15")
def test_it_stops_the_obligation_when_the_member_leaves(cast: Cast) -> None:
    assess(cast.peer, D(2026, 1, 1))
    member_transfer_out(actor=None, member=cast.peer, on=D(2026, 3, 5), to_name="外省某党支部")
    cast.peer.refresh_from_db()
    assert [m.month.month for m in queries.member_dues(cast.peer, D(2026, 6, 1)).months] == [
        1,
        2,
        3,
    ]


@freeze_time("2027-02-10")
def test_it_counts_a_streak_across_the_new_year(cast: Cast) -> None:
    assess(cast.peer, D(2026, 1, 1))
    pay(cast.peer, D(2026, 8, 1), "360.00")  # January–August
    record = queries.member_dues(cast.peer, D(2027, 2, 1))
    assert record.streak == 6 and record.level == rules.CASE
    assert queries.member_dues(cast.peer, D(2026, 11, 1)).level == rules.WARNING
    [row] = queries.arrears(cast.committee, D(2027, 2, 1))
    assert (row.name, row.months_unpaid, row.level) == ("裴同志", 6, "case")


@freeze_time("2026-06-10")
def test_it_reminds_members_who_owe_once_a_month_on_the_collection_day(cast: Cast) -> None:
    member = member_of(cast.member)
    assess(member, D(2026, 5, 1))
    assess(cast.peer, D(2026, 5, 1))
    assert services.dues_reminders_send(today=D(2026, 6, 9)) == 0
    assert services.dues_reminders_send(today=D(2026, 6, 10)) == 1  # the peer has no account
    assert services.dues_reminders_send(today=D(2026, 6, 10)) == 0
    notice = Notice.objects.get(user=cast.member)
    assert notice.title == "党费交纳提醒：2026年06月" and notice.url == "/dues/mine/"
    pay(member, D(2026, 6, 10), "90")
    assert services.dues_reminders_send(today=D(2026, 7, 10)) == 1  # July owed again


def test_a_dues_report_starting_later_is_announced_on_its_first_day(cast: Cast) -> None:
    from zhibu.dues import ledger

    today = timezone.localdate()
    start = today + dt.timedelta(days=3)
    ledger.report_publish(actor=cast.secretary, branch=cast.branch, year=today.year,
                          starts_on=start, ends_on=start + dt.timedelta(days=6),
                          contact="石书记", today=today)  # fmt: skip
    announced = Notice.objects.filter(user=cast.member, title__contains="党费收缴使用情况")
    assert not announced.exists()
    services.dues_reminders_send(today=start - dt.timedelta(days=1))
    assert not announced.exists()
    services.dues_reminders_send(today=start)
    services.dues_reminders_send(today=start)
    assert announced.count() == 1
