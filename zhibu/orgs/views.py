"""Organization pages: the tree, one organization, its history, and the officers' edits."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhibu.accounts.access import get_org_or_404, require_officer, scope_for
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.core.models import AuditEvent
from zhibu.orgs import forms, queries, services
from zhibu.orgs.models import ROLE_RANK, Organization, OrgKind, Position


@require_GET
def tree(request: Request) -> HttpResponse:
    """The organizations the user manages: roots with their children, or a search across them."""
    scope = require_officer(request.user)
    q = request.GET.get("q", "").strip()
    visible = Organization.objects.current().filter(scope.managed_org_q())
    if q:
        found = visible.filter(Q(name__icontains=q) | Q(code__icontains=q)).select_related("parent")
        page = Paginator(found.order_by("path"), 50).get_page(request.GET.get("page"))
        return render(request, "orgs/tree.html", {"q": q, "page": page})
    roots = scope.managed if not scope.is_superuser else list(visible.filter(parent=None))
    nodes = [(root, queries.children_with_counts(root)) for root in roots]
    return render(request, "orgs/tree.html", {"q": q, "nodes": nodes})


@require_GET
def children(request: Request, code: str) -> HttpResponse:
    """htmx: one level of the tree below ``code``."""
    org = get_org_or_404(request.user, code, manage=True)
    return render(
        request,
        "orgs/tree.html#children",
        {"parent": org, "kids": queries.children_with_counts(org)},
    )


@require_GET
def detail(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    today = timezone.localdate()
    positions = sorted(
        Position.objects.active(today).filter(organization=org).select_related("member"),
        key=lambda p: (ROLE_RANK[p.role], p.started_on),
    )
    context = {
        "org": org,
        "ancestors": Organization.objects.filter(pk__in=org.ancestor_ids()).order_by("path"),
        "kids": queries.children_with_counts(org),
        "positions": positions,
        "today": today,
    }
    if org.kind == OrgKind.BRANCH:
        context["health"] = queries.branch_health([org], today)[0]
    elif org.kind != OrgKind.GROUP:
        summary = queries.subtree_summary(org, today)
        context["summary"] = summary
        context["flagged_page"] = Paginator(summary.branches_with_findings, 30).get_page(
            request.GET.get("page")
        )
    return render(request, "orgs/detail.html", context)


@require_GET
def history(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    events = AuditEvent.objects.filter(organization=org).select_related("actor").order_by("-seq")
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    template = "core/history.html#events" if request.htmx else "orgs/history.html"
    return render(request, template, {"org": org, "page": page})


@require_http_methods(["GET", "POST"])
def create(request: Request, code: str) -> HttpResponse:
    parent = get_org_or_404(request.user, code, manage=True)
    if parent.kind == OrgKind.GROUP:
        raise Http404("党小组下不能再设组织")
    request.current_org = parent
    form = forms.OrganizationForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(
                actor=request.user, parent=parent, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已建立{org.get_kind_display()}“{org.name}”")
            return redirect("orgs:detail", code=org.code)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": parent, "title": f"在“{parent.name}”下建立组织"},
    )


@require_http_methods(["GET", "POST"])
def edit(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    # The unit type and the term decide the warnings the committee above checks the branch
    # by; only that committee may change them.
    by_parent = org.parent is None or scope_for(request.user).can_manage_org(org.parent)
    initial = {f: getattr(org, f) for f in forms.OrganizationEditForm.base_fields}
    form = forms.OrganizationEditForm(request.POST or None, initial=initial, by_parent=by_parent)
    if request.method == "POST" and form.is_valid():
        values: dict[str, Any] = {
            "unit_type": org.unit_type,
            "term_started_on": org.term_started_on,
        }
        values.update(form.cleaned_data)
        try:
            services.organization_update(actor=request.user, organization=org, **values)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("orgs:detail", code=org.code)
    return render(
        request, "orgs/form.html", {"form": form, "org": org, "title": f"修改“{org.name}”"}
    )


@require_http_methods(["GET", "POST"])
def move(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    scope = scope_for(request.user)
    if org.parent is None or not scope.can_manage_org(org.parent):
        raise PermissionDenied("只有上级组织的负责人才能调整隶属关系")
    request.current_org = org
    form = forms.MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = Organization.objects.filter(code=form.cleaned_data["parent_code"].strip()).first()
        if target is None or not scope.can_manage_org(target):
            form.add_error("parent_code", "找不到这个组织，或您不负责它")
        else:
            try:
                services.organization_move(actor=request.user, organization=org, new_parent=target)
            except ValidationError as exc:
                add_service_errors(form, exc, {"parent": "parent_code"})
            else:
                messages.success(request, f"已将“{org.name}”调整到“{target.name}”之下")
                return redirect("orgs:detail", code=org.code)
    return render(
        request,
        "orgs/form.html",
        {"form": form, "org": org, "title": f"调整“{org.name}”的上级组织"},
    )


@require_http_methods(["GET", "POST"])
def close(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    scope = scope_for(request.user)
    if org.parent is None or not scope.can_manage_org(org.parent):
        raise PermissionDenied("只有上级组织的负责人才能撤销组织")
    request.current_org = org
    form = forms.CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_close(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已撤销“{org.name}”，其历史记录仍可查阅")
            return redirect("orgs:detail", code=org.parent.code)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "org": org,
            "title": f"撤销“{org.name}”",
            "danger": True,
            "explain": "撤销后，该组织从当前视图中消失，历史记录保留；现任职务同时免去。",
        },
    )


@require_http_methods(["GET", "POST"])
def position_new(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    form = forms.PositionForm(
        request.POST or None, organization=org, initial={"started_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.position_assign(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已任职")
            return redirect("orgs:detail", code=org.code)
    return render(
        request, "orgs/form.html", {"form": form, "org": org, "title": f"“{org.name}”任职"}
    )


@require_http_methods(["GET", "POST"])
def position_end(request: Request, pk: int) -> HttpResponse:
    position = Position.objects.select_related("organization", "member").filter(pk=pk).first()
    if position is None or not scope_for(request.user).can_view_org(position.organization):
        raise Http404("没有这个职务")
    org = get_org_or_404(request.user, position.organization.code, manage=True)
    request.current_org = org
    form = forms.PositionEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.position_end(actor=request.user, position=position, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"已免去{position.member.name}的{position.get_role_display()}职务"
            )
            return redirect("orgs:detail", code=org.code)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "org": org,
            "title": f"免去{position.member.name}的{position.get_role_display()}职务",
        },
    )
