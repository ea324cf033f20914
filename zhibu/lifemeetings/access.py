"""Who may see and do what with a 组织生活会 cycle.

The branch's officers run it; the committee above reviews the plan (会前审核) and sees every
step; the branch's party members see the cycle they take part in. Anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhibu.accounts.access import Scope, scope_for
from zhibu.lifemeetings.models import LifeMeeting


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
