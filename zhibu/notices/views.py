"""The user's notices, their notice settings (e-mail), and their calendar feed.

Every page here is about the user's own things, so access is simply "it is yours": another
user's notice is a 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request
from zhibu.meetings import calendar
from zhibu.meetings.models import CalendarFeed
from zhibu.notices import services
from zhibu.notices.forms import EmailForm
from zhibu.notices.models import Notice
from zhibu.notices.queries import unread_count

PER_PAGE = 20
FEED_MAX_AGE = 300  # seconds: calendar apps poll hourly at most; a changed meeting shows soon


def _list_context(request: Request, form: EmailForm | None = None) -> dict[str, Any]:
    notices = Notice.objects.filter(user=request.user).only(
        "pk", "title", "body", "created_at", "read_at"
    )
    return {
        "page": Paginator(notices, PER_PAGE).get_page(request.GET.get("page")),
        "unread": unread_count(request.user),
        "email": request.user.email,
        "form": form or EmailForm(initial={"email": request.user.email}),
    }


@require_GET
def notice_list(request: Request) -> HttpResponse:
    return render(request, "notices/list.html", _list_context(request))


@require_GET
def notice_open(request: Request, pk: int) -> HttpResponse:
    """Mark the notice read and go where it points. A GET that writes, on purpose: the notice is
    a link in a list and in an e-mail, and the only thing written is the reader's own mark."""
    notice = Notice.objects.filter(pk=pk, user=request.user).first()
    if notice is None:
        raise Http404("没有这条通知")
    services.notice_read(user=request.user, notice_id=notice.pk)
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect(notice.url)
    return redirect("notices:list")


@require_POST
def read_all(request: Request) -> HttpResponse:
    count = services.notice_read(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读" if count else "没有未读的通知")
    return redirect("notices:list")


@require_POST
def email_settings(request: Request) -> HttpResponse:
    form = EmailForm(request.POST)
    if form.is_valid():
        email = "" if request.POST.get("clear") else form.cleaned_data["email"]
        try:
            services.account_email_set(actor=request.user, user=request.user, email=email)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"通知将同时发到 {email}" if email else "已清除邮箱：通知只在“支部”里显示"
            )
            return redirect(reverse("notices:list") + "#settings")
    return render(request, "notices/list.html", _list_context(request, form))


def _feed_urls(request: HttpRequest, token: str) -> tuple[str, str]:
    """The https:// address to paste, and the webcal:// one that opens the phone's calendar."""
    path = reverse("notices:calendar_feed", args=[token])
    base = settings.SITE_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")
    url = base + path
    return url, "webcal://" + url.split("://", 1)[-1]


@require_http_methods(["GET", "POST"])
def calendar_page(request: Request) -> HttpResponse:
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "issue":
        token = services.calendar_feed_issue(actor=request.user, user=request.user)
        feed_url, webcal_url = _feed_urls(request, token)
        context = {"feed": _live_feed(request), "feed_url": feed_url, "webcal_url": webcal_url}
        response = render(request, "notices/calendar.html", context)
        add_never_cache_headers(response)  # the token is shown this once and kept nowhere
        return response
    if action == "revoke":
        stopped = services.calendar_feed_revoke(actor=request.user, user=request.user)
        messages.success(request, "已停用日历订阅链接" if stopped else "没有正在使用的订阅链接")
        return redirect("notices:calendar")
    if request.method == "POST":
        return redirect("notices:calendar")
    return render(request, "notices/calendar.html", {"feed": _live_feed(request)})


def _live_feed(request: Request) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCal feed: public (calendar apps cannot log in), opened by the secret token alone."""
    feed = calendar.feed_for_token(token)
    if feed is None:
        raise Http404("没有这个日历订阅")
    response = HttpResponse(
        calendar.feed_ics(feed.user, timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="zhibu.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    return response
