"""Exports (会议记录本, 签到表, 出席情况统计表) and each organization's export templates.

Officers only. A template that cannot be filled is a message on the page, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from zhibu.accounts.access import get_org_or_404
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.meetings.access import get_meeting_or_404
from zhibu.meetings.models import MeetingStatus
from zhibu.orgs.models import Organization, OrgKind
from zhibu.reports import contexts, engine, forms, registry, services
from zhibu.reports.models import ExportTemplate, in_effect


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _branch(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    if org.kind != OrgKind.BRANCH:
        raise PermissionDenied("会议记录本和出席情况按党支部导出：请先进入具体的党支部")
    request.current_org = org
    return org


def _year(request: Request) -> int | None:
    form = forms.YearForm(request.GET)
    if form.is_valid():
        return int(form.cleaned_data["year"])
    messages.error(request, "；".join(str(e) for e in form.errors.get("year", ["年度不正确"])))
    return None


def _export(
    request: Request,
    *,
    organization: Organization,
    document: str,
    context: Mapping[str, Any],
    filename: str,
    back: str,
    obj: Model | None = None,
    details: Mapping[str, Any] | None = None,
) -> HttpResponse:
    doc = registry.DOCUMENTS[document]
    try:
        data = services.document_export(
            actor=request.user, organization=organization, document=document,
            context=context, obj=obj, details=details,
        )  # fmt: skip
    except engine.TemplateProblem as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return _download(data, filename, doc.content_type)


@require_GET
def meeting_book(request: Request, code: str) -> HttpResponse:
    branch = _branch(request, code)
    back = reverse("reports:templates", args=[branch.code])
    year = _year(request)
    if year is None:
        return redirect(back)
    context = contexts.meeting_book_context(branch, year)
    return _export(
        request, organization=branch, document="meeting_book", context=context, back=back,
        filename=f"{branch.display_name}-{year}年会议记录本.docx",
        details={"year": year, "meetings": context["count"]},
    )  # fmt: skip


@require_GET
def attendance_sheet(request: Request, code: str) -> HttpResponse:
    branch = _branch(request, code)
    back = reverse("reports:templates", args=[branch.code])
    year = _year(request)
    if year is None:
        return redirect(back)
    context = contexts.attendance_context(branch, year)
    return _export(
        request, organization=branch, document="attendance_sheet", context=context, back=back,
        filename=f"{branch.display_name}-{year}年党员出席情况.xlsx",
        details={"year": year, "meetings": len(context["columns"]), "rows": len(context["rows"])},
    )  # fmt: skip


@require_GET
def sign_in_sheet(request: Request, pk: int) -> HttpResponse:
    meeting = get_meeting_or_404(request.user, pk, manage=True)
    if meeting.status == MeetingStatus.CANCELLED:
        raise PermissionDenied("会议已取消，没有签到表")
    context = contexts.sign_in_context(meeting)
    day = meeting.date.isoformat()
    return _export(
        request, organization=meeting.branch, document="sign_in_sheet", context=context,
        back=reverse("meetings:detail", args=[meeting.pk]), obj=meeting,
        filename=f"{day}-{meeting.title}-签到表.xlsx", details={"rows": len(context["rows"])},
    )  # fmt: skip


# --- templates ------------------------------------------------------------------------------


def _document(key: str) -> registry.Document:
    doc = registry.get(key)
    if doc is None:
        raise Http404("没有这种导出文书")
    return doc


def _templates_page(
    request: Request,
    org: Organization,
    failed: Mapping[str, forms.TemplateUploadForm] | None = None,
) -> dict[str, Any]:
    effect = in_effect(org)
    history: dict[str, list[ExportTemplate]] = {key: [] for key in registry.DOCUMENTS}
    for row in ExportTemplate.objects.filter(organization=org).select_related(
        "uploaded_by__member", "retired_by__member"
    ):
        history.setdefault(row.document, []).append(row)
    failed = failed or {}
    documents = [
        {
            "doc": doc,
            "effect": effect[key],
            "history": history.get(key, []),
            "guide": doc.guide(),
            "form": failed.get(key) or forms.TemplateUploadForm(),
        }
        for key, doc in registry.DOCUMENTS.items()
    ]
    return {
        "org": org,
        "documents": documents,
        "is_branch": org.kind == OrgKind.BRANCH,
        "years": forms.year_choices(),
    }


@require_GET
def templates(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    return render(request, "reports/templates.html", _templates_page(request, org))


@require_GET
def template_download(request: Request, code: str, key: str) -> HttpResponse:
    """The template in effect (default), the built-in one (``?builtin=1``) or one of this
    organization's earlier files (``?version=<id>``)."""
    org = get_org_or_404(request.user, code, manage=True)
    doc = _document(key)
    if request.GET.get("builtin"):
        return _download(
            doc.default_bytes(), f"{doc.name}（系统默认模板）{doc.suffix}", doc.content_type
        )
    version = request.GET.get("version", "")
    if version:
        row = (
            ExportTemplate.objects.filter(organization=org, document=doc.key, pk=version).first()
            if version.isdigit()
            else None
        )
        if row is None:
            raise Http404("没有这个模板文件")
        with row.file.open("rb") as fh:
            return _download(fh.read(), row.original_name, doc.content_type)
    used = in_effect(org, [doc.key])[doc.key]
    name = (
        used.template.original_name if used.template else f"{doc.name}（系统默认模板）{doc.suffix}"
    )
    return _download(used.read(), name, doc.content_type)


@require_POST
def template_upload(request: Request, code: str, key: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    doc = _document(key)
    form = forms.TemplateUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.export_template_upload(
                actor=request.user, organization=org, document=doc.key,
                file=form.cleaned_data["file"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已启用新的{doc.name}模板，本组织及下级组织导出时使用")
            return redirect(f"{reverse('reports:templates', args=[org.code])}#doc-{doc.key}")
    messages.error(request, f"{doc.name}模板没有启用：请按该文书下方的提示修改后重新上传")
    request.current_org = org
    context = _templates_page(request, org, failed={doc.key: form})
    return render(request, "reports/templates.html", context, status=400)


@require_POST
def template_retire(request: Request, code: str, key: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    doc = _document(key)
    try:
        services.export_template_retire(actor=request.user, organization=org, document=doc.key)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        now_used = in_effect(org, [doc.key])[doc.key]
        messages.success(
            request, f"已停用本组织的{doc.name}模板，现在使用{now_used.source_label}的模板"
        )
    return redirect(f"{reverse('reports:templates', args=[org.code])}#doc-{doc.key}")
