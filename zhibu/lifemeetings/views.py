"""组织生活会 pages: a branch's cycles, one cycle's dashboard, its plan and review, the collective
study and the talks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts.access import get_org_or_404, scope_for
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.lifemeetings import forms, queries, services
from zhibu.lifemeetings.access import (
    can_manage,
    can_review,
    get_lifemeeting_or_404,
    get_self_review_or_404,
)
from zhibu.lifemeetings.models import LifeMeeting, PlanState, SelfReview
from zhibu.orgs.models import Organization, OrgKind


def _branch(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    if org.kind != OrgKind.BRANCH:
        raise PermissionDenied("组织生活会由党支部召开：请先进入具体的党支部")
    request.current_org = org
    return org


@require_GET
def branch_list(request: Request, code: str) -> HttpResponse:
    org = _branch(request, code)
    page = Paginator(
        LifeMeeting.objects.filter(branch=org).order_by("-year", "-planned_on", "-pk"), 20
    ).get_page(request.GET.get("page"))
    return render(request, "lifemeetings/list.html", {"org": org, "page": page})


@require_http_methods(["GET", "POST"])
def plan(request: Request, code: str) -> HttpResponse:
    org = _branch(request, code)
    data = request.POST if request.method == "POST" else None
    form = forms.PlanForm(data)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            lm = services.lifemeeting_plan(
                actor=request.user, branch=org, year=d["year"], kind=d["kind"], theme=d["theme"],
                topic=d["topic"], planned_on=d["planned_on"], agenda=form.agenda_items(),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "方案已保存。确认无误后报送上级党组织审核")
            return redirect("lifemeetings:detail", lm.pk)
    return render(request, "lifemeetings/form.html", {"org": org, "form": form, "lm": None})


@require_http_methods(["GET", "POST"])
def edit(request: Request, pk: int) -> HttpResponse:
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    initial = {"theme": lm.theme, "topic": lm.topic, "planned_on": lm.planned_on,
               "agenda": "\n".join(lm.agenda)}  # fmt: skip
    data = request.POST if request.method == "POST" else None
    form = forms.PlanForm(data, initial=initial, edit=True)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.lifemeeting_update(
                actor=request.user, life_meeting=lm, theme=d["theme"], topic=d["topic"],
                planned_on=d["planned_on"], agenda=form.agenda_items(),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("lifemeetings:detail", lm.pk)
    return render(request, "lifemeetings/form.html", {"org": lm.branch, "form": form, "lm": lm})


@require_GET
def detail(request: Request, pk: int) -> HttpResponse:
    """The cycle's dashboard: every step with its state, and who is still missing."""
    lm = get_lifemeeting_or_404(request.user, pk)
    scope = scope_for(request.user)
    manage = can_manage(scope, lm)
    if manage:
        request.current_org = lm.branch
    prep = queries.preparation(lm)
    context: dict[str, Any] = {
        "lm": lm,
        "prep": prep,
        "manage": manage,
        "is_member": scope.member is not None
        and scope.member.branch_id == lm.branch_id
        and scope.member.is_party_member,
        "review": can_review(scope, lm) and lm.plan_state == PlanState.SUBMITTED,
        "talks": lm.talks.select_related("first", "second").order_by("-held_on", "-pk")[:50],
        "studies": lm.study_meetings.order_by("starts_at"),
    }
    return render(request, "lifemeetings/detail.html", context)


@require_POST
def submit(request: Request, pk: int) -> HttpResponse:
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    try:
        services.lifemeeting_submit(actor=request.user, life_meeting=lm)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已报送上级党组织审核")
    return redirect("lifemeetings:detail", lm.pk)


