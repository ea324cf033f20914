"""无记名投票 pages: the organizers' list, form and detail (open, close, publish, paper codes,
turnout), a voter's polls and ballot, the results, and the public page for paper codes.

Views are short: access (``ballots.access``), bind a form, call a service, redirect or render.
No view puts a ballot's content in a message, a URL, the session or a log; the change token
lives only in an HttpOnly cookie scoped to the poll's voting page.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts.access import get_org_or_404, scope_for
from zhibu.ballots import forms, queries, rules, services
from zhibu.ballots.access import (
    get_poll_or_404,
    get_poll_results_or_404,
    get_poll_to_vote_or_404,
)
from zhibu.ballots.models import Poll, PollKind, VoteReceipt
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.orgs.models import Organization

PAGE_SIZE = 30
BALLOT_PREFIX = "a"  # ballot fields are a-q1, a-q2 …, never clashing with code/step
COOKIE_PREFIX = "zhibu_ballot_"
COOKIE_DAYS = 60
CODE_ATTEMPTS = 10  # wrong or used paper codes per session …
CODE_WAIT_SECONDS = 15 * 60  # … before it must wait this long
CODE_FAILURES = "ballots_code_failures"


def _org(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    return org


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- organizers -----------------------------------------------------------------------------


@require_GET
def poll_list(request: Request, code: str) -> HttpResponse:
    org = _org(request, code)
    page = Paginator(queries.org_polls(org), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ballots/list.html", {"org": org, "page": page})


@require_http_methods(["GET", "POST"])
def poll_new(request: Request, code: str) -> HttpResponse:
    org = _org(request, code)
    data = request.POST if request.method == "POST" else None
    form = forms.PollForm(data)
    if data is not None and form.is_valid():
        try:
            poll = services.poll_create(
                actor=request.user, organization=org, kind=PollKind.OPINION, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存为草稿。检查题目无误后，点“开始投票”")
            return redirect("ballots:detail", poll.pk)
    return render(request, "ballots/form.html", {"org": org, "form": form, "poll": None})


@require_http_methods(["GET", "POST"])
def poll_edit(request: Request, pk: int) -> HttpResponse:
    poll = get_poll_or_404(request.user, pk, manage=True)
    request.current_org = poll.organization
    if not poll.is_draft or poll.kind != PollKind.OPINION:
        messages.info(request, "只有还没开始的征求意见可以在这里修改")
        return redirect("ballots:detail", poll.pk)
    initial = {
        "title": poll.title, "description": poll.description,
        "questions": rules.question_lines(poll.questions), "opens_at": poll.opens_at,
        "closes_at": poll.closes_at, "min_responses_to_show": poll.min_responses_to_show,
        "allow_change": poll.allow_change,
    }  # fmt: skip
    data = request.POST if request.method == "POST" else None
    form = forms.PollForm(data, initial=initial)
    if data is not None and form.is_valid():
        try:
            services.poll_update(actor=request.user, poll=poll, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("ballots:detail", poll.pk)
    context = {"org": poll.organization, "form": form, "poll": poll}
    return render(request, "ballots/form.html", context)


@require_GET
def detail(request: Request, pk: int) -> HttpResponse:
    poll = get_poll_or_404(request.user, pk, manage=True)
    request.current_org = poll.organization
    turnout = queries.turnout(poll) if poll.is_over else None
    if turnout is not None:
        voters, issued = turnout.voters, turnout.codes_issued
    else:
        voters = (services.default_voters(poll) if poll.is_draft else poll.voters).count()
        issued = queries.code_counts(poll)[0] if poll.kind == PollKind.OPINION else 0
    now = timezone.now()
    context = {
        "poll": poll,
        "voters": voters,
        "turnout": turnout,
        "codes_issued": issued,
        "codes_form": forms.CodesForm(initial={"count": 20}),
        "window": poll.window_problem() if poll.is_open else "",
        "overdue": poll.is_open and poll.closes_at is not None and poll.closes_at <= now,
        "max_codes": rules.MAX_CODES_PER_ISSUE,
    }
    return render(request, "ballots/detail.html", context)


def _transition(request: Request, pk: int, service: Callable[..., Poll], done: str) -> HttpResponse:
    poll = get_poll_or_404(request.user, pk, manage=True)
    try:
        service(actor=request.user, poll=poll)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done)
    return redirect("ballots:detail", poll.pk)


@require_POST
def poll_open(request: Request, pk: int) -> HttpResponse:
    return _transition(request, pk, services.poll_open, "已开始投票，投票人会收到通知")


@require_POST
def poll_close(request: Request, pk: int) -> HttpResponse:
    done = "投票已结束，选票已打乱重排，不再与任何人对应"
    return _transition(request, pk, services.poll_close, done)


@require_POST
def poll_publish(request: Request, pk: int) -> HttpResponse:
    return _transition(request, pk, services.poll_publish, "结果已公布，投票人可以查看")


@require_POST
def codes(request: Request, pk: int) -> HttpResponse:
    """Issue paper codes and show them once, on a page to print (never stored, never again)."""
    poll = get_poll_or_404(request.user, pk, manage=True)
    request.current_org = poll.organization
    form = forms.CodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"请填写要打印的凭证份数（1到{rules.MAX_CODES_PER_ISSUE}张）")
        return redirect("ballots:detail", poll.pk)
    try:
        plain = services.paper_codes_issue(
            actor=request.user, poll=poll, count=form.cleaned_data["count"]
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("ballots:detail", poll.pk)
    url = request.build_absolute_uri(reverse("ballots:code_vote"))
    qr = segno.make(url, error="m").svg_inline(scale=2, dark="#000", light="#fff")
    context = {"poll": poll, "codes": plain, "url": url, "qr": qr}
    response = render(request, "ballots/codes.html", context)
    add_never_cache_headers(response)
    return response


# --- voters ---------------------------------------------------------------------------------


@require_GET
def mine(request: Request) -> HttpResponse:
    member = scope_for(request.user).member
    current, over = queries.my_polls(member) if member is not None else ([], [])
    context = {"member": member, "current": current, "over": over}
    return render(request, "ballots/mine.html", context)


def _cookie(poll: Poll) -> tuple[str, str]:
    """The change token's cookie: its name, and the one path it is sent to."""
    return f"{COOKIE_PREFIX}{poll.pk}", reverse("ballots:vote", args=[poll.pk])


