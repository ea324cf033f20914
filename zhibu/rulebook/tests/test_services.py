"""requirement_revise: a new version, never a rewrite; the seeded defaults."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhibu.core import audit
from zhibu.core.models import AuditEvent
from zhibu.rulebook.models import Requirement
from zhibu.rulebook.services import requirement_revise
from zhibu.rulebook.tests.helpers import requirement, seeded

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _requirements(db: Any) -> None:
    seeded()


def revise(r: Requirement, **changes: Any) -> Requirement:
    values = {"min_count": r.min_count, "period": r.period, "effective_from": D(2026, 7, 1),
              "source": r.source, "note": r.note, **changes}  # fmt: skip
    return requirement_revise(actor=None, requirement=r, **values)


def test_it_seeds_the_defaults_of_the_branch_work_regulations() -> None:
    rows = {
        (r.kind, r.applies_to, r.given_by, r.period, r.min_count, r.effective_from, r.source[-4:])
        for r in Requirement.objects.all()
    }
    act = D(2018, 10, 28)
    assert rows == {
        ("branch_assembly", "branch", "", "quarter", 1, act, "第十一条"),
        ("committee_meeting", "branch_with_committee", "", "month", 1, act, "第十二条"),
        ("group_meeting", "group", "", "month", 1, act, "第十三条"),
        ("lecture", "branch", "", "quarter", 1, act, "第十五条"),
        ("lecture", "branch", "secretary", "year", 1, act, "第十五条"),
        ("lecture", "committee", "secretary", "year", 1, act, "地方实践"),
        ("theme_day", "branch", "", "month", 1, act, "第十六条"),
        ("life_meeting", "branch", "", "year", 1, act, "第十七条"),
    }
    assert all(r.effective_to is None and r.note for r in Requirement.objects.all())


def test_it_ends_the_old_version_the_day_before_and_records_it() -> None:
    old = requirement("theme_day")
    new = revise(old, min_count=2, effective_from=D(2026, 7, 15), note="每月两次")
    old.refresh_from_db()
    assert old.effective_to == D(2026, 7, 14) and old.min_count == 1  # the rest untouched
    assert (new.replaces, new.effective_to, new.min_count, new.kind) == (old, None, 2, "theme_day")
    event = AuditEvent.objects.get(verb="requirement.revise")
    assert event.object_id == str(new.pk)
    assert event.changes["min_count"] == [1, 2]
    assert event.changes["previous_effective_to"] == [None, "2026-07-14"]
    assert audit.verify().ok


def test_it_allows_back_dating_but_not_before_the_version_it_replaces() -> None:
    old = requirement("lecture")
    back = revise(old, min_count=2, effective_from=D(2019, 1, 1))
    assert back.effective_from == D(2019, 1, 1)
    with pytest.raises(ValidationError, match="施行日期应晚于现行版本的施行日期 2019-01-01"):
        revise(back, min_count=3, effective_from=D(2019, 1, 1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_count": 0}, "每周期次数应在1到31之间"),
        ({"min_count": 32}, "每周期次数应在1到31之间"),
        ({"period": "week"}, "周期不正确"),
        ({"source": "  "}, "请写明依据"),
        ({}, "没有修改任何内容"),
        ({"period": "half_year", "effective_from": D(2026, 4, 1)}, "共同的起始日"),
    ],
)
def test_it_refuses_a_bad_revision(changes: dict[str, Any], message: str) -> None:
    old = requirement("lecture")
    with pytest.raises(ValidationError, match=message):
        revise(old, **changes)
    old.refresh_from_db()
    assert old.effective_to is None and Requirement.objects.filter(replaces=old).count() == 0


def test_it_revises_only_the_version_in_force() -> None:
    old = requirement("theme_day")
    revise(old, min_count=2)
    old.refresh_from_db()
    with pytest.raises(ValidationError, match="已被修订"):
        revise(old, min_count=3, effective_from=D(2026, 9, 1))


def test_it_changes_the_unit_where_both_periods_start() -> None:
    new = revise(requirement("lecture"), period="half_year", effective_from=D(2027, 1, 1))
    assert new.period == "half_year" and new.rule_text == "每半年至少1次"