@require_http_methods(["GET", "POST"])
def review(request: Request, pk: int) -> HttpResponse:
    lm = get_lifemeeting_or_404(request.user, pk, review=True)
    data = request.POST if request.method == "POST" else None
    form = forms.ReviewForm(data, parent=lm.branch.parent)
    if lm.plan_state != PlanState.SUBMITTED:
        messages.info(request, "方案不在待审核状态")
        return redirect("lifemeetings:detail", lm.pk)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.lifemeeting_review(
                actor=request.user, life_meeting=lm, approve=d["decision"] == "approve",
                comment=d["comment"], contact_leader=d["contact_leader"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已审核")
            return redirect("lifemeetings:detail", lm.pk)
    return render(request, "lifemeetings/small_form.html",
                  {"lm": lm, "form": form, "title": "审核组织生活会方案", "button": "提交审核意见"})  # fmt: skip


@require_http_methods(["GET", "POST"])
def study(request: Request, pk: int) -> HttpResponse:
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    data = request.POST if request.method == "POST" else None
    form = forms.StudyForm(data, branch=lm.branch, year=lm.year,
                           initial={"meetings": list(lm.study_meetings.all())})  # fmt: skip
    if data is not None and form.is_valid():
        try:
            services.lifemeeting_study_set(actor=request.user, life_meeting=lm,
                                           meetings=form.cleaned_data["meetings"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存集中学习情况")
            return redirect("lifemeetings:detail", lm.pk)
    return render(request, "lifemeetings/small_form.html",
                  {"lm": lm, "form": form, "title": "会前集中学习", "button": "保存"})  # fmt: skip


@require_http_methods(["GET", "POST"])
def opinions(request: Request, pk: int) -> HttpResponse:
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    data = request.POST if request.method == "POST" else None
    form = forms.PollForm(data, branch=lm.branch, initial={"poll": lm.opinion_poll_id})
    if data is not None and form.is_valid():
        try:
            services.lifemeeting_poll_set(actor=request.user, life_meeting=lm,
                                          poll=form.cleaned_data["poll"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("lifemeetings:detail", lm.pk)
    return render(request, "lifemeetings/small_form.html",
                  {"lm": lm, "form": form, "title": "征求意见", "button": "保存"})  # fmt: skip


@require_http_methods(["GET", "POST"])
def talk_new(request: Request, pk: int) -> HttpResponse:
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    data = request.POST if request.method == "POST" else None
    form = forms.TalkForm(data, branch=lm.branch)
    if data is not None and form.is_valid():
        try:
            services.talk_record(actor=request.user, life_meeting=lm, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记谈心谈话")
            return redirect("lifemeetings:detail", lm.pk)
    return render(request, "lifemeetings/small_form.html",
                  {"lm": lm, "form": form, "title": "登记谈心谈话", "button": "保存"})  # fmt: skip


# --- 对照检查材料 ---------------------------------------------------------------------------------


def _last_year_problems(member_id: int, year: int) -> Any:
    """The member's problems of last year, and any still open, to write beside (老问题)."""
    from django.db.models import Q

    from zhibu.rectification.models import Problem

    return (
        Problem.objects.filter(owner_member_id=member_id)
        .filter(Q(year=year - 1) | (Q(year__lt=year) & ~Q(status="closed")))
        .select_related("category")
        .order_by("-year", "pk")[:20]
    )


@require_http_methods(["GET", "POST"])
def my_review(request: Request, pk: int) -> HttpResponse:
    """My 对照检查材料: written on the phone, checked as I type, sent to the secretary."""
    lm = get_lifemeeting_or_404(request.user, pk)
    me = scope_for(request.user).member
    if me is None or me.branch_id != lm.branch_id or not me.is_party_member or not me.is_current:
        raise PermissionDenied("只有本支部党员撰写对照检查材料")
    review = SelfReview.objects.filter(life_meeting=lm, member=me).first()
    initial = {f: getattr(review, f) for f in forms.SelfReviewForm.base_fields} if review else None
    items = (
        [{"category": i.category_id, "problem": i.problem, "measure": i.measure,
          "deadline": i.deadline} for i in review.items.all()]
        if review else None
    )  # fmt: skip
    data = request.POST if request.method == "POST" else None
    form = forms.SelfReviewForm(data, initial=initial)
    formset = forms.item_formset(data, initial=items, extra=1 if items else 3)
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            review = services.self_review_save(actor=request.user, life_meeting=lm, member=me,
                                               items=formset.inputs(), **form.cleaned_data)  # fmt: skip
            if "submit" in data:
                services.self_review_submit(actor=request.user, review=review)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "已提交，等待党支部审核" if "submit" in data else "已保存草稿"
            )
            return redirect("lifemeetings:my_review", lm.pk)
    context = {"lm": lm, "review": review, "form": form, "formset": formset,
               "earlier": _last_year_problems(me.pk, lm.year)}  # fmt: skip
    return render(request, "lifemeetings/my_review.html", context)


@require_GET
def self_reviews(request: Request, pk: int) -> HttpResponse:
    """Who has written, submitted and had accepted their 对照检查材料."""
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    committee, members = queries.committee_and_members(lm)
    by_member = {
        r.member_id: r
        for r in SelfReview.objects.filter(life_meeting=lm).annotate(n_items=Count("items"))
    }
    rows = [(m, by_member.get(m.pk)) for m in (*committee, *members)]
    return render(request, "lifemeetings/self_reviews.html", {"lm": lm, "rows": rows})


@require_GET
def self_review(request: Request, pk: int) -> HttpResponse:
    from zhibu.textcheck import rules as textcheck

    row = get_self_review_or_404(request.user, pk)
    scope = scope_for(request.user)
    items = list(row.items.select_related("category"))
    for it in items:
        it.problem_findings = textcheck.check_problem(it.problem)  # type: ignore[attr-defined]
        it.measure_findings = textcheck.vague_commitment(it.measure)  # type: ignore[attr-defined]
    own = scope.member is not None and row.member_id == scope.member.pk
    context = {
        "row": row,
        "lm": row.life_meeting,
        "items": items,
        "decide": can_manage(scope, row.life_meeting) and not own and row.state == "submitted",
        "form": forms.DecideForm(),
        "earlier": _last_year_problems(row.member_id, row.life_meeting.year),
    }
    return render(request, "lifemeetings/self_review.html", context)


@require_POST
def self_review_decide(request: Request, pk: int) -> HttpResponse:
    row = get_self_review_or_404(request.user, pk, decide=True)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核通过或退回修改")
        return redirect("lifemeetings:self_review", row.pk)
    try:
        services.self_review_decide(actor=request.user, review=row,
                                    accept=form.cleaned_data["decision"] == "accept",
                                    comment=form.cleaned_data["comment"])  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已审核")
    return redirect("lifemeetings:self_review", row.pk)
