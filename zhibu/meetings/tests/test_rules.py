"""Attendance, voting, quorum, sign-in and QR rules (RULES.md §3), as pure functions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.meetings import rules
from zhibu.meetings.rules import Person

PEOPLE = [
    Person(1, "full", group_id=10, on_committee=True),
    Person(2, "full", group_id=10),
    Person(3, "probationary", group_id=11),
    Person(4, "activist", group_id=10),
    Person(5, "applicant"),
    Person(6, "candidate", on_committee=True),  # impossible in practice; still not a party member
    Person(7, "full", group_id=11, on_committee=True),
]


@pytest.mark.parametrize(
    ("kind", "group", "expected"),
    [
        ("branch_assembly", None, [1, 2, 3, 7]),
        ("lecture", None, [1, 2, 3, 7]),
        ("theme_day", None, [1, 2, 3, 7]),
        ("life_meeting", None, [1, 2, 3, 7]),
        ("committee_meeting", None, [1, 7]),
        ("group_meeting", 10, [1, 2]),
        ("group_meeting", 11, [3, 7]),
        ("group_meeting", None, []),
    ],
)
def test_it_derives_who_should_attend(kind: str, group: int | None, expected: list[int]) -> None:
    assert rules.expected(kind, PEOPLE, group_id=group) == expected


@pytest.mark.parametrize(
    ("category", "vote"), [("full", True), ("probationary", False), ("activist", False)]
)
def test_it_gives_the_vote_to_full_members_only(category: str, vote: bool) -> None:
    assert rules.has_vote(category) is vote


@pytest.mark.parametrize(
    ("expected", "present", "quorum"),
    [
        (10, 5, False),
        (10, 6, True),
        (9, 4, False),
        (9, 5, True),
        (1, 1, True),
        (1, 0, False),
        (0, 0, False),
        (2, 1, False),
    ],
)
def test_it_needs_strictly_more_than_half_for_an_assembly(
    expected: int, present: int, quorum: bool
) -> None:
    assert rules.assembly_quorum(voting_expected=expected, voting_present=present) is quorum


@pytest.mark.parametrize(
    ("members", "present", "quorum"),
    [(5, 2, False), (5, 3, True), (4, 2, False), (4, 3, True), (3, 2, True)],
)
def test_it_needs_more_than_half_of_the_committee(members: int, present: int, quorum: bool) -> None:
    assert rules.committee_quorum(committee_members=members, present=present) is quorum


@pytest.mark.parametrize(
    ("yes", "expected", "passes"),
    [(5, 10, False), (6, 10, True), (5, 9, True), (4, 9, False), (0, 0, False)],
)
def test_it_passes_a_resolution_on_more_than_half_of_those_who_should_attend(
    yes: int, expected: int, passes: bool
) -> None:
    assert rules.resolution_passes(yes=yes, voting_expected=expected) is passes


def test_it_counts_against_those_expected_not_those_present() -> None:
    """10 voting members should attend, 6 come, 5 vote yes: a majority of the room, not enough."""
    assert rules.assembly_quorum(voting_expected=10, voting_present=6)
    assert not rules.resolution_passes(yes=5, voting_expected=10)


@given(expected=st.integers(0, 500), present=st.integers(0, 500))
def test_it_agrees_with_the_definition_of_a_quorum(expected: int, present: int) -> None:
    present = min(present, expected)
    assert rules.assembly_quorum(voting_expected=expected, voting_present=present) == (
        expected > 0 and present > expected / 2
    )


@given(yes=st.integers(0, 500), expected=st.integers(1, 500))
def test_it_is_monotone_in_yes_votes(yes: int, expected: int) -> None:
    if rules.resolution_passes(yes=yes, voting_expected=expected):
        assert rules.resolution_passes(yes=yes + 1, voting_expected=expected)


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "written", "present", "ok"),
    [
        (3, 1, 1, 0, 5, True),
        (3, 1, 2, 0, 5, False),  # six votes from five present
        (4, 1, 1, 1, 5, True),  # a written opinion from an absent voting member counts
        (1, 0, 0, 2, 5, False),  # more written opinions than votes
        (-1, 0, 0, 0, 5, False),
    ],
)
def test_it_checks_the_vote_counts(
    yes: int, no: int, abstain: int, written: int, present: int, ok: bool
) -> None:
    check = rules.check_votes(
        yes=yes, no=no, abstain=abstain, written=written, voting_present=present,
        written_recorded=2,
    )  # fmt: skip
    assert check.ok is ok


@pytest.mark.parametrize(("written", "recorded", "ok"), [(0, 0, True), (1, 1, True), (2, 1, False)])
def test_it_accepts_no_more_written_opinions_than_the_attendance_records(
    written: int, recorded: int, ok: bool
) -> None:
    check = rules.check_votes(
        yes=3 + written, no=0, abstain=0, written=written, voting_present=3,
        written_recorded=recorded,
    )  # fmt: skip
    assert check.ok is ok
    if not ok:
        assert "出席登记" in check.problem


P, L, A = rules.PRESENT, rules.LEAVE, rules.ABSENT


def seats(
    full_present: int = 0,
    full_away: int = 0,
    probationary_present: int = 0,
    excluded: int = 0,
    written: int = 0,
) -> list[rules.Seat]:
    """Voting members present and away, probationary members present, voting members with an
    approved exclusion (away), and away voting members who sent a written opinion."""
    return (
        [rules.Seat(P, voting=True)] * full_present
        + [rules.Seat(A, voting=True)] * full_away
        + [rules.Seat(P, voting=False)] * probationary_present
        + [rules.Seat(A, voting=True, excluded=True)] * excluded
        + [rules.Seat(L, voting=True, written=True)] * written
    )


@pytest.mark.parametrize(
    ("args", "voting_expected", "voting_present", "quorum"),
    [
        ({"full_present": 5, "full_away": 5}, 10, 5, False),  # exactly half: not enough
        ({"full_present": 6, "full_away": 4}, 10, 6, True),
        # probationary members present fill the room but not the quorum
        ({"full_present": 5, "full_away": 5, "probationary_present": 4}, 10, 5, False),
        # two approved exclusions take the base from 10 to 8: 5 of 8 is over half
        ({"full_present": 5, "full_away": 3, "excluded": 2}, 8, 5, True),
        # a written opinion is a vote, not a presence: it never makes the quorum
        ({"full_present": 5, "full_away": 3, "written": 2}, 10, 5, False),
        ({}, 0, 0, False),
    ],
)
def test_it_counts_the_assembly_quorum_over_those_who_should_attend_with_a_vote(
    args: dict[str, int], voting_expected: int, voting_present: int, quorum: bool
) -> None:
    t = rules.tally(seats(**args))
    assert (t.voting_expected, t.voting_present) == (voting_expected, voting_present)
    assert rules.quorum(rules.BRANCH_ASSEMBLY, t) is quorum


@pytest.mark.parametrize(
    ("args", "yes", "passed"),
    [
        ({"full_present": 6, "full_away": 4}, 5, False),  # 5 of 10 who should attend
        ({"full_present": 6, "full_away": 4}, 6, True),
        # written opinions count as votes: 5 present + 1 written = 6 of 10
        ({"full_present": 6, "full_away": 2, "written": 2}, 6, True),
        # an exclusion lowers the base: 5 yes of 8
        ({"full_present": 6, "full_away": 2, "excluded": 2}, 5, True),
        # without a quorum nothing passes, whatever the count
        ({"full_present": 5, "full_away": 5}, 10, False),
    ],
)
def test_it_passes_a_resolution_only_with_a_quorum_and_a_majority_of_all_voters(
    args: dict[str, int], yes: int, passed: bool
) -> None:
    assert rules.resolution_outcome(rules.BRANCH_ASSEMBLY, rules.tally(seats(**args)), yes=yes) is (
        passed
    )


def test_it_decides_a_committee_meeting_by_the_whole_committee() -> None:
    five = [rules.Seat(P, voting=True)] * 3 + [rules.Seat(A, voting=True)] * 2
    t = rules.tally(five)
    assert rules.quorum(rules.COMMITTEE_MEETING, t)
    assert not rules.resolution_outcome(rules.COMMITTEE_MEETING, t, yes=2)
    assert rules.resolution_outcome(rules.COMMITTEE_MEETING, t, yes=3)
    two_of_five = rules.tally([rules.Seat(P)] * 2 + [rules.Seat(A)] * 3)
    assert not rules.quorum(rules.COMMITTEE_MEETING, two_of_five)


@pytest.mark.parametrize("kind", ["theme_day", "lecture", "group_meeting", "life_meeting"])
def test_it_has_no_quorum_or_outcome_for_kinds_that_do_not_vote(kind: str) -> None:
    t = rules.tally(seats(full_present=3))
    assert rules.quorum(kind, t) is None
    assert rules.resolution_outcome(kind, t, yes=3) is None


@given(
    present=st.integers(0, 60),
    away=st.integers(0, 60),
    probationary=st.integers(0, 20),
    excluded=st.integers(0, 5),
    written=st.integers(0, 10),
    yes=st.integers(0, 80),
)
def test_it_follows_the_definitions_for_any_attendance(
    present: int, away: int, probationary: int, excluded: int, written: int, yes: int
) -> None:
    t = rules.tally(seats(present, away, probationary, excluded, written))
    should = present + away + written  # voting members without an approved exclusion
    assert t.voting_expected == should and t.voting_present == present
    assert t.expected == present + away + probationary + excluded + written
    assert t.written == written
    assert rules.quorum(rules.BRANCH_ASSEMBLY, t) is (should > 0 and 2 * present > should)
    outcome = rules.resolution_outcome(rules.BRANCH_ASSEMBLY, t, yes=yes)
    assert outcome is (should > 0 and 2 * present > should and 2 * yes > should)


def test_it_keeps_the_attendance_snapshot_in_step_with_the_tally() -> None:
    lines = [
        rules.Line("甲", P, voting=True),
        rules.Line("乙", L, voting=True, written=True, leave_reason="出差"),
        rules.Line("丙", A, voting=True, excluded="因病无法表达意志", approval="县委组织部批复"),
        rules.Line("丁", P, voting=False),
        rules.Line("戊", P, observer=True, title="入党积极分子"),
    ]
    snap = rules.attendance_snapshot(rules.BRANCH_ASSEMBLY, lines)
    assert (snap["expected"], snap["present"], snap["leave"], snap["absent"]) == (4, 2, 1, 1)
    assert snap["present_names"] == ["甲", "丁"] and snap["absent_names"] == ["丙"]
    assert snap["leave_names"] == [{"name": "乙", "reason": "出差"}]
    assert snap["observers"] == [{"name": "戊", "title": "入党积极分子", "present": True}]
    assert (snap["voting_expected"], snap["voting_present"], snap["written"]) == (2, 1, 1)
    assert snap["excluded"][0]["approval"] == "县委组织部批复"
    assert snap["quorum"] is False  # 1 of 2 is not over half
    assert rules.tally_of(snap) == rules.tally(line.seat for line in lines if not line.observer)


FIVE = ("集中学习", "重温入党誓词", "交纳党费", "民主议事", "志愿服务")


@pytest.mark.parametrize(
    ("typed", "agenda"),
    [
        ([], [rules.FIRST_TOPIC, *FIVE]),
        ([("参观红色教育基地", False)], [*FIVE, "参观红色教育基地"]),
        (
            [("第一议题：学习讲话", True), ("交纳党费", False), ("义务植树", False)],
            [
                "第一议题：学习讲话",
                "集中学习",
                "重温入党誓词",
                "民主议事",
                "志愿服务",
                "交纳党费",
                "义务植树",
            ],
        ),  # fmt: skip
        ([(t, False) for t in reversed(FIVE)], list(reversed(FIVE))),
    ],
)
def test_it_keeps_the_five_fixed_items_of_a_theme_day(
    typed: list[tuple[str, bool]], agenda: list[str]
) -> None:
    assert [t for t, _ in rules.five_plus_x(FIVE, typed)] == agenda


def test_it_never_gives_a_vote_under_party_probation() -> None:
    assert rules.has_vote("full") and not rules.has_vote("full", suspended=True)


START = dt.datetime(2026, 11, 10, 15, 0, tzinfo=dt.UTC)
END = START + dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("minutes", "open_"),
    [(-31, False), (-30, True), (0, True), (119, True), (120, True), (121, False)],
)
def test_it_opens_sign_in_thirty_minutes_before_until_the_end(minutes: int, open_: bool) -> None:
    now = START + dt.timedelta(minutes=minutes)
    assert rules.sign_in_open(starts_at=START, ends_at=END, now=now) is open_
    assert (rules.sign_in_window_message(starts_at=START, ends_at=END, now=now) == "") is open_


KEY = b"test-key"


def test_it_accepts_a_fresh_qr_token_and_refuses_a_stale_one() -> None:
    t = rules.qr_token(key=KEY, meeting_id=7, issued=1000)
    assert rules.qr_token_valid(key=KEY, meeting_id=7, token=t, now=1000)
    assert rules.qr_token_valid(key=KEY, meeting_id=7, token=t, now=1000 + rules.QR_TOKEN_SECONDS)
    assert not rules.qr_token_valid(
        key=KEY, meeting_id=7, token=t, now=1001 + rules.QR_TOKEN_SECONDS
    )
    assert not rules.qr_token_valid(key=KEY, meeting_id=7, token=t, now=999)  # not from the future
    assert rules.QR_ROTATE_SECONDS <= rules.QR_TOKEN_SECONDS <= 2 * rules.QR_ROTATE_SECONDS


@pytest.mark.parametrize("token", ["", "abc", "1000.", ".abc", "1000.0000000000000000", "x.y"])
def test_it_refuses_a_forged_qr_token(token: str) -> None:
    assert not rules.qr_token_valid(key=KEY, meeting_id=7, token=token, now=1000)


def test_it_binds_a_qr_token_to_its_meeting_and_key() -> None:
    t = rules.qr_token(key=KEY, meeting_id=7, issued=1000)
    assert not rules.qr_token_valid(key=KEY, meeting_id=8, token=t, now=1000)
    assert not rules.qr_token_valid(key=b"other", meeting_id=7, token=t, now=1000)


def test_it_plans_a_fixed_day_every_month_clamped_to_month_end() -> None:
    dates = rules.monthly_dates(start=dt.date(2026, 1, 15), day=31, months=4)
    assert dates == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
    ]


def test_it_starts_a_monthly_plan_next_month_when_the_day_has_passed() -> None:
    assert rules.monthly_dates(start=dt.date(2026, 11, 21), day=10, months=2) == [
        dt.date(2026, 12, 10),
        dt.date(2027, 1, 10),
    ]


@given(
    start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    day=st.integers(1, 31),
    months=st.integers(1, 24),
)
def test_it_gives_one_date_per_month_never_before_the_start(
    start: dt.date, day: int, months: int
) -> None:
    dates = rules.monthly_dates(start=start, day=day, months=months)
    assert len(dates) == months and all(d >= start for d in dates)
    assert len({(d.year, d.month) for d in dates}) == months
    assert dates == sorted(dates)
