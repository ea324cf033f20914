"""Read queries for other apps (reports, lifemeetings) and for this app's pages."""

from __future__ import annotations

from zhibu.evaluations.models import Evaluation, EvaluationEntry


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
            evaluation__stage__in=["confirmed", "published"],
        )
        .exclude(grade="")
        .values_list("member_id", "grade")
    )
    return dict(rows)
