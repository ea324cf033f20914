"""党费 pages: a branch's monthly sheet, settings and bases in bulk; one member's dues with the
assessment and payment forms; a payment reversed; the member's own 我的党费.

There is no page where the branch pays for a member or deducts dues (RULES.md §6).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts.access import scope_for
from zhibu.core.dates import add_months
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.dues import bases, forms, queries, rules, services
from zhibu.dues.access import get_branch_or_404, get_dues_member_or_404, get_payment_or_404
from zhibu.dues.models import DuesReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = {"": "全部", "unpaid": "未交", "paid": "已交",
           "arrears": f"连续未交{rules.ARREARS_WARNING}个月以上"}  # fmt: skip
# The limits the pages quote, from the rules that apply them.
LIMITS = {"warning": rules.ARREARS_WARNING, "case": rules.ARREARS_CASE,
          "back_pay": rules.BACK_PAY_MONTHS}  # fmt: skip


@require_GET
def sheet(request: Request, code: str) -> HttpResponse:
    branch = get_branch_or_404(request.user, code)
    request.current_org = branch
    today = timezone.localdate()
    month = forms.parse_month(request.GET.get("month")) or today.replace(day=1)
    chosen = request.GET.get("filter", "")
    dues_settings = queries.settings_of(branch)
    late = rules.overdue_until(today, dues_settings.collection_day)
    rows = queries.sheet(branch, month, streak_until=late)
    owing = [r for r in rows if r.owes]
    counts = {"members": len(owing), "paid": sum(r.is_paid for r in owing),
              "arrears": sum(r.streak >= rules.ARREARS_WARNING for r in rows)}  # fmt: skip
    if chosen == "unpaid":
        rows = [r for r in rows if not r.is_paid]
    elif chosen == "paid":
        rows = [r for r in rows if r.owes and r.is_paid]
    elif chosen == "arrears":
        rows = [r for r in rows if r.streak >= rules.ARREARS_WARNING]
    context = {
        "org": branch, "month": month, "prev": add_months(month, -1),
        "next": add_months(month, 1) if month < today.replace(day=1) else None,
        "this_month": month == today.replace(day=1),
        "filter": chosen, "filters": FILTERS, "counts": counts,
        "due_total": sum((r.due for r in owing), rules.ZERO),
        "paid_total": sum((min(r.paid, r.due) for r in owing), rules.ZERO),
        "page": Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page")),
        "dues_settings": dues_settings, "limits": LIMITS,
    }  # fmt: skip
    return render(request, "dues/sheet.html", context)


@require_http_methods(["GET", "POST"])
def settings_edit(request: Request, code: str) -> HttpResponse:
    branch = get_branch_or_404(request.user, code)
    request.current_org = branch
    current = queries.settings_of(branch)
    initial = {"collection_day": current.collection_day, "rounding": current.rounding,
               "farmer_amount": current.farmer_amount}  # fmt: skip
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.user, branch=branch, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "党费设置已保存")
            return redirect("dues:sheet", code=branch.code)
    return render(request, "dues/settings.html", {"org": branch, "form": form})


@require_http_methods(["GET", "POST"])
def bases_upload(request: Request, code: str) -> HttpResponse:
    branch = get_branch_or_404(request.user, code)
    request.current_org = branch
    form = forms.BasesForm(request.POST or None)
    context: dict[str, Any] = {"org": branch, "form": form, "columns": services.BASE_COLUMNS}
    status = 200
    if request.method == "POST":
        status = 400
        upload = request.FILES.get("file")
        dry_run = request.POST.get("dry_run") == "1"
        context["dry_run"] = dry_run
        if upload is None:
            context["file_error"] = "请选择要上传的 .xlsx 文件"
        elif upload.size and upload.size > settings.ROSTER_IMPORT_MAX_BYTES:
            context["file_error"] = "文件太大"
        elif form.is_valid():
            try:
                header_errors, rows = bases.read_bases(upload)
                result = services.bases_import(
                    actor=request.user, branch=branch, valid_from=form.cleaned_data["valid_from"],
                    rows=rows, header_errors=header_errors, dry_run=dry_run,
                )  # fmt: skip
            except bases.BasesFileError as exc:
                context["file_error"] = str(exc)
            except ValidationError as exc:
                context["file_error"] = "；".join(exc.messages)
            else:
                if result.written:
                    messages.success(request, result.summary())
                    return redirect("dues:sheet", code=branch.code)
                context["result"] = result
                status = 200 if result.ok else 400
    return render(request, "dues/bases.html", context, status=status)


@require_GET
def bases_template(request: Request) -> HttpResponse:
    response = HttpResponse(bases.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('党费基数模板.xlsx')}"
    return response


def _member_context(request: Request, member: Any) -> dict[str, Any]:
    today = timezone.localdate()
    record = queries.member_dues_today(member, today)
    return {"member": member, "record": record, "year": today.year, "today": today,
            "year_months": record.year(today.year), "org": member.branch,
            "this_month": rules.month_of(today),
            "arrears_source": rules.ARREARS_SOURCE}  # fmt: skip


@require_GET
def member_detail(request: Request, pk: int) -> HttpResponse:
    member = get_dues_member_or_404(request.user, pk)
    request.current_org = member.branch
    return render(request, "dues/member.html", _member_context(request, member))


@require_http_methods(["GET", "POST"])
def assess(request: Request, pk: int) -> HttpResponse:
    member = get_dues_member_or_404(request.user, pk)
    request.current_org = member.branch
    form = forms.AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        valid_from = d.pop("valid_from")
        d["reduction"] = d.get("reduction") or ""
        try:
            row = services.assessment_set(actor=request.user, member=member,
                                          valid_from=valid_from,
                                          values=services.AssessmentInput(**d))  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已核定：{row.valid_from:%Y年%m月}起每月 ¥{row.monthly}")
            return redirect("dues:member", pk=member.pk)
    context = {"member": member, "org": member.branch, "form": form,
               "record": queries.member_dues(member, timezone.localdate())}  # fmt: skip
    return render(request, "dues/assess.html", context)


@require_http_methods(["GET", "POST"])
def pay(request: Request, pk: int) -> HttpResponse:
    member = get_dues_member_or_404(request.user, pk)
    request.current_org = member.branch
    form = forms.PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.payment_record(actor=request.user, member=member,
                                              **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = f"已登记 {member.name} 交纳 ¥{payment.amount}，收据编号 {payment.receipt_no}"
            if rules.handed_to_centre(payment.amount):
                text += "；一次交纳1000元以上，按规定全部上缴中央"
            messages.success(request, text)
            return redirect("dues:member", pk=member.pk)
    context = {"member": member, "org": member.branch, "form": form,
               "record": queries.member_dues(member, timezone.localdate())}  # fmt: skip
    return render(request, "dues/pay.html", context)


@require_POST
def credit(request: Request, pk: int) -> HttpResponse:
    member = get_dues_member_or_404(request.user, pk)
    rows = services.credit_apply(actor=request.user, member=member)
    if rows:
        months = "、".join(sorted({f"{r.month:%Y年%m月}" for r in rows}))
        messages.success(request, f"已用预交余额抵交：{months}")
    else:
        messages.info(request, "没有可以抵交的月份，或没有预交余额")
    return redirect("dues:member", pk=member.pk)


@require_http_methods(["GET", "POST"])
def payment_reverse(request: Request, pk: int) -> HttpResponse:
    payment = get_payment_or_404(request.user, pk)
    request.current_org = payment.branch
    form = forms.ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.payment_reverse(actor=request.user, payment=payment,
                                                reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"已冲正收据 {payment.receipt_no}（冲正记录 {reversal.receipt_no}）"
            )
            return redirect("dues:member", pk=payment.member_id)
    return render(request, "dues/reverse.html", {"payment": payment, "form": form,
                                                 "org": payment.branch})  # fmt: skip


@require_GET
def mine(request: Request) -> HttpResponse:
    member = scope_for(request.user).member
    context: dict[str, Any] = {"member": member}
    if member is not None and member.is_party_member:
        context.update(_member_context(request, member))
        # The branch's 党费收缴使用情况公示, while it is up (the latest year's).
        context["report"] = (
            DuesReport.objects.showing(context["today"])
            .filter(branch_id=member.branch_id)
            .order_by("-year", "-starts_on", "-pk")
            .first()
        )
    return render(request, "dues/mine.html", context)
