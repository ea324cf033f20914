"""Member pages: the roster, a member's record and history, edits, transfers and import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhibu.accounts import services as account_services
from zhibu.accounts.access import (
    get_member_or_404,
    get_org_or_404,
    get_transfer_or_404,
    scope_for,
)
from zhibu.accounts.forms import AccountCreateForm, PasswordResetForm
from zhibu.accounts.models import User
from zhibu.core import crypto
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.core.models import AuditEvent
from zhibu.dues.queries import member_dues_today
from zhibu.members import forms, roster, rules, services
from zhibu.members.models import (
    Member,
    MemberQuerySet,
    Status,
    Transfer,
    TransferDirection,
    TransferState,
)
from zhibu.orgs.models import Organization, OrgKind, Position, subtree_q
from zhibu.rulebook.compliance import member_life

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _roster(org: Organization) -> MemberQuerySet:
    """Members registered in ``org`` (a branch) or anywhere below it."""
    if org.kind == OrgKind.BRANCH:
        return Member.objects.filter(branch=org)
    if org.kind == OrgKind.GROUP:
        return Member.objects.filter(group=org, branch_id=org.parent_id)
    return Member.objects.filter(branch__in=Organization.objects.filter(subtree_q(org.path)))


def _find(qs: MemberQuerySet, text: str) -> MemberQuerySet:
    """Exact match on a full ID number or phone number, by keyed hash."""
    text = rules.normalize_id(text)
    if len(text) == 18:
        return qs.filter(id_number_hash=crypto.keyed_hash(text, purpose="id_number"))
    return qs.filter(phone_hash=crypto.keyed_hash(rules.normalize_phone(text), purpose="phone"))


@require_GET
def member_list(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    request.current_org = org
    form = forms.MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = _roster(org)
    status = filters.get("status") or ""
    if status == "all":
        pass
    elif status == "transferred_out" and org.kind == OrgKind.BRANCH:
        # Those who left for another branch in zhibu are that branch's now, but they left here.
        moved = Transfer.objects.filter(
            from_org=org, direction=TransferDirection.OUT, state=TransferState.COMPLETED
        ).values("member")
        qs = Member.objects.filter(Q(branch=org, status=Status.TRANSFERRED_OUT) | Q(pk__in=moved))
    elif status == "ended":
        qs = qs.filter(status__in=[Status.DECEASED, Status.REMOVED])
    else:
        qs = qs.filter(status=status or Status.ACTIVE)
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("group"):
        qs = qs.filter(group_id=filters["group"])
    order: tuple[Any, ...] = ("name", "pk")
    if filters.get("q"):
        qs = qs.filter(name__contains=filters["q"].strip())
        # Not the name index's order: PostgreSQL would walk the index and discard tens of
        # thousands of non-matching names; an expression makes it filter first, then sort the
        # few thousand matches (33 ms → 10 ms for a common surname over a county).
        order = (Lower("name"), "pk")
    # Sort and slice the keys only, then load the page's rows: sorting a county's 40,000 full
    # rows (encrypted fields included) in SQLite's temporary B-tree cost ~45 ms a page.
    keys = qs.order_by(*order).values_list("pk", flat=True)
    page = Paginator(keys, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    position = {pk: i for i, pk in enumerate(page)}
    members = sorted(
        Member.objects.filter(pk__in=list(position)).select_related("branch", "group"),
        key=lambda m: position[m.pk],
    )
    groups = (
        Organization.objects.current().filter(parent=org, kind=OrgKind.GROUP).order_by("code")
        if org.kind == OrgKind.BRANCH
        else []
    )
    context = {
        "org": org,
        "form": form,
        "page": page,
        "members": members,
        "waiting": (
            Transfer.objects.pending().filter(to_org=org).count()
            if org.kind == OrgKind.BRANCH
            else 0
        ),
        "groups": groups,
        "filters": filters,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "members/list.html#results", context)
    return render(request, "members/list.html", context)


def _detail_context(request: Request, member: Member) -> dict[str, object]:
    scope = scope_for(request.user)
    today = timezone.localdate()
    return {
        "member": member,
        "show_personal": scope.can_see_personal_data(member),
        "can_manage": scope.can_manage_member(member),
        "is_self": scope.member is not None and scope.member.pk == member.pk,
        "positions": Position.objects.filter(member=member)
        .select_related("organization")
        .order_by("-started_on"),
        "transfers": member.transfers.select_related("from_org", "to_org"),
        "pending_transfer": member.transfers.pending().select_related("to_org").first(),
        "life": member_life(member) if member.is_party_member and member.is_current else None,
        "dues": _dues(scope, member, today),
        "dues_url": reverse("dues:mine")
        if scope.member and scope.member.pk == member.pk
        else reverse("dues:member", args=[member.pk]),
        "events": member.events.all(),
        "account": User.objects.filter(member=member).first(),
        "today": today,
    }


def _dues(scope: Any, member: Member, today: Any) -> Any:
    """The dues half of the six-month rule, for the member and the branch's officers."""
    if not (member.is_party_member and member.is_current):
        return None
    if not (scope.member and scope.member.pk == member.pk) and not scope.oversees_member(member):
        return None
    return member_dues_today(member, today)


