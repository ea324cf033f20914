"""The 组织生活会 cycle as pure functions (RULES.md §8): who must talk with whom, what the
preparation checklist says, and the order of speakers. Plain values in, plain values out; no ORM.
(The 民主评议 rules live in ``zhibu.evaluations.rules``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

# --- 谈心谈话 (RULES.md §8) ---------------------------------------------------------------------
# 委员 with each other: must; 委员 with members: wide (each member with at least one 委员);
# members with each other: encouraged (never required).

COMMITTEE_PAIR = "committee_pair"  # two 委员: this exact pair must talk
MEMBER_COVER = "member_cover"  # a member: must talk with at least one 委员 (any of them)


@dataclass(frozen=True)
class TalkNeed:
    kind: str
    people: frozenset[int]  # the pair (COMMITTEE_PAIR) or the one member (MEMBER_COVER)
    suggested: int | None = None  # for MEMBER_COVER: the 委员 proposed to talk with them


def talk_needs(committee: Sequence[int], members: Sequence[int]) -> list[TalkNeed]:
    """The talks a branch must hold before its 组织生活会.

    ``committee`` lists the 委员 in order of rank (书记 first); ``members`` the other party
    members. Every pair of 委员 must talk. Every other member must talk with at least one 委员;
    each is suggested one, shared out in turn so no 委员 carries more than one more talk than
    another. A branch without a committee (a small branch has only a 书记, or none yet) needs
    each member to talk with whoever leads it; with nobody at all, nothing can be required.
    """
    leaders = list(dict.fromkeys(committee))
    others = [m for m in dict.fromkeys(members) if m not in leaders]
    needs = [TalkNeed(COMMITTEE_PAIR, frozenset(pair)) for pair in combinations(leaders, 2)]
    if leaders:
        needs += [
            TalkNeed(MEMBER_COVER, frozenset({m}), leaders[i % len(leaders)])
            for i, m in enumerate(others)
        ]
    return needs


@dataclass
class Coverage:
    done: int
    total: int
    missing: list[TalkNeed] = field(default_factory=list)

    @property
    def text(self) -> str:
        return f"{self.done}/{self.total}"

    @property
    def complete(self) -> bool:
        return self.done == self.total


def talk_coverage(
    needs: Iterable[TalkNeed], held: Iterable[tuple[int, int]], committee: Iterable[int]
) -> Coverage:
    """How many of the needs the talks held meet. A talk is an unordered pair of people; a
    member's need is met by a talk with any 委员, not only the suggested one."""
    pairs = {frozenset(p) for p in held if p[0] != p[1]}
    leaders = set(committee)
    met_members = {
        person for pair in pairs if pair & leaders for person in pair if person not in leaders
    }
    needs = list(needs)
    missing = []
    for need in needs:
        if need.kind == COMMITTEE_PAIR:
            ok = need.people in pairs
        else:
            ok = next(iter(need.people)) in met_members
        if not ok:
            missing.append(need)
    return Coverage(done=len(needs) - len(missing), total=len(needs), missing=missing)


# --- the preparation checklist -------------------------------------------------------------------

DONE = "done"
PARTIAL = "partial"
MISSING = "missing"


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    state: str
    detail: str


def checklist(
    *,
    study_held: int,
    opinion_poll_closed: bool,
    opinions: int,
    talks: Coverage,
    reviews_accepted: int,
    reviews_submitted: int,
    reviewers: int,
) -> list[CheckItem]:
    """The four preparation steps of RULES.md §8, each computed from what was recorded."""
    items = [
        CheckItem(
            "study", "集中学习",
            DONE if study_held else MISSING,
            f"已开展{study_held}次" if study_held else "还没有集中学习的会议记录（会前必须集中学习）",
        ),
        CheckItem(
            "opinions", "征求意见",
            DONE if opinion_poll_closed and opinions else PARTIAL if opinions else MISSING,
            f"收到意见{opinions}份" + ("" if opinion_poll_closed else "，征求意见还没有结束")
            if opinions else "还没有收到意见",
        ),
        CheckItem(
            "talks", "谈心谈话",
            DONE if talks.complete else PARTIAL if talks.done else MISSING,
            f"应谈{talks.total}人次，已谈{talks.done}人次（{talks.text}）",
        ),
        CheckItem(
            "reviews", "对照检查材料",
            DONE if reviewers and reviews_accepted == reviewers
            else PARTIAL if reviews_submitted or reviews_accepted else MISSING,
            f"应交{reviewers}份，已提交{reviews_submitted}份，已审核通过{reviews_accepted}份",
        ),
    ]  # fmt: skip
    return items


def ready(items: Iterable[CheckItem]) -> bool:
    """A meeting not ready is postponed (RULES.md §8): ready when every step is done."""
    return all(i.state == DONE for i in items)


# --- order of speakers ---------------------------------------------------------------------------

ROLE_RANK = {
    "secretary": 0,
    "deputy_secretary": 1,
    "organization_officer": 2,
    "propaganda_officer": 3,
    "discipline_officer": 4,
}
OTHER_COMMITTEE_RANK = 5
MEMBER_RANK = 9


def speaking_order(people: Iterable[tuple[int, str | None, str]]) -> list[int]:
    """批评与自我批评: the 书记 first, then the other 委员 by rank, then the members.

    ``people`` are (member id, role or None, sort name); equal ranks keep name order."""

    def rank(role: str | None) -> int:
        if role is None:
            return MEMBER_RANK
        return ROLE_RANK.get(role, OTHER_COMMITTEE_RANK)

    return [pid for pid, _, _ in sorted(people, key=lambda p: (rank(p[1]), p[2], p[0]))]
