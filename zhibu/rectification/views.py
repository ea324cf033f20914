"""问题清单与整改台账 pages: the ledger, one problem, its measures, 销号, 回头看, 约谈, 公示.

Views are short: access (``rectification.access``), bind a form, call a service, redirect or
render with the form's errors.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts.access import get_org_or_404, scope_for
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.orgs.models import Organization
from zhibu.rectification import forms, queries, services
from zhibu.rectification.access import (
    can_close,
    can_interview,
    can_manage,
    get_evidence_or_404,
    get_measure_or_404,
    get_problem_or_404,
    get_publication_or_404,
    get_recheck_or_404,
)
from zhibu.rectification.models import (
    MeasureStatus,
    OwnerKind,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Publication,
    Source,
)
from zhibu.textcheck import rules as textcheck

PAGE_SIZE = 30


def _org(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    return org


@require_GET
def mine(request: Request) -> HttpResponse:
    """我的整改: the measures I must carry out and the problems found in me."""
    member = scope_for(request.user).member
    work = queries.my_work(member.pk, timezone.localdate()) if member is not None else None
    return render(request, "rectification/mine.html", {"work": work, "member": member})


@require_GET
def ledger(request: Request, code: str) -> HttpResponse:
    """整改台账 of an organization and everything below it, in volumes (分类分册)."""
    org = _org(request, code)
    today = timezone.localdate()
    flt = queries.LedgerFilter.from_query(request.GET)
    page = Paginator(queries.ledger(org, flt, today), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.annotate(page.object_list, today)
    categories = list(ProblemCategory.objects.all())
    years = (
        Problem.objects.in_subtree(org.path).order_by("-year").values_list("year", flat=True)
    ).distinct()
    context = {
        "org": org,
        "flt": flt,
        "filters": flt.as_query(),
        "groups": queries.groups(org, flt, today, categories),
        "groupings": queries.GROUPINGS,
        "page": page,
        "years": list(years),
        "categories": categories,
        "owner_kinds": OwnerKind.choices,
        "sources": Source.choices,
        "statuses": [*ProblemStatus.choices, *queries.EXTRA_STATUSES],
        "branches": queries.overdue_by_child(org, today) if org.kind != "branch" else [],
        "escalate_days": settings.RECTIFICATION_ESCALATE_DAYS,
        "today": today,
    }
    template = "rectification/ledger.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(request, template, context)


@require_GET
def bulletin(request: Request, code: str) -> HttpResponse:
    """通报: what is long overdue below this organization, and each branch's overdue count."""
    org = _org(request, code)
    today = timezone.localdate()
    page = Paginator(queries.bulletin(org, today), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.annotate(page.object_list, today)
    context = {
        "org": org,
        "page": page,
        "branches": queries.overdue_by_child(org, today),
        "escalate_days": settings.RECTIFICATION_ESCALATE_DAYS,
        "today": today,
    }
    return render(request, "rectification/bulletin.html", context)


def _problem_form_page(
    request: Request, org: Organization, form: Any, formset: Any, problem: Problem | None = None
) -> HttpResponse:
    context = {
        "org": org,
        "form": form,
        "formset": formset,
        "problem": problem,
        "total": formset.total_form_count() if formset is not None else 0,
        "max": services.MAX_MEASURES,
    }
    return render(request, "rectification/problem_form.html", context)


@require_http_methods(["GET", "POST"])
def problem_new(request: Request, code: str) -> HttpResponse:
    org = _org(request, code)
    if request.method == "GET" and request.htmx and "row" in request.GET:
        return _measure_row(request, org)
    data = request.POST if request.method == "POST" else None
    form = forms.ProblemForm(data, org=org)
    # Without JavaScript, 再加一项措施 is a link that asks for more empty rows (?extra=N).
    extra = str(request.GET.get("extra") or "")
    formset = forms.measure_formset(data, org, extra=int(extra) if extra.isdigit() else None)
    if data is not None and form.is_valid() and formset.is_valid():
        values = dict(form.cleaned_data)
        meeting = values.pop("source_meeting", None)
        try:
            problem = services.problem_create(
                actor=request.user, organization=org, measures=formset.inputs(),
                source_object=meeting, **values,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "问题已登记，责任人会收到整改措施的通知")
            return redirect("rectification:detail", problem.pk)
    return _problem_form_page(request, org, form, formset)


def _measure_row(request: Request, org: Organization) -> HttpResponse:
    """One more empty measure row (再加一项), with the formset's new total swapped in."""
    value = str(request.GET.get("row") or "")
    index = int(value) if value.isdigit() else 0
    index = min(index, services.MAX_MEASURES - 1)
    form = forms.MeasureForm(org=org, prefix=f"measures-{index}", use_required_attribute=False)
    context = {"m": form, "number": index + 1, "total": index + 1, "org": org,
               "max": services.MAX_MEASURES}  # fmt: skip
    return render(request, "rectification/problem_form.html#measure_row_htmx", context)


@require_http_methods(["GET", "POST"])
def problem_edit(request: Request, pk: int) -> HttpResponse:
    problem = get_problem_or_404(request.user, pk, manage=True)
    org = problem.organization
    request.current_org = org
    form = forms.ProblemForm(
        request.POST if request.method == "POST" else None, instance=problem, org=org, edit=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("rectification:detail", problem.pk)
    return _problem_form_page(request, org, form, None, problem)


def _copies(problem: Problem) -> list[tuple[Problem, float]]:
    """Other owners' problems of the same branch and year that read almost the same (轮流分配)."""
    from zhibu.textcheck.similarity import similarity

    others = (
        Problem.objects.filter(organization=problem.organization, year=problem.year)
        .exclude(pk=problem.pk)
        .exclude(owner_kind=problem.owner_kind, owner_member=problem.owner_member)
        .select_related("owner_member")
        .only("pk", "description", "owner_kind", "owner_member__name", "organization_id", "year")
    )
    out = []
    for other in others:
        score = similarity(problem.description, other.description)
        if score >= settings.TEXTCHECK_SIMILARITY:
            out.append((other, score))
    return sorted(out, key=lambda pair: -pair[1])[:5]


def _source_link(problem: Problem) -> tuple[str, str] | None:
    """(label, url) of the object the problem came from, when it is one the officers can open."""
    if problem.source_type == "meetings.meeting" and problem.source_id:
        from zhibu.meetings.models import Meeting

        meeting = Meeting.objects.filter(pk=problem.source_id).first()
        if meeting is not None:
            when = timezone.localtime(meeting.starts_at)
            label = f"{when:%Y-%m-%d} {meeting.get_kind_display()}：{meeting.title}"
            return label, reverse("meetings:detail", args=[meeting.pk])
    return None


@require_GET
def detail(request: Request, pk: int) -> HttpResponse:
    problem = get_problem_or_404(request.user, pk)
    scope = scope_for(request.user)
    manage = can_manage(scope, problem)
    if manage:
        request.current_org = problem.organization
    today = timezone.localdate()
    [problem] = queries.annotate(
        queries.with_measures(Problem.objects.filter(pk=problem.pk)), today
    )
    measures = list(problem.measures.all())
    me = scope.member
    for m in measures:
        # The deadline is its own field, so only the wording is checked here.
        m.findings = textcheck.vague_commitment(m.text)  # type: ignore[attr-defined]
        m.mine = me is not None and m.responsible_id == me.pk  # type: ignore[attr-defined]
    context = {
        "problem": problem,
        "measures": measures,
        "findings": textcheck.check_problem(problem.description),
        "copies": _copies(problem) if manage else [],
        "events": problem.events.select_related("by__member").order_by("at", "pk"),
        "rechecks": problem.rechecks.select_related("checked_by__member").all(),
        "interviews": problem.interviews.all(),
        "manage": manage,
        "source_link": _source_link(problem) if manage else None,
        "close": can_close(scope, problem),
        "interview": can_interview(scope, problem) and not problem.is_closed,
        "measure_form": forms.MeasureForm(org=problem.organization, prefix="new")
        if manage
        else None,
        "close_form": forms.CloseForm(),
        "recheck_months": settings.RECTIFICATION_RECHECK_MONTHS,
        "today": today,
    }
    return render(request, "rectification/detail.html", context)


@require_POST
def measure_add(request: Request, pk: int) -> HttpResponse:
    problem = get_problem_or_404(request.user, pk, manage=True)
    form = forms.MeasureForm(request.POST, org=problem.organization, prefix="new")
    if form.is_valid():
        try:
            services.measure_add(actor=request.user, problem=problem, measure=form.as_input())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已增加整改措施")
            return redirect("rectification:detail", problem.pk)
    return _small_form(request, problem, form, "增加整改措施", "保存")


def _small_form(
    request: Request, problem: Problem, form: Any, title: str, button: str, **extra: Any
) -> HttpResponse:
    context = {"problem": problem, "form": form, "title": title, "button": button, **extra}
    return render(request, "rectification/small_form.html", context)


@require_http_methods(["GET", "POST"])
def measure_edit(request: Request, pk: int) -> HttpResponse:
    row = get_measure_or_404(request.user, pk, manage=True)
    problem = row.problem
    initial = {"text": row.text, "responsible": row.responsible, "deadline": row.deadline}
    data = request.POST if request.method == "POST" else None
    form = forms.MeasureForm(data, org=problem.organization, initial=initial)
    if problem.is_closed:
        messages.error(request, "问题已销号，不能修改措施；如需继续整改，请先重新整改")
        return redirect("rectification:detail", problem.pk)
    if row.status != MeasureStatus.OPEN:
        messages.error(request, "已完成的措施不能修改；如未做到位，请先退回")
        return redirect("rectification:detail", problem.pk)
    if data is not None and form.is_valid():
        try:
            services.measure_update(actor=request.user, measure=row, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("rectification:detail", problem.pk)
    return _small_form(request, problem, form, "修改整改措施", "保存", textcheck_field="text")


@require_http_methods(["GET", "POST"])
def measure_complete(request: Request, pk: int) -> HttpResponse:
    """The responsible member reports the measure done (on their phone, from 我的整改)."""
    row = get_measure_or_404(request.user, pk)
    problem = row.problem
    if row.status != MeasureStatus.OPEN or problem.is_closed:
        messages.info(request, "这项措施已经登记完成")
        return redirect("rectification:detail", problem.pk)
    data = request.POST if request.method == "POST" else None
    form = forms.CompleteForm(data, request.FILES if data is not None else None)
    if data is not None and form.is_valid():
        try:
            services.measure_complete(
                actor=request.user, measure=row, evidence=form.cleaned_data["evidence"],
                done_on=form.cleaned_data["done_on"], files=form.cleaned_data["evidence_files"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc, {"files": "evidence_files"})
        else:
            messages.success(request, "已登记完成，等待核实销号")
            return redirect("rectification:detail", problem.pk)
    return _small_form(request, problem, form, "登记完成情况", "登记完成", measure=row,
                       multipart=True)  # fmt: skip


@require_POST
def measure_return(request: Request, pk: int) -> HttpResponse:
    row = get_measure_or_404(request.user, pk, manage=True)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.measure_return(
                actor=request.user, measure=row, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已退回，责任人会收到通知")
    else:
        messages.error(request, "请写明退回的原因")
    return redirect("rectification:detail", row.problem_id)


@require_POST
def close(request: Request, pk: int) -> HttpResponse:
    problem = get_problem_or_404(request.user, pk, close=True)
    form = forms.CloseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.problem_close(actor=request.user, problem=problem, note=note)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已销号，到期会提醒回头看")
    return redirect("rectification:detail", problem.pk)


@require_http_methods(["GET", "POST"])
def reopen(request: Request, pk: int) -> HttpResponse:
    problem = get_problem_or_404(request.user, pk, close=True)
    if not problem.is_closed:
        messages.info(request, "问题还没有销号，不需要重新打开")
        return redirect("rectification:detail", problem.pk)
    data = request.POST if request.method == "POST" else None
    form = forms.ReopenForm(data, org=problem.organization)
    if data is not None and form.is_valid():
        try:
            services.problem_reopen(
                actor=request.user, problem=problem, reason=form.cleaned_data["reason"],
                measure=form.as_input(),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已重新打开，请按新措施整改")
            return redirect("rectification:detail", problem.pk)
    return _small_form(request, problem, form, "重新整改", "重新打开", textcheck_field="text",
                       intro="老问题不能用老办法：请写明重新整改的原因和新的整改措施。")  # fmt: skip


@require_http_methods(["GET", "POST"])
def recheck(request: Request, pk: int) -> HttpResponse:
    row = get_recheck_or_404(request.user, pk)
    problem = row.problem
    if row.done_on is not None:
        messages.info(request, "这次回头看已经登记")
        return redirect("rectification:detail", problem.pk)
    data = request.POST if request.method == "POST" else None
    form = forms.RecheckForm(data, org=problem.organization)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.recheck_record(actor=request.user, recheck=row, result=d["result"],
                                    note=d["note"], measure=form.measure())  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc, {"measure_text": "text"})
        else:
            messages.success(request, "已登记回头看")
            return redirect("rectification:detail", problem.pk)
    return _small_form(request, problem, form, "回头看", "登记", textcheck_field="text",
                       intro=f"到期日 {row.due_on:%Y-%m-%d}。检查整改成果是否巩固，问题是否反弹。")  # fmt: skip


@require_http_methods(["GET", "POST"])
def interview(request: Request, pk: int) -> HttpResponse:
    problem = get_problem_or_404(request.user, pk, interview=True)
    data = request.POST if request.method == "POST" else None
    form = forms.InterviewForm(data)
    if data is not None and form.is_valid():
        try:
            services.interview_record(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记约谈")
            return redirect("rectification:detail", problem.pk)
    return _small_form(request, problem, form, "登记约谈", "保存")


@require_GET
def evidence(request: Request, pk: int) -> FileResponse:
    row = get_evidence_or_404(request.user, pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


# --- 公示 -------------------------------------------------------------------------------------


def _year(request: Request) -> int:
    value = str(request.GET.get("year") or request.POST.get("year") or "")
    today = timezone.localdate()
    return int(value) if value.isdigit() and 1921 <= int(value) <= today.year + 1 else today.year


@require_http_methods(["GET", "POST"])
def publications(request: Request, code: str) -> HttpResponse:
    """The branch's 公示 of its problem list: the ones made, and a form for a new one."""
    org = _org(request, code)
    year = _year(request)
    data = request.POST if request.method == "POST" else None
    form = forms.PublicationForm(data, org=org, year=year)
    if data is not None and form.is_valid():
        try:
            row = services.publication_create(actor=request.user, organization=org,
                                              **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "公示已发布，本支部党员会收到通知")
            return redirect("rectification:publication", row.pk)
    rows = Paginator(
        Publication.objects.filter(organization=org).order_by("-starts_on", "-pk"), 20
    ).get_page(request.GET.get("page"))
    context = {"org": org, "form": form, "page": rows, "year": year,
               "today": timezone.localdate()}  # fmt: skip
    return render(request, "rectification/publications.html", context)


@require_GET
def publication(request: Request, pk: int) -> HttpResponse:
    """One 公示 as the branch's members see it: the chosen problems with live progress."""
    row = get_publication_or_404(request.user, pk)
    today = timezone.localdate()
    problems = queries.annotate(
        queries.with_measures(
            row.problems.all().order_by("owner_kind", "owner_member__name", "pk")
        ),
        today,
    )
    context: dict[str, Any] = {
        "publication": row,
        "problems": problems,
        "manage": scope_for(request.user).can_manage_org(row.organization),
        "showing": row.is_showing(today),
        "today": today,
    }
    return render(request, "rectification/publication.html", context)


@require_POST
def publication_withdraw(request: Request, pk: int) -> HttpResponse:
    row = get_publication_or_404(request.user, pk, manage=True)
    services.publication_withdraw(actor=request.user, publication=row)
    messages.success(request, "公示已撤回，党员不再能看到")
    return redirect(reverse("rectification:publications", args=[row.organization.code]))
