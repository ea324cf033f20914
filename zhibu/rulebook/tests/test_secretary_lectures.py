"""The secretaries' own 党课 (RULES.md §1): 党支部书记 (支部条例 第十五条) and 党委书记 (local
practice) each give ≥1 a year, counted by who held the secretary's position on the day."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from zhibu.conftest import Cast
from zhibu.meetings.services import meeting_plan
from zhibu.members.models import Member
from zhibu.orgs.models import Organization
from zhibu.orgs.services import organization_create, position_assign, position_end
from zhibu.rulebook.compliance import attach_meetings, compute, due_next
from zhibu.rulebook.models import Requirement
from zhibu.rulebook.services import requirement_revise
from zhibu.rulebook.tests.helpers import at, hold, person, requirement, seeded

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))
AFTER = D(2027, 1, 15)  # the year is over: a year without the secretary's 党课 is missing
OWN = "lecture_by_secretary"


@pytest.fixture(autouse=True)
def _requirements(db: Any) -> None:
    seeded()


def own(result: Any, code: str, key: str = OWN) -> dict[str, tuple[int, str]]:
    unit = next(u for u in result.units if u.code == code)
    r = unit.requirement(key)
    return {} if r is None else {p.label: (p.held, p.status) for p in r.periods}


def secretary(cast: Cast) -> Member:
    """第一党支部's secretary since 2024 (the cast's 石书记)."""
    return cast.secretary_position.member


def town_secretary(cast: Cast) -> Member:
    """测试镇党委's secretary since 2024, a member of 镇机关党支部 (the cast has none)."""
    m = person(cast.agency, "唐书记")
    position_assign(actor=None, member=m, organization=cast.committee, role="secretary",
                    started_on=D(2024, 1, 1))  # fmt: skip
    return m


def branch_with_secretary(
    parent: Organization, code: str, name: str
) -> tuple[Organization, Member]:
    b = organization_create(actor=None, code=code, name=name, kind="branch", parent=parent)
    m = person(b, f"{name}书记")
    position_assign(actor=None, member=m, organization=b, role="secretary",
                    started_on=D(2024, 1, 1))  # fmt: skip
    return b, m


# --- a branch: its own secretary, on the day -----------------------------------------------


@pytest.mark.parametrize(
    ("lecturer", "expected"),
    [
        (secretary, (1, "ok")),
        (lambda c: c.peer, (0, "missing")),  # another member of the branch
        (lambda c: None, (0, "missing")),  # someone from outside the system (lecturer_name)
        (town_secretary, (0, "missing")),  # the 党委书记: not the branch's secretary
    ],
    ids=["secretary", "another-member", "outside-lecturer", "committee-secretary"],
)
def test_it_counts_only_the_branchs_own_secretary(
    cast: Cast, lecturer: Callable[[Cast], Member | None], expected: tuple[int, str]
) -> None:
    hold(cast.branch, "lecture", D(2026, 5, 20), lecturer=lecturer(cast))
    result = compute(cast.committee, *YEAR, AFTER)
    assert own(result, "T-B1") == {"2026": expected}
    # Whoever gave it, it is the quarter's 党课.
    assert own(result, "T-B1", "lecture")["2026-Q2"] == (1, "ok")
    # Other branches are held to their own secretary's, not to this one.
    assert own(result, "T-B2") == {"2026": (0, "missing")}


def test_it_does_not_count_a_lecture_only_planned(cast: Cast) -> None:
    start = at(D(2026, 5, 20))
    meeting_plan(actor=None, branch=cast.branch, kind="lecture", title="党课", starts_at=start,
                 ends_at=start + dt.timedelta(hours=1), lecturer=secretary(cast),
                 send_notice=False)  # fmt: skip
    assert own(compute(cast.branch, *YEAR, AFTER), "T-B1") == {"2026": (0, "missing")}


