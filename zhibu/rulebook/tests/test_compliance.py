"""Compliance over the cast's tree, with meetings held through the meetings services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhibu.conftest import Cast
from zhibu.meetings.models import Attendance
from zhibu.meetings.services import makeup_complete
from zhibu.orgs.services import organization_close, organization_create, position_end
from zhibu.rulebook.compliance import compute, due_next, member_life
from zhibu.rulebook.services import requirement_revise
from zhibu.rulebook.tests.helpers import (
    at,
    give_committee,
    hold,
    person,
    requirement,
    seeded,
)

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 11, 21)


@pytest.fixture(autouse=True)
def _requirements(db: Any) -> None:
    seeded()


def unit(result: Any, code: str) -> Any:
    return next(u for u in result.units if u.code == code)


def periods(result: Any, code: str, kind: str) -> dict[str, tuple[int, str]]:
    r = unit(result, code).requirement(kind)
    return {} if r is None else {p.label: (p.held, p.status) for p in r.periods}


def test_it_counts_by_local_date_at_month_quarter_and_year_edges(cast: Cast) -> None:
    b = cast.branch
    hold(b, "theme_day", at(D(2026, 1, 31), 23, 30))  # still January in Beijing
    hold(b, "theme_day", at(D(2026, 4, 1), 0, 10))  # 31 March in UTC, April here
    hold(b, "branch_assembly", at(D(2026, 3, 31), 23, 0))  # the last hour of Q1
    hold(b, "life_meeting", D(2025, 12, 31))  # last year's, not this year's
    result = compute(cast.committee, D(2026, 1, 1), D(2026, 6, 30), TODAY)
    assert periods(result, "T-B1", "theme_day") == {
        "2026-01": (1, "ok"),
        "2026-02": (0, "missing"),
        "2026-03": (0, "missing"),
        "2026-04": (1, "ok"),
        "2026-05": (0, "missing"),
        "2026-06": (0, "missing"),
    }
    assert periods(result, "T-B1", "branch_assembly") == {
        "2026-Q1": (1, "ok"),
        "2026-Q2": (0, "missing"),
    }
    assert periods(result, "T-B1", "life_meeting") == {"2026": (0, "due")}  # the year runs on
    last_year = compute(cast.committee, D(2025, 1, 1), D(2025, 12, 31), TODAY)
    assert periods(last_year, "T-B1", "life_meeting") == {"2025": (1, "ok")}


def test_it_counts_whole_periods_that_overlap_the_range(cast: Cast) -> None:
    hold(cast.branch, "lecture", D(2026, 1, 5))
    result = compute(cast.branch, D(2026, 2, 15), D(2026, 5, 10), TODAY)
    # Q1 began before the range; its January lecture counts. Q2 ends after the range: due.
    assert periods(result, "T-B1", "lecture") == {"2026-Q1": (1, "ok"), "2026-Q2": (0, "due")}
    assert list(periods(result, "T-B1", "theme_day")) == [
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    assert periods(result, "T-B1", "theme_day")["2026-05"] == (0, "due")


def test_it_marks_running_periods_due_not_missing(cast: Cast) -> None:
    result = compute(cast.branch, D(2026, 1, 1), D(2026, 12, 31), TODAY)
    theme = periods(result, "T-B1", "theme_day")
    assert theme["2026-10"] == (0, "missing")
    assert theme["2026-11"] == (0, "due") and theme["2026-12"] == (0, "due")
    r = unit(result, "T-B1").requirement("theme_day")
    assert (r.required, r.held, len(r.missing), r.due, r.status) == (
        12,
        0,
        10,
        ["2026-11", "2026-12"],
        "behind",
    )


def test_it_judges_a_requirement_changed_mid_year_by_the_rule_of_each_period(
    cast: Cast,
) -> None:
    # 主题党日 twice a month from 15 April: March needs 1; April (ends 30 April) needs 2.
    requirement_revise(
        actor=None, requirement=requirement("theme_day"), min_count=2, period="month",
        effective_from=D(2026, 4, 15), source="县委组织部通知", note="",
    )  # fmt: skip
    for day in (D(2026, 3, 10), D(2026, 4, 10), D(2026, 5, 10), D(2026, 5, 20)):
        hold(cast.branch, "theme_day", day)
    result = compute(cast.branch, D(2026, 3, 1), D(2026, 5, 31), TODAY)
    r = unit(result, "T-B1").requirement("theme_day")
    assert [(p.label, p.min_count, p.held, p.status) for p in r.periods] == [
        ("2026-03", 1, 1, "ok"),
        ("2026-04", 2, 1, "missing"),
        ("2026-05", 2, 2, "ok"),
    ]
    assert len(r.versions) == 2
    # The past is judged as it was: last year still needs one a month.
    assert periods(compute(cast.branch, D(2025, 12, 1), D(2025, 12, 31), TODAY), "T-B1",
                   "theme_day") == {"2025-12": (0, "missing")}  # fmt: skip


def test_it_moves_lectures_to_half_years_without_a_gap_or_a_double_count(cast: Cast) -> None:
    requirement_revise(
        actor=None, requirement=requirement("lecture"), min_count=1, period="half_year",
        effective_from=D(2026, 7, 1), source="党课每半年1次", note="",
    )  # fmt: skip
    hold(cast.branch, "lecture", D(2026, 2, 1))
    hold(cast.branch, "lecture", D(2026, 8, 1))
    result = compute(cast.branch, D(2026, 1, 1), D(2026, 12, 31), TODAY)
    assert periods(result, "T-B1", "lecture") == {
        "2026-Q1": (1, "ok"),
        "2026-Q2": (0, "missing"),
        "2026-H2": (1, "ok"),
    }


def test_it_holds_each_group_to_its_own_group_meetings(cast: Cast) -> None:
    g2 = organization_create(
        actor=None, code="T-G2", name="第二党小组", kind="group", parent=cast.branch
    )
    hold(cast.branch, "group_meeting", D(2026, 1, 12), group=cast.group)
    hold(cast.branch, "theme_day", D(2026, 1, 10))  # the branch's, never a group's
    result = compute(cast.committee, D(2026, 1, 1), D(2026, 2, 28), TODAY)
    assert periods(result, "T-G1", "group_meeting") == {
        "2026-01": (1, "ok"),
        "2026-02": (0, "missing"),
    }
    assert periods(result, "T-G2", "group_meeting") == {
        "2026-01": (0, "missing"),
        "2026-02": (0, "missing"),
    }
    assert unit(result, "T-G1").kinds == ["group_meeting"]
    assert "group_meeting" not in unit(result, "T-B1").kinds
    assert periods(result, "T-B1", "theme_day")["2026-01"] == (1, "ok")
    # The board sums a branch's groups in one cell.
    row = next(r for r in result.branch_rows() if r.branch.code == "T-B1")
    cell = next(c for c in row.cells if c.kind == "group_meeting")
    assert (cell.required, cell.held, cell.missing, cell.status) == (4, 1, 3, "behind")
    assert [g.code for g in row.groups] == ["T-G1", "T-G2"]
    # A group's own page holds only the group.
    assert [u.code for u in compute(g2, D(2026, 1, 1), D(2026, 1, 31), TODAY).units] == ["T-G2"]


def test_it_requires_committee_meetings_only_of_branches_with_a_committee(cast: Cast) -> None:
    # 第一党支部 has only a secretary: no 支委会 requirement.
    result = compute(cast.committee, D(2026, 1, 1), D(2026, 6, 30), TODAY)
    assert "committee_meeting" not in unit(result, "T-B1").kinds
    assert "committee_meeting" not in result.as_json()["units"][1]["requirements"]
    # Two more committee members from 15 March: three on 31 March, so March onwards.
    members = give_committee(cast.branch, 2, D(2026, 3, 15))
    hold(cast.branch, "committee_meeting", D(2026, 3, 20))
    result = compute(cast.committee, D(2026, 1, 1), D(2026, 6, 30), TODAY)
    assert periods(result, "T-B1", "committee_meeting") == {
        "2026-03": (1, "ok"),
        "2026-04": (0, "missing"),
        "2026-05": (0, "missing"),
        "2026-06": (0, "missing"),
    }
    # One leaves on 1 May (the first day out): April still has three, May does not.
    position_end(actor=None, position=members[0].positions.get(), ended_on=D(2026, 5, 1))
    result = compute(cast.committee, D(2026, 1, 1), D(2026, 6, 30), TODAY)
    assert list(periods(result, "T-B1", "committee_meeting")) == ["2026-03", "2026-04"]


def test_it_lists_units_open_during_the_range_and_their_periods_while_open(cast: Cast) -> None:
    gone = organization_create(
        actor=None, code="T-OLD", name="旧党支部", kind="branch", parent=cast.committee
    )
    organization_close(actor=None, organization=gone, closed_on=D(2026, 5, 15))
    result = compute(cast.committee, D(2026, 1, 1), D(2026, 6, 30), TODAY)
    # Closed on 15 May: May's last day is after it, so May and June are not required.
    assert list(periods(result, "T-OLD", "theme_day")) == [f"2026-0{m}" for m in range(1, 5)]
    later = compute(cast.committee, D(2026, 6, 1), D(2026, 6, 30), TODAY)
    assert "T-OLD" not in [u.code for u in later.units]
    # The committee first (held to its secretary's own 党课), then by code.
    assert [u.code for u in result.units] == ["T-COM", "T-B1", "T-G1", "T-B2", "T-JG", "T-OLD"]
    assert "O-B1" not in {u.code for u in result.units}


def test_it_applies_the_six_month_rule_at_2_3_5_6_months(cast: Cast) -> None:
    b = cast.branch
    two, three, five, six = (person(b, n) for n in ("两个月", "三个月", "五个月", "六个月"))
    made_up = person(b, "补学者")
    newcomer = person(b, "新转入", in_branch_since=D(2026, 5, 1))
    hold(b, "theme_day", D(2025, 12, 21), present=[six])
    hold(b, "theme_day", D(2026, 1, 21), present=[five])
    hold(b, "theme_day", D(2026, 3, 21), present=[three])
    hold(b, "theme_day", D(2026, 4, 21), present=[two])
    missed = hold(b, "theme_day", D(2026, 5, 21), present=[])
    makeup_complete(
        actor=None, attendance=Attendance.objects.get(meeting=missed, member=made_up),
        on=D(2026, 6, 1), how="自学会议记录",
    )  # fmt: skip
    result = compute(b, D(2026, 1, 1), D(2026, 6, 21), TODAY)
    flagged = {m.name: (m.months_without_life, m.level) for m in result.members}
    assert flagged["三个月"] == (3, "warning")
    assert flagged["五个月"] == (5, "warning")
    assert flagged["六个月"] == (6, "critical")
    assert "两个月" not in flagged and "补学者" not in flagged and "新转入" not in flagged
    assert newcomer.in_branch_since == D(2026, 5, 1)
    # The cast's members never took part: counted from joining the branch, long ago.
    assert flagged["梅党员"][1] == "critical"
    assert "艾积极" not in flagged  # activists are not held to it
    assert [m.months_without_life for m in result.members] == sorted(
        (m.months_without_life for m in result.members), reverse=True
    )
    # The member's own page says the same, counted to the day asked.
    life = member_life(five, D(2026, 6, 21))
    assert (life.last_participation, life.months_without_life, life.level) == (
        D(2026, 1, 21),
        5,
        "warning",
    )
    assert member_life(two, D(2026, 6, 21)).level == "ok"


def test_it_counts_the_six_months_to_today_when_the_range_runs_on(cast: Cast) -> None:
    three = person(cast.branch, "三个月")
    hold(cast.branch, "theme_day", D(2026, 8, 21), present=[three])
    result = compute(cast.branch, D(2026, 1, 1), D(2026, 12, 31), TODAY)
    assert result.life_end == TODAY
    assert {m.name: m.months_without_life for m in result.members}["三个月"] == 3


def test_it_runs_in_a_fixed_number_of_queries(cast: Cast, django_assert_num_queries: Any) -> None:
    hold(cast.branch, "theme_day", D(2026, 1, 10))
    # Requirements, units, held counts, positions, the secretaries' 党课, flagged members and
    # the number of party members.
    with django_assert_num_queries(7):
        small = compute(cast.committee, D(2026, 1, 1), D(2026, 6, 30), TODAY)
    # A larger tree: a general branch with branches, groups, committees, members, meetings.
    general = organization_create(
        actor=None, code="T-ZZ", name="总支", kind="general_branch", parent=cast.committee
    )
    for i in range(4):
        b = organization_create(
            actor=None, code=f"T-Z{i}", name=f"总支第{i}支部", kind="branch", parent=general
        )
        organization_create(actor=None, code=f"T-Z{i}G", name="党小组", kind="group", parent=b)
        give_committee(b, 3, D(2025, 1, 1))
        hold(b, "committee_meeting", D(2026, 2, 3))
        hold(b, "theme_day", D(2026, 2, 10))
    with django_assert_num_queries(7):
        large = compute(cast.committee, D(2026, 1, 1), D(2026, 6, 30), TODAY)
    assert len(large.units) == len(small.units) + 8
    with django_assert_num_queries(7):
        compute(cast.committee, D(2024, 1, 1), D(2026, 11, 21), TODAY)  # three years


def test_it_lists_what_the_branch_must_still_hold(cast: Cast) -> None:
    hold(cast.branch, "theme_day", D(2026, 11, 10))
    items = due_next(cast.branch, TODAY)
    texts = [i.text for i in items]
    assert "第一党小组：本月党小组会还未召开（截至11月30日）" in texts
    assert "本季度支部党员大会还未召开（截至12月31日）" in texts
    assert "本季度党课还未组织（截至12月31日）" in texts
    assert "本年度组织生活会还未召开（截至12月31日）" in texts
    assert not any("主题党日" in t for t in texts)  # held on the 10th
    assert [i.deadline for i in items] == sorted(i.deadline for i in items)
    assert items[0].days_left == 9


def test_it_summarizes_the_subtree_by_month(cast: Cast) -> None:
    hold(cast.branch, "theme_day", D(2026, 1, 10))
    result = compute(cast.committee, D(2026, 1, 1), D(2026, 3, 31), TODAY)
    months = result.by_month()
    assert [m.month for m in months] == ["2026-01", "2026-02", "2026-03"]
    january = months[0]
    # 主题党日 of three branches + 党小组会 of one group end in January; one was held.
    assert (january.ok, january.missing, january.due) == (1, 3, 0)
    assert january.rate == 25
    march = months[2]
    # March also closes Q1 (党员大会, 党课 of three branches); the year runs on: the
    # 组织生活会 and the 书记讲党课 of three branches and the committee's 书记讲党课 are due.
    assert march.missing == 4 + 6 and march.due == 3 + 3 + 1
    assert result.chart_data()["labels"] == ["2026-01", "2026-02", "2026-03"]


def test_it_refuses_a_range_that_ends_before_it_starts(cast: Cast) -> None:
    with pytest.raises(ValueError):
        compute(cast.branch, D(2026, 2, 1), D(2026, 1, 1), TODAY)


def test_it_leaves_the_garbage_collector_as_it_found_it(cast: Cast) -> None:
    import gc

    assert gc.isenabled()
    compute(cast.committee, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert gc.isenabled()
    gc.disable()
    try:
        compute(cast.committee, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
        assert not gc.isenabled()
    finally:
        gc.enable()
