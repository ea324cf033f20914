"""Read queries for the cycle's dashboard: who is on the committee, who must talk with whom,
and the preparation checklist computed from the records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from zhibu.ballots.models import Ballot, PollState
from zhibu.lifemeetings import rules
from zhibu.lifemeetings.models import (
    Criticism,
    LifeMeeting,
    ReviewState,
    SelfReviewItem,
    Speaker,
)
from zhibu.meetings.models import AttendanceStatus
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


@dataclass
class SpeakingRow:
    member: Member
    role: str  # 书记, 委员 or ""
    attendance: str  # 出席, 请假, 缺席 or ""
    speaker: Speaker | None
    self_criticism: str
    received: int


def speaking_rows(lm: LifeMeeting) -> list[SpeakingRow]:
    """Everyone expected to speak, in order (书记, 委员, members), with what is recorded. A
    fixed number of queries whatever the branch's size."""
    day = timezone.localtime(lm.meeting.starts_at).date() if lm.meeting else None
    committee, members = committee_and_members(lm, on=day)
    roles = dict(
        Position.objects.active(day)
        .filter(organization_id=lm.branch_id, role__in=COMMITTEE_ROLES)
        .values_list("member_id", "role")
    )
    people = [(m.pk, roles.get(m.pk), m.name) for m in (*committee, *members)]
    by_id = {m.pk: m for m in (*committee, *members)}
    attendance = (
        dict(lm.meeting.attendances.filter(member__isnull=False).values_list("member_id", "status"))
        if lm.meeting
        else {}
    )
    labels = dict(AttendanceStatus.choices)
    speakers = {s.member_id: s for s in Speaker.objects.filter(life_meeting=lm)}
    own = dict(
        Criticism.objects.filter(life_meeting=lm, is_self=True).values_list("target_id", "content")
    )
    received = dict(
        Criticism.objects.filter(life_meeting=lm, is_self=False)
        .order_by()
        .values_list("target_id")
        .annotate(n=Count("pk"))
    )
    out = []
    for pid in rules.speaking_order(people):
        role = roles.get(pid)
        out.append(
            SpeakingRow(
                member=by_id[pid],
                role="" if role is None else ("书记" if role == "secretary" else "委员"),
                attendance=labels.get(attendance.get(pid, ""), ""),
                speaker=speakers.get(pid),
                self_criticism=own.get(pid, ""),
                received=received.get(pid, 0),
            )
        )
    return out


@dataclass
class FollowUpRow:
    member: Member
    items: int
    criticisms: int
    confirmed: int

    @property
    def open(self) -> int:
        return self.items + self.criticisms - self.confirmed


def follow_up_rows(lm: LifeMeeting) -> list[FollowUpRow]:
    """Per member: problems in their material, criticisms received, and how many are in the
    ledger. A fixed number of queries."""
    committee, members = committee_and_members(lm)
    items = dict(
        SelfReviewItem.objects.filter(review__life_meeting=lm)
        .order_by()
        .values_list("review__member_id")
        .annotate(n=Count("pk"))
    )
    crits = dict(
        Criticism.objects.filter(life_meeting=lm)
        .order_by()
        .values_list("target_id")
        .annotate(n=Count("pk"))
    )
    confirmed: dict[int, int] = {}
    for mid, n in (
        SelfReviewItem.objects.filter(review__life_meeting=lm, ledger_problem__isnull=False)
        .order_by()
        .values_list("review__member_id")
        .annotate(n=Count("pk"))
    ):
        confirmed[mid] = confirmed.get(mid, 0) + n
    for mid, n in (
        Criticism.objects.filter(life_meeting=lm, ledger_problem__isnull=False)
        .order_by()
        .values_list("target_id")
        .annotate(n=Count("pk"))
    ):
        confirmed[mid] = confirmed.get(mid, 0) + n
    return [
        FollowUpRow(m, items.get(m.pk, 0), crits.get(m.pk, 0), confirmed.get(m.pk, 0))
        for m in (*committee, *members)
    ]


def speech_counts(lm: LifeMeeting, total: int) -> dict[str, int]:
    """How many speakers are recorded, and how many did not speak (one query, none before
    the meeting is scheduled)."""
    if lm.meeting_id is None:
        return {"recorded": 0, "silent": 0, "total": total}
    c = Speaker.objects.filter(life_meeting=lm).aggregate(
        recorded=Count("pk"), silent=Count("pk", filter=Q(spoke=False))
    )
    return {"recorded": c["recorded"], "silent": c["silent"], "total": total}
