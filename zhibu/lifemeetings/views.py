"""组织生活会 pages: a branch's cycles, one cycle's dashboard, its plan and review, the collective
study and the talks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts.access import get_org_or_404, scope_for
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.evaluations.queries import evaluation_for
from zhibu.lifemeetings import forms, queries, services
from zhibu.lifemeetings.access import (
    can_manage,
    can_review,
    get_lifemeeting_or_404,
    get_self_review_or_404,
)
from zhibu.lifemeetings.models import (
    Criticism,
    LifeMeeting,
    OpinionUse,
    PlanState,
    SelfReview,
    SelfReviewItem,
    Speaker,
    Stage,
)
from zhibu.members.models import Member
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
        "me_id": scope.member.pk if scope.member is not None else None,
        "is_member": scope.member is not None
        and scope.member.branch_id == lm.branch_id
        and scope.member.is_party_member,
        "review": can_review(scope, lm) and lm.plan_state == PlanState.SUBMITTED,
        "talks": lm.talks.select_related("first", "second").order_by("-held_on", "-pk")[:50],
        "studies": lm.study_meetings.order_by("starts_at"),
        "evaluation": evaluation_for(lm.branch_id, lm.year),
        # Talks, study and opinions are prepared before the meeting (and recorded until it).
        "preparing": lm.stage in (Stage.PLAN, Stage.PREPARATION, Stage.MEETING),
        "speech_counts": queries.speech_counts(lm, len(prep.committee) + len(prep.members)),
        "problem_count": services.cycle_problems(lm).count()
        if lm.stage in (Stage.FOLLOW_UP, Stage.CLOSED)
        else 0,
    }
    return render(request, "lifemeetings/detail.html", context)


def _step(request: Request, pk: int, service: Any, done: str) -> HttpResponse:
    """A step of the cycle that needs no fields (报送, 进入会后整改, 报送情况报告): done, or
    refused with the reason, and back to the dashboard either way."""
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    try:
        service(actor=request.user, life_meeting=lm)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("lifemeetings:detail", lm.pk)


@require_POST
def submit(request: Request, pk: int) -> HttpResponse:
    return _step(request, pk, services.lifemeeting_submit, "已报送上级党组织审核")


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


# --- the meeting ---------------------------------------------------------------------------------


def _stage_problem(request: Request, lm: LifeMeeting, *stages: str) -> HttpResponse | None:
    if lm.stage not in stages:
        messages.info(
            request, f"这次组织生活会现在是“{lm.get_stage_display()}”环节，不能办理这一项"
        )
        return redirect("lifemeetings:detail", lm.pk)
    return None


@require_http_methods(["GET", "POST"])
def convene(request: Request, pk: int) -> HttpResponse:
    """安排召开: the meeting itself, with what the preparation still lacks said plainly."""
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    if lm.plan_state != PlanState.APPROVED:
        messages.info(request, "方案经上级审核同意后，才能安排召开会议")
        return redirect("lifemeetings:detail", lm.pk)
    if (stop := _stage_problem(request, lm, Stage.PREPARATION)) is not None:
        return stop
    data = request.POST if request.method == "POST" else None
    form = forms.ConveneForm(data, branch=lm.branch, planned_on=lm.planned_on)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.lifemeeting_convene(
                actor=request.user, life_meeting=lm, starts_at=d["starts_at"],
                ends_at=d["ends_at"], place=d["place"], host=d["host"], recorder=d["recorder"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已安排召开会议，通知已发给党员。会上请记录批评与自我批评")
            return redirect("lifemeetings:detail", lm.pk)
    prep = queries.preparation(lm)
    return render(request, "lifemeetings/convene.html", {"lm": lm, "form": form, "prep": prep})


@require_GET
def speeches(request: Request, pk: int) -> HttpResponse:
    """批评与自我批评 in speaking order: the 书记, the 委员, then the members."""
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    if lm.meeting is None:
        messages.info(request, "请先安排召开会议")
        return redirect("lifemeetings:detail", lm.pk)
    rows = queries.speaking_rows(lm)
    editable = lm.stage == Stage.MEETING and lm.meeting.starts_at <= timezone.now()
    return render(request, "lifemeetings/speeches.html",
                  {"lm": lm, "rows": rows, "editable": editable})  # fmt: skip


@require_http_methods(["GET", "POST"])
def speech(request: Request, pk: int, member_id: int) -> HttpResponse:
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    member = get_object_or_404(
        Member.objects.party_members().filter(branch_id=lm.branch_id), pk=member_id
    )
    if (stop := _stage_problem(request, lm, Stage.MEETING)) is not None:
        return stop
    speaker = Speaker.objects.filter(life_meeting=lm, member=member).first()
    own = Criticism.objects.filter(life_meeting=lm, target=member, is_self=True).first()
    received = list(
        Criticism.objects.filter(life_meeting=lm, target=member, is_self=False).order_by("position")
    )
    initial = None
    if speaker is not None:
        initial = {"spoke": "yes" if speaker.spoke else "no", "pledge": speaker.pledge,
                   "self_criticism": own.content if own else ""}  # fmt: skip
    people = Member.objects.current().party_members().filter(branch_id=lm.branch_id)
    people = people.exclude(pk=member.pk).order_by("name")
    data = request.POST if request.method == "POST" else None
    form = forms.SpeechForm(data, initial=initial)
    formset = forms.criticism_formset(
        data, people=people,
        initial=[{"critic": c.critic_id, "content": c.content} for c in received] or None,
    )  # fmt: skip
    if data is not None and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            services.speech_record(
                actor=request.user, life_meeting=lm, member=member, spoke=d["spoke"],
                self_criticism=d["self_criticism"], pledge=d["pledge"],
                criticisms=forms.criticism_inputs(formset),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已记录{member.name}的发言")
            return redirect("lifemeetings:speeches", lm.pk)
    context = {"lm": lm, "member": member, "form": form, "formset": formset}
    return render(request, "lifemeetings/speech.html", context)


@require_POST
def conclude(request: Request, pk: int) -> HttpResponse:
    return _step(
        request, pk, services.lifemeeting_conclude, "已进入会后整改：请逐一确认党员的整改清单"
    )


# --- follow-up -----------------------------------------------------------------------------------


@require_GET
def follow_up(request: Request, pk: int) -> HttpResponse:
    """会后整改: each member's 整改清单 (what is confirmed into the ledger), the opinions taken
    up, the 公示 and the report."""
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    if (stop := _stage_problem(request, lm, Stage.FOLLOW_UP, Stage.CLOSED)) is not None:
        return stop
    rows = queries.follow_up_rows(lm)
    context = {
        "lm": lm,
        "rows": rows,
        "problems": services.cycle_problems(lm).count(),
    }
    return render(request, "lifemeetings/follow_up.html", context)


@require_http_methods(["GET", "POST"])
def confirm(request: Request, pk: int, member_id: int) -> HttpResponse:
    """确认整改清单: the member's self-review problems and the criticisms they received, each
    put into the ledger with a measure and deadline when the secretary ticks it."""
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    member = get_object_or_404(
        Member.objects.party_members().filter(branch_id=lm.branch_id), pk=member_id
    )
    if (stop := _stage_problem(request, lm, Stage.FOLLOW_UP)) is not None:
        return stop
    items = list(
        SelfReviewItem.objects.filter(review__life_meeting=lm, review__member=member)
        .select_related("category", "ledger_problem")
        .order_by("position", "pk")
    )
    crits = list(
        Criticism.objects.filter(life_meeting=lm, target=member)
        .select_related("critic", "ledger_problem")
        .order_by("-is_self", "position", "pk")
    )
    done = [(f"对照检查：{i.problem}", i.ledger_problem) for i in items if i.ledger_problem]
    done += [(c.content, c.ledger_problem) for c in crits if c.ledger_problem]
    initial = [
        {"take": True, "source": services.ITEM, "ref": i.pk, "category": i.category_id,
         "description": i.problem, "measure": i.measure, "deadline": i.deadline}
        for i in items if i.ledger_problem_id is None
    ] + [
        {"take": False, "source": services.CRITICISM, "ref": c.pk, "description": c.content}
        for c in crits if c.ledger_problem_id is None
    ]  # fmt: skip
    labels = {(services.ITEM, i.pk): "对照检查材料" for i in items}
    labels |= {
        (services.CRITICISM, c.pk): "自我批评" if c.is_self else f"{c.critic.name}的批评意见"
        for c in crits
    }
    data = request.POST if request.method == "POST" else None
    formset = forms.confirm_formset(data, initial)
    error = None
    if data is not None and formset.is_valid():
        chosen = [f.as_input() for f in formset.forms if f.cleaned_data.get("take")]
        try:
            services.problems_confirm(actor=request.user, life_meeting=lm, member=member,
                                      entries=chosen)  # fmt: skip
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, f"已将{len(chosen)}个问题列入{member.name}的整改清单")
            return redirect("lifemeetings:follow_up", lm.pk)
    rows = [(labels.get((f["source"].value(), int(f["ref"].value() or 0)), ""), f) for f in formset]
    context = {"lm": lm, "member": member, "formset": formset, "rows": rows, "done": done,
               "error": error}  # fmt: skip
    return render(request, "lifemeetings/confirm.html", context)


@require_GET
def opinion_answers(request: Request, pk: int) -> HttpResponse:
    """The opinion poll's written answers (in a random order, only above the poll's minimum),
    each of which the secretary can turn into a problem."""
    from zhibu.ballots import queries as ballot_queries

    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    poll = lm.opinion_poll
    closed = poll is not None and poll.state in ("closed", "published")
    answers: list[tuple[str, str, bool]] = []
    count, hidden = 0, False
    if poll is not None and closed:
        count, results = ballot_queries.tally(poll)
        hidden = results is None
        used = set(OpinionUse.objects.filter(life_meeting=lm).values_list("digest", flat=True))
        seen: set[str] = set()
        for r in results or []:
            for text in r.texts:
                if text in seen:
                    continue
                seen.add(text)
                digest = services.opinion_digest(poll.pk, text)
                answers.append((text, digest, digest in used))
    context = {"lm": lm, "poll": poll, "closed": closed, "answers": answers, "count": count,
               "hidden": hidden}  # fmt: skip
    return render(request, "lifemeetings/opinion_answers.html", context)


@require_http_methods(["GET", "POST"])
def opinion_take_up(request: Request, pk: int) -> HttpResponse:
    """转为问题: one opinion (found by its digest among the poll's answers) into the ledger,
    with the owner, measure and 责任人 the secretary chooses."""
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    poll = lm.opinion_poll
    texts = services.opinion_texts(poll) if poll is not None else set()
    digest = request.GET.get("d", "")
    text = next((t for t in texts if poll and services.opinion_digest(poll.pk, t) == digest), None)
    if request.method == "GET" and text is None:
        messages.info(request, "请从征求到的意见中选择要转为问题的一条")
        return redirect("lifemeetings:opinion_answers", lm.pk)
    data = request.POST if request.method == "POST" else None
    form = forms.TakeUpForm(data, branch=lm.branch, initial={"text": text})
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.opinion_take_up(
                actor=request.user, life_meeting=lm, text=d["text"], owner_kind=d["owner_kind"],
                owner_member=d["owner_member"], category=d["category"], measure=d["measure"],
                responsible=d["responsible"], deadline=d["deadline"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已转为问题，列入整改台账")
            return redirect("lifemeetings:opinion_answers", lm.pk)
    shown = form["text"].value() or text or ""
    return render(request, "lifemeetings/take_up.html", {"lm": lm, "form": form, "text": shown})


@require_http_methods(["GET", "POST"])
def publish(request: Request, pk: int) -> HttpResponse:
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    if (stop := _stage_problem(request, lm, Stage.FOLLOW_UP)) is not None:
        return stop
    data = request.POST if request.method == "POST" else None
    form = forms.PublishForm(data)
    if data is not None and form.is_valid():
        try:
            services.lifemeeting_publish(actor=request.user, life_meeting=lm, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已发布公示，党员在公示期内可以在手机上查看")
            return redirect("lifemeetings:follow_up", lm.pk)
    return render(request, "lifemeetings/small_form.html",
                  {"lm": lm, "form": form, "title": "公示问题清单", "button": "发布公示"})  # fmt: skip


@require_POST
def report_submit(request: Request, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        services.lifemeeting_report_submit,
        "情况报告已报送上级党组织。整改在整改台账中继续跟踪",
    )