@require_GET
def detail(request: Request, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, pk)
    request.current_org = member.branch
    return render(request, "members/detail.html", _detail_context(request, member))


@require_GET
def me(request: Request) -> HttpResponse:
    member = scope_for(request.user).member
    if member is None:
        return render(request, "members/no_record.html")
    return render(request, "members/detail.html", _detail_context(request, member))


@require_GET
def history(request: Request, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, pk)
    request.current_org = member.branch
    events = AuditEvent.objects.for_object("members.member", member.pk).order_by("-seq")
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    template = "core/history.html#events" if request.htmx else "members/history.html"
    return render(request, template, {"member": member, "page": page})


def _branch_for_writes(request: Request, code: str) -> Organization:
    org = get_org_or_404(request.user, code, manage=True)
    if org.kind != OrgKind.BRANCH:
        raise PermissionDenied("党员登记在党支部：请先进入具体的党支部")
    if org.is_closed:
        raise PermissionDenied(f"{org.name}已撤销，不能再登记或转入人员")
    request.current_org = org
    return org


@require_http_methods(["GET", "POST"])
def create(request: Request, code: str) -> HttpResponse:
    branch = _branch_for_writes(request, code)
    form = forms.MemberForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(actor=request.user, branch=branch, values=form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记{member.name}")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "org": branch, "title": "登记人员"})


@require_http_methods(["GET", "POST"])
def edit(request: Request, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, pk, manage=True)
    request.current_org = member.branch
    form = forms.MemberForm(
        request.POST or None,
        branch=member.branch,
        editing=True,
        initial=forms.member_initial(member),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, values=form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {"form": form, "org": member.branch, "member": member, "title": f"修改{member.name}的信息"},
    )


@require_http_methods(["GET", "POST"])
def transfer_in(request: Request, code: str) -> HttpResponse:
    branch = _branch_for_writes(request, code)
    form = forms.TransferInForm(
        request.POST or None, branch=branch, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.values()
        try:
            member = services.member_transfer_in(
                actor=request.user,
                branch=branch,
                on=data.pop("on"),
                from_name=data.pop("from_name"),
                letter_number=data.pop("letter_number"),
                note=data.pop("note"),
                values=data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已办理{member.name}的组织关系转入")
            return redirect("members:detail", pk=member.pk)
    return render(
        request, "members/form.html", {"form": form, "org": branch, "title": "组织关系转入"}
    )


def _member_action(
    request: Request,
    pk: int,
    form_class: type[forms.forms.Form],
    service: Callable[..., object],
    title: str,
    done: str,
) -> HttpResponse:
    """A dated change to one member (category, status, transfer out): form → service → back."""
    member = get_member_or_404(request.user, pk, manage=True)
    request.current_org = member.branch
    kwargs: dict[str, Any] = {"member": member} if form_class is forms.CategoryChangeForm else {}
    form = form_class(request.POST or None, initial={"on": timezone.localdate()}, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("to_code", None)
        try:
            service(actor=request.user, member=member, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done.format(name=member.name))
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/form.html",
        {
            "form": form,
            "org": member.branch,
            "member": member,
            "title": title.format(name=member.name),
        },
    )


@require_http_methods(["GET", "POST"])
def category_change(request: Request, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        forms.CategoryChangeForm,
        services.member_category_change,
        "{name}：人员类别变更",
        "已登记{name}的人员类别变更",
    )


@require_http_methods(["GET", "POST"])
def status_change(request: Request, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        forms.StatusChangeForm,
        services.member_status_change,
        "{name}：登记去世或出党",
        "已登记",
    )


@require_http_methods(["GET", "POST"])
def party_probation(request: Request, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        forms.PartyProbationForm,
        services.member_party_probation_set,
        "{name}：留党察看",
        "已登记{name}的留党察看情况",
    )


@require_http_methods(["GET", "POST"])
def transfer_out(request: Request, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        forms.TransferOutForm,
        services.member_transfer_out,
        "{name}：组织关系转出",
        "已办理{name}的组织关系转出",
    )


@require_http_methods(["GET", "POST"])
def account(request: Request, pk: int) -> HttpResponse:
    """Open a login for a member, reset its password, or switch it off and on."""
    member = get_member_or_404(request.user, pk, manage=True)
    request.current_org = member.branch
    user = User.objects.filter(member=member).first()
    form: AccountCreateForm | PasswordResetForm
    if user is None:
        form = AccountCreateForm(request.POST or None, initial={"username": member.phone})
    else:
        form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and "active" in request.POST and user is not None:
        account_services.account_set_active(
            actor=request.user, user=user, active=request.POST["active"] == "1"
        )
        messages.success(request, "账号已启用" if user.is_active else "账号已停用")
        return redirect("members:detail", pk=member.pk)
    if request.method == "POST" and form.is_valid():
        try:
            if user is None:
                account_services.account_create(
                    actor=request.user, member=member, **form.cleaned_data
                )
            else:
                account_services.account_set_password(
                    actor=request.user,
                    user=user,
                    password=form.cleaned_data["password"],
                    must_change_password=True,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "已开通账号" if user is None else "已重置密码，本人下次登录时须修改"
            )
            return redirect("members:detail", pk=member.pk)
    return render(
        request,
        "members/account.html",
        {"form": form, "member": member, "account": user, "org": member.branch},
    )


@require_http_methods(["GET", "POST"])
def import_roster(request: Request, code: str) -> HttpResponse:
    branch = _branch_for_writes(request, code)
    context: dict[str, object] = {
        "org": branch,
        "columns": rules.COLUMNS,
        "required": rules.REQUIRED_COLUMNS,
    }
    status = 200
    if request.method == "POST":
        status = 400  # until the file is read and every row is valid
        upload = request.FILES.get("file")
        dry_run = request.POST.get("dry_run") == "1"
        if upload is None:
            context["file_error"] = "请选择要上传的 .xlsx 文件"
        elif upload.size and upload.size > settings.ROSTER_IMPORT_MAX_BYTES:
            context["file_error"] = (
                f"文件太大（上限 {settings.ROSTER_IMPORT_MAX_BYTES // 1024 // 1024} MB）"
            )
        else:
            try:
                header_errors, rows = roster.read_roster(upload)
            except roster.RosterFileError as exc:
                context["file_error"] = str(exc)
            else:
                result = services.roster_import(
                    actor=request.user,
                    branch=branch,
                    rows=rows,
                    header_errors=header_errors,
                    dry_run=dry_run,
                )
                if result.ok and result.written:
                    messages.success(request, result.summary())
                    return redirect("members:list", code=branch.code)
                context["result"] = result
                status = 200 if result.ok else 400
        context["dry_run"] = dry_run
    return render(request, "members/import.html", context, status=status)


@require_GET
def import_template(request: Request) -> HttpResponse:
    return _xlsx(roster.template_workbook(), "花名册导入模板.xlsx")


@require_GET
def export_roster(request: Request, code: str) -> HttpResponse:
    org = get_org_or_404(request.user, code, manage=True)
    members = _roster(org).current().select_related("group").order_by("name", "pk")
    data = services.roster_export(
        actor=request.user, organization=org, members=members.iterator(chunk_size=2000)
    )
    return _xlsx(data, f"{org.code}-花名册-{timezone.localdate().isoformat()}.xlsx")


# --- Transfers between branches in zhibu: the receiving branch accepts ----------------------


@require_GET
def transfers(request: Request, code: str) -> HttpResponse:
    """Letters addressed to this branch: waiting ones first, then the last decided."""
    branch = _branch_for_writes(request, code)
    incoming = Transfer.objects.filter(to_org=branch, direction=TransferDirection.OUT)
    outgoing = Transfer.objects.filter(from_org=branch, direction=TransferDirection.OUT)
    related = ("member", "from_org", "to_org")
    context = {
        "org": branch,
        "waiting": incoming.pending().select_related(*related).order_by("on", "pk"),
        "sent": outgoing.pending().select_related(*related).order_by("on", "pk"),
        "decided": (incoming | outgoing)
        .exclude(state=TransferState.PENDING)
        .select_related(*related)
        .order_by("-decided_on", "-pk")[:20],
    }
    return render(request, "members/transfers.html", context)


def _transfer_action(
    request: Request,
    pk: int,
    side: str,
    form_class: type[forms.forms.Form],
    act: Callable[..., object],
    title: str,
    done: str,
) -> HttpResponse:
    transfer = get_transfer_or_404(request.user, pk, side=side)
    org = transfer.to_org if side == "to" else transfer.from_org
    request.current_org = org
    form = form_class(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            act(actor=request.user, transfer=transfer, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done.format(name=transfer.member.name))
            return redirect("members:transfers", code=org.code) if org else redirect("core:home")
    return render(
        request,
        "members/transfer_decide.html",
        {
            "form": form,
            "transfer": transfer,
            "org": org,
            "title": title.format(name=transfer.member.name),
            "side": side,
        },
    )


@require_http_methods(["GET", "POST"])
def transfer_accept(request: Request, pk: int) -> HttpResponse:
    return _transfer_action(
        request,
        pk,
        "to",
        forms.TransferDecisionForm,
        services.member_transfer_accept,
        "接收{name}的组织关系",
        "已接收{name}，现为本支部党员",
    )


@require_http_methods(["GET", "POST"])
def transfer_reject(request: Request, pk: int) -> HttpResponse:
    return _transfer_action(
        request,
        pk,
        "to",
        forms.TransferRejectForm,
        services.member_transfer_reject,
        "退回{name}的组织关系介绍信",
        "已退回{name}的组织关系介绍信",
    )


@require_http_methods(["GET", "POST"])
def transfer_cancel(request: Request, pk: int) -> HttpResponse:
    return _transfer_action(
        request,
        pk,
        "from",
        forms.forms.Form,
        lambda *, actor, transfer: services.member_transfer_cancel(actor=actor, transfer=transfer),
        "撤回{name}的组织关系转出",
        "已撤回{name}的转出，其仍为本支部党员",
    )


@require_POST
def find(request: Request, code: str) -> HttpResponse:
    """Look a person up by full ID or phone number: by POST, so the number stays out of URLs,
    browser history and access logs."""
    org = get_org_or_404(request.user, code, manage=True)
    text = request.POST.get("number", "").strip()
    found = list(_find(_roster(org), text)[:2]) if text else []
    if len(found) == 1:
        return redirect("members:detail", pk=found[0].pk)
    messages.error(
        request,
        "没有找到这个身份证号或手机号对应的人员" if text else "请输入完整的身份证号或手机号",
    )
    return redirect("members:list", code=org.code)