def _keep_token(response: HttpResponse, poll: Poll, token: str) -> None:
    name, path = _cookie(poll)
    age = dt.timedelta(days=COOKIE_DAYS)
    if poll.closes_at is not None:
        age = min(age, max(poll.closes_at - timezone.now(), dt.timedelta(minutes=1)))
    response.set_cookie(
        name, token, max_age=int(age.total_seconds()), path=path, httponly=True,
        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
    )  # fmt: skip


@sensitive_variables()
def _cast(
    request: Request, poll: Poll, form: forms.BallotForm, token: str | None
) -> HttpResponse | None:
    """Cast the checked ballot; on success back to the voting page (never showing the content
    in the message or the URL), with a new change token in the cookie when changes are allowed.
    A service refusal goes beside the form's fields (and None is returned)."""
    me = scope_for(request.user).member
    if me is None:
        raise PermissionDenied("只有党员可以投票")
    try:
        result = services.ballot_cast(
            actor=request.user, voter=me, poll=poll, answers=form.answers(), change_token=token
        )
    except ValidationError as exc:
        form.add_service_error(exc)
        return None
    messages.success(request, "选票已修改" if result.changed else "投票成功，谢谢参与")
    response = redirect("ballots:vote", poll.pk)
    if result.change_token:
        _keep_token(response, poll, result.change_token)
    return response


