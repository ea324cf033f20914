"""Tree invariants and the structure rules of a branch (RULES.md §2), as pure functions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.orgs import rules

KINDS = ["committee", "general_branch", "branch", "group"]


@pytest.mark.parametrize(
    ("kind", "parent", "allowed"),
    [
        ("committee", None, True),
        ("committee", "committee", True),
        ("committee", "general_branch", False),
        ("committee", "branch", False),
        ("committee", "group", False),
        ("general_branch", None, False),
        ("general_branch", "committee", True),
        ("general_branch", "general_branch", True),
        ("general_branch", "branch", False),
        ("branch", None, False),
        ("branch", "committee", True),
        ("branch", "general_branch", True),
        ("branch", "branch", False),
        ("branch", "group", False),
        ("group", None, False),
        ("group", "branch", True),
        ("group", "committee", False),
        ("group", "general_branch", False),
        ("group", "group", False),
    ],
)
def test_it_places_each_kind_only_where_allowed(
    kind: str, parent: str | None, allowed: bool
) -> None:
    assert (rules.parent_error(kind, parent) is None) is allowed


def test_it_explains_a_wrong_placement() -> None:
    assert rules.parent_error("group", "committee") == "党小组只能设在党支部之下，不能设在党委之下"
    assert rules.parent_error("branch", None) == "党支部必须有上级组织"
    assert (
        rules.parent_error("committee", "branch")
        == "党委只能作为最上级组织或设在党委之下，不能设在党支部之下"
    )


def test_it_builds_paths_from_ids() -> None:
    assert rules.child_path(None, 1) == "/1/"
    assert rules.child_path("/1/7/", 42) == "/1/7/42/"
    assert rules.ancestor_ids("/1/7/42/") == [1, 7, 42]


@given(
    st.lists(st.integers(1, 10**6), min_size=1, max_size=6),
    st.lists(st.integers(1, 10**6), min_size=1, max_size=6),
)
def test_it_bounds_a_subtree_exactly(a: list[int], b: list[int]) -> None:
    """A path lies in [lo, hi) of a root exactly when it is the root or below it."""
    root = "/" + "/".join(map(str, a)) + "/"
    path = "/" + "/".join(map(str, b)) + "/"
    lo, hi = rules.subtree_bounds(root)
    assert (lo <= path < hi) == path.startswith(root)
    extended = root + "/".join(map(str, b)) + "/"
    assert lo <= extended < hi


class Tree:
    """An in-memory tree driven only by the rules functions, as the services drive the DB."""

    def __init__(self) -> None:
        self.parent: dict[int, int | None] = {}
        self.kind: dict[int, str] = {}
        self.path: dict[int, str] = {}

    def add(self, kind: str, parent: int | None) -> bool:
        if rules.parent_error(kind, self.kind[parent] if parent else None):
            return False
        pk = len(self.parent) + 1
        self.parent[pk], self.kind[pk] = parent, kind
        self.path[pk] = rules.child_path(self.path[parent] if parent else None, pk)
        return True

    def move(self, pk: int, new_parent: int | None) -> bool:
        if new_parent is not None and rules.would_cycle(self.path[pk], self.path[new_parent]):
            return False
        if rules.parent_error(self.kind[pk], self.kind[new_parent] if new_parent else None):
            return False
        old = self.path[pk]
        new = rules.child_path(self.path[new_parent] if new_parent else None, pk)
        for node, path in self.path.items():
            if path.startswith(old):
                self.path[node] = rules.rebase(path, old, new)
        self.parent[pk] = new_parent
        return True

    def expected_path(self, pk: int) -> str:
        parent = self.parent[pk]
        return (self.expected_path(parent) if parent else "/") + f"{pk}/"


ops = st.lists(
    st.tuples(
        st.sampled_from(["add", "move"]),
        st.sampled_from(KINDS),
        st.integers(0, 40),
        st.integers(0, 40),
    ),
    max_size=60,
)


@given(ops)
def test_it_keeps_every_path_equal_to_its_ancestry(
    operations: list[tuple[str, str, int, int]],
) -> None:
    tree = Tree()
    tree.add("committee", None)
    for op, kind, a, b in operations:
        nodes = list(tree.parent)
        target = nodes[a % len(nodes)] if a else None
        if op == "add":
            tree.add(kind, target)
        else:
            tree.move(nodes[b % len(nodes)], target)
    for pk in tree.parent:
        assert tree.path[pk] == tree.expected_path(pk)  # no cycles: the recursion ends
        parent = tree.parent[pk]
        assert rules.parent_error(tree.kind[pk], tree.kind[parent] if parent else None) is None


# --- structure ------------------------------------------------------------------------------

TODAY = dt.date(2026, 11, 21)


def findings(**kw: object) -> set[str]:
    base: dict[str, object] = dict(
        full_members=5,
        party_members=6,
        committee_size=1,
        term_started_on=dt.date(2025, 1, 1),
        unit_type="agency",
        today=TODAY,
    )
    base.update(kw)
    return {f.code for f in rules.structure_findings(**base)}  # type: ignore[arg-type]


@pytest.mark.parametrize(("full", "flag"), [(0, True), (2, True), (3, False), (4, False)])
def test_it_needs_three_full_members(full: int, flag: bool) -> None:
    assert ("too_few_full_members" in findings(full_members=full, party_members=full)) is flag


@pytest.mark.parametrize(("party", "flag"), [(50, False), (51, True)])
def test_it_warns_above_fifty_members(party: int, flag: bool) -> None:
    assert (
        "too_many_members" in findings(full_members=40, party_members=party, committee_size=5)
    ) is flag


@pytest.mark.parametrize(
    ("full", "size", "flag"),
    [
        (6, 0, False),
        (6, 1, False),
        (7, 1, True),
        (7, 2, True),
        (7, 3, False),
        (7, 5, False),
        (7, 7, False),
        (7, 8, True),
        (30, 9, True),
    ],
)
def test_it_wants_a_committee_of_three_to_seven_from_seven_full_members(
    full: int, size: int, flag: bool
) -> None:
    assert (
        "committee_size" in findings(full_members=full, party_members=full, committee_size=size)
    ) is flag


@pytest.mark.parametrize(
    ("unit", "started", "code"),
    [
        ("village", dt.date(2021, 11, 22), "term_expiring"),  # 5 years: ends 2026-11-22, tomorrow
        ("village", dt.date(2021, 11, 21), "term_expired"),  # ends today
        ("community", dt.date(2022, 5, 21), "term_expiring"),  # ends 2027-05-21: exactly 6 months
        ("community", dt.date(2022, 5, 22), None),  # ends 2027-05-22: more than 6 months
        ("agency", dt.date(2023, 11, 21), "term_expired"),  # 3 years
        ("school", dt.date(2024, 5, 22), None),
        ("enterprise", dt.date(2024, 5, 21), "term_expiring"),
        ("other", None, "term_unknown"),
    ],
)
def test_it_reminds_of_the_term_by_unit_type(
    unit: str, started: dt.date | None, code: str | None
) -> None:
    got = findings(unit_type=unit, term_started_on=started) & {
        "term_expiring",
        "term_expired",
        "term_unknown",
    }
    assert got == ({code} if code else set())


def test_it_cites_the_regulation_for_each_finding() -> None:
    out = rules.structure_findings(
        full_members=1,
        party_members=60,
        committee_size=0,
        term_started_on=None,
        unit_type="other",
        today=TODAY,
    )
    assert all("支部工作条例" in f.source for f in out)
    assert {f.level for f in out} <= {"danger", "warning"}
