"""Who may see and do what with a 民主评议党员.

The branch's officers (and the committees above) run it; the branch's party members take part
(their own 个人小结, the poll) and see the results during the 公示. Anyone else gets 404; a
party member on an officers' page gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from zhibu.accounts.access import Scope, scope_for
from zhibu.evaluations.models import Evaluation, EvaluationEntry


def can_manage(scope: Scope, evaluation: Evaluation) -> bool:
    return scope.can_manage_org(evaluation.branch)


def get_evaluation_or_404(user: Any, pk: int, *, manage: bool = False) -> Evaluation:
    ev = (
        Evaluation.objects.visible_to(user)
        .select_related("branch__parent", "poll", "life_meeting", "assembly")
        .filter(pk=pk)
        .first()
    )
    if ev is None:
        raise Http404("没有这次民主评议")
    if manage and not can_manage(scope_for(user), ev):
        raise PermissionDenied("民主评议由党支部负责人组织")
    return ev


def own_entry(user: Any, evaluation: Evaluation) -> EvaluationEntry | None:
    """The user's own entry in the evaluation (they are one of the members evaluated)."""
    member = scope_for(user).member
    if member is None:
        return None
    return (
        EvaluationEntry.objects.select_related("member")
        .filter(evaluation=evaluation, member=member)
        .first()
    )


def get_own_entry_or_403(user: Any, pk: int) -> EvaluationEntry:
    ev = get_evaluation_or_404(user, pk)
    entry = own_entry(user, ev)
    if entry is None:
        raise PermissionDenied("您不在这次民主评议的党员名单中")
    entry.evaluation = ev
    return entry


def get_results_or_404(user: Any, pk: int) -> Evaluation:
    """The confirmed results: the officers once confirmed; the branch's party members only
    within the 公示 dates (before and after, the page does not exist for them)."""
    ev = get_evaluation_or_404(user, pk)
    scope = scope_for(user)
    if can_manage(scope, ev):
        if not ev.is_confirmed:
            raise Http404("评定结果还没有确定")
        return ev
    if not ev.is_showing(timezone.localdate()):
        raise Http404("不在公示期内")
    return ev