@sensitive_post_parameters()  # error reports never carry a ballot
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def vote(request: Request, pk: int) -> HttpResponse:
    poll = get_poll_to_vote_or_404(request.user, pk)
    me = scope_for(request.user).member
    name, path = _cookie(poll)
    token = request.COOKIES.get(name) or None
    receipt = VoteReceipt.objects.filter(poll=poll, voter=me).first()
    closed = poll.window_problem()
    mine = queries.my_ballot(poll, me, token) if me and receipt and not closed else None
    may_cast = not closed and (receipt is None or mine is not None)
    data = request.POST if request.method == "POST" else None
    form = forms.BallotForm(poll.questions, data, initial=mine or {}, prefix=BALLOT_PREFIX)
    if data is not None and not may_cast:
        refusal = services.CANNOT_CHANGE if poll.allow_change else services.ALREADY_VOTED
        messages.error(request, closed or refusal)
        return redirect("ballots:vote", poll.pk)
    cast = _cast(request, poll, form, token) if data is not None and form.is_valid() else None
    if cast is not None:
        return cast
    context = {"poll": poll, "form": form, "receipt": receipt, "closed": closed,
               "can_change": mine is not None}  # fmt: skip
    response = render(request, "ballots/vote.html", context)
    add_never_cache_headers(response)  # a changeable ballot is shown filled in: keep no copy
    if token and poll.is_over:
        response.delete_cookie(name, path=path)  # nothing left to change
    return response


@require_GET
def results(request: Request, pk: int) -> HttpResponse:
    poll, manage = get_poll_results_or_404(request.user, pk)
    if manage:
        request.current_org = poll.organization
    count, rows = queries.tally(poll) if poll.is_over else (0, None)
    context = {"poll": poll, "manage": manage, "count": count, "rows": rows}
    response = render(request, "ballots/results.html", context)
    add_never_cache_headers(response)
    return response


# --- paper codes (public) -------------------------------------------------------------------


def _wait_seconds(request: HttpRequest) -> int:
    now = int(time.time())
    recent = [t for t in request.session.get(CODE_FAILURES, []) if now - t < CODE_WAIT_SECONDS]
    if len(recent) < CODE_ATTEMPTS:
        return 0
    return CODE_WAIT_SECONDS - (now - min(recent))


def _failed(request: HttpRequest) -> None:
    now = int(time.time())
    kept = [t for t in request.session.get(CODE_FAILURES, []) if now - t < CODE_WAIT_SECONDS]
    request.session[CODE_FAILURES] = [*kept, now][-CODE_ATTEMPTS:]


def _code_page(request: HttpRequest, step: str, **context: Any) -> HttpResponse:
    response = render(request, "ballots/code_vote.html", {"step": step, **context})
    add_never_cache_headers(response)
    return response


@sensitive_post_parameters()
@sensitive_variables()
@login_not_required
@require_http_methods(["GET", "POST"])
def code_vote(request: HttpRequest) -> HttpResponse:
    """群众 enter the code from their paper slip, then answer. No login; nothing about who they
    are, or about the code, goes into the session beyond a count of wrong tries."""
    if request.method == "GET":
        return _code_page(request, "enter", form=forms.CodeForm())
    form = forms.CodeForm(request.POST)
    wait = _wait_seconds(request)
    if wait:
        form.is_valid()
        form.add_error(None, f"凭证码输错次数太多，请{(wait + 59) // 60}分钟后再试")
        return _code_page(request, "enter", form=form)
    if not form.is_valid():
        return _code_page(request, "enter", form=form)
    code = rules.normalize_code(form.cleaned_data["code"])
    poll, problem = services.paper_code_problem(None, code)
    if poll is None or problem:
        if problem in (services.CODE_WRONG, services.CODE_MALFORMED, services.CODE_USED):
            _failed(request)
        form.add_error("code", problem)
        return _code_page(request, "enter", form=form)
    answering = request.POST.get("step") == "answer"
    ballot = forms.BallotForm(
        poll.questions, request.POST if answering else None, prefix=BALLOT_PREFIX
    )
    if answering and ballot.is_valid():
        try:
            services.ballot_cast_with_code(poll=poll, code=code, answers=ballot.answers())
        except ValidationError as exc:
            ballot.add_service_error(exc)
        else:
            return _code_page(request, "thanks", poll=poll)
    code_text = rules.format_code(code)
    return _code_page(request, "answer", poll=poll, form=ballot, code=code_text)
