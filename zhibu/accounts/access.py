"""Who may see and do what: one place, used by every queryset and view (STYLE.md rules 5, 6).

Access follows positions. A member holding a committee role (书记, 委员 …) in an organization
manages it and everything below it. A 党小组长 sees the group's members. Every member sees their
own record; a party member also knows who else is in the branch (names appear in attendance
lists), but may not open their records. An activist sees only their own file.

Views ask ``get_*_or_404`` helpers: a row the user may not see is a 404, exactly like a missing
row; a row they can see but not change is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from zhibu.orgs import rules as org_rules

if TYPE_CHECKING:
    from zhibu.members.models import Member, Transfer
    from zhibu.orgs.models import Organization

NOTHING = Q(pk__in=[])


@dataclass
class Scope:
    """What one user may reach, computed once per request from their positions."""

    is_superuser: bool = False
    member: Member | None = None
    managed: list[Organization] = field(default_factory=list)  # subtree roots, outermost only
    led_group_ids: list[int] = field(default_factory=list)
    _manageable: dict[int, bool] = field(default_factory=dict, repr=False)

    # --- questions about a path or a row -------------------------------------------------
    def manages_path(self, path: str) -> bool:
        return self.is_superuser or any(path.startswith(o.path) for o in self.managed)

    def can_manage_org(self, org: Organization) -> bool:
        return self.manages_path(org.path)

    def can_view_org(self, org: Organization) -> bool:
        if self.can_manage_org(org):
            return True
        m = self.member
        return m is not None and m.is_current and org.pk in (m.branch_id, m.group_id)

    def oversees_member(self, member: Member) -> bool:
        """Officers of the member's branch or above: they keep the member's record."""
        return self.manages_path(member.branch.path)

    def can_manage_member(self, member: Member) -> bool:
        """Change the member's record or login.

        Overseeing the branch is not enough when the member holds office higher up: committee
        staff are registered in a branch such as 机关支部, and that branch's secretary must not
        reset the password of, transfer or strike off the committee's own officers.
        """
        if not self.oversees_member(member):
            return False
        if self.is_superuser:
            return True
        cached = self._manageable.get(member.pk)
        if cached is None:
            cached = self._outranks(member)
            self._manageable[member.pk] = cached
        return cached

    def _outranks(self, member: Member) -> bool:
        from zhibu.accounts.models import User
        from zhibu.orgs.models import COMMITTEE_ROLES, Position

        if User.objects.filter(member=member, is_superuser=True).exists():
            return False
        offices = (
            Position.objects.active()
            .filter(member=member, role__in=COMMITTEE_ROLES)
            .select_related("organization")
        )
        return all(self.manages_path(p.organization.path) for p in offices)

    def can_view_member_record(self, member: Member) -> bool:
        """Open the member's page: themselves, their branch's officers, their group leader."""
        if self.member is not None and member.pk == self.member.pk:
            return True
        if self.oversees_member(member):
            return True
        return member.group_id is not None and member.group_id in self.led_group_ids

    def can_see_member(self, member: Member) -> bool:
        """Know that the member exists (404 otherwise)."""
        if self.can_view_member_record(member):
            return True
        m = self.member
        return (
            m is not None
            and m.is_current
            and m.is_party_member
            and member.branch_id == m.branch_id
            and member.is_current
        )

    def can_see_personal_data(self, member: Member) -> bool:
        """Full 身份证号 and phone: the member and officers of their branch or above."""
        is_self = self.member is not None and member.pk == self.member.pk
        return is_self or self.oversees_member(member)

    # --- querysets -----------------------------------------------------------------------
    def managed_org_q(self, prefix: str = "") -> Q:
        if self.is_superuser:
            return Q()
        q = NOTHING
        for org in self.managed:
            lo, hi = org_rules.subtree_bounds(org.path)
            q |= Q(**{f"{prefix}path__gte": lo, f"{prefix}path__lt": hi})
        return q

    def branch_activity_q(self, prefix: str = "branch__") -> Q:
        """Rows of a branch's own activity (组织生活会, 民主评议…) the user may read: those of
        the organizations they manage, and those of their own branch while they are a current
        party member there (members take part in every step)."""
        if self.is_superuser:
            return Q()
        q = self.managed_org_q(prefix) if self.managed else NOTHING
        me = self.member
        if me is not None and me.is_current and me.is_party_member:
            q |= Q(**{f"{prefix}id": me.branch_id})
        return q

    def org_q(self) -> Q:
        q = self.managed_org_q()
        m = self.member
        if m is not None and m.is_current and not self.is_superuser:
            q |= Q(pk=m.branch_id)
            if m.group_id:
                q |= Q(pk=m.group_id)
        return q

    def managed_member_q(self) -> Q:
        if self.is_superuser:
            return Q()
        from zhibu.orgs.models import Organization

        if not self.managed:
            return NOTHING
        return Q(branch_id__in=Organization.objects.filter(self.managed_org_q()).values("pk"))

    def member_q(self) -> Q:
        q = self.managed_member_q()
        if self.is_superuser:
            return q
        m = self.member
        if m is not None:
            q |= Q(pk=m.pk)
            if self.led_group_ids:
                q |= Q(group_id__in=self.led_group_ids)
            if m.is_current and m.is_party_member:
                q |= Q(branch_id=m.branch_id, status="active")
        return q

    # --- roles for navigation and home pages ---------------------------------------------
    @property
    def primary_org(self) -> Organization | None:
        """The organization the user looks after first: the outermost one they manage."""
        if self.managed:
            return min(self.managed, key=lambda o: (len(o.path), o.path))
        return self.member.branch if self.member is not None else None

    @property
    def role(self) -> str:
        """One of: admin, committee, branch, member, activist, none."""
        primary = self.primary_org if self.managed else None
        if primary is not None:
            return "committee" if primary.kind in ("committee", "general_branch") else "branch"
        if self.is_superuser:
            return "admin"
        m = self.member
        if m is None or not m.is_current:
            return "none"
        return "member" if m.is_party_member else "activist"

    @property
    def is_officer(self) -> bool:
        return self.is_superuser or bool(self.managed)


def _outermost(orgs: list[Organization]) -> list[Organization]:
    orgs = sorted(orgs, key=lambda o: len(o.path))
    out: list[Organization] = []
    for org in orgs:
        if not any(org.path.startswith(o.path) for o in out):
            out.append(org)
    return out


def build_scope(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    from zhibu.members.models import Member
    from zhibu.orgs.models import COMMITTEE_ROLES, Position, Role

    member = (
        Member.objects.select_related("branch").filter(pk=user.member_id).first()
        if user.member_id
        else None
    )
    scope = Scope(is_superuser=user.is_superuser, member=member)
    if member is not None and member.is_current:
        positions = list(
            Position.objects.active(timezone.localdate())
            .filter(member=member, organization__closed_on__isnull=True)
            .select_related("organization")
        )
        scope.managed = _outermost([p.organization for p in positions if p.role in COMMITTEE_ROLES])
        scope.led_group_ids = [p.organization_id for p in positions if p.role == Role.GROUP_LEADER]
    return scope


def scope_for(user: Any) -> Scope:
    """The user's scope, cached on the user object for the rest of the request."""
    cached = getattr(user, "_zhibu_scope", None)
    if cached is None:
        cached = build_scope(user)
        if user is not None:
            user._zhibu_scope = cached
    return cached