@pytest.mark.parametrize(
    ("who", "when", "credited"),
    [
        ("old", D(2026, 5, 31), True),  # the old secretary's last day in office
        ("old", D(2026, 6, 1), False),  # the first day out: no longer the secretary
        ("new", D(2026, 5, 31), False),  # became secretary after the lecture
        ("new", D(2026, 6, 1), True),  # the first day in office
        # Half past midnight on 1 June in Beijing is still 31 May in UTC: the local day counts.
        ("new", at(D(2026, 6, 1), 0, 30), True),
        ("old", at(D(2026, 6, 1), 0, 30), False),
    ],
)
def test_it_asks_who_was_secretary_on_the_meetings_day(
    cast: Cast, who: str, when: dt.date | dt.datetime, credited: bool
) -> None:
    old, new = secretary(cast), cast.peer
    position_end(actor=None, position=cast.secretary_position, ended_on=D(2026, 6, 1))
    position_assign(actor=None, member=new, organization=cast.branch, role="secretary",
                    started_on=D(2026, 6, 1))  # fmt: skip
    meeting = hold(cast.branch, "lecture", when, lecturer=old if who == "old" else new)
    result = compute(cast.branch, *YEAR, AFTER)
    assert own(result, "T-B1") == {"2026": (1, "ok") if credited else (0, "missing")}
    # The period carries the meetings that counted, and only those.
    r = result.units[0].requirement(OWN)
    assert r is not None
    assert [m.pk for m in r.periods[0].meetings] == ([meeting.pk] if credited else [])


# --- a committee: its secretary, anywhere in its subtree -----------------------------------


@pytest.mark.parametrize(
    ("where", "by_town_secretary", "town", "there"),
    [
        ("T-B1", True, (1, "ok"), (0, "missing")),  # in a branch: not that branch's secretary
        ("T-JG", True, (1, "ok"), (0, "missing")),  # in the branch he belongs to
        ("T-Z1", True, (1, "ok"), (0, "missing")),  # under a general branch
        ("T-S1", True, (1, "ok"), (0, "missing")),  # under a committee below: ours, not theirs
        ("T-B1", False, (0, "missing"), (1, "ok")),  # the branch's own secretary: only theirs
        ("T-S1", False, (0, "missing"), (1, "ok")),
    ],
)
def test_it_credits_the_committee_with_its_secretarys_lecture_in_any_branch_below(
    cast: Cast, where: str, by_town_secretary: bool, town: tuple[int, str], there: tuple[int, str]
) -> None:
    mine = town_secretary(cast)
    general = organization_create(actor=None, code="T-ZZ", name="总支", kind="general_branch",
                                  parent=cast.committee)  # fmt: skip
    below = organization_create(actor=None, code="T-SUB", name="下级党委", kind="committee",
                                parent=cast.committee)  # fmt: skip
    branches = {"T-B1": (cast.branch, secretary(cast)), "T-JG": (cast.agency, None)}
    branches["T-Z1"] = branch_with_secretary(general, "T-Z1", "总支第一支部")
    branches["T-S1"] = branch_with_secretary(below, "T-S1", "下级第一支部")
    theirs = person(branches["T-S1"][0], "下级党委书记")
    position_assign(actor=None, member=theirs, organization=below, role="secretary",
                    started_on=D(2024, 1, 1))  # fmt: skip
    branch, branch_secretary = branches[where]
    hold(branch, "lecture", D(2026, 4, 8), lecturer=mine if by_town_secretary else branch_secretary)
    result = compute(cast.committee, *YEAR, AFTER)
    assert own(result, "T-COM") == {"2026": town}
    if where != "T-JG":
        assert own(result, where) == {"2026": there}
    assert own(result, "T-SUB") == {"2026": (0, "missing")}  # its secretary never lectured
    # The committees come first, each held only to its secretary's own 党课.
    assert [u.code for u in result.committees] == ["T-COM", "T-SUB"]
    assert [u.code for u in result.units[:2]] == ["T-COM", "T-SUB"]
    assert all(u.kinds == [OWN] for u in result.committees)
    assert all(r.label == "党委书记讲党课" for u in result.committees for r in u.requirements)
    # The board's branch rows leave them out.
    assert "T-COM" not in {row.branch.code for row in result.branch_rows()}


