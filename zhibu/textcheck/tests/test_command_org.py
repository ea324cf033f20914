"""`zhibu textcheck --org CODE --year YYYY`: every rule over the problems stored for a subtree."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.members.models import Member
from zhibu.rectification import services
from zhibu.rectification.models import Problem, ProblemCategory
from zhibu.rectification.services import MeasureInput

pytestmark = pytest.mark.django_db
TEXT = "理论学习不够深入，上半年缺席支部集中学习两次，学习笔记只记了三次。"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("textcheck", *args, stdout=out)
    return out.getvalue()


def problem(cast: Cast, owner: Member | None, text: str, year: int, measure: str,
            *, organization: Any = None) -> Problem:  # fmt: skip
    today = timezone.localdate()
    responsible = owner or cast.peer
    return services.problem_create(
        actor=cast.secretary,
        organization=organization or cast.branch,
        owner_kind="member" if owner else "committee",
        owner_member=owner,
        source="life_meeting",
        category=ProblemCategory.objects.filter(active=True)[0],
        description=text,
        year=year,
        measures=[MeasureInput(measure, responsible, today + dt.timedelta(days=30))],
        today=today,
    )


@pytest.fixture
def stored(cast: Cast) -> dict[str, Problem]:
    year = timezone.localdate().year
    me, secretary = cast.member.member, cast.secretary.member
    assert me is not None and secretary is not None
    return {
        "last_year": problem(cast, me, TEXT, year - 1, "每月参加集中学习。"),
        "mine": problem(cast, me, TEXT.replace("三次", "四次"), year, "确保每月参加集中学习。"),
        "copy": problem(cast, secretary, TEXT.replace("，", ","), year, "确保按时参加。"),
        "committee": problem(cast, None, "联系群众不够紧密。", year, "尽量多走访群众。"),
    }


def test_it_checks_the_problems_of_a_subtree_in_a_year(cast: Cast, stored: dict) -> None:
    year = timezone.localdate().year
    data = json.loads(run("--org", cast.committee.code, "--year", str(year), "--json"))
    ids = {name: p.pk for name, p in stored.items()}
    got = {(d["problem"], d["field"], d["rule"], d.get("other")) for d in data}
    assert got == {
        (ids["mine"], "description", "copied_across_members", ids["copy"]),
        (ids["mine"], "description", "repeated_from_last_year", ids["last_year"]),
        (ids["copy"], "description", "copied_across_members", ids["mine"]),
        (ids["committee"], "description", "generic_problem", None),
        (ids["committee"], "measure", "vague_commitment", None),
    }
    measure = next(d for d in data if d["field"] == "measure")
    assert measure["measure"] == stored["committee"].measures.get().pk
    assert (measure["start"], measure["end"], measure["text"]) == (0, 2, "尽量")
    assert list(measure) == ["rule", "problem", "field", "measure", "start", "end", "text",
                             "message"]  # fmt: skip
    # Last year's problems are compared with, not reported.
    assert ids["last_year"] not in {d["problem"] for d in data}


def test_it_prints_a_readable_report(cast: Cast, stored: dict) -> None:
    year = timezone.localdate().year
    text = run("--org", cast.branch.code, "--year", str(year))
    assert f"第一党支部（{cast.branch.code}）{year}年问题清单质检：问题 3 条，整改措施 3 条" in text
    assert f"问题 #{stored['committee'].pk} 第一党支部" in text
    assert "  措施 #" in text and "[表态不实] “尽量”（第1–2字）" in text
    assert f"（对照问题 #{stored['last_year'].pk}）" in text
    assert "发现 5 处" in text


def test_it_checks_only_the_subtree(cast: Cast, stored: dict) -> None:
    year = timezone.localdate().year
    assert json.loads(run("--org", cast.sibling.code, "--year", str(year), "--json")) == []
    assert "问题 0 条" in run("--org", cast.sibling.code, "--year", str(year))


def test_it_refuses_an_unknown_organization(cast: Cast) -> None:
    with pytest.raises(CommandError, match="没有编码为“NOPE”的组织"):
        run("--org", "NOPE", "--year", "2026")