# --- helpers for views: 404 for what is hidden, 403 for what is read-only ------------------


def get_org_or_404(user: Any, code: str, *, manage: bool = False) -> Organization:
    from zhibu.orgs.models import Organization

    org = Organization.objects.select_related("parent").filter(code=code).first()
    scope = scope_for(user)
    if org is None or not scope.can_view_org(org):
        raise Http404("没有这个组织")
    if manage and not scope.can_manage_org(org):
        raise PermissionDenied("您不负责这个组织，不能进行管理操作")
    return org


def get_member_or_404(user: Any, pk: int, *, manage: bool = False) -> Member:
    from zhibu.members.models import Member

    member = Member.objects.select_related("branch", "group").filter(pk=pk).first()
    scope = scope_for(user)
    if member is None or not scope.can_see_member(member):
        raise Http404("没有这个党员")
    if not scope.can_view_member_record(member):
        raise PermissionDenied("只有本人和所在党支部的负责人可以查看党员档案")
    if manage and not scope.can_manage_member(member):
        if scope.oversees_member(member):
            raise PermissionDenied("这名同志在上级组织任职，其信息和账号由上级组织管理")
        raise PermissionDenied("您不负责这名党员所在的党支部，不能修改其信息")
    return member


def get_transfer_or_404(user: Any, pk: int, *, side: str) -> Transfer:
    """A transfer seen by either branch; ``side`` says which one may act on it.

    ``"to"``: the receiving branch (accept, send back); ``"from"``: the sending branch (withdraw).
    """
    from zhibu.members.models import Transfer

    transfer = (
        Transfer.objects.select_related("member__branch", "from_org", "to_org")
        .filter(pk=pk)
        .first()
    )
    scope = scope_for(user)
    ends = [o for o in (transfer.from_org, transfer.to_org) if o is not None] if transfer else []
    if transfer is None or not any(scope.can_manage_org(o) for o in ends):
        raise Http404("没有这份组织关系转接")
    if side == "to" and not (transfer.to_org and scope.can_manage_org(transfer.to_org)):
        raise PermissionDenied("只有接收的党支部才能接收或退回")
    if side == "from" and not scope.can_manage_member(transfer.member):
        raise PermissionDenied("只有转出的党支部才能撤回")
    return transfer


def require_officer(user: Any) -> Scope:
    scope = scope_for(user)
    if not scope.is_officer:
        raise PermissionDenied("此页面只对党组织负责人开放")
    return scope
