"""Read queries for other apps (reports, lifemeetings) and for this app's pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhibu.ballots.queries import tally
from zhibu.evaluations.models import Evaluation, EvaluationEntry, Stage
from zhibu.members.models import Member
from zhibu.orgs.models import Organization, subtree_q

CONFIRMED_STAGES = (Stage.CONFIRMED, Stage.PUBLISHED)


def evaluation_for(branch_id: int, year: int) -> Evaluation | None:
    """The branch's 民主评议党员 of that year, whatever its step; None if there is none."""
    return Evaluation.objects.filter(branch_id=branch_id, year=year).first()


def confirmed_grades(branch_id: int, year: int) -> dict[int, str]:
    """Member id → grade code (``excellent``, ``qualified``, ``basically_qualified``,
    ``unqualified``) once the 支部党员大会 has confirmed the grades; {} before that (and for
    a branch without an evaluation that year). 预备党员 are not graded and are not in it."""
    rows = (
        EvaluationEntry.objects.filter(
            evaluation__branch_id=branch_id,
            evaluation__year=year,
            evaluation__stage__in=CONFIRMED_STAGES,
        )
        .exclude(grade="")
        .values_list("member_id", "grade")
    )
    return dict(rows)


def tallies(evaluation: Evaluation) -> tuple[int | None, dict[int, dict[str, int]] | None]:
    """(ballots cast, member id → {grade: votes}) from the 民主测评, under ballots' secrecy
    rules: (None, None) before the poll is over, (n, None) while there are fewer ballots than
    the poll's ``min_responses_to_show``. Counts only, through ``ballots.queries.tally``."""
    poll = evaluation.poll
    if poll is None or not poll.is_over:
        return None, None
    count, results = tally(poll)
    if results is None:
        return count, None
    return count, {
        int(r.subject): {value: n for value, _, n in r.counts}
        for r in results
        if r.subject is not None
    }


def branch_evaluations(branch: Organization) -> QuerySet[Evaluation]:
    """A branch's evaluations, newest first, each with its members counted (one query)."""
    return (
        Evaluation.objects.filter(branch=branch)
        .select_related("poll")
        .annotate(
            people=Count("entries", distinct=True),
            submitted=Count(
                "entries", filter=Q(entries__submitted_at__isnull=False), distinct=True
            ),
            excellent=Count("entries", filter=Q(entries__grade="excellent"), distinct=True),
        )
        .order_by("-year", "-pk")
    )


def excellent_members(org: Organization, year: int | None = None) -> QuerySet[EvaluationEntry]:
    """优秀党员 confirmed by the branches at and below ``org`` (one year, or every year)."""
    rows = EvaluationEntry.objects.filter(
        grade="excellent",
        evaluation__stage__in=CONFIRMED_STAGES,
        evaluation__branch_id__in=Organization.objects.filter(subtree_q(org.path)).values("pk"),
    )
    if year is not None:
        rows = rows.filter(evaluation__year=year)
    return rows.select_related("member", "evaluation__branch").order_by(
        "-evaluation__year", "evaluation__branch__path", "member__name", "pk"
    )


def excellent_years(org: Organization) -> list[int]:
    return list(
        Evaluation.objects.confirmed()
        .filter(branch_id__in=Organization.objects.filter(subtree_q(org.path)).values("pk"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def my_entries(member: Member) -> list[EvaluationEntry]:
    """The member's entries in their branch's evaluations that still concern them: not yet
    confirmed (write the 小结, vote), or confirmed and in 公示 today."""
    today = timezone.localdate()
    rows = (
        EvaluationEntry.objects.filter(member=member, evaluation__branch_id=member.branch_id)
        .select_related("evaluation__branch", "evaluation__poll")
        .order_by("-evaluation__year", "-pk")[:20]
    )
    return [e for e in rows if not e.evaluation.is_confirmed or e.evaluation.is_showing(today)]
