"""Who may see and do what with dues.

A branch's dues are kept by its officers (and the committees above): the sheet, assessments,
payments. A member sees their own (我的党费). A fellow member of the branch knows a member
exists (403 on their dues); anyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhibu.accounts.access import get_member_or_404, get_org_or_404, scope_for
from zhibu.dues.models import DuesPayment
from zhibu.members.models import Member
from zhibu.orgs.models import Organization, OrgKind


def get_branch_or_404(user: Any, code: str) -> Organization:
    org = get_org_or_404(user, code, manage=True)
    if org.kind != OrgKind.BRANCH:
        raise PermissionDenied("党费由党支部收缴：请先进入具体的党支部")
    return org


def get_dues_member_or_404(user: Any, pk: int) -> Member:
    """A member whose dues the user keeps: the officers of the member's branch or above."""
    member = get_member_or_404(user, pk)
    if not scope_for(user).oversees_member(member):
        raise PermissionDenied("党员的党费由所在党支部登记")
    return member


def get_payment_or_404(user: Any, pk: int) -> DuesPayment:
    payment = (
        DuesPayment.objects.visible_to(user)
        .select_related("member", "branch")
        .filter(pk=pk)
        .first()
    )
    if payment is None:
        raise Http404("没有这条党费交纳记录")
    if not scope_for(user).can_manage_org(payment.branch):
        raise PermissionDenied("党费交纳由党支部登记和冲正")
    return payment
