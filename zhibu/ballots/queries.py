"""Read queries for the ballot pages: an organization's polls, a member's polls, turnout and the
tally. Each costs the same number of queries whatever the number of rows (pinned in tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.views.decorators.debug import sensitive_variables

from zhibu.ballots import rules
from zhibu.ballots.models import Ballot, PaperCode, Poll, PollState, PollVoter, VoteReceipt
from zhibu.members.models import Member
from zhibu.orgs.models import Organization


def org_polls(org: Organization) -> QuerySet[Poll]:
    """The organization's own polls, newest first, with their eligible voters counted."""
    return (
        Poll.objects.filter(organization=org)
        .annotate(voter_count=Count("voters", distinct=True))
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class MyPoll:
    poll: Poll
    voted: bool


def my_polls(member: Member) -> tuple[list[MyPoll], list[MyPoll]]:
    """(polls I can vote in now or soon, polls that are over) — the ones I am a voter of."""
    voted = VoteReceipt.objects.filter(poll=OuterRef("pk"), voter=member)
    rows = list(
        Poll.objects.filter(
            Exists(PollVoter.objects.filter(poll=OuterRef("pk"), member=member)),
            ~Q(state=PollState.DRAFT),
        )
        .annotate(voted=Exists(voted))
        .select_related("organization")
        .order_by("-opened_at", "-pk")[:100]
    )
    current = [MyPoll(p, p.voted) for p in rows if p.is_open]  # type: ignore[attr-defined]
    over = [MyPoll(p, p.voted) for p in rows if not p.is_open]  # type: ignore[attr-defined]
    return current, over


@dataclass(frozen=True)
class Turnout:
    voters: int
    voted: int
    codes_issued: int
    codes_used: int
    rows: list[tuple[Member, dt.date | None]]  # every eligible voter, with the day they voted

    @property
    def voted_rows(self) -> list[tuple[Member, dt.date]]:
        return [(m, day) for m, day in self.rows if day is not None]

    @property
    def missing(self) -> list[Member]:
        return [m for m, day in self.rows if day is None]


def turnout(poll: Poll) -> Turnout:
    """Who voted (never what), for the organizers once the poll is over."""
    days = dict(VoteReceipt.objects.filter(poll=poll).values_list("voter_id", "day"))
    members = [
        pv.member
        for pv in PollVoter.objects.filter(poll=poll)
        .select_related("member")
        .order_by("member__name", "member__pk")
    ]
    issued, used = code_counts(poll)
    return Turnout(
        voters=len(members), voted=len(days), codes_issued=issued, codes_used=used,
        rows=[(m, days.get(m.pk)) for m in members],
    )  # fmt: skip


def code_counts(poll: Poll) -> tuple[int, int]:
    """(paper codes issued, used)."""
    codes = PaperCode.objects.filter(poll=poll).aggregate(
        issued=Count("pk"), used=Count("pk", filter=Q(used=True))
    )
    return codes["issued"], codes["used"]


@sensitive_variables()
def tally(poll: Poll) -> tuple[int, list[rules.QuestionResult] | None]:
    """(number of ballots, results) — the results are None while there are too few ballots to
    show them without identifying anyone."""
    contents = list(Ballot.objects.filter(poll=poll).values_list("content", flat=True))
    if not rules.results_visible(len(contents), poll.min_responses_to_show):
        return len(contents), None
    return len(contents), rules.tally(poll.questions, contents)


@sensitive_variables()
def my_ballot(poll: Poll, voter: Member, token: str | None) -> dict[str, str] | None:
    """The voter's own ballot, found through the change token in their cookie (and only so),
    to be changed while the poll is open and allows it."""
    if not token or not poll.allow_change or not poll.is_open:
        return None
    content = (
        Ballot.objects.filter(poll=poll, change_hash=rules.change_hash(token, voter.pk))
        .values_list("content", flat=True)
        .first()
    )
    return dict(content) if isinstance(content, dict) else None
