"""Who may see and do what with a 组织生活会 cycle.

The branch's officers run it; the committee above reviews the plan (会前审核) and sees every
step; the branch's party members see the cycle they take part in. Anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhibu.accounts.access import Scope, scope_for
from zhibu.lifemeetings.models import LifeMeeting, SelfReview


def can_manage(scope: Scope, lm: LifeMeeting) -> bool:
    return scope.can_manage_org(lm.branch)


def can_review(scope: Scope, lm: LifeMeeting) -> bool:
    parent = lm.branch.parent
    return parent is not None and scope.manages_path(parent.path)


def get_lifemeeting_or_404(
    user: Any, pk: int, *, manage: bool = False, review: bool = False
) -> LifeMeeting:
    lm = (
        LifeMeeting.objects.visible_to(user)
        .select_related("branch__parent", "meeting", "contact_leader", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if lm is None:
        raise Http404("没有这次组织生活会")
    scope = scope_for(user)
    if manage and not can_manage(scope, lm):
        raise PermissionDenied("只有党支部负责人可以办理")
    if review and not can_review(scope, lm):
        raise PermissionDenied("组织生活会方案由上级党组织审核")
    return lm


def get_self_review_or_404(user: Any, pk: int, *, decide: bool = False) -> SelfReview:
    """A 对照检查材料 is read by its author and the branch's officers (and the levels above)."""
    row = (
        SelfReview.objects.select_related("life_meeting__branch__parent", "member")
        .filter(pk=pk)
        .first()
    )
    scope = scope_for(user)
    if row is None:
        raise Http404("没有这份材料")
    own = scope.member is not None and row.member_id == scope.member.pk
    managed = can_manage(scope, row.life_meeting)
    if not (own or managed):
        raise Http404("没有这份材料")
    if decide and not managed:
        raise PermissionDenied("对照检查材料由党支部书记审核")
    if decide and own and not scope.is_superuser:
        raise PermissionDenied("本人的材料由党支部其他负责人或上级审核")
    return row
