"""The 党费账 pages: the year's ledger with its entry form, the correction of a line, the
党费收缴使用情况公示 (the officers' preview and publishing; the members' page within its
dates), and the downloads (收缴登记表 and 收支台账 as .xlsx, the 公示 as .docx).

The ledger and the downloads are the branch's officers' (and the committees above): a member
of the branch gets 403, anyone else 404. The 公示 is read by the branch's party members while it
is showing; outside its dates, and for anyone else, it does not exist (404).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts.access import get_org_or_404, scope_for
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.dues import ledger
from zhibu.dues.forms_ledger import ExpenseForm, PublishForm, ReverseForm
from zhibu.dues.models import DuesExpense, DuesReport, ExpenseKind
from zhibu.dues.sheets import year_sheet
from zhibu.orgs.models import Organization, OrgKind
from zhibu.reports import contexts, engine, registry, services

FIRST_YEAR = 1949


def _branch(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    if org.kind != OrgKind.BRANCH:
        raise PermissionDenied("党费由党支部收缴和使用：请先进入具体的党支部")
    request.current_org = org
    return org


def _year(request: Request) -> int:
    value = str(request.GET.get("year") or "")
    today = timezone.localdate()
    return int(value) if value.isdigit() and FIRST_YEAR <= int(value) <= today.year else today.year


def _ledger_page(
    request: Request, org: Organization, year: int, form: ExpenseForm | None = None
) -> HttpResponse:
    book = ledger.year_ledger(org, year)
    today = timezone.localdate()
    context = {
        "org": org,
        "year": year,
        "book": book,
        "chart": ledger.month_chart(book.months),
        "form": form or ExpenseForm(branch=org),
        "reports": list(ledger.reports_of(org, [year])),
        "prev": year - 1 if year > FIRST_YEAR else None,
        "next": year + 1 if year < today.year else None,
        "today": today,
    }
    return render(request, "dues/ledger.html", context)


@require_GET
def ledger_page(request: Request, code: str) -> HttpResponse:
    """党费账: the year's lines with the balance after each, the months, the entry form."""
    org = _branch(request, code)
    return _ledger_page(request, org, _year(request))


@require_http_methods(["GET", "POST"])
def expense_new(request: Request, code: str) -> HttpResponse:
    """登记上缴、返还或支出 (the form is also on the ledger page, posting here)."""
    org = _branch(request, code)
    data = request.POST if request.method == "POST" else None
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in ExpenseKind else {}
    form = ExpenseForm(data, branch=org, initial=initial)
    if data is not None and form.is_valid():
        try:
            row = ledger.expense_record(actor=request.user, branch=org, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记：{row.on:%Y-%m-%d} {row.get_kind_display()} "
                                      f"{ledger.money(row.amount)}")  # fmt: skip
            url = reverse("dues:ledger", args=[org.code])
            return redirect(f"{url}?year={row.on.year}#lines")
    return render(request, "dues/ledger_form.html", {"org": org, "form": form})


def _expense(request: Request, pk: int) -> DuesExpense:
    row = DuesExpense.objects.select_related("branch", "reversal").filter(pk=pk).first()
    if row is None:
        raise Http404("没有这笔党费账目")
    _branch(request, row.branch.code)  # 404 for outsiders, 403 for the branch's members
    return row


