"""Read queries for the cycle's dashboard: who is on the committee, who must talk with whom,
and the preparation checklist computed from the records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from zhibu.ballots.models import Ballot, PollState
from zhibu.lifemeetings import rules
from zhibu.lifemeetings.models import LifeMeeting, ReviewState
from zhibu.members.models import Member
from zhibu.orgs.models import COMMITTEE_ROLES, Position


@dataclass
class Preparation:
    committee: list[Member]
    members: list[Member]
    needs: list[rules.TalkNeed]
    coverage: rules.Coverage
    items: list[rules.CheckItem]
    names: dict[int, str]

    @property
    def ready(self) -> bool:
        return rules.ready(self.items)

    def missing_talks(self) -> list[str]:
        """The talks still to hold, in words (张三—李四; 王五（建议与张三谈）)."""
        out = []
        for need in self.coverage.missing:
            ids = sorted(need.people)
            if need.kind == rules.COMMITTEE_PAIR:
                out.append("—".join(self.names.get(i, "?") for i in ids))
            else:
                suggested = self.names.get(need.suggested or 0, "委员")
                out.append(f"{self.names.get(ids[0], '?')}（建议与{suggested}谈）")
        return out

    def missing_by_leader(self) -> list[tuple[str, list[str]]]:
        """The same, grouped as a secretary plans them: the 委员 pairs first, then for each
        委员 the members suggested to talk with them."""
        pairs: list[str] = []
        groups: dict[int, list[str]] = {}
        for need in self.coverage.missing:
            ids = sorted(need.people)
            if need.kind == rules.COMMITTEE_PAIR:
                pairs.append("—".join(self.names.get(i, "?") for i in ids))
            else:
                groups.setdefault(need.suggested or 0, []).append(self.names.get(ids[0], "?"))
        out = [("委员之间", pairs)] if pairs else []
        for leader in self.committee:
            if leader.pk in groups:
                out.append((f"与{leader.name}谈", groups[leader.pk]))
        return out


def committee_and_members(
    lm: LifeMeeting, on: dt.date | None = None
) -> tuple[list[Member], list[Member]]:
    """The branch's 委员 (书记 first, by rank) and its other current party members."""
    on = on or timezone.localdate()
    positions = (
        Position.objects.active(on)
        .filter(organization_id=lm.branch_id, role__in=COMMITTEE_ROLES)
        .select_related("member")
    )
    by_rank = sorted(positions, key=lambda p: (rules.ROLE_RANK.get(p.role, 5), p.member.name))
    committee = list({p.member_id: p.member for p in by_rank}.values())
    ids = {m.pk for m in committee}
    members = [
        m
        for m in Member.objects.current()
        .party_members()
        .filter(branch_id=lm.branch_id)
        .order_by("name", "pk")
        if m.pk not in ids
    ]
    return committee, members


def preparation(lm: LifeMeeting) -> Preparation:
    committee, members = committee_and_members(lm)
    needs = rules.talk_needs([m.pk for m in committee], [m.pk for m in members])
    held = list(lm.talks.values_list("first_id", "second_id"))
    coverage = rules.talk_coverage(needs, held, [m.pk for m in committee])
    poll = lm.opinion_poll
    states = dict(lm.reviews.order_by().values_list("state").annotate(n=Count("pk")))
    items = rules.checklist(
        study_held=lm.study_meetings.count(),
        opinion_poll_closed=poll is not None
        and poll.state in (PollState.CLOSED, PollState.PUBLISHED),
        # Counting ballots says nothing about who cast them.
        opinions=Ballot.objects.filter(poll=poll).count() if poll is not None else 0,
        talks=coverage,
        reviews_accepted=states.get(ReviewState.ACCEPTED, 0),
        reviews_submitted=states.get(ReviewState.SUBMITTED, 0)
        + states.get(ReviewState.ACCEPTED, 0),
        reviewers=len(committee) + len(members),
    )
    names = {m.pk: m.name for m in (*committee, *members)}
    return Preparation(committee, members, needs, coverage, items, names)
