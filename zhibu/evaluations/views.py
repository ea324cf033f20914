"""民主评议党员 pages: a branch's evaluations, one evaluation's steps (自评, 民主测评, 支委会评定,
党员大会确定, 公示), a member's own 个人小结 and results, and the committee's 优秀党员 list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts.access import get_org_or_404, scope_for
from zhibu.ballots import services as ballots
from zhibu.ballots.queries import turnout
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.evaluations import forms, queries, rules, services
from zhibu.evaluations.access import (
    can_manage,
    get_evaluation_or_404,
    get_own_entry_or_403,
    get_results_or_404,
    own_entry,
)
from zhibu.evaluations.models import Evaluation, Stage
from zhibu.orgs.models import Organization, OrgKind


def _branch(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    if org.kind != OrgKind.BRANCH:
        raise PermissionDenied("民主评议党员由党支部组织：请先进入具体的党支部")
    request.current_org = org
    return org


def _entries(ev: Evaluation) -> list[Any]:
    return list(ev.entries.select_related("member", "problem").order_by("category", "member__name"))


@require_GET
def branch_list(request: Request, code: str) -> HttpResponse:
    org = _branch(request, code)
    page = Paginator(queries.branch_evaluations(org), 20).get_page(request.GET.get("page"))
    return render(request, "evaluations/list.html", {"org": org, "page": page})


@require_http_methods(["GET", "POST"])
def new(request: Request, code: str) -> HttpResponse:
    org = _branch(request, code)
    data = request.POST if request.method == "POST" else None
    form = forms.StartForm(data, branch=org)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            ev = services.evaluation_start(
                actor=request.user, branch=org, year=d["year"], life_meeting=d["life_meeting"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "民主评议已开始，已通知党员撰写个人小结")
            return redirect("evaluations:detail", ev.pk)
    return render(request, "evaluations/start.html", {"org": org, "form": form})


@require_GET
def detail(request: Request, pk: int) -> HttpResponse:
    ev = get_evaluation_or_404(request.user, pk)
    manage = can_manage(scope_for(request.user), ev)
    request.current_org = ev.branch
    context: dict[str, Any] = {"ev": ev, "manage": manage, "mine": own_entry(request.user, ev),
                               "showing": ev.is_showing(timezone.localdate())}  # fmt: skip
    if manage:
        entries = _entries(ev)
        ballots_cast, by_member = queries.tallies(ev)
        context.update(
            entries=entries,
            full=[e for e in entries if e.is_full],
            submitted=sum(1 for e in entries if e.is_submitted),
            turnout=turnout(ev.poll) if ev.poll is not None else None,
            ballots_cast=ballots_cast,
            tally_rows=_tally_rows(entries, by_member),
            counts=_counts(entries) if ev.is_confirmed else None,
            probationary_note=rules.PROBATIONARY_NOTE,
        )
    return render(request, "evaluations/detail.html", context)


def _tally_rows(entries: list[Any], by_member: dict[int, dict[str, int]] | None) -> list[Any]:
    if by_member is None:
        return []
    return [
        (e, [by_member.get(e.member_id, {}).get(g, 0) for g in rules.GRADES])
        for e in entries
        if e.is_full
    ]


def _counts(entries: list[Any]) -> list[tuple[str, int]]:
    counts = rules.grade_counts(e.grade for e in entries)
    return [(rules.GRADE_LABELS[g], n) for g, n in counts.items()]


@require_http_methods(["GET", "POST"])
def self_assessment(request: Request, pk: int) -> HttpResponse:
    entry = get_own_entry_or_403(request.user, pk)
    ev = entry.evaluation
    data = request.POST if request.method == "POST" else None
    form = forms.SelfAssessmentForm(data, initial={"summary": entry.summary})
    if data is not None and form.is_valid():
        submit = bool(data.get("submit"))
        try:
            services.self_assessment_save(
                actor=request.user, entry=entry, summary=form.cleaned_data["summary"], submit=submit
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "个人小结已提交" if submit else "草稿已保存")
            return redirect("evaluations:mine")
    locked = ev.reached(Stage.PROPOSED)
    return render(request, "evaluations/self_assessment.html",
                  {"ev": ev, "entry": entry, "form": form, "locked": locked})  # fmt: skip


@require_GET
def mine(request: Request) -> HttpResponse:
    member = scope_for(request.user).member
    entries = queries.my_entries(member) if member is not None else []
    return render(request, "evaluations/mine.html", {"entries": entries, "member": member,
                                                    "today": timezone.localdate()})  # fmt: skip


@require_http_methods(["GET", "POST"])
def voting(request: Request, pk: int) -> HttpResponse:
    ev = get_evaluation_or_404(request.user, pk, manage=True)
    request.current_org = ev.branch
    data = request.POST if request.method == "POST" else None
    form = forms.VotingForm(data)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.evaluation_voting_open(
                actor=request.user, evaluation=ev, closes_at=d["closes_at"],
                min_responses_to_show=d["min_responses_to_show"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "民主测评已开始，已通知党员无记名投票")
            return redirect("evaluations:detail", ev.pk)
    return render(request, "evaluations/voting.html", {"ev": ev, "form": form})


@require_POST
def voting_close(request: Request, pk: int) -> HttpResponse:
    ev = get_evaluation_or_404(request.user, pk, manage=True)
    if ev.poll is None or not ev.poll.is_open:
        messages.error(request, "民主测评没有在进行中")
    else:
        ballots.poll_close(actor=request.user, poll=ev.poll)
        messages.success(request, "民主测评已结束，可以查看汇总并由支委会提出评定意见")
    return redirect("evaluations:detail", ev.pk)


@require_http_methods(["GET", "POST"])
def propose(request: Request, pk: int) -> HttpResponse:
    ev = get_evaluation_or_404(request.user, pk, manage=True)
    request.current_org = ev.branch
    entries = _entries(ev)
    data = request.POST if request.method == "POST" and not ev.is_confirmed else None
    form = forms.ProposeForm(data, entries=entries)
    if data is not None and form.is_valid():
        try:
            proposal = services.grades_propose(
                actor=request.user, evaluation=ev, grades=form.grades()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if proposal.check.ok:
                messages.success(request, "评定意见已保存，可以提请支部党员大会确定")
            else:
                messages.warning(request, "评定意见已保存，但还有问题需要调整后才能确定")
            return redirect("evaluations:propose", ev.pk)
    ballots_cast, by_member = queries.tallies(ev)
    context = {
        "ev": ev, "form": form, "ballots_cast": ballots_cast,
        "rows": [(e, field, _votes(by_member, e.member_id)) for e, field in form.rows()],
        "probationary": [e for e in entries if not e.is_full],
        "check": services.grade_check(ev) if ev.reached(Stage.PROPOSED) else None,
        "cap": rules.excellent_allowed(len(form.entries), services.excellent_share()),
        "share": rules.share_label(services.excellent_share()),
        "probationary_note": rules.PROBATIONARY_NOTE, "unqualified_note": rules.UNQUALIFIED_NOTE,
        "ready": ev.poll is not None and ev.poll.is_over,
    }  # fmt: skip
    return render(request, "evaluations/propose.html", context)


def _votes(by_member: dict[int, dict[str, int]] | None, pk: int) -> list[tuple[str, int]] | None:
    if by_member is None:
        return None
    return [(rules.GRADE_LABELS[g], by_member.get(pk, {}).get(g, 0)) for g in rules.GRADES]


@require_http_methods(["GET", "POST"])
def confirm(request: Request, pk: int) -> HttpResponse:
    ev = get_evaluation_or_404(request.user, pk, manage=True)
    request.current_org = ev.branch
    entries = _entries(ev)
    unqualified = [e for e in entries if e.is_full and e.proposed_grade == rules.UNQUALIFIED]
    data = request.POST if request.method == "POST" else None
    form = forms.ConfirmForm(data, evaluation=ev, unqualified=unqualified)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        corrections = {
            e.member_id: services.Correction(
                description=d[f"u{e.member_id}_description"],
                measure=d[f"u{e.member_id}_measure"],
                months=d[f"u{e.member_id}_months"],
                category=d[f"u{e.member_id}_category"],
            )  # fmt: skip
            for e in unqualified
        }
        try:
            services.grades_confirm(
                actor=request.user, evaluation=ev, assembly=d["assembly"],
                confirmed_on=d["confirmed_on"], corrections=corrections,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "评定结果已确定。下一步：公示")
            return redirect("evaluations:detail", ev.pk)
    check = services.grade_check(ev) if ev.stage == Stage.PROPOSED else None
    return render(request, "evaluations/confirm.html",
                  {"ev": ev, "form": form, "entries": entries, "check": check,
                   "unqualified_note": rules.UNQUALIFIED_NOTE})  # fmt: skip


@require_http_methods(["GET", "POST"])
def publish(request: Request, pk: int) -> HttpResponse:
    ev = get_evaluation_or_404(request.user, pk, manage=True)
    request.current_org = ev.branch
    data = request.POST if request.method == "POST" else None
    initial = {"starts_on": ev.publish_starts_on, "ends_on": ev.publish_ends_on}
    form = forms.PublishForm(data, initial={k: v for k, v in initial.items() if v})
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.evaluation_publish(
                actor=request.user, evaluation=ev, starts_on=d["starts_on"], ends_on=d["ends_on"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "评议结果已公示，党员在公示期内可以在手机上查看")
            return redirect("evaluations:detail", ev.pk)
    return render(request, "evaluations/publish.html", {"ev": ev, "form": form})


@require_GET
def results(request: Request, pk: int) -> HttpResponse:
    ev = get_results_or_404(request.user, pk)
    entries = _entries(ev)
    return render(request, "evaluations/results.html", {
        "ev": ev, "graded": [e for e in entries if e.is_full],
        "probationary": [e for e in entries if not e.is_full], "counts": _counts(entries),
    })  # fmt: skip


@require_GET
def excellent(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    form = forms.YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    page = Paginator(queries.excellent_members(org, year), 50).get_page(request.GET.get("page"))
    return render(request, "evaluations/excellent.html", {
        "org": org, "page": page, "year": year, "years": queries.excellent_years(org),
    })  # fmt: skip
