"""Login, logout and password change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from zhibu.accounts import services
from zhibu.accounts.forms import LoginForm, PasswordChangeForm
from zhibu.core.forms import add_service_errors
from zhibu.core.http import Request

login = login_not_required(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = auth_views.LogoutView.as_view()


@require_http_methods(["GET", "POST"])
def password_change(request: Request) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_set_password(
                actor=request.user,
                user=request.user,
                password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"password": "new_password"})
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})
