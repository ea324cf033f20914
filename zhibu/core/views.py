"""The home page per role, and the PWA files (manifest, service worker, offline page)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from zhibu.accounts.access import scope_for
from zhibu.core.http import Request
from zhibu.core.models import AuditEvent
from zhibu.lifemeetings.models import LifeMeeting, PlanState
from zhibu.members import rules as member_rules
from zhibu.members.models import Category, Member
from zhibu.orgs import queries
from zhibu.orgs.models import Organization, Position, Role, subtree_q
from zhibu.rectification import queries as rectification_queries
from zhibu.rectification import rules as rectification_rules
from zhibu.rectification.models import Measure, Problem, Publication
from zhibu.rulebook.compliance import due_next

SW_VERSION = "v2"  # bump when the offline page or the CSS it uses changes


@require_GET
def home(request: Request) -> HttpResponse:
    scope = scope_for(request.user)
    role = scope.role
    today = timezone.localdate()
    if role in ("committee", "branch"):
        org = scope.primary_org
        if org is None:  # role says the user manages something, so this cannot happen
            raise RuntimeError("an officer without an organization")
        request.current_org = org
        # What changed anywhere below: the newest events of the whole subtree.
        subtree = Organization.objects.filter(subtree_q(org.path)).values("pk")
        recent = list(AuditEvent.objects.filter(organization__in=subtree).order_by("-seq")[:8])
        if role == "branch":
            health = queries.branch_health([org], today)[0]
            return render(
                request,
                "core/home_branch.html",
                {
                    "org": org,
                    "health": health,
                    "recent": recent,
                    "categories": Category.choices,
                    "due_next": due_next(org, today),
                    "rect": rectification_queries.home_counts(org, today),
                    "my_measures": _my_measures(scope.member, today),
                },
            )
        summary = queries.subtree_summary(org, today)
        return render(
            request,
            "core/home_committee.html",
            {
                "org": org,
                "summary": summary,
                "flagged": summary.branches_with_findings[:20],
                "recent": recent,
                "categories": Category.choices,
                "rect": rectification_queries.home_counts(org, today),
                "my_measures": _my_measures(scope.member, today),
                "plans_to_review": list(
                    LifeMeeting.objects.filter(
                        subtree_q(org.path, "branch__"), plan_state=PlanState.SUBMITTED
                    )
                    .exclude(branch=org)
                    .select_related("branch")
                    .order_by("planned_on", "pk")[:20]
                ),
            },
        )
    member = scope.member
    context: dict[str, object] = {"member": member, "today": today, "role": role}
    if member is not None:
        context["secretary"] = (
            Position.objects.active(today)
            .filter(organization_id=member.branch_id, role=Role.SECRETARY)
            .select_related("member")
            .first()
        )
        context["tasks"] = member_tasks(member, today)
        context["my_problems"] = list(
            Problem.objects.still_open()
            .filter(owner_member=member)
            .select_related("category")
            .order_by("-year", "pk")[:5]
        )
        if member.is_party_member:
            context["publications"] = list(
                Publication.objects.showing(today).filter(organization_id=member.branch_id)[:3]
            )
    return render(request, "core/home_member.html", context)


# How a measure's lateness (rectification.rules.deadline_level) shows among a member's 待办.
TASK_LEVELS = {
    rectification_rules.LEVEL_NONE: "muted",
    rectification_rules.LEVEL_SOON: "warning",
    rectification_rules.LEVEL_DUE: "warning",
    rectification_rules.LEVEL_OVERDUE: "danger",
    rectification_rules.LEVEL_ESCALATED: "danger",
}


def _my_measures(member: Member | None, today: dt.date) -> list[Measure]:
    """An officer's own 整改 measures still to do (a secretary often carries the 班子's)."""
    if member is None:
        return []
    rows = list(
        Measure.objects.unfinished().filter(responsible=member).order_by("deadline", "pk")[:10]
    )
    for m in rows:
        m.late = m.deadline < today  # type: ignore[attr-defined]
    return rows


def member_tasks(member: Member, today: dt.date) -> list[dict[str, str]]:
    """What a member should do soon, derived from their record (nothing to tick by hand)."""
    tasks: list[dict[str, str]] = []
    for m in Measure.objects.unfinished().filter(responsible=member).order_by("deadline", "pk"):
        days = (m.deadline - today).days
        level = rectification_rules.deadline_level(
            m.deadline, today, done=False, remind_days=settings.RECTIFICATION_REMIND_DAYS,
            escalate_days=settings.RECTIFICATION_ESCALATE_DAYS,
        )  # fmt: skip
        tasks.append(
            {
                "title": f"整改措施：{m.text[:40]}",
                "detail": f"时限 {m.deadline.isoformat()}"
                + (f"，已逾期{-days}天" if days < 0 else "，今天到期" if days == 0 else ""),
                "level": TASK_LEVELS[level],
                "url": reverse("rectification:detail", args=[m.problem_id]) + f"#measure-{m.pk}",
            }
        )
    if member.category == Category.PROBATIONARY and member.joined_on:
        ends = member_rules.probation_ends(member.joined_on)
        days = (ends - today).days
        if days <= member_rules.PROBATION_REMINDER_DAYS:
            tasks.append(
                {
                    "title": "提交转正申请",
                    "detail": f"预备期于 {ends.isoformat()} 届满"
                    + (
                        "，请在届满前向党支部提交书面转正申请"
                        if days >= 0
                        else "，已届满，请尽快联系党支部"
                    ),
                    "level": "warning" if days >= 0 else "danger",
                }
            )
    if not member.phone:
        tasks.append(
            {
                "title": "登记手机号",
                "detail": "请联系党支部登记手机号，以便接收会议通知",
                "level": "muted",
            }
        )
    return tasks


@login_not_required
@require_GET
@cache_control(max_age=86400)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": "支部 · zhibu",
        "short_name": "支部",
        "description": "党支部组织生活与党建工作平台",
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b71c1c",
        "icons": [
            {"src": static("core/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("core/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("core/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so its scope is the whole site; it only caches the offline page."""
    response = render(
        request,
        "core/sw.js",
        {"version": SW_VERSION, "css": static("core/zhibu.css")},
        content_type="application/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "core/offline.html")
