"""Every write to the rulebook. A requirement is never rewritten: a change is a new version."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from zhibu.accounts.models import User
from zhibu.core import audit
from zhibu.rulebook import rules
from zhibu.rulebook.models import PeriodUnit, Requirement


@transaction.atomic
def requirement_revise(
    *,
    actor: User | None,
    requirement: Requirement,
    min_count: int,
    period: str,
    effective_from: dt.date,
    source: str,
    note: str = "",
) -> Requirement:
    """A new version of ``requirement`` from ``effective_from``; the old one ends the day before.

    Back-dating is allowed (a notice may arrive after the date it takes effect), but not to or
    before the start of the version being replaced: the past of older versions stays as it was.
    """
    old = Requirement.objects.select_for_update().get(pk=requirement.pk)
    errors: dict[str, str] = {}
    if old.effective_to is not None:
        raise ValidationError({"effective_from": "这一版本已被修订，请修订现行的版本"})
    if period not in PeriodUnit.values:
        errors["period"] = "周期不正确"
    if not 1 <= min_count <= 31:
        errors["min_count"] = "每周期次数应在1到31之间"
    if effective_from <= old.effective_from:
        errors["effective_from"] = (
            f"施行日期应晚于现行版本的施行日期 {old.effective_from.isoformat()}"
        )
    elif period in PeriodUnit.values and not rules.unit_change_allowed(
        old.period, period, effective_from
    ):
        errors["effective_from"] = (
            "改变周期时，施行日期应是新旧两种周期共同的起始日（如1月1日），"
            "以免有的时段无人考核或重复考核"
        )
    if not source.strip():
        errors["source"] = "请写明依据（文件名称和条款）"
    if errors:
        raise ValidationError(errors)
    if (min_count, period, source.strip(), note.strip()) == (
        old.min_count,
        old.period,
        old.source,
        old.note,
    ):
        raise ValidationError({"min_count": "没有修改任何内容"})
    before = old.audit_values()
    old.effective_to = effective_from - dt.timedelta(days=1)
    old.save(update_fields=["effective_to"])
    new = Requirement.objects.create(
        kind=old.kind,
        applies_to=old.applies_to,
        given_by=old.given_by,
        period=period,
        min_count=min_count,
        effective_from=effective_from,
        source=source.strip(),
        note=note.strip(),
        replaces=old,
    )
    after = new.audit_values()
    audit.record(
        actor,
        "requirement.revise",
        new,
        changes={
            **audit.diff(before, after),
            # The old version's rows stay; only its last day is set.
            "previous_effective_to": [None, old.effective_to],
            "replaces": [None, old.pk],
        },
    )
    return new
