"""The demo's 民主评议: last year's finished, this year's in the 自评 step."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhibu.ballots.queries import tally
from zhibu.core.demo import build_demo
from zhibu.evaluations import queries
from zhibu.evaluations.models import Evaluation, Stage
from zhibu.members.models import Member

pytestmark = pytest.mark.django_db


def test_it_builds_last_year_finished_and_this_year_started() -> None:
    build_demo(meetings=False)
    year = timezone.localdate().year
    member = Member.objects.get(user__username="demo_member")
    last = Evaluation.objects.get(branch=member.branch, year=year - 1)
    assert last.stage == Stage.PUBLISHED and last.assembly is not None
    assert last.poll is not None and last.poll.is_over
    count, results = tally(last.poll)
    assert count == last.poll.voters.count() >= last.poll.min_responses_to_show
    assert results is not None
    grades = queries.confirmed_grades(member.branch_id, year - 1)
    assert grades[member.pk] == "excellent"
    assert sorted(set(grades.values())) == ["excellent", "qualified"]
    assert list(grades.values()).count("excellent") == 1
    assert last.entries.filter(submitted_at__isnull=False).count() == 2
    this = queries.evaluation_for(member.branch_id, year)
    assert this is not None and this.stage == Stage.SELF_ASSESSMENT
    assert queries.confirmed_grades(member.branch_id, year) == {}