def test_it_leaves_out_committees_outside_the_subtree_and_on_a_branchs_page(cast: Cast) -> None:
    result = compute(cast.committee, *YEAR, AFTER)
    assert [u.code for u in result.committees] == ["T-COM"]  # not O-COM
    assert not compute(cast.branch, *YEAR, AFTER).committees
    # Before the rule took effect (the 条例's date), nothing to hold a committee to.
    assert not compute(cast.committee, D(2017, 1, 1), D(2017, 12, 31), AFTER).committees


# --- periods: due, missing, the year's edges --------------------------------------------------


@pytest.mark.parametrize(
    ("held_on", "date_to", "today", "expected"),
    [
        (None, D(2026, 11, 21), D(2026, 11, 21), (0, "due")),  # the year runs on
        (None, D(2026, 12, 30), D(2026, 12, 30), (0, "due")),  # a day to go: still time
        (None, D(2026, 12, 31), D(2027, 1, 1), (0, "missing")),  # over, and none given
        (None, D(2026, 6, 30), D(2027, 1, 1), (0, "due")),  # the range ends before the year
        (D(2026, 3, 3), D(2026, 11, 21), D(2026, 11, 21), (1, "ok")),
        (D(2026, 3, 3), D(2026, 12, 31), D(2027, 1, 1), (1, "ok")),
    ],
)
def test_it_is_due_while_the_year_runs_and_behind_once_it_ended(
    cast: Cast, held_on: dt.date | None, date_to: dt.date, today: dt.date, expected: tuple[int, str]
) -> None:
    town = town_secretary(cast)
    if held_on is not None:
        hold(cast.branch, "lecture", held_on, lecturer=secretary(cast))
        hold(cast.sibling, "lecture", held_on, lecturer=town)
    result = compute(cast.committee, D(2026, 1, 1), date_to, today)
    assert own(result, "T-B1") == own(result, "T-COM") == {"2026": expected}
    status = {"ok": "ok", "due": "due", "missing": "behind"}[expected[1]]
    committee = result.committees[0]
    assert committee.status == committee.requirement(OWN).status == status  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("when", "year"),
    [
        (at(D(2025, 12, 31), 23, 30), "2025"),
        (at(D(2026, 1, 1), 0, 10), "2026"),  # still 31 December in UTC
    ],
)
def test_it_counts_by_the_local_date_at_the_years_edge(
    cast: Cast, when: dt.datetime, year: str
) -> None:
    hold(cast.branch, "lecture", when, lecturer=secretary(cast))
    got = own(compute(cast.branch, D(2025, 1, 1), D(2026, 12, 31), AFTER), "T-B1")
    assert set(got) == {"2025", "2026"}
    assert got[year] == (1, "ok")
    assert [n for n, _ in got.values()] == [1 if y == year else 0 for y in got]


# --- the versions of the rule -----------------------------------------------------------------


