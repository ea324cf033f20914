"""Every 材料质检 rule over the problems stored for an organization's subtree and a year.

Used by ``zhibu textcheck --org CODE --year YYYY`` and by ``zhibu bench``. The single-text rules
run on each problem and measure; the cross-document rules compare the year's problems within
each branch (轮流分配) and each owner's against their earlier years (老问题). The earlier
problems are found with subqueries, so a whole county is a handful of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q

from zhibu.textcheck import rules
from zhibu.textcheck.similarity import Item, cross_findings


@dataclass
class Stored:
    problems: list[Any]  # this year's, in the subtree, ordered by organization then pk
    rows: list[dict[str, Any]]  # one per finding: {"problem", "field", ["measure"], …as_dict()}
    compared: int = 0  # problems the cross-document rules read (this year's and earlier ones)
    seconds: dict[str, float] = field(default_factory=dict)


def item(problem: Any) -> Item:
    if problem.owner_member_id is not None:
        owner: tuple[str, object] = ("member", problem.owner_member_id)
    else:
        owner = (problem.owner_kind, problem.organization_id)
    return Item(problem.pk, owner, problem.organization_id, problem.year, problem.description)


def problem_rows(problem: Any) -> list[dict[str, Any]]:
    """The single-text rules on one problem and its measures."""
    rows = [
        {"problem": problem.pk, "field": "description"} | f.as_dict()
        for f in rules.check_problem(problem.description)
    ]
    for measure in problem.measures.all():
        findings = rules.vague_commitment(measure.text)
        # A measure's time limit is its deadline field when it has one; the text need not
        # repeat it.
        if getattr(measure, "deadline", None) is None:
            findings += rules.missing_deadline(measure.text)
        rows.extend(
            {"problem": problem.pk, "field": "measure", "measure": measure.pk} | f.as_dict()
            for f in sorted(findings, key=lambda f: f.start)
        )
    return rows


def check_stored(org: Any, year: int, *, threshold: float | None = None) -> Stored:
    import time

    from zhibu.orgs.models import subtree_q
    from zhibu.rectification.models import Problem

    threshold = settings.TEXTCHECK_SIMILARITY if threshold is None else threshold
    began = time.perf_counter()
    this_year = Problem.objects.filter(subtree_q(org.path, "organization__"), year=year)
    problems = list(
        this_year.select_related("organization", "owner_member")
        .prefetch_related("measures")
        .order_by("organization__path", "pk")
    )
    loaded = time.perf_counter()
    rows = [row for p in problems for row in problem_rows(p)]
    single = time.perf_counter()
    # The same owners' earlier problems, wherever they were (a member may have moved branch).
    earlier = (
        Problem.objects.filter(year__lt=year)
        .filter(
            Q(
                owner_member_id__in=this_year.filter(owner_member__isnull=False).values(
                    "owner_member_id"
                )
            )
            | Q(
                owner_member__isnull=True,
                organization_id__in=this_year.filter(owner_member__isnull=True).values(
                    "organization_id"
                ),
            )
        )
        .only("pk", "year", "description", "owner_kind", "owner_member_id", "organization_id")
    )
    items = [item(p) for p in problems] + [item(p) for p in earlier]
    loaded_earlier = time.perf_counter()
    this = {p.pk for p in problems}
    for problem_id, findings in cross_findings(items, threshold).items():
        if problem_id in this:
            rows.extend(
                {"problem": problem_id, "field": "description"} | f.as_dict() for f in findings
            )
    cross = time.perf_counter()
    order = {p.pk: i for i, p in enumerate(problems)}
    rows.sort(
        key=lambda r: (
            order[r["problem"]],
            r["field"] != "description",
            r.get("measure") or 0,
            r["start"],
            r["rule"],
        )
    )
    return Stored(
        problems=problems,
        rows=rows,
        compared=len(items),
        seconds={
            "load": round(loaded - began + loaded_earlier - single, 3),
            "single_text_rules": round(single - loaded, 3),
            "copies_and_repeats": round(cross - loaded_earlier, 3),
        },
    )
