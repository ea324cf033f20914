"""Who may see and do what with a problem (the rectification part of accounts/access.py).

A problem is seen by the officers of its organization and of the levels above, by the member
it is about, and by each member responsible for one of its measures; anyone else gets 404.
Changing it is for the officers. Verifying and closing (销号) is done by someone other than
the one it is about: a member's problem by the branch's officers, the branch's or its
committee's own problems by the committee above (对单销号 by the level above). 约谈 is the
committee above's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from zhibu.accounts.access import Scope, scope_for
from zhibu.rectification import rules
from zhibu.rectification.models import Evidence, Measure, Problem, Publication, Recheck


def can_manage(scope: Scope, problem: Problem) -> bool:
    return scope.can_manage_org(problem.organization)


def can_close(scope: Scope, problem: Problem) -> bool:
    if scope.is_superuser:
        return True
    org = problem.organization
    if problem.owner_kind == rules.OWNER_MEMBER:
        me = scope.member
        return scope.can_manage_org(org) and not (me and me.pk == problem.owner_member_id)
    # The top organization has no level above: only the administrators close its own problems.
    return org.parent is not None and scope.manages_path(org.parent.path)


def can_interview(scope: Scope, problem: Problem) -> bool:
    parent = problem.organization.parent
    return scope.manages_path((parent or problem.organization).path)


def can_see(scope: Scope, problem: Problem) -> bool:
    if can_manage(scope, problem):
        return True
    me = scope.member
    if me is None:
        return False
    if problem.owner_member_id == me.pk:
        return True
    return problem.measures.filter(responsible=me).exists()


def get_problem_or_404(
    user: Any, pk: int, *, manage: bool = False, close: bool = False, interview: bool = False
) -> Problem:
    problem = (
        Problem.objects.visible_to(user)
        .select_related("organization__parent", "owner_member", "category", "recurs", "closed_by")
        .filter(pk=pk)
        .first()
    )
    scope = scope_for(user)
    if problem is None:
        raise Http404("没有这个问题")
    if manage and not can_manage(scope, problem):
        raise PermissionDenied("只有党支部负责人可以修改问题清单")
    if close and not can_close(scope, problem):
        if problem.owner_kind == rules.OWNER_MEMBER:
            raise PermissionDenied("本人的问题由党支部其他负责人核实销号")
        raise PermissionDenied("班子和支部的问题由上级党组织核实销号")
    if interview and not can_interview(scope, problem):
        raise PermissionDenied("约谈由上级党组织登记")
    return problem


def get_measure_or_404(user: Any, pk: int, *, manage: bool = False) -> Measure:
    """``manage=False``: the responsible member or an officer may act (report it done)."""
    row = (
        Measure.objects.select_related("problem__organization__parent", "responsible")
        .filter(pk=pk)
        .first()
    )
    scope = scope_for(user)
    if row is None or not can_see(scope, row.problem):
        raise Http404("没有这项整改措施")
    managed = can_manage(scope, row.problem)
    own = scope.member is not None and row.responsible_id == scope.member.pk
    if manage and not managed:
        raise PermissionDenied("只有党支部负责人可以修改或退回整改措施")
    if not (own or managed):
        raise PermissionDenied("只有责任人和党支部负责人可以登记这项措施")
    return row


def get_recheck_or_404(user: Any, pk: int) -> Recheck:
    row = Recheck.objects.select_related("problem__organization__parent").filter(pk=pk).first()
    scope = scope_for(user)
    if row is None or not can_see(scope, row.problem):
        raise Http404("没有这次回头看")
    if not can_close(scope, row.problem):
        raise PermissionDenied("回头看由负责销号的党组织登记")
    return row


def get_evidence_or_404(user: Any, pk: int) -> Evidence:
    row = Evidence.objects.select_related("measure__problem__organization").filter(pk=pk).first()
    if row is None or not can_see(scope_for(user), row.measure.problem):
        raise Http404("没有这份佐证材料")
    return row


def can_read_publication(scope: Scope, publication: Publication) -> bool:
    if scope.can_manage_org(publication.organization):
        return True
    me = scope.member
    return (
        me is not None
        and me.is_current
        and me.is_party_member
        and me.branch_id == publication.organization_id
        and publication.is_showing(timezone.localdate())
    )


def get_publication_or_404(user: Any, pk: int, *, manage: bool = False) -> Publication:
    row = Publication.objects.select_related("organization").filter(pk=pk).first()
    scope = scope_for(user)
    if row is None or not can_read_publication(scope, row):
        raise Http404("没有这份公示，或公示期已过")
    if manage and not scope.can_manage_org(row.organization):
        raise PermissionDenied("只有党支部负责人可以撤回公示")
    return row