@pytest.mark.parametrize(("applies_to", "code"), [("branch", "T-B1"), ("committee", "T-COM")])
def test_it_revises_the_secretary_lines_like_any_other(
    cast: Cast, applies_to: str, code: str
) -> None:
    lecturer = secretary(cast) if applies_to == "branch" else town_secretary(cast)
    old = requirement("lecture", applies_to=applies_to, given_by="secretary")
    new = requirement_revise(
        actor=None, requirement=old, min_count=2, period="year", effective_from=D(2026, 1, 1),
        source="县委组织部通知（测试）", note="每年至少2次",
    )  # fmt: skip
    old.refresh_from_db()
    assert (new.kind, new.applies_to, new.given_by, new.replaces) == (
        "lecture", applies_to, "secretary", old,
    )  # fmt: skip
    assert old.effective_to == D(2025, 12, 31)
    who = "党支部书记" if applies_to == "branch" else "党委书记"
    assert new.plain_text == f"{who}每年至少为党员讲2次党课"
    assert str(new) == f"{who}讲党课 每年至少2次"
    # The quarterly 党课 of every branch is a line of its own, untouched.
    assert requirement("lecture").effective_to is None
    for day in (D(2025, 5, 5), D(2026, 5, 5)):
        hold(cast.branch, "lecture", day, lecturer=lecturer)
    result = compute(cast.committee, D(2025, 1, 1), D(2026, 12, 31), AFTER)
    assert own(result, code) == {"2025": (1, "ok"), "2026": (1, "missing")}
    r = next(u for u in result.units if u.code == code).requirement(OWN)
    assert r is not None and [p.min_count for p in r.periods] == [1, 2]
    assert [v.pk for v in r.versions] == [old.pk, new.pk]


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "theme_day", "applies_to": "branch", "given_by": "secretary"},  # only a 党课
        {"kind": "lecture", "applies_to": "group", "given_by": "secretary"},  # no group secretary
        {"kind": "lecture", "applies_to": "committee", "given_by": ""},  # a committee: only its own
        {"kind": "lecture", "applies_to": "branch", "given_by": "anyone"},
    ],
)
def test_it_refuses_a_requirement_that_cannot_be_counted(values: dict[str, str]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.create(period="year", effective_from=D(2030, 1, 1), source="测试",
                                   **values)  # fmt: skip


def test_it_seeds_both_lines_with_their_sources() -> None:
    branch = requirement("lecture", applies_to="branch", given_by="secretary")
    town = requirement("lecture", applies_to="committee", given_by="secretary")
    assert branch.plain_text == "党支部书记每年至少为党员讲1次党课"
    assert branch.source == "《中国共产党支部工作条例（试行）》第十五条"
    assert town.plain_text == "党委书记每年至少为党员讲1次党课"
    assert "地方实践" in town.source and "党委书记" in town.note
    assert branch.effective_from == town.effective_from == D(2018, 10, 28)


# --- the secretary's page, the board, the command ----------------------------------------------


def test_it_tells_the_branch_its_secretary_still_owes_a_lecture(cast: Cast) -> None:
    today = D(2026, 11, 21)
    texts = [i.text for i in due_next(cast.branch, today)]
    assert "本年度党支部书记还未讲党课（截至12月31日）" in texts
    assert "本季度党课还未组织（截至12月31日）" in texts
    hold(cast.branch, "lecture", D(2026, 3, 3), lecturer=secretary(cast))
    texts = [i.text for i in due_next(cast.branch, today)]
    assert not any("书记" in t for t in texts)
    assert "本季度党课还未组织（截至12月31日）" in texts  # Q4's is still to give


def test_it_shows_the_committee_its_own_row_and_the_branches_their_column(
    cast: Cast, client_as: Any
) -> None:
    town = town_secretary(cast)
    given = hold(cast.branch, "lecture", D(2026, 4, 8), lecturer=town, title="镇党委书记讲党课")
    client = client_as("committee_officer")
    page = client.get(
        reverse("rulebook:compliance", args=["T-COM"]), {"from": "2026-01-01", "to": "2026-06-30"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="col">书记讲党课</th>' in html  # the branches' column
    assert "#lecture_by_secretary" in html
    committees = html.split('id="committees"', 1)[1].split("</section>", 1)[0]
    assert "党委书记讲党课" in committees and "测试镇党委" in committees
    assert "党委书记每年至少为党员讲1次党课" in committees
    assert "正常" in committees and "2026年" in committees
    assert reverse("meetings:detail", args=[given.pk]) in committees
    # Counted once: the committees are not branches.
    assert "第一党支部" not in committees


def test_it_lists_on_the_branchs_page_only_the_secretarys_own_lectures(
    cast: Cast, client_as: Any
) -> None:
    mine = hold(cast.branch, "lecture", D(2026, 2, 2), lecturer=secretary(cast), title="书记的党课")
    other = hold(cast.branch, "lecture", D(2026, 5, 5), lecturer=cast.peer, title="同志的党课")
    result = compute(cast.branch, *YEAR, D(2026, 11, 21))
    attach_meetings(result)
    b1 = result.units[0]
    assert [m.pk for p in b1.requirement(OWN).periods for m in p.meetings] == [mine.pk]  # type: ignore[union-attr]
    assert {m.pk for p in b1.requirement("lecture").periods for m in p.meetings} == {  # type: ignore[union-attr]
        mine.pk,
        other.pk,
    }
    html = client_as("secretary").get(reverse("rulebook:compliance", args=["T-B1"])).content
    section = html.decode().split('id="lecture_by_secretary"', 1)[1].split("</section>", 1)[0]
    assert "党支部书记讲党课" in section and "书记的党课" in section and "同志的党课" not in section
    assert "开课当天在任的党支部书记本人" in section


def test_it_puts_the_committee_in_the_commands_json_and_table(cast: Cast) -> None:
    hold(cast.branch, "lecture", D(2025, 6, 6), lecturer=town_secretary(cast))
    args = ["--org", "T-COM", "--from", "2025-01-01", "--to", "2025-12-31", "--today", "2026-11-21"]
    out = io.StringIO()
    call_command("compliance", *args, "--json", stdout=out)
    data = json.loads(out.getvalue())
    town = next(u for u in data["units"] if u["code"] == "T-COM")
    assert set(town) >= {"code", "name", "kind", "status", "requirements"}
    assert (town["kind"], town["status"]) == ("committee", "ok")
    (r,) = town["requirements"]
    assert (r["key"], r["required"], r["held"], r["missing"], r["periods"][0]["period"]) == (
        OWN, 1, 1, [], "2025",
    )  # fmt: skip
    b1 = next(u for u in data["units"] if u["code"] == "T-B1")
    mine = next(r for r in b1["requirements"] if r["key"] == OWN)
    assert (mine["kind"], mine["given_by"], mine["missing"]) == ("lecture", "secretary", ["2025"])
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    text = out.getvalue()
    assert "书记讲党课" in text
    assert "第一党支部 党支部书记讲党课 缺失：2025" in text
    assert "测试镇党委 党委书记讲党课" not in text  # given: nothing missing


# --- a fixed number of queries -----------------------------------------------------------------


def test_it_keeps_a_fixed_number_of_queries(cast: Cast, django_assert_num_queries: Any) -> None:
    hold(cast.branch, "lecture", D(2026, 2, 2), lecturer=secretary(cast))
    # Requirements, units, held counts, positions, the secretaries' 党课, flagged members and
    # the number of party members.
    with django_assert_num_queries(7):
        small = compute(cast.committee, *YEAR, AFTER)
    town = town_secretary(cast)
    for c in range(2):
        below = organization_create(actor=None, code=f"T-C{c}", name=f"下级党委{c}",
                                    kind="committee", parent=cast.committee)  # fmt: skip
        general = organization_create(actor=None, code=f"T-C{c}Z", name="总支",
                                      kind="general_branch", parent=below)  # fmt: skip
        for i in range(3):
            b, m = branch_with_secretary(general, f"T-C{c}B{i}", f"第{c}{i}支部")
            hold(b, "lecture", D(2026, 3, 1 + i), lecturer=m)
            hold(b, "lecture", D(2026, 9, 1 + i), lecturer=town)
            if i == 0:
                theirs = person(b, f"下级党委{c}书记")
                position_assign(actor=None, member=theirs, organization=below,
                                role="secretary", started_on=D(2024, 1, 1))  # fmt: skip
                hold(b, "lecture", D(2026, 10, 10), lecturer=theirs)
    with django_assert_num_queries(7):
        large = compute(cast.committee, *YEAR, AFTER)
    assert len(large.units) == len(small.units) + 2 + 6
    assert all(u.status == "ok" for u in large.committees)
    assert own(large, "T-COM") == {"2026": (6, "ok")}
    with django_assert_num_queries(7):
        compute(cast.committee, D(2024, 1, 1), D(2026, 11, 21), AFTER)  # three years
    with django_assert_num_queries(7):
        due_next(cast.branch, D(2026, 11, 21))
    # A range where no requirement counts the secretary's own: no query for their 党课.
    with django_assert_num_queries(6):
        compute(cast.committee, D(2017, 1, 1), D(2017, 12, 31), AFTER)
