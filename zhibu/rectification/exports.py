"""整改台账 exports (.xlsx and .docx), filled from the export templates (``reports.registry``).

The same filters as the ledger page (``LedgerFilter``), for an organization and everything below
it: a branch's officers export their branch, a committee's officers the whole subtree. A template
that cannot be filled is a message back on the ledger page, never a 500.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from zhibu.accounts.access import get_org_or_404
from zhibu.core.http import Request
from zhibu.orgs.models import Organization
from zhibu.rectification.queries import LedgerFilter
from zhibu.reports import contexts, engine, registry, services

Builder = Callable[[Organization, LedgerFilter, dt.date], dict[str, Any]]


def _export(request: Request, code: str, document: str, build: Builder) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    flt = LedgerFilter.from_query(request.GET)
    context = build(org, flt, timezone.localdate())
    doc = registry.DOCUMENTS[document]
    rows = context["totals"]["problems"]
    try:
        data = services.document_export(
            actor=request.user, organization=org, document=document, context=context,
            details={"year": flt.year or "全部", "filters": context["filters"]["text"],
                     "rows": rows},
        )  # fmt: skip
    except engine.TemplateProblem as exc:
        messages.error(request, str(exc))
        return redirect(reverse("rectification:ledger", args=[org.code]))
    year = f"{flt.year}年" if flt.year else ""
    filename = f"{org.display_name}-{year}整改台账{doc.suffix}"
    response = HttpResponse(data, content_type=doc.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
def ledger_xlsx(request: Request, code: str) -> HttpResponse:
    """整改台账 (Excel): one row per problem."""
    return _export(request, code, "rectification_ledger", contexts.rectification_ledger_context)


@require_GET
def ledger_docx(request: Request, code: str) -> HttpResponse:
    """整改台账 (Word): the collective's problems and the members' own, in two tables."""
    return _export(
        request, code, "rectification_ledger_docx", contexts.rectification_ledger_docx_context
    )
