"""Dues pages: the sheet (filters, months, pinned query count), a member's dues and the forms,
bases from a spreadsheet (all or nothing), 我的党费."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from zhibu.conftest import Cast
from zhibu.dues import services
from zhibu.dues.models import DuesAssessment, DuesPayment
from zhibu.dues.tests.helpers import assess, freeze_time, member_of, pay
from zhibu.members.services import member_create
from zhibu.testing import member_values

D = dt.date
pytestmark = pytest.mark.django_db


def count(client: Any, url: str, params: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@freeze_time("2026-06-15")
def test_it_keeps_the_sheet_query_count_flat(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    url = reverse("dues:sheet", args=[cast.branch.code])
    assess(cast.peer, D(2026, 1, 1))
    pay(cast.peer, D(2026, 6, 2), "45")
    before = count(client, url)
    for i in range(12):
        m = member_create(actor=None, branch=cast.branch, values=member_values(name=f"新党员{i}"))
        assess(m, D(2026, 1, 1))
        pay(m, D(2026, 6, 3), "90", method="proxy", proxy_name="代交人")
    assert count(client, url) == before
    # What every officer's page costs (session, user, the shell's scope and notices) and the
    # organization; then the sheet's six (members, assessments, transfers, allocations per
    # month, payment totals, the month's payments) and the branch's settings.
    assert before == 16


@freeze_time("2026-06-15")
def test_it_keeps_a_members_dues_pages_flat_as_payments_grow(cast: Cast, client_as: Any) -> None:
    me = member_of(cast.member)
    assess(me, D(2026, 1, 1))
    pay(me, D(2026, 1, 8), "45")
    pages = [(client_as("member"), reverse("dues:mine")),
             (client_as("secretary"), reverse("dues:member", args=[me.pk]))]  # fmt: skip
    before = [count(client, url) for client, url in pages]
    for month in range(2, 7):
        payment = pay(me, D(2026, month, 8), "45")
    services.payment_reverse(actor=None, payment=payment, reason="金额登记错了")
    pay(me, D(2026, 6, 9), "45")
    assert [count(client, url) for client, url in pages] == before


@freeze_time("2026-06-15")
def test_it_filters_the_unpaid_and_moves_between_months(cast: Cast, client_as: Any) -> None:
    assess(cast.peer, D(2026, 1, 1))
    assess(member_of(cast.member), D(2026, 6, 1))
    pay(member_of(cast.member), D(2026, 6, 2), "45")
    client = client_as("secretary")
    url = reverse("dues:sheet", args=[cast.branch.code])
    page = client.get(url, {"filter": "unpaid"}).content.decode()
    assert "裴同志" in page and "梅党员" not in page and "石书记" in page  # not assessed: unpaid
    may = client.get(url, {"month": "2026-05"}).content.decode()
    assert "2026年5月党费收缴" in may and "2026年6月 ›" in may
    assert "连续未交" in may and "5 个月 · 提交支部大会" not in may
    assert "6 个月 · 提交支部大会" in client.get(url).content.decode()
    assert "2026年7月" not in client.get(url).content.decode()  # no future month


@freeze_time("2026-06-15")
def test_it_records_a_payment_from_the_form(cast: Cast, client_as: Any) -> None:
    assess(cast.peer, D(2026, 4, 1))
    client = client_as("secretary")
    url = reverse("dues:pay", args=[cast.peer.pk])
    bad = client.post(url, {"paid_on": "2026-06-15", "amount": "-3", "method": "cash"})
    assert bad.status_code == 200 and "交纳金额不能为负数" in bad.content.decode()
    response = client.post(url, {"paid_on": "2026-06-15", "amount": "135", "method": "proxy",
                                 "proxy_name": "裴家人"})  # fmt: skip
    assert response.status_code == 302
    p = DuesPayment.objects.get()
    assert (p.receipt_no, p.proxy_name, p.recorded_by) == ("2026-0001", "裴家人", cast.secretary)
    page = client.get(reverse("dues:member", args=[cast.peer.pk])).content.decode()
    assert "2026-0001" in page and "裴家人代交" in page


@freeze_time("2026-06-15")
def test_it_assesses_from_the_form_and_refuses_the_same_month(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    url = reverse("dues:assess", args=[cast.peer.pk])
    data = {"valid_from": "2026-01", "category": "employed", "base": "4,500"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data | {"base": "6000"})
    assert again.status_code == 200 and "已有党费核定" in again.content.decode()
    assert DuesAssessment.objects.get().monthly == Decimal("45.00")


def _xlsx(
    rows: list[list[Any]], header: tuple[str, ...] = ("姓名", "身份证号", "类别", "基数或金额")
) -> io.BytesIO:  # noqa: E501
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "bases.xlsx"
    return buf


@freeze_time("2026-06-15")
def test_it_imports_bases_all_or_nothing(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    url = reverse("dues:bases", args=[cast.branch.code])
    peer, me = cast.peer, member_of(cast.member)
    bad = _xlsx([["裴同志", peer.id_number, "在职", "4500"], ["梅党员", me.id_number, "学生", "300"],
                 ["无此人", "110101199001010011", "在职", "3000"]])  # fmt: skip
    response = client.post(url, {"valid_from": "2026-01", "file": bad})
    page = response.content.decode()
    assert response.status_code == 400 and "未导入任何数据" in page
    assert "第3行" in page and "第4行" in page and "第2行" not in page
    assert not DuesAssessment.objects.exists()
    good = _xlsx([["裴同志", peer.id_number, "在职", 4500], ["梅党员", me.id_number, "学生", None]])
    response = client.post(url, {"valid_from": "2026-01", "file": good})
    assert response.status_code == 302
    assert sorted(DuesAssessment.objects.values_list("monthly", flat=True)) == [
        Decimal("0.20"), Decimal("45.00")]  # fmt: skip
    header = client.post(url, {"valid_from": "2026-02", "file": _xlsx([], ("姓名", "金额"))})
    assert "缺少必填列" in header.content.decode()


@freeze_time("2026-06-15")
def test_it_shows_the_member_their_own_dues(cast: Cast, client_as: Any) -> None:
    me = member_of(cast.member)
    assess(me, D(2026, 1, 1))
    pay(me, D(2026, 2, 1), "90")  # January, February
    page = client_as("member").get(reverse("dues:mine")).content.decode()
    assert "已连续 4 个月未交纳党费" in page and "2026-0001" in page and "¥45.00" in page
    assert "不会自动除名" not in page  # a warning, not a case yet
    assert "2026-0001" not in client_as("activist").get(reverse("dues:mine")).content.decode()
    record = client_as("member").get(reverse("members:me"))
    assert record.status_code in (200, 302)


@freeze_time("2026-06-15")
def test_it_offers_no_way_for_the_branch_to_pay_or_deduct(cast: Cast, client_as: Any) -> None:
    assess(cast.peer, D(2026, 1, 1))
    page = client_as("secretary").get(reverse("dues:member", args=[cast.peer.pk])).content.decode()
    assert "代支部" not in page and "扣" not in page
    sheet = client_as("secretary").get(reverse("dues:sheet", args=[cast.branch.code]))
    assert "不代党员交纳党费，也不从其他款项中扣交" in sheet.content.decode()
