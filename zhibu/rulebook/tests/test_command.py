"""`zhibu compliance`: the JSON shape of the issue, a readable table, clear refusals."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from zhibu.conftest import Cast
from zhibu.rulebook.tests.helpers import hold, person, seeded

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _requirements(db: Any) -> None:
    seeded()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_json_of_the_issue(cast: Cast) -> None:
    for month in (1, 2, 4, 5, 6):
        hold(cast.branch, "theme_day", D(2026, month, 10))
    lagging = person(cast.branch, "张三")
    hold(cast.branch, "branch_assembly", D(2026, 1, 20), present=[])
    data = json.loads(
        run("--org", "T-COM", "--from", "2026-01-01", "--to", "2026-06-30", "--json",
            "--today", "2026-11-21")
    )  # fmt: skip
    assert {"org", "from", "to", "units", "members"} <= set(data)
    assert (data["org"], data["from"], data["to"]) == ("T-COM", "2026-01-01", "2026-06-30")
    b1 = next(u for u in data["units"] if u["code"] == "T-B1")
    assert (b1["name"], b1["kind"]) == ("第一党支部", "branch")
    theme = next(r for r in b1["requirements"] if r["kind"] == "theme_day")
    assert {k: theme[k] for k in ("kind", "unit", "required", "held", "missing", "due", "status")} == {
        "kind": "theme_day", "unit": "month", "required": 6, "held": 5,
        "missing": ["2026-03"], "due": [], "status": "behind",
    }  # fmt: skip
    assert "committee_meeting" not in {r["kind"] for r in b1["requirements"]}
    group = next(u for u in data["units"] if u["code"] == "T-G1")
    assert (group["kind"], group["branch"]) == ("group", "T-B1")
    assert [r["kind"] for r in group["requirements"]] == ["group_meeting"]
    assert [u["code"] for u in data["units"]] == ["T-COM", "T-B1", "T-G1", "T-B2", "T-JG"]
    # The committee is a unit too, held only to its secretary's own 党课 (nobody gave one).
    town = data["units"][0]
    assert (town["name"], town["kind"], town["status"]) == ("测试镇党委", "committee", "due")
    assert [(r["kind"], r["key"], r["given_by"], r["label"], r["unit"], r["due"])
            for r in town["requirements"]] == [
        ("lecture", "lecture_by_secretary", "secretary", "党委书记讲党课", "year", ["2026"])
    ]  # fmt: skip
    assert [r["key"] for r in b1["requirements"] if r["kind"] == "lecture"] == [
        "lecture",
        "lecture_by_secretary",
    ]
    # Members: only warning and critical, with the tail of the ID number, never the whole.
    names = {m["name"]: m for m in data["members"]}
    zhang = names["张三"]
    assert set(zhang) >= {"id_number_tail", "name", "unit", "months_without_life", "level"}
    assert (zhang["id_number_tail"], zhang["unit"]) == (lagging.id_number_tail, "T-B1")
    assert zhang["level"] == "critical" and zhang["months_without_life"] >= 6
    assert all(m["level"] in ("warning", "critical") for m in data["members"])
    assert lagging.id_number not in json.dumps(data)


def test_it_prints_a_readable_table(cast: Cast) -> None:
    hold(cast.branch, "theme_day", D(2026, 1, 10))
    text = run(
        "--org", "T-B1", "--from", "2026-01-01", "--to", "2026-06-30", "--today", "2026-11-21"
    )
    assert "第一党支部（T-B1）制度落实情况" in text
    assert "主题党日" in text and "缺失 1/6" in text
    assert "第一党支部 主题党日 缺失：2026-02、2026-03、2026-04" in text
    assert "连续未参加组织生活" in text
    assert "梅党员(" in text and "最后参加 2026-01-10 5个月 提醒" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "NOPE", "--from", "2026-01-01", "--to", "2026-06-30"], "没有编码为“NOPE”的组织"),
        (["--org", "T-COM", "--from", "2026-07-01", "--to", "2026-06-30"], "晚于"),
        (
            ["--org", "T-COM", "--from", "2026-02-30", "--to", "2026-06-30"],
            "--from 应为 YYYY-MM-DD",
        ),
        (["--org", "T-COM", "--from", "2026-01-01", "--to", "june"], "--to 应为 YYYY-MM-DD"),
        (["--org", "T-COM", "--from", "2020-01-01", "--to", "2026-06-30"], "最长3年"),
    ],
)
def test_it_refuses_bad_input_clearly(cast: Cast, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
