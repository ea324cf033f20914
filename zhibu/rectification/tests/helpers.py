"""Building problems for the rectification tests (through the services, as STYLE.md asks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.conftest import Cast
from zhibu.members.models import Member
from zhibu.rectification import services
from zhibu.rectification.models import Measure, Problem, ProblemCategory, Publication, Recheck
from zhibu.rectification.services import MeasureInput


def category(name: str = "思想理论学习") -> ProblemCategory:
    return ProblemCategory.objects.get(name=name)


def member_of(user: User) -> Member:
    member = user.member
    assert member is not None
    return member


def make_problem(
    cast: Cast,
    *,
    owner: User | None = None,
    owner_kind: str = "member",
    description: str = "2026年上半年支部集中学习5次，本人缺席2次，学习笔记只记了3次。",
    measures: list[tuple[str, Member, dt.date]] | None = None,
    year: int | None = None,
    organization: Any = None,
    today: dt.date | None = None,
    **extra: Any,
) -> Problem:
    today = today or timezone.localdate()
    owner_member = member_of(owner or cast.member) if owner_kind == "member" else None
    if measures is None:
        measures = [("每月参加支部集中学习，确保不缺席，12月31日前完成学习笔记10篇。",
                     member_of(owner or cast.member), today + dt.timedelta(days=30))]  # fmt: skip
    return services.problem_create(
        actor=cast.secretary,
        organization=organization or cast.branch,
        owner_kind=owner_kind,
        owner_member=owner_member,
        source=extra.pop("source", "life_meeting"),
        category=extra.pop("category", None) or category(),
        description=description,
        year=year or today.year,
        measures=[MeasureInput(t, r, d) for t, r, d in measures],
        today=today,
        **extra,
    )


def complete_all(problem: Problem, actor: User, today: dt.date | None = None) -> None:
    for m in Measure.objects.filter(problem=problem, status="open"):
        services.measure_complete(
            actor=actor, measure=m, evidence="已按时参加全部集中学习，笔记已交支部检查。",
            done_on=today, today=today,
        )  # fmt: skip


def closed_problem(cast: Cast) -> Problem:
    problem = make_problem(cast)
    complete_all(problem, cast.member)
    return services.problem_close(actor=cast.secretary, problem=problem, note="核实无误")


def pending_recheck(cast: Cast) -> Recheck:
    problem = closed_problem(cast)
    return problem.rechecks.get()


def with_evidence(cast: Cast) -> Measure:
    problem = make_problem(cast)
    m = problem.measures.get()
    services.measure_complete(
        actor=cast.member, measure=m, evidence="已完成",
        files=[SimpleUploadedFile("笔记.txt", "学习笔记".encode(), content_type="text/plain")],
    )  # fmt: skip
    return m


def publication(cast: Cast, **kwargs: Any) -> Publication:
    problem = make_problem(cast)
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": "第一党支部问题清单公示",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=6),
    }
    values.update(kwargs)
    return services.publication_create(
        actor=cast.secretary, organization=cast.branch, problems=[problem], **values
    )
