"""三会一课 pages: the member's 组织生活 tab, the branch's meetings, one meeting and its minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts.access import get_org_or_404, scope_for
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.meetings import forms, rules, services
from zhibu.meetings.access import (
    can_manage,
    can_record,
    get_attachment_or_404,
    get_attendance_or_404,
    get_meeting_or_404,
    get_series_or_404,
    my_attendance,
)
from zhibu.meetings.models import (
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    BranchSettings,
    LeaveState,
    Meeting,
    MeetingStatus,
    MinutesState,
)
from zhibu.orgs.models import Organization, OrgKind


def _branch(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    if org.kind != OrgKind.BRANCH:
        raise PermissionDenied("会议由党支部安排：请先进入具体的党支部")
    request.current_org = org
    return org


@require_GET
def mine(request: Request) -> HttpResponse:
    """组织生活: my meetings ahead, my 补学 to do, what I took part in lately."""
    member = scope_for(request.user).member
    rows = Attendance.objects.none()
    if member is not None:
        rows = Attendance.objects.filter(member=member).select_related("meeting__branch")
    now = timezone.now()
    context = {
        "upcoming": rows.filter(
            meeting__status=MeetingStatus.PLANNED, meeting__ends_at__gte=now
        ).order_by("meeting__starts_at")[:20],
        "makeup": rows.makeup_due().order_by("meeting__starts_at")[:50],
        # Everything held that I was on the list of, newest first, a page at a time.
        "recent": Paginator(
            rows.filter(meeting__status=MeetingStatus.HELD).order_by("-meeting__starts_at", "-pk"),
            10,
        ).get_page(request.GET.get("page")),
        "now": now,
        "member": member,
    }
    return render(request, "meetings/mine.html", context)


@require_GET
def branch_list(request: Request, code: str) -> HttpResponse:
    branch = _branch(request, code)
    form = forms.MeetingFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    qs = Meeting.objects.filter(branch=branch)
    if f.get("year"):
        qs = qs.filter(starts_at__year=f["year"])
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("status") == "unrecorded":
        qs = qs.filter(status=MeetingStatus.PLANNED, ends_at__lt=timezone.now())
    elif f.get("status"):
        qs = qs.filter(status=f["status"])
    qs = qs.select_related("group", "host").annotate(
        n_expected=Count("attendances", filter=Q(attendances__role=AttendanceRole.ATTENDEE)),
        n_present=Count(
            "attendances",
            filter=Q(
                attendances__role=AttendanceRole.ATTENDEE,
                attendances__status=AttendanceStatus.PRESENT,
            ),
        ),
    )
    page = Paginator(qs.order_by("-starts_at", "-pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"org": branch, "form": form, "page": page, "filters": f, "now": timezone.now(),
               "filtered": any(f.values()), "this_year": timezone.localdate().year,
               "years": range(timezone.localdate().year + 1, timezone.localdate().year - 6, -1)}  # fmt: skip
    if request.htmx and not request.htmx.boosted:
        return render(request, "meetings/branch_list.html#results", context)
    return render(request, "meetings/branch_list.html", context)


@require_http_methods(["GET", "POST"])
def plan(request: Request, code: str) -> HttpResponse:
    branch = _branch(request, code)
    kind = request.GET.get("kind", rules.THEME_DAY)
    initial = {"kind": kind, "title": rules.KIND_LABELS.get(kind, ""), "date": timezone.localdate(),
               "start_time": dt.time(15, 0), "end_time": dt.time(17, 0)}  # fmt: skip
    form = forms.MeetingForm(request.POST or None, branch=branch, initial=initial)
    forms.kind_choices_for(form, branch)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_plan(
                actor=request.user, branch=branch, kind=form.cleaned_data["kind"],
                agenda=form.cleaned_data["agenda_items"], **form.service_values(),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc, {"branch": "kind"})
        else:
            messages.success(request, f"已安排{meeting.get_kind_display()}，并已通知应到人员")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "org": branch, "title": "安排会议"})


@require_http_methods(["GET", "POST"])
def edit(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk, manage=True)
    request.current_org = meeting.branch
    form = forms.MeetingForm(request.POST or None, branch=meeting.branch, editing=True,
                             initial=forms.meeting_initial(meeting))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting,
                                    agenda=form.cleaned_data["agenda_items"], **form.service_values())  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存；时间或地点有变化时已通知应到人员")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/form.html",
                  {"form": form, "org": meeting.branch, "meeting": meeting, "title": f"修改：{meeting.title}"})  # fmt: skip


def _reason_action(
    request: Request, meeting: Meeting, act: Callable[..., Any], title: str, done: str, explain: str
) -> HttpResponse:
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/reason.html",
                  {"form": form, "meeting": meeting, "org": meeting.branch, "title": title, "explain": explain})  # fmt: skip


@require_http_methods(["GET", "POST"])
def cancel(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk, manage=True)
    request.current_org = meeting.branch
    return _reason_action(request, meeting, services.meeting_cancel, f"取消：{meeting.title}",
                          "会议已取消，并已通知应到人员", "取消后会通知全部应到人员；会议记录保留。")  # fmt: skip


@require_GET
def detail(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk)
    request.current_org = meeting.branch
    scope = scope_for(request.user)
    now = timezone.now()
    current = meeting.minutes.filter(state=MinutesState.CONFIRMED).first()
    context = {
        "meeting": meeting,
        "org": meeting.branch,
        "agenda": meeting.agenda.all(),
        "mine": my_attendance(scope, meeting),
        "manage": can_manage(scope, meeting),
        "record": can_record(scope, meeting),
        "summary": services.attendance_summary(meeting),
        "minutes": current,
        "draft": meeting.minutes.filter(state=MinutesState.DRAFT).first(),
        "versions": meeting.minutes.exclude(state=MinutesState.DRAFT).order_by("-version"),
        "attachments": meeting.attachments.filter(removed_at__isnull=True),
        "sign_in_open": rules.sign_in_open(
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, now=now
        ),
        "sign_in_message": rules.sign_in_window_message(
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, now=now
        ),
        "now": now,
    }
    return render(request, "meetings/detail.html", context)


@require_http_methods(["GET", "POST"])
def sign_in(request: Request, pk: int) -> HttpResponse:
    """POST signs in; a GET from a scanned QR code shows one button, so link previews that
    fetch the URL never sign anyone in."""
    meeting = get_meeting_or_404(request.user, pk)
    token = request.POST.get("t") or request.GET.get("t", "")
    member = scope_for(request.user).member
    if request.method == "GET":
        return render(
            request,
            "meetings/sign_in.html",
            {"meeting": meeting, "token": token, "org": meeting.branch},
        )
    try:
        if member is None:
            raise ValidationError({"meeting": "您的账号没有关联党员信息"})
        services.attendance_sign_in(actor=request.user, meeting=meeting, member=member, token=token)
    except ValidationError as exc:
        messages.error(request, "；".join(m for msgs in exc.message_dict.values() for m in msgs))
    else:
        messages.success(request, "签到成功")
    return redirect("meetings:detail", pk=meeting.pk)


@require_GET
def qr(request: Request, pk: int) -> HttpResponse:
    """The host shows this on the meeting room's screen; htmx swaps in a new code every minute."""
    meeting = get_meeting_or_404(request.user, pk, record=True)
    request.current_org = meeting.branch
    issued = int(timezone.now().timestamp())
    token = rules.qr_token(key=services.qr_key(), meeting_id=meeting.pk, issued=issued)
    url = request.build_absolute_uri(reverse("meetings:sign_in", args=[meeting.pk]) + f"?t={token}")
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff")
    context = {"meeting": meeting, "org": meeting.branch, "svg": svg, "rotate": rules.QR_ROTATE_SECONDS,
               "summary": services.attendance_summary(meeting)}  # fmt: skip
    template = "meetings/qr.html#code" if request.htmx else "meetings/qr.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def attendance(request: Request, pk: int) -> HttpResponse:
    """The recorder marks everyone at once; leave requests and voting exclusions are here too."""
    meeting = get_meeting_or_404(request.user, pk, record=True)
    request.current_org = meeting.branch
    rows = list(meeting.attendances.select_related("member").order_by("role", "pk"))
    if request.method == "POST":
        marks = {a.pk: request.POST.get(f"status-{a.pk}", a.status) for a in rows}
        written = [a.pk for a in rows if request.POST.get(f"written-{a.pk}")]
        try:
            n = services.attendance_mark(
                actor=request.user, meeting=meeting, marks=marks, written=written
            )
        except ValidationError as exc:
            messages.error(
                request, "；".join(m for msgs in exc.message_dict.values() for m in msgs)
            )
        else:
            messages.success(request, f"已保存出席情况（{n} 人有变动）")
            return redirect("meetings:attendance", pk=meeting.pk)
    context = {
        "meeting": meeting, "org": meeting.branch, "rows": rows,
        "statuses": forms.forms.ChoiceField(choices=AttendanceStatus.choices).choices,
        "summary": services.attendance_summary(meeting),
        "pending": [a for a in rows if a.leave_state == LeaveState.REQUESTED],
        "manage": can_manage(scope_for(request.user), meeting),
        "exclusions": settings.VOTING_EXCLUSIONS,
        "observer_form": forms.ObserverForm(meeting=meeting),
    }  # fmt: skip
    return render(request, "meetings/attendance.html", context)


