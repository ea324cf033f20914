"""A county's problem list for ``zhibu bench``: 100,000 problems over two years.

The texts are ``textcheck.bench``'s synthetic problems (stock openings plus one person's facts,
with copies between members and repeats from last year planted), given to the county's real
branches and party members. Like the county builder, this writes benchmark data straight
into the tables: it is not anyone's change, so it is not audited.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from zhibu.members.models import Member
from zhibu.orgs.models import Organization, OrgKind, subtree_q
from zhibu.rectification.models import Measure, Problem, ProblemCategory
from zhibu.textcheck.bench import YEARS, synthetic_items

BENCH_PROBLEMS = 100_000
CHECK_YEAR = YEARS[-1]  # the year checked; the earlier one is read for repeats


def stored_problems(root: Organization) -> int:
    return Problem.objects.filter(subtree_q(root.path, "organization__")).count()


@transaction.atomic
def seed_problems(root: Organization, n: int = BENCH_PROBLEMS, seed: int = 0) -> int:
    """Add problems under ``root`` until there are ``n``; returns how many were added."""
    have = stored_problems(root)
    if have >= n:
        return 0
    members: dict[int, list[int]] = defaultdict(list)
    rows = (
        Member.objects.current()
        .party_members()
        .filter(subtree_q(root.path, "branch__"), branch__kind=OrgKind.BRANCH)
        .order_by("branch_id", "pk")
        .values_list("branch_id", "pk")
    )
    for branch_id, member_id in rows:
        members[branch_id].append(member_id)
    branches = sorted(members)
    if not branches:
        raise ValueError("没有党支部和党员，无法生成问题清单")
    categories = list(ProblemCategory.objects.filter(active=True).values_list("pk", flat=True))
    items, _, _ = synthetic_items(n - have, seed)
    problems, measures = [], []
    for index, it in enumerate(items):
        branch = branches[int(str(it.group)) % len(branches)]
        people = members[branch]
        owner_key: tuple[str, int] = it.owner  # type: ignore[assignment]  # ("member", n) …
        member = owner_key[0] == "member"
        owner = people[owner_key[1] % len(people)] if member else people[0]
        # Last year's list is closed (销号 at the year's end); this year's measures fall due
        # month by month and seven in ten are done, so some are late, as in a real county.
        deadline = dt.date(it.year, 1 + index % 12, 28)
        closed = it.year < CHECK_YEAR
        done = closed or index % 10 < 7
        problems.append(
            Problem(
                organization_id=branch,
                owner_kind="member" if member else "committee",
                owner_member_id=owner if member else None,
                source="life_meeting",
                category_id=categories[len(it.text) % len(categories)] if member else categories[0],
                description=it.text,
                year=it.year,
                status="closed" if closed else ("rectified" if done else "open"),
                closed_on=dt.date(it.year, 12, 31) if closed else None,
            )
        )
        measures.append(
            Measure(
                responsible_id=owner,
                deadline=deadline,
                text=f"{deadline.month}月28日前完成整改，确保不再出现同类问题。",
                status="verified" if closed else ("done" if done else "open"),
                done_on=deadline if done else None,
                verified_on=dt.date(it.year, 12, 31) if closed else None,
            )
        )
    created = Problem.objects.bulk_create(problems, batch_size=2000)
    for problem, measure in zip(created, measures, strict=True):
        measure.problem_id = problem.pk
    Measure.objects.bulk_create(measures, batch_size=2000)
    return len(created)
