"""`zhibu dues arrears --org CODE --until YYYY-MM-DD [--json]`."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhibu.conftest import Cast
from zhibu.dues.tests.helpers import assess, freeze_time, member_of, pay

D = dt.date
pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("dues", "arrears", *args, stdout=out)
    return out.getvalue()


@freeze_time("2027-02-10")
def test_it_lists_members_three_months_behind_or_more_as_json(cast: Cast) -> None:
    assess(cast.peer, D(2026, 1, 1))
    pay(cast.peer, D(2026, 8, 1), "360.00")  # January–August: Sept–Feb unpaid
    member = member_of(cast.member)
    assess(member, D(2026, 10, 1))
    pay(member, D(2026, 11, 1), "90.00")  # October–November: Dec–Feb unpaid
    rows = json.loads(run("--org", "T-COM", "--until", "2027-02-28", "--json"))
    assert rows == [
        {"name": "裴同志", "id_number_tail": cast.peer.id_number_tail, "unit": "T-B1",
         "months_unpaid": 6, "level": "case"},
        {"name": "梅党员", "id_number_tail": member.id_number_tail, "unit": "T-B1",
         "months_unpaid": 3, "level": "warning"},
    ]  # fmt: skip
    assert json.loads(run("--org", "T-B2", "--until", "2027-02-28", "--json")) == []
    assert (
        json.loads(run("--org", "T-COM", "--until", "2027-01-31", "--json"))[0]["months_unpaid"]
        == 5
    )
    text = run("--org", "T-B1", "--until", "2027-02-28")
    assert "2 人" in text and "裴同志" in text and "不自动除名" in text


def test_it_refuses_an_unknown_org_and_a_bad_date_in_chinese(cast: Cast) -> None:
    with pytest.raises(CommandError, match="没有编码为“NOPE”的组织"):
        run("--org", "NOPE", "--until", "2026-03-01")
    with pytest.raises(CommandError, match="应为 YYYY-MM-DD 格式的日期"):
        run("--org", "T-COM", "--until", "March")
    with pytest.raises(CommandError, match="缺少必填参数：--until"):
        run("--org", "T-COM")
