"""The 党费账 (issue 6 part 3): recording 上缴/返还/支出 and their corrections, the year's
ledger derived from the entries (a property test over random histories), the 收缴登记表, the
公示 (its totals are the sums of the entries; no names of members in arrears) and its pages,
the exports, and pinned query counts."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.dues import ledger, rules
from zhibu.dues.models import (
    DuesAllocation,
    DuesAssessment,
    DuesExpense,
    DuesPayment,
    DuesReport,
)
from zhibu.dues.sheets import year_sheet
from zhibu.members.models import Member
from zhibu.notices.models import Notice
from zhibu.orgs.models import Organization
from zhibu.orgs.services import organization_create
from zhibu.reports import contexts, registry
from zhibu.reports.tests.helpers import docx_lines, hold, plan_past

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year - 1  # a whole past year, whatever day the tests run
D = Decimal
_receipts = count(1)


# --- building data ----------------------------------------------------------------------------
# Assessments and payments stand in for the collection services (built beside this ledger):
# exactly the rows those services write, a payment and its allocations to months.


def member(cast: Cast, role: str) -> Member:
    if role == "peer":
        return cast.peer
    m = cast.user(role).member  # type: ignore[union-attr]
    assert m is not None
    return m


def assess(
    m: Member, branch: Organization, month: dt.date, monthly: str, *, reduction: str = "",
    base: str | None = "4500.00",
) -> DuesAssessment:  # fmt: skip
    return DuesAssessment.objects.create(
        member=m, branch=branch, valid_from=month, category="employed",
        base=D(base) if base else None, rate=D("0.01") if base else None, standard=D(monthly),
        monthly=D(monthly), reduction=reduction,
        reduction_approved_by="测试镇党委" if reduction else "",
        reduction_approved_on=month if reduction else None,
    )  # fmt: skip


def pay(
    m: Member, branch: Organization, paid_on: dt.date, months: dict[int, str] | None = None,
    *, amount: str | None = None, year: int = YEAR, method: str = "cash", proxy: str = "",
) -> DuesPayment:  # fmt: skip
    """A payment on ``paid_on``, allocated ``{month number: amount}`` in ``year``."""
    months = months or {}
    total = D(amount) if amount else sum((D(v) for v in months.values()), D(0))
    payment = DuesPayment.objects.create(
        branch=branch, member=m, paid_on=paid_on, amount=total, method=method, proxy_name=proxy,
        receipt_no=f"R{next(_receipts):05d}",
    )  # fmt: skip
    for month, value in months.items():
        DuesAllocation.objects.create(
            payment=payment, member=m, month=dt.date(year, month, 1), amount=D(value)
        )
    return payment


DECISION = {
    "items": [{"title": "研究党费使用", "content": "研究支部党员培训教材和困难党员补助的开支。"}],
    "resolutions": [{"text": "同意从党费中列支培训教材费", "yes": 1, "no": 0, "abstain": 0}],
    "summary": "按规定使用党费，年底公示。",
}


def decision_meeting(cast: Cast, month: int = 3, day: int = 5) -> Any:
    """A 支委会 of 第一党支部 held last year that decided a spending."""
    meeting = plan_past(cast, "committee_meeting", month=month, day=day, title="研究党费使用")
    return hold(cast, meeting, observer=False, content=DECISION)


def spend(cast: Cast, on: dt.date, amount: str, use: str = "training", **kw: Any) -> DuesExpense:
    kw.setdefault("decision", f"支委会 {on:%Y-%m-%d} 决定")
    kw.setdefault("voucher", "FP-001")
    return ledger.expense_record(
        actor=cast.secretary, branch=cast.branch, kind="spent", on=on, amount=D(amount), use=use,
        **kw,
    )  # fmt: skip


def record(cast: Cast, kind: str, on: dt.date, amount: str, **kw: Any) -> DuesExpense:
    if kind == "handed_up":
        kw.setdefault("voucher", "SJ-001")
    return ledger.expense_record(
        actor=cast.secretary, branch=cast.branch, kind=kind, on=on, amount=D(amount), **kw
    )


def a_year(cast: Cast) -> dict[str, Any]:
    """第一党支部's year: 梅党员 and 石书记 paid every month (45 and 30 元), 裴同志 paid three
    months, three months late, through a proxy; 150 元 carried from the year before; half of the
    collection handed up in July, 200 元 returned in August, two spendings decided by the 支委会."""
    b = cast.branch
    mei, shi, pei = member(cast, "member"), member(cast, "secretary"), member(cast, "peer")
    jan = dt.date(YEAR, 1, 1)
    for m, monthly in ((mei, "45.00"), (shi, "30.00"), (pei, "20.00")):
        assess(m, b, dt.date(YEAR - 1, 1, 1), monthly)
    pay(mei, b, dt.date(YEAR - 1, 12, 10), {12: "45.00"}, year=YEAR - 1)
    pay(shi, b, dt.date(YEAR - 1, 12, 10), {12: "30.00"}, year=YEAR - 1)
    pay(pei, b, dt.date(YEAR - 1, 12, 12), amount="75.00")  # last year's, allocated elsewhere
    assess(shi, b, dt.date(YEAR, 7, 1), "35.00")
    for month in range(1, 13):
        day = dt.date(YEAR, month, 10)
        pay(mei, b, day, {month: "45.00"})
        pay(shi, b, day, {month: "30.00" if month < 7 else "35.00"})
    pay(pei, b, dt.date(YEAR, 4, 20), {1: "20.00", 2: "20.00", 3: "20.00"}, method="proxy",
        proxy="裴家属")  # fmt: skip
    meeting = decision_meeting(cast)
    record(cast, "handed_up", dt.date(YEAR, 7, 15), "500.00")
    record(cast, "returned", dt.date(YEAR, 8, 10), "200.00")
    spend(cast, dt.date(YEAR, 3, 12), "120.00", meeting=meeting, decision="")
    spend(cast, dt.date(YEAR, 9, 1), "80.50", use="hardship_aid", note="补助困难党员")
    return {"jan": jan, "meeting": meeting}


# --- recording --------------------------------------------------------------------------------


def test_it_records_each_kind_with_its_reference_and_an_audit_event(cast: Cast) -> None:
    data = a_year(cast)
    spent = DuesExpense.objects.get(kind="spent", use="training")
    assert spent.decision == "支委会 " + f"{YEAR}-03-05 决定（研究党费使用）"
    assert spent.voucher == "FP-001"
    handed = DuesExpense.objects.get(kind="handed_up")
    assert (handed.amount, handed.voucher, handed.use) == (D("500.00"), "SJ-001", "")
    events = AuditEvent.objects.filter(verb="dues.expense_record").order_by("seq")
    assert events.count() == 4
    first = events.first()
    assert first is not None and first.organization_id == cast.branch.pk
    assert first.changes["amount"] == [None, "500.00"]
    assert first.changes["kind"] == [None, "上缴上级党委"]
    assert data["meeting"].kind == "committee_meeting"


@pytest.mark.parametrize(
    ("kind", "values", "field", "says"),
    [
        ("spent", {"amount": D("0")}, "amount", "金额应大于 0"),
        ("spent", {"amount": D("-5")}, "amount", "金额应大于 0"),
        ("spent", {"amount": D("1.005")}, "amount", "最多两位小数"),
        ("spent", {"amount": "一百"}, "amount", "不是有效的金额"),
        ("spent", {"amount": None}, "amount", "请填写金额"),
        ("spent", {"on": None}, "on", "请填写日期"),
        ("spent", {"on": TODAY + dt.timedelta(days=1)}, "on", "不能晚于今天"),
        ("spent", {"use": ""}, "use", "请选择党费的用途"),
        ("spent", {"use": "dinner"}, "use", "请选择党费的用途"),
        ("spent", {"decision": ""}, "decision", "须经集体研究决定"),
        ("spent", {"voucher": " "}, "voucher", "请填写凭证号"),
        ("handed_up", {"voucher": ""}, "voucher", "请填写凭证号"),
        ("cash_out", {}, "kind", "请选择上缴、返还或支出"),
    ],
)
def test_it_refuses_what_is_not_a_proper_entry(
    cast: Cast, kind: str, values: dict[str, Any], field: str, says: str
) -> None:
    pay(member(cast, "member"), cast.branch, dt.date(YEAR, 1, 10), amount="500.00")
    args: dict[str, Any] = {
        "on": dt.date(YEAR, 2, 1), "amount": D("10.00"), "use": "training",
        "decision": "支委会决定", "voucher": "FP-9", **values,
    }  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        ledger.expense_record(actor=cast.secretary, branch=cast.branch, kind=kind, **args)
    assert says in " ".join(exc.value.message_dict[field])
    assert not DuesExpense.objects.exists()
    assert not AuditEvent.objects.filter(verb="dues.expense_record").exists()


def test_it_needs_no_voucher_nor_decision_for_a_return(cast: Cast) -> None:
    row = record(cast, "returned", dt.date(YEAR, 2, 1), "60.00", use="training")
    assert (row.use, row.voucher, row.decision) == ("", "", "")


def test_it_never_spends_beyond_the_balance(cast: Cast) -> None:
    pay(member(cast, "member"), cast.branch, dt.date(YEAR, 3, 10), amount="100.00")
    with pytest.raises(ValidationError) as exc:
        spend(cast, dt.date(YEAR, 3, 10), "100.01")
    assert exc.value.message_dict["amount"] == [
        f"支出金额超过结存：{YEAR}-03-10 起最多还能支出 ¥100.00（不能超出本支部已收缴和返还的党费）"
    ]
    # Money collected later is no balance earlier.
    with pytest.raises(ValidationError, match="最多还能支出 ¥0.00"):
        spend(cast, dt.date(YEAR, 3, 9), "1.00")
    spend(cast, dt.date(YEAR, 3, 10), "100.00")  # the day's collection comes in first
    with pytest.raises(ValidationError, match="上缴金额超过结存"):
        record(cast, "handed_up", dt.date(YEAR, 4, 1), "0.01")


def test_it_refuses_a_late_entry_that_would_overdraw_a_later_day(cast: Cast) -> None:
    """Recorded late, an entry dated before a spending must not take what that spending used."""
    pay(member(cast, "member"), cast.branch, dt.date(YEAR, 1, 10), amount="100.00")
    spend(cast, dt.date(YEAR, 6, 1), "80.00")
    with pytest.raises(ValidationError, match=f"{YEAR}-02-01 起最多还能上缴 ¥20.00"):
        record(cast, "handed_up", dt.date(YEAR, 2, 1), "30.00")
    record(cast, "handed_up", dt.date(YEAR, 2, 1), "20.00")
    assert ledger.balance_on(cast.branch, dt.date(YEAR, 12, 31)) == D("0.00")


def test_it_takes_the_decision_only_from_a_held_meeting_of_the_branch_before_the_spending(
    cast: Cast,
) -> None:
    pay(member(cast, "member"), cast.branch, dt.date(YEAR, 1, 10), amount="500.00")
    meeting = decision_meeting(cast, month=3, day=5)
    with pytest.raises(ValidationError, match="会议日期不能晚于支出日期"):
        spend(cast, dt.date(YEAR, 3, 4), "10.00", meeting=meeting)
    planned = plan_past(cast, "committee_meeting", month=4, day=1, title="未召开")
    with pytest.raises(ValidationError, match="还没有召开"):
        spend(cast, dt.date(YEAR, 4, 2), "10.00", meeting=planned)
    theme_day = hold(cast, plan_past(cast, "theme_day", month=2, day=1), observer=False)
    with pytest.raises(ValidationError, match="支委会或支部党员大会"):
        spend(cast, dt.date(YEAR, 4, 2), "10.00", meeting=theme_day)
    assert list(ledger.decision_meetings(cast.branch)) == [meeting]


def test_it_corrects_a_line_with_a_reversing_entry_never_deleting_it(cast: Cast) -> None:
    pay(member(cast, "member"), cast.branch, dt.date(YEAR, 1, 10), amount="300.00")
    wrong = spend(cast, dt.date(YEAR, 2, 1), "200.00")
    ledger.expense_reverse(
        actor=cast.secretary, expense=wrong, on=dt.date(YEAR, 2, 3), reason="金额登记错误"
    )
    spend(cast, dt.date(YEAR, 2, 3), "20.00")
    book = ledger.year_ledger(cast.branch, YEAR)
    assert [(x.summary, x.amount, x.balance) for x in book.lines] == [
        ("收缴党费（1笔）", D("300.00"), D("300.00")),
        ("支出：教育培训", D("200.00"), D("100.00")),
        (f"冲销 {YEAR}-02-01 支出：教育培训", D("-200.00"), D("300.00")),
        ("支出：教育培训", D("20.00"), D("280.00")),
    ]
    assert book.lines[1].reversed_on == dt.date(YEAR, 2, 3)
    assert book.totals["spent"] == D("-180.00") + D("200.00")
    assert DuesExpense.objects.filter(pk=wrong.pk).exists()
    with pytest.raises(ValidationError, match="已经冲销过了"):
        ledger.expense_reverse(actor=cast.secretary, expense=wrong, on=TODAY, reason="再冲")
    event = AuditEvent.objects.get(verb="dues.expense_reverse")
    assert event.changes["reason"] == [None, "金额登记错误"]


def test_it_refuses_a_correction_without_reason_before_the_line_or_overdrawing(cast: Cast) -> None:
    back = record(cast, "returned", dt.date(YEAR, 5, 1), "100.00")
    with pytest.raises(ValidationError, match="请写明冲销的原因"):
        ledger.expense_reverse(actor=None, expense=back, on=TODAY, reason=" ")
    with pytest.raises(ValidationError, match="不能早于原账目的日期"):
        ledger.expense_reverse(actor=None, expense=back, on=dt.date(YEAR, 4, 30), reason="错")
    spend(cast, dt.date(YEAR, 6, 1), "60.00")
    with pytest.raises(ValidationError, match="结存将不足 ¥60.00"):
        ledger.expense_reverse(actor=None, expense=back, on=dt.date(YEAR, 5, 2), reason="错")


# --- the ledger is derived from its entries ---------------------------------------------------


def test_it_carries_the_balance_and_sums_each_month(cast: Cast) -> None:
    a_year(cast)
    book = ledger.year_ledger(cast.branch, YEAR)
    assert book.opening == D("150.00")  # 45 + 30 + 75 paid the December before
    collected = D(45 * 12 + 30 * 6 + 35 * 6 + 60)
    assert book.totals == {
        "collected": collected, "handed_up": D("500.00"), "returned": D("200.00"),
        "spent": D("200.50"),
    }  # fmt: skip
    assert book.closing == D("150.00") + collected - D("500.00") + D("200.00") - D("200.50")
    assert book.lines[-1].balance == book.months[-1].balance == book.closing
    assert book.months[3].collected == D("45.00") + D("30.00") + D("60.00")
    assert book.months[2].spent == D("120.00") and book.months[6].handed_up == D("500.00")
    assert dict((u, a) for u, _, a in book.by_use) == {
        "training": D("120.00"), "materials": D(0), "awards": D(0),
        "hardship_aid": D("80.50"), "disaster_relief": D(0),
    }  # fmt: skip
    assert ledger.year_ledger(cast.branch, YEAR + 1).opening == book.closing
    assert book.payments == 25


_branches = count(1)
DAYS = 3 * 366
EVENT = st.tuples(
    st.integers(0, DAYS - 1),
    st.sampled_from(["collected", "collected", "handed_up", "returned", "spent", "reverse"]),
    st.integers(1, 40_000),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=st.lists(EVENT, max_size=25))
def test_it_balances_for_any_history(cast: Cast, events: list[tuple[int, str, int]]) -> None:
    """Random histories, entered in any order of dates: every refused entry leaves nothing
    behind; no balance is ever below zero; each year opens with the last one's closing; every
    total is the sum of its lines; the balance equals the entries summed independently."""
    n = next(_branches)
    branch = organization_create(
        actor=None, code=f"H{n}", name=f"随机支部{n}", kind="branch", parent=cast.committee
    )
    m = member(cast, "member")
    start = dt.date(TODAY.year - 2, 1, 1)
    today = start + dt.timedelta(days=DAYS + 10)
    for offset, kind, cents in events:
        day, amount = start + dt.timedelta(days=offset), D(cents) / 100
        if kind == "collected":
            pay(m, branch, day, amount=str(amount))
        elif kind == "reverse":
            target = DuesExpense.objects.filter(branch=branch, reversal__isnull=True).first()
            if target is not None:
                with contextlib.suppress(ValidationError):
                    ledger.expense_reverse(
                        actor=None, expense=target, on=max(day, target.on), reason="更正",
                        today=today,
                    )  # fmt: skip
        else:
            with contextlib.suppress(ValidationError):
                ledger.expense_record(
                    actor=None, branch=branch, kind=kind, on=day, amount=amount,
                    use="awards" if kind == "spent" else "", decision="支委会决定",
                    voucher="V1", today=today,
                )  # fmt: skip
    closing = D(0)
    for year in range(start.year - 1, start.year + 4):
        book = ledger.year_ledger(branch, year)
        assert book.opening == closing
        assert all(x.balance >= 0 for x in book.lines)
        for kind in rules.ENTRY_KINDS:
            assert book.totals[kind] == sum((x.amount for x in book.lines if x.kind == kind), D(0))
            assert book.totals[kind] == sum((getattr(mo, kind) for mo in book.months), D(0))
        assert sum((a for _, _, a in book.by_use), D(0)) == book.totals["spent"]
        assert book.closing == (book.lines[-1].balance if book.lines else book.opening)
        assert book.closing == book.months[-1].balance
        end = dt.date(year, 12, 31)
        independent = sum(
            (p.amount for p in DuesPayment.objects.filter(branch=branch, paid_on__lte=end)), D(0)
        )
        for e in DuesExpense.objects.filter(branch=branch).select_related("reversal"):
            sign = 1 if e.kind == "returned" else -1
            if e.on <= end:
                independent += sign * e.amount
            reversal = getattr(e, "reversal", None)
            if reversal is not None and reversal.on <= end:
                independent -= sign * e.amount
        assert book.closing == independent
        closing = book.closing


# --- the 收缴登记表 -------------------------------------------------------------------------------


def test_it_fills_the_sheet_from_assessments_and_allocations(cast: Cast) -> None:
    a_year(cast)
    waived = Member.objects.get(name="艾积极")  # stands in for a member exempted for hardship
    assess(waived, cast.branch, dt.date(YEAR, 1, 1), "0.00", reduction="waived", base=None)
    with CaptureQueriesContext(connection) as ctx:
        sheet = year_sheet(cast.branch, YEAR, TODAY)
    assert len(ctx.captured_queries) == 2
    rows = {r.name: r for r in sheet.rows}
    mei, shi, pei = rows["梅党员"], rows["石书记"], rows["裴同志"]
    assert (
        mei.paid == [D("45.00")] * 12 and mei.due_total == D(540) and mei.status == "paid_in_full"
    )
    assert shi.monthly == D("35.00") and shi.due[6] == D("35.00") and shi.due[5] == D("30.00")
    assert "7月起月应交35.00元" in shi.remark
    assert pei.paid_total == D(60) and pei.status == "in_arrears"
    assert pei.remark == "补交3个月；代交（裴家属）"
    assert rows["艾积极"].status == "exempt" and "1月起免交（测试镇党委" in rows["艾积极"].remark
    assert (shi.rate_text, shi.category) == ("1%", "在职")
    assert sheet.paid_total == D(540 + 180 + 210 + 60)
    assert [r.number for r in sheet.rows] == [1, 2, 3, 4]


def test_it_gives_a_transferred_member_only_the_months_owed_here(cast: Cast) -> None:
    mover = Member.objects.get(name="童调动")
    assess(mover, cast.sibling, dt.date(YEAR - 1, 1, 1), "10.00")
    assess(mover, cast.branch, dt.date(YEAR, 5, 1), "10.00")
    row = next(r for r in year_sheet(cast.branch, YEAR, TODAY).rows if r.name == "童调动")
    assert row.due == [None] * 4 + [D("10.00")] * 8
    there = next(r for r in year_sheet(cast.sibling, YEAR, TODAY).rows if r.name == "童调动")
    assert there.due == [D("10.00")] * 4 + [None] * 8


# --- the 公示 ---------------------------------------------------------------------------------


def test_it_reports_totals_equal_to_the_sums_of_the_entries(cast: Cast) -> None:
    a_year(cast)
    doc = contexts.dues_report_context(cast.branch, YEAR)
    lines = ledger.year_ledger(cast.branch, YEAR).lines

    def total(kind: str) -> str:
        return f"{sum((x.amount for x in lines if x.kind == kind), D(0)):,.2f}"

    assert doc["collected"] == total("collected") == "990.00"
    assert (doc["handed_up"], doc["returned"], doc["spent"]) == (
        total("handed_up"), total("returned"), total("spent"),
    )  # fmt: skip
    assert doc["opening"] == "150.00" and doc["closing"] == "639.50"
    assert doc["members"] == {"total": 3, "paid_in_full": 2, "in_arrears": 1, "exempt": 0}
    assert doc["due_total"] == f"{540 + 390 + 240:,.2f}" and doc["paid_total"] == "990.00"
    assert [p["name"] for p in doc["paid_members"]] == ["梅党员", "石书记"]
    assert [u["share"] for u in doc["uses"]] == ["60%", "0%", "0%", "40%", "0%"]
    assert [(s["use"], s["amount"]) for s in doc["spendings"]] == [
        ("教育培训", "120.00"), ("补助生活困难党员", "80.50"),
    ]  # fmt: skip
    assert doc["handed_up_lines"][0] == {
        "number": 1, "date": f"{YEAR}年7月15日", "amount": "500.00", "voucher": "SJ-001",
    }  # fmt: skip


def test_it_gives_real_contexts_only_documented_fields(cast: Cast) -> None:
    a_year(cast)
    report = ledger.report_publish(
        actor=cast.secretary, branch=cast.branch, year=YEAR, starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=7), contact="石书记",
    )  # fmt: skip
    for key, context in (
        ("dues_sheet", contexts.dues_sheet_context(cast.branch, YEAR)),
        ("dues_ledger", contexts.dues_ledger_context(cast.branch, YEAR)),
        ("dues_report", contexts.dues_report_context(cast.branch, YEAR, report)),
    ):
        assert set(registry.context_paths(context)) == registry.DOCUMENTS[key].paths(), key


def test_it_publishes_for_the_members_within_the_dates(cast: Cast, client_as: Any) -> None:
    a_year(cast)
    url = reverse("dues:report", args=[cast.branch.code, YEAR])
    member_client = client_as("member")
    assert member_client.get(url).status_code == 404  # not published yet
    preview = client_as("secretary").get(url)
    assert preview.status_code == 200 and "尚未公示" in preview.content.decode()
    response = client_as("secretary").post(
        reverse("dues:report_publish", args=[cast.branch.code, YEAR]),
        {"starts_on": TODAY.isoformat(), "ends_on": (TODAY + dt.timedelta(days=9)).isoformat(),
         "contact": "石书记 13900000000", "note": ""},
    )  # fmt: skip
    assert response.status_code == 302
    report = DuesReport.objects.get()
    assert Notice.objects.filter(key=f"dues_report:{report.pk}").count() == 2  # 梅党员, 石书记
    page = member_client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "梅党员" in text and "石书记" in text and "裴同志" not in text  # arrears: no names
    assert "欠交" in text and "石书记 13900000000" in text and "<svg" in text
    assert "发布公示" not in text
    assert client_as("activist").get(url).status_code == 404
    assert client_as("other").get(url).status_code == 404
    report.ends_on = TODAY - dt.timedelta(days=1)
    report.starts_on = TODAY - dt.timedelta(days=5)
    report.save()
    assert member_client.get(url).status_code == 404  # the 公示 period is over
    event = AuditEvent.objects.get(verb="dues.report_publish")
    assert event.changes["contact"] == [None, "石书记 13900000000"]


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"starts_on": None}, "starts_on", "请填写公示开始日期"),
        ({"ends_on": TODAY - dt.timedelta(days=1), "starts_on": TODAY - dt.timedelta(days=3)},
         "ends_on", "已过"),
        ({"ends_on": TODAY - dt.timedelta(days=1)}, "ends_on", "不能早于开始日期"),
        ({"ends_on": TODAY + dt.timedelta(days=90)}, "ends_on", "最长 60 天"),
        ({"contact": " "}, "contact", "请填写联系人"),
        ({"year": TODAY.year + 1}, "year", "今年或以前年度"),
    ],
)  # fmt: skip
def test_it_refuses_a_publication_that_cannot_be_read(
    cast: Cast, values: dict[str, Any], field: str, says: str
) -> None:
    args: dict[str, Any] = {
        "year": YEAR, "starts_on": TODAY, "ends_on": TODAY + dt.timedelta(days=7),
        "contact": "石书记", **values,
    }  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        ledger.report_publish(actor=cast.secretary, branch=cast.branch, **args)
    assert says in " ".join(exc.value.message_dict[field])
    assert not DuesReport.objects.exists()


def test_it_withdraws_a_publication(cast: Cast, client_as: Any) -> None:
    report = ledger.report_publish(
        actor=cast.secretary, branch=cast.branch, year=YEAR, starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=7), contact="石书记",
    )  # fmt: skip
    url = reverse("dues:report", args=[cast.branch.code, YEAR])
    assert client_as("member").get(url).status_code == 200
    response = client_as("secretary").post(reverse("dues:report_withdraw", args=[report.pk]))
    assert response.status_code == 302
    assert client_as("member").get(url).status_code == 404
    with pytest.raises(ValidationError, match="已经撤回"):
        ledger.report_withdraw(actor=cast.secretary, report=DuesReport.objects.get())


# --- pages and downloads ----------------------------------------------------------------------


def test_it_records_a_spending_through_the_page(cast: Cast, client_as: Any) -> None:
    pay(member(cast, "member"), cast.branch, dt.date(YEAR, 1, 10), amount="300.00")
    meeting = decision_meeting(cast)
    client = client_as("secretary")
    url = reverse("dues:expense_new", args=[cast.branch.code])
    data = {"kind": "spent", "on": f"{YEAR}-03-12", "amount": "１２０元", "use": "training",
            "meeting": meeting.pk, "voucher": "FP-7", "note": "党员培训教材"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith(f"?year={YEAR}#lines")
    assert DuesExpense.objects.get().amount == D("120.00")
    again = client.post(url, {**data, "amount": "500"})
    assert again.status_code == 200
    assert "支出金额超过结存" in again.content.decode()
    assert 'value="500"' in again.content.decode()  # what was typed is kept
    page = client.get(reverse("dues:ledger", args=[cast.branch.code]), {"year": YEAR})
    text = page.content.decode()
    assert "支委会 " in text and "FP-7" in text and "¥180.00" in text


def test_it_downloads_the_sheet_the_ledger_and_the_report(cast: Cast, client_as: Any) -> None:
    a_year(cast)
    client = client_as("secretary")
    response = client.get(reverse("dues:sheet_xlsx", args=[cast.branch.code]), {"year": YEAR})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    mei = next(r for r in values if r[1] == "梅党员")
    assert mei[:6] == [1, "梅党员", "在职", 4500, "1%", 45]
    assert mei[6:18] == [45] * 12 and mei[18:20] == [540, 540]
    totals = next(r for r in values if r[0] == "合计")
    assert totals[19] == 990
    book = client.get(reverse("dues:ledger_xlsx", args=[cast.branch.code]), {"year": YEAR})
    wb = load_workbook(io.BytesIO(book.content))
    lines = [[c.value for c in row] for row in wb.worksheets[0].iter_rows()]
    assert any(r[2] == "上缴上级党委" and r[4] == 500 for r in lines)
    months = [[c.value for c in row] for row in wb.worksheets[1].iter_rows()]
    assert months[1][1:13] == [f"{m}月" for m in range(1, 13)]
    docx = client.get(reverse("dues:report_docx", args=[cast.branch.code, YEAR]))
    text = docx_lines(docx.content)
    assert any("按时交清2名，欠交1名" in line for line in text)
    assert "裴同志" not in " ".join(text)
    assert AuditEvent.objects.filter(verb__startswith="export.dues_").count() == 3


def _count(client: Any, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def _more(cast: Cast, months: range) -> None:
    """More payments, members and spendings: the pages must not read more for them."""
    for month in months:
        for role in ("member", "secretary", "peer"):
            pay(member(cast, role), cast.branch, dt.date(YEAR, month, 11), {month: "5.00"})
        spend(cast, dt.date(YEAR, month, 12), "1.00", use="materials")


@pytest.mark.parametrize(
    ("role", "name", "pinned"),
    [("secretary", "dues:ledger", 17), ("secretary", "dues:report", 19),
     ("member", "dues:report", 18)],
)  # fmt: skip
def test_it_keeps_the_pages_flat(
    cast: Cast, client_as: Any, role: str, name: str, pinned: int
) -> None:
    a_year(cast)
    ledger.report_publish(
        actor=cast.secretary, branch=cast.branch, year=YEAR, starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=7), contact="石书记",
    )  # fmt: skip
    kwargs: dict[str, Any] = {"code": cast.branch.code}
    params = {"year": YEAR}
    if name == "dues:report":
        kwargs["year"], params = YEAR, {}
    url = reverse(name, kwargs=kwargs)
    client = client_as(role)
    _more(cast, range(1, 3))
    few = _count(client, url, **params)
    _more(cast, range(3, 13))
    many = _count(client, url, **params)
    assert (few, many) == (pinned, pinned)