@require_http_methods(["GET", "POST"])
def expense_reverse(request: Request, pk: int) -> HttpResponse:
    """冲销一笔登记有误的账目: a correcting line; the wrong one stays as it was recorded."""
    row = _expense(request, pk)
    back = f"{reverse('dues:ledger', args=[row.branch.code])}?year={row.on.year}#lines"
    if getattr(row, "reversal", None) is not None:
        messages.info(request, "这笔账目已经冲销过了")
        return redirect(back)
    data = request.POST if request.method == "POST" else None
    form = ReverseForm(data)
    if data is not None and form.is_valid():
        try:
            ledger.expense_reverse(actor=request.user, expense=row, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已冲销，账目中另起一行，金额为负")
            return redirect(back)
    return render(request, "dues/ledger_reverse.html", {"org": row.branch, "row": row,
                                                         "form": form, "back": back})  # fmt: skip


# --- 公示 -------------------------------------------------------------------------------------


def _report_target(request: Request, code: str, year: int) -> tuple[Organization, bool, Any]:
    """(branch, whether the user keeps its dues, the 公示 showing today). A party member of the
    branch reads the 公示 only while it is showing; for anyone else it does not exist."""
    org = Organization.objects.select_related("parent").filter(code=code).first()
    if org is None or org.kind != OrgKind.BRANCH or not FIRST_YEAR <= year <= 9999:
        raise Http404("没有这份公示")
    scope = scope_for(request.user)
    showing = ledger.showing_report(org, year, timezone.localdate())
    if scope.can_manage_org(org):
        request.current_org = org
        return org, True, showing
    me = scope.member
    if (
        showing is None
        or me is None
        or not (me.is_current and me.is_party_member and me.branch_id == org.pk)
    ):
        raise Http404("没有这份公示，或公示期已过")
    return org, False, showing


def _report_page(
    request: Request, org: Organization, year: int, manage: bool, showing: Any,
    form: PublishForm | None = None,
) -> HttpResponse:  # fmt: skip
    today = timezone.localdate()
    book = ledger.year_ledger(org, year)
    sheet = year_sheet(org, year, today)
    doc = contexts.dues_report_context(org, year, showing, today, book=book, sheet=sheet)
    context: dict[str, Any] = {
        "org": org, "year": year, "doc": doc, "book": book, "manage": manage,
        "showing": showing, "chart": ledger.month_chart(book.months), "today": today,
    }  # fmt: skip
    if manage:
        me = scope_for(request.user).member
        contact = f"{me.name} {me.phone}".strip() if me is not None else ""
        context["form"] = form or PublishForm(contact=contact)
        context["reports"] = list(ledger.reports_of(org, [year]))
    return render(request, "dues/report.html", context)


@require_GET
def report(request: Request, code: str, year: int) -> HttpResponse:
    """党费收缴使用情况公示: the officers' preview and publishing, the members' page."""
    org, manage, showing = _report_target(request, code, year)
    return _report_page(request, org, year, manage, showing)


@require_POST
def report_publish(request: Request, code: str, year: int) -> HttpResponse:
    org = _branch(request, code)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            ledger.report_publish(actor=request.user, branch=org, year=year, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "公示已发布，公示期内本支部党员可以在手机上查看")
            return redirect("dues:report", org.code, year)
    showing = ledger.showing_report(org, year, timezone.localdate())
    return _report_page(request, org, year, True, showing, form)


@require_POST
def report_withdraw(request: Request, pk: int) -> HttpResponse:
    row = DuesReport.objects.select_related("branch").filter(pk=pk).first()
    if row is None:
        raise Http404("没有这份公示")
    org = _branch(request, row.branch.code)
    try:
        ledger.report_withdraw(actor=request.user, report=row)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "公示已撤回，党员不再能看到")
    return redirect("dues:report", org.code, row.year)


# --- downloads --------------------------------------------------------------------------------


def _download(
    request: Request, org: Organization, document: registry.Document, context: dict[str, Any],
    filename: str, back: str, **details: Any,
) -> HttpResponse:  # fmt: skip
    try:
        data = services.document_export(
            actor=request.user, organization=org, document=document.key, context=context,
            details=details,
        )  # fmt: skip
    except engine.TemplateProblem as exc:
        messages.error(request, str(exc))
        return redirect(back)
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
def report_docx(request: Request, code: str, year: int) -> HttpResponse:
    org, _, showing = _report_target(request, code, year)
    context = contexts.dues_report_context(org, year, showing)
    return _download(
        request, org, registry.DUES_REPORT, context,
        f"{org.display_name}-{year}年度党费收缴使用情况公示.docx",
        reverse("dues:report", args=[org.code, year]), year=year,
    )  # fmt: skip


@require_GET
def sheet_xlsx(request: Request, code: str) -> HttpResponse:
    """党费收缴登记表 of a year (?year=)."""
    org = _branch(request, code)
    year = _year(request)
    context = contexts.dues_sheet_context(org, year)
    return _download(
        request, org, registry.DUES_SHEET, context,
        f"{org.display_name}-{year}年度党费收缴登记表.xlsx",
        f"{reverse('dues:ledger', args=[org.code])}?year={year}", year=year,
        rows=len(context["rows"]),
    )  # fmt: skip


@require_GET
def ledger_xlsx(request: Request, code: str) -> HttpResponse:
    """党费收支台账 of a year (?year=)."""
    org = _branch(request, code)
    year = _year(request)
    context = contexts.dues_ledger_context(org, year)
    return _download(
        request, org, registry.DUES_LEDGER, context,
        f"{org.display_name}-{year}年度党费收支台账.xlsx",
        f"{reverse('dues:ledger', args=[org.code])}?year={year}", year=year,
        rows=len(context["rows"]),
    )  # fmt: skip
