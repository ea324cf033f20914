"""The 组织生活会's documents: the 书面反馈 to each member and the 情况报告 to the committee above,
each as a page and as a .docx filled from the organization's template (``reports.registry``).

The feedback is read by the member it is for (on their phone), the branch's officers and the
committee above; anyone else gets 404. The report is the officers' (a member of the branch 403).
Both exist once the meeting is held: before that a member gets 404, an officer a page saying so.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from zhibu.accounts.access import scope_for
from zhibu.core.http import Request
from zhibu.lifemeetings.access import can_manage, get_lifemeeting_or_404
from zhibu.lifemeetings.documents import meeting_name
from zhibu.lifemeetings.models import LifeMeeting, Speaker, Stage
from zhibu.lifemeetings.queries import committee_and_members
from zhibu.members.models import PARTY_CATEGORIES, Member
from zhibu.reports import contexts, engine, registry, services

HELD = (Stage.FOLLOW_UP, Stage.CLOSED)


def _not_yet(lm: LifeMeeting, what: str) -> str:
    return (
        f"会议召开后才有{what}：这次组织生活会现在处于“{lm.get_stage_display()}”环节。"
        "会议记录确认、转入会后整改后，这里按记录自动生成。"
    )


def _feedback_target(request: Request, pk: int, member_id: int) -> tuple[LifeMeeting, Member, bool]:
    """The cycle, the member the feedback is for, and whether the user is an officer of it."""
    lm = get_lifemeeting_or_404(request.user, pk)
    scope = scope_for(request.user)
    manage = can_manage(scope, lm)
    own = scope.member is not None and scope.member.pk == member_id
    if not (manage or own) or (not manage and lm.stage not in HELD):
        raise Http404("没有这份书面反馈")
    # A party member of the branch, or one who spoke at the meeting and has moved since.
    member = (
        Member.objects.filter(pk=member_id)
        .filter(
            Q(branch_id=lm.branch_id, category__in=PARTY_CATEGORIES)
            | Q(pk__in=Speaker.objects.filter(life_meeting=lm).values("member_id"))
        )
        .first()
    )
    if member is None:
        raise Http404("没有这份书面反馈")
    request.current_org = lm.branch
    return lm, member, manage


def _attachment(data: bytes, doc: registry.Document, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=doc.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
def feedback(request: Request, pk: int, member_id: int) -> HttpResponse:
    lm, member, manage = _feedback_target(request, pk, member_id)
    doc = contexts.lifemeeting_feedback_context(lm, member) if lm.stage in HELD else None
    return render(request, "lifemeetings/feedback.html", {
        "lm": lm, "member": member, "manage": manage, "doc": doc,
        "not_yet": _not_yet(lm, "书面反馈"),
    })  # fmt: skip


@require_GET
def feedback_docx(request: Request, pk: int, member_id: int) -> HttpResponse:
    lm, member, _ = _feedback_target(request, pk, member_id)
    back = redirect("lifemeetings:feedback", lm.pk, member.pk)
    if lm.stage not in HELD:
        return back
    document = registry.LIFEMEETING_FEEDBACK
    try:
        data = services.document_export(
            actor=request.user, organization=lm.branch, document=document.key, obj=lm,
            context=contexts.lifemeeting_feedback_context(lm, member),
            details={"member": member.name},
        )  # fmt: skip
    except engine.TemplateProblem as exc:
        messages.error(request, str(exc))
        return back
    return _attachment(data, document, f"{member.name}-{meeting_name(lm)}书面反馈.docx")


def _report_target(request: Request, pk: int) -> LifeMeeting:
    lm = get_lifemeeting_or_404(request.user, pk, manage=True)
    request.current_org = lm.branch
    return lm


@require_GET
def report(request: Request, pk: int) -> HttpResponse:
    lm = _report_target(request, pk)
    doc, people = None, []
    if lm.stage in HELD:
        doc = contexts.lifemeeting_report_context(lm)
        committee, members = committee_and_members(lm)
        people = [*committee, *members]
    return render(request, "lifemeetings/report.html", {
        "lm": lm, "doc": doc, "people": people, "not_yet": _not_yet(lm, "情况报告"),
    })  # fmt: skip


@require_GET
def report_docx(request: Request, pk: int) -> HttpResponse:
    lm = _report_target(request, pk)
    back = redirect("lifemeetings:report", lm.pk)
    if lm.stage not in HELD:
        return back
    document = registry.LIFEMEETING_REPORT
    try:
        data = services.document_export(
            actor=request.user, organization=lm.branch, document=document.key, obj=lm,
            context=contexts.lifemeeting_report_context(lm), details={"year": lm.year},
        )  # fmt: skip
    except engine.TemplateProblem as exc:
        messages.error(request, str(exc))
        return back
    filename = f"{lm.branch.display_name}-{meeting_name(lm)}情况报告.docx"
    return _attachment(data, document, filename)