@require_POST
def observer_add(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk, record=True)
    form = forms.ObserverForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.observer_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(
                request, "；".join(m for msgs in exc.message_dict.values() for m in msgs)
            )
        else:
            messages.success(request, "已添加列席人员")
    else:
        messages.error(request, "请选择人员或填写列席人员姓名")
    return redirect("meetings:attendance", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def leave(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk)
    member = scope_for(request.user).member
    form = forms.LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if member is None:
                raise ValidationError({"reason": "您的账号没有关联党员信息"})
            services.leave_request(
                actor=request.user, meeting=meeting, member=member, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "请假申请已提交，等待书记批准")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/small_form.html",
                  {"form": form, "meeting": meeting, "org": meeting.branch, "title": "请假", "button": "提交请假申请"})  # fmt: skip


def _attendance_action(request: Request, row: Attendance, form: forms.forms.Form, act: Callable[..., Any],
                       title: str, done: str, back: str) -> HttpResponse:  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            act(actor=request.user, attendance=row, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(back, pk=row.meeting_id)
    return render(request, "meetings/small_form.html",
                  {"form": form, "meeting": row.meeting, "org": row.meeting.branch, "row": row, "title": title, "button": "确认"})  # fmt: skip


@require_http_methods(["GET", "POST"])
def leave_decide(request: Request, pk: int) -> HttpResponse:
    row = get_attendance_or_404(request.user, pk, manage=True)
    request.current_org = row.meeting.branch
    form = forms.LeaveDecisionForm(request.POST or None)
    return _attendance_action(request, row, form, services.leave_decide, f"审批{row.name}的请假",
                              "已处理请假申请", "meetings:attendance")  # fmt: skip


@require_http_methods(["GET", "POST"])
def exclusion(request: Request, pk: int) -> HttpResponse:
    row = get_attendance_or_404(request.user, pk, manage=True)
    request.current_org = row.meeting.branch
    form = forms.ExclusionForm(
        request.POST or None,
        initial={"reason": row.excluded_reason, "approval": row.excluded_approval},
    )
    return _attendance_action(request, row, form, services.voting_exclusion_set, f"{row.name}：应到会有表决权",
                              "已记录", "meetings:attendance")  # fmt: skip


@require_http_methods(["GET", "POST"])
def makeup(request: Request, pk: int) -> HttpResponse:
    row = get_attendance_or_404(request.user, pk, own_or_manage=True)
    request.current_org = row.meeting.branch
    form = forms.MakeupForm(request.POST or None, initial={"on": timezone.localdate()})
    return _attendance_action(request, row, form, services.makeup_complete, f"登记补学：{row.meeting.title}",
                              "已登记补学", "meetings:detail")  # fmt: skip


@require_http_methods(["GET", "POST"])
def minutes(request: Request, pk: int) -> HttpResponse:
    """Write the draft minutes: what was said per agenda item, resolutions and votes, summary."""
    meeting = get_meeting_or_404(request.user, pk, record=True)
    request.current_org = meeting.branch
    draft = meeting.minutes.filter(state=MinutesState.DRAFT).first()
    if draft is None and meeting.minutes.filter(state=MinutesState.CONFIRMED).exists():
        messages.info(request, "会议记录已确认并锁定；如需修改，请提出更正")
        return redirect("meetings:detail", pk=meeting.pk)
    content = draft.content if draft else {
        "items": [{"title": a.title, "is_first_topic": a.is_first_topic, "content": ""} for a in meeting.agenda.all()],
        "resolutions": [], "summary": "",
    }  # fmt: skip
    if not content.get("items"):  # no agenda was listed: one free item for what happened
        content = {
            **content,
            "items": [{"title": "会议内容", "is_first_topic": False, "content": ""}],
        }
    errors: list[str] = []
    if request.method == "POST":
        content = _posted_content(request)
        try:
            services.minutes_save(actor=request.user, meeting=meeting, content=content)
        except ValidationError as exc:
            errors = [m for msgs in exc.message_dict.values() for m in msgs]
        else:
            messages.success(request, "会议记录已保存（草稿）。核对无误后请确认并锁定。")
            return redirect("meetings:minutes", pk=meeting.pk)
    resolutions = list(content.get("resolutions", [])) + [{}] * 2
    context = {"meeting": meeting, "org": meeting.branch, "content": content, "resolutions": resolutions,
               "draft": draft, "errors": errors, "summary": services.attendance_summary(meeting)}  # fmt: skip
    return render(request, "meetings/minutes_form.html", context)


def _posted_content(request: Request) -> dict[str, Any]:
    post = request.POST
    items = [
        {
            "title": t,
            "is_first_topic": post.get(f"item-{i}-first") == "1",
            "content": post.get(f"item-{i}-content", ""),
        }
        for i, t in enumerate(post.getlist("item-title"))
    ]

    def nth(key: str, i: int, default: str) -> str:
        values = post.getlist(f"res-{key}")
        return values[i] if i < len(values) else default

    resolutions = [
        {"text": text, **{k: nth(k, i, "0") for k in ("yes", "no", "abstain", "written")},
         "owner": nth("owner", i, ""), "due": nth("due", i, "")}
        for i, text in enumerate(post.getlist("res-text"))
    ]  # fmt: skip
    return {"items": items, "resolutions": resolutions, "summary": post.get("summary", "")}


@require_POST
def minutes_confirm(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk, record=True)
    try:
        services.minutes_confirm(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, "；".join(m for msgs in exc.message_dict.values() for m in msgs))
        return redirect("meetings:minutes", pk=meeting.pk)
    messages.success(request, "会议记录已确认并锁定；未到会的同志已收到补学提醒")
    return redirect("meetings:detail", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def minutes_correct(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk, record=True)
    request.current_org = meeting.branch
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_correct(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已建立更正版本；原记录保留，可随时查阅")
            return redirect("meetings:minutes", pk=meeting.pk)
    return render(request, "meetings/reason.html", {
        "form": form, "meeting": meeting, "org": meeting.branch, "title": f"更正会议记录：{meeting.title}",
        "explain": "更正会生成新的版本，原记录保留并可查阅；确认更正后，新版本成为正式记录。"})  # fmt: skip


@require_GET
def minutes_version(request: Request, pk: int, version: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk)
    request.current_org = meeting.branch
    versions = meeting.minutes.exclude(state=MinutesState.DRAFT).select_related(
        "confirmed_by__member"
    )
    row = versions.filter(version=version).first()
    if row is None:
        return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request,
        "meetings/minutes_version.html",
        {"meeting": meeting, "org": meeting.branch, "m": row},
    )


@require_POST
def attachment_add(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk, record=True)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的文件")
    else:
        try:
            services.attachment_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(
                request, "；".join(m for msgs in exc.message_dict.values() for m in msgs)
            )
        else:
            messages.success(request, "已上传")
    return redirect("meetings:detail", pk=meeting.pk)


@require_GET
def attachment_file(request: Request, pk: int) -> FileResponse:
    row = get_attachment_or_404(request.user, pk)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


@require_POST
def attachment_remove(request: Request, pk: int) -> HttpResponse:
    row = get_attachment_or_404(request.user, pk)
    if not can_record(scope_for(request.user), row.meeting):
        raise PermissionDenied("只有主持人、记录人和党支部负责人可以移除附件")
    services.attachment_remove(actor=request.user, attachment=row)
    messages.success(request, "附件已从会议页面移除")
    return redirect("meetings:detail", pk=row.meeting_id)


@require_http_methods(["GET", "POST"])
def series_new(request: Request, code: str) -> HttpResponse:
    branch = _branch(request, code)
    day = (
        BranchSettings.objects.filter(branch=branch).values_list("theme_day", flat=True).first()
        or 10
    )
    form = forms.SeriesForm(
        request.POST or None,
        branch=branch,
        initial={"day_of_month": day, "starts_on": timezone.localdate()},
    )
    forms.kind_choices_for(form, branch)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_plan(actor=request.user, branch=branch, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"已按计划安排{series.meetings.count()}次会议，并已通知应到人员"
            )
            return redirect("meetings:series", pk=series.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "org": branch, "title": "按月安排（会议计划）"},
    )


@require_http_methods(["GET", "POST"])
def series_detail(request: Request, pk: int) -> HttpResponse:
    series = get_series_or_404(request.user, pk)
    request.current_org = series.branch
    initial = {
        f: getattr(series, f)
        for f in ("title", "day_of_month", "start_time", "duration_minutes", "place")
    }
    form = forms.SeriesForm(
        request.POST or None, branch=series.branch, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.series_update(actor=request.user, series=series, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已修改计划；此后的会议已随之调整，已召开的会议不变")
            return redirect("meetings:series", pk=series.pk)
    meetings = series.meetings.order_by("starts_at")
    return render(
        request,
        "meetings/series.html",
        {
            "series": series,
            "form": form,
            "org": series.branch,
            "meetings": meetings,
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
def series_stop(request: Request, pk: int) -> HttpResponse:
    series = get_series_or_404(request.user, pk)
    request.current_org = series.branch
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_stop(
                actor=request.user, series=series, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "计划已停止，此后尚未召开的会议已取消")
            return redirect("meetings:series", pk=series.pk)
    return render(request, "meetings/reason.html", {"form": form, "org": series.branch, "title": f"停止计划：{series.title}",
                  "explain": "停止后，此后尚未召开的会议会取消并通知应到人员；已召开的会议不变。", "series": series})  # fmt: skip


@require_http_methods(["GET", "POST"])
def branch_settings(request: Request, code: str) -> HttpResponse:
    branch = _branch(request, code)
    row = BranchSettings.objects.filter(branch=branch).first()
    initial = {"theme_day": row.theme_day if row else 10,
               "theme_day_items": "\n".join(row.items if row else rules.DEFAULT_THEME_DAY_ITEMS)}  # fmt: skip
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_settings_update(
                actor=request.user, branch=branch, theme_day=form.cleaned_data["theme_day"],
                theme_day_items=forms.split_lines(form.cleaned_data["theme_day_items"]),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("meetings:branch", code=branch.code)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "org": branch, "title": "会议设置（主题党日“5+X”）"},
    )
