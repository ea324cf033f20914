"""Importing a branch's paper meeting ledger from the browser, and the ledger template."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from zhibu.accounts.access import get_org_or_404
from zhibu.core.http import Request
from zhibu.meetings import ledger, rules
from zhibu.orgs.models import Organization, OrgKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _branch_for_import(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    if org.kind != OrgKind.BRANCH:
        raise PermissionDenied("会议台账导入到党支部：请先进入具体的党支部")
    if org.is_closed:
        raise PermissionDenied(f"{org.name}已撤销，不能再导入会议台账")
    request.current_org = org
    return org


@require_http_methods(["GET", "POST"])
def import_ledger(request: Request, code: str) -> HttpResponse:
    branch = _branch_for_import(request, code)
    context: dict[str, object] = {
        "org": branch,
        "columns": ledger.COLUMNS,
        "required": ledger.REQUIRED_COLUMNS,
        "kinds": rules.KIND_LABELS.values(),
    }
    status = 200
    if request.method == "POST":
        status = 400  # until the file is read and every row is valid
        upload = request.FILES.get("file")
        dry_run = request.POST.get("dry_run") == "1"
        limit = settings.ROSTER_IMPORT_MAX_BYTES  # one upload limit for every import
        if upload is None:
            context["file_error"] = "请选择要上传的 .xlsx 文件"
        elif upload.size and upload.size > limit:
            context["file_error"] = f"文件太大（上限 {limit // 1024 // 1024} MB）"
        else:
            try:
                header_errors, rows = ledger.read_ledger(upload)
            except ledger.LedgerFileError as exc:
                context["file_error"] = str(exc)
            else:
                result = ledger.meeting_ledger_import(
                    actor=request.user,
                    branch=branch,
                    rows=rows,
                    header_errors=header_errors,
                    dry_run=dry_run,
                )
                if result.ok and result.written:
                    messages.success(request, result.summary())
                    return redirect("meetings:branch", code=branch.code)
                context["result"] = result
                status = 200 if result.ok else 400
        context["dry_run"] = dry_run
    return render(request, "meetings/import.html", context, status=status)


@require_GET
def template(request: Request) -> HttpResponse:
    response = HttpResponse(ledger.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote('会议台账导入模板.xlsx')}"
    )
    return response
