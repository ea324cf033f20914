"""制度与流程 (the requirements in force) and 制度落实 (the compliance board and drill-down)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from zhibu.accounts.access import get_org_or_404, scope_for
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.orgs.models import OrgKind
from zhibu.rulebook import compliance, forms, rules, services
from zhibu.rulebook.models import Requirement

MEMBERS_PAGE = 30


@require_GET
def index(request: Request) -> HttpResponse:
    today = timezone.localdate()
    rows = sorted(
        Requirement.objects.all(),
        key=lambda r: (compliance.KIND_ORDER.index(r.kind), r.applies_to, r.effective_from),
    )
    context = {
        "current": [r for r in rows if r.as_version().in_force(today)],
        "upcoming": [r for r in rows if r.effective_from > today],
        "past": [r for r in rows if r.effective_to is not None and r.effective_to < today],
        "life": rules.LIFE,
        "can_revise": request.user.is_superuser,
    }
    return render(request, "rulebook/index.html", context)


@require_http_methods(["GET", "POST"])
def revise(request: Request, pk: int) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied("只有系统管理员可以修订制度要求")
    requirement = get_object_or_404(Requirement, pk=pk)
    if requirement.effective_to is not None:
        messages.info(request, "这一版本已被修订，请修订现行的版本")
        return redirect("rulebook:index")
    initial = {"min_count": requirement.min_count, "period": requirement.period,
               "source": requirement.source, "note": requirement.note}  # fmt: skip
    form = forms.RevisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.requirement_revise(actor=request.user, requirement=requirement,
                                              **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已修订：{new.plain_text}，自 {new.effective_from} 起施行")
            return redirect("rulebook:index")
    return render(request, "rulebook/revise.html", {"requirement": requirement, "form": form})


@require_GET
def board(request: Request, code: str) -> HttpResponse:
    """A committee's board, or a branch's (or group's) drill-down."""
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    today = timezone.localdate()
    form = forms.RangeForm(request.GET or None, today=today)
    chosen = form.range()
    result = compliance.compute_cached(org, chosen.date_from, chosen.date_to, today)
    context: dict[str, Any] = {
        "org": org, "form": form, "range": chosen, "result": result, "life": rules.LIFE,
        "kind_labels": compliance.SHORT_LABELS, "today": today,
        "range_query": urlencode({"from": chosen.date_from, "to": chosen.date_to}),
    }  # fmt: skip
    parent = org.parent
    if parent is not None and scope_for(request.user).can_manage_org(parent):
        context["parent"] = parent
    if org.kind in (OrgKind.BRANCH, OrgKind.GROUP):
        compliance.attach_meetings(result)
        return render(request, "rulebook/branch.html", context)
    rows = result.branch_rows()
    context["counts"] = {"branches": len(rows), "behind": sum(r.status == "behind" for r in rows)}
    if chosen.behind:
        rows = [r for r in rows if r.status == rules.BEHIND]
    if chosen.sort == "name":
        rows.sort(key=lambda r: r.branch.name)
    elif chosen.sort == "missing":
        rows.sort(key=lambda r: -r.n_missing)
    context["page"] = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context["members"] = Paginator(result.members, MEMBERS_PAGE).get_page(request.GET.get("mpage"))
    context["months"] = months = result.by_month()
    context["chart"] = result.chart_data(months)
    return render(request, "rulebook/board.html", context)
