"""制度与流程 (the requirements in force) and 制度落实 (the compliance board and drill-down)."""

from __future__ import annotations

import datetime as dt
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
from zhibu.dues import rules as dues_rules
from zhibu.dues.queries import arrears as dues_arrears
from zhibu.meetings import rules as meeting_rules
from zhibu.meetings.models import BranchSettings
from zhibu.members.models import Category
from zhibu.notices import rules as notice_rules
from zhibu.orgs.models import OrgKind
from zhibu.rulebook import compliance, forms, rules, services
from zhibu.rulebook.models import Requirement

MEMBERS_PAGE = 30

# Sizes of a 党员大会 for the worked examples of the quorum and majority rules.
EXAMPLE_ASSEMBLIES = (7, 10, 25, 50)


def _assembly_minimums(n: int) -> dict[str, int]:
    """For ``n`` voting members who should attend a 党员大会: the fewest present for a quorum
    and the fewest yes-votes for a resolution, found by asking the rules themselves."""
    mr = meeting_rules
    return {
        "expected": n,
        "quorum": next(
            k for k in range(n + 1) if mr.assembly_quorum(voting_expected=n, voting_present=k)
        ),
        "passes": next(k for k in range(n + 1) if mr.resolution_passes(yes=k, voting_expected=n)),
    }


def _dues_handbook() -> dict[str, Any]:
    """The dues rules as the 党费 section quotes them, read from ``dues.rules`` (the code that
    computes every member's dues)."""
    lower = {dues_rules.EMPLOYED: "0", dues_rules.RETIRED: "0"}
    tables = []
    for category, brackets in dues_rules.RATE_TABLE.items():
        rows, low = [], lower[category]
        for b in brackets:
            band = (
                (f"{low}元以上至{b.upper}元（含）" if low != "0" else f"{b.upper}元以下（含）")
                if b.upper is not None
                else f"{low}元以上"
            )
            rows.append((band, dues_rules.rate_percent(b.rate)))
            low = str(b.upper) if b.upper is not None else low
        tables.append((dues_rules.CATEGORY_LABELS[category], rows))
    return {
        "tables": tables,
        "rate_source": dues_rules.RATE_SOURCE,
        "fixed": dues_rules.FIXED_AMOUNT,
        "farmer": (dues_rules.FARMER_MIN, dues_rules.FARMER_MAX),
        "fixed_source": dues_rules.FIXED_SOURCE,
        "norm": dues_rules.NORM_MAX,
        "roundings": dues_rules.ROUNDING_LABELS,
        "back_pay": dues_rules.BACK_PAY_MONTHS,
        "back_pay_source": dues_rules.BACK_PAY_SOURCE,
        "warning": dues_rules.ARREARS_WARNING,
        "case": dues_rules.ARREARS_CASE,
        "uses": list(dues_rules.USES.values()),
        "use_source": dues_rules.USE_SOURCE,
    }


def _handbook(today: dt.date) -> dict[str, Any]:
    """The numbers the 制度与流程 pages quote, read from the code that applies them, so the
    page and the checks cannot drift apart."""
    mr = meeting_rules
    # The case members get wrong: a majority of those present is not a majority of 应到.
    expected, present, yes = 10, 6, 5
    tally = mr.Tally(
        expected=expected, present=present, leave=0, absent=expected - present,
        voting_expected=expected, voting_present=present, written=0,
    )  # fmt: skip
    return {
        "sign_in_minutes": int(mr.SIGN_IN_OPENS_BEFORE.total_seconds()) // 60,
        "qr_rotate_seconds": mr.QR_ROTATE_SECONDS,
        "qr_token_seconds": mr.QR_TOKEN_SECONDS,
        "reminder_days": (notice_rules.meeting_reminder_day(today) - today).days,
        "makeup_grace_days": notice_rules.MAKEUP_GRACE_DAYS,
        "theme_day": BranchSettings._meta.get_field("theme_day").get_default(),
        "theme_day_items": mr.DEFAULT_THEME_DAY_ITEMS,
        "first_topic": mr.FIRST_TOPIC,
        "whole_branch": [label for kind, label in mr.KIND_LABELS.items() if kind in mr.WHOLE_BRANCH],
        "committee_meeting": mr.KIND_LABELS[mr.COMMITTEE_MEETING],
        "group_meeting": mr.KIND_LABELS[mr.GROUP_MEETING],
        "assembly": mr.KIND_LABELS[mr.BRANCH_ASSEMBLY],
        "party": [c.label for c in Category if c in mr.PARTY],
        "voting": [c.label for c in Category if mr.has_vote(c.value)],
        "exclusions": list(mr.EXCLUSION_REASONS.values()),
        "exclusions_enabled": settings.VOTING_EXCLUSIONS,
        "sizes": [_assembly_minimums(n) for n in EXAMPLE_ASSEMBLIES],
        "example": {
            "expected": expected, "present": present, "yes": yes,
            "quorum": mr.quorum(mr.BRANCH_ASSEMBLY, tally),
            "passes": mr.resolution_outcome(mr.BRANCH_ASSEMBLY, tally, yes=yes),
        },
    }  # fmt: skip


@require_GET
def index(request: Request) -> HttpResponse:
    """制度与流程: the requirements in force (data) and how each step of organizational life
    is done, for members to read on a phone."""
    today = timezone.localdate()
    rows = sorted(
        Requirement.objects.all(),
        key=lambda r: (
            compliance.KIND_ORDER.index(r.kind),
            r.given_by,
            r.applies_to,
            r.effective_from,
        ),
    )
    context = {
        "dues": _dues_handbook(),
        "current": [r for r in rows if r.as_version().in_force(today)],
        "upcoming": [r for r in rows if r.effective_from > today],
        "past": [r for r in rows if r.effective_to is not None and r.effective_to < today],
        "life": rules.LIFE,
        "can_revise": request.user.is_superuser,
        "handbook": _handbook(today),
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
    # The six-month rule's other half: dues unpaid (one query).
    # A month counts once it is late in every branch: the latest collection day is the 28th, so
    # the current month counts only from the 29th (never flagged early).
    context["dues_arrears"] = dues_arrears(org, dues_rules.overdue_until(result.life_end, 28))
    context["dues_by_member"] = {a.id: a for a in context["dues_arrears"]}
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
