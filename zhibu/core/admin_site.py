"""Django admin is for superusers only: staff status alone does not open it."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


def _superuser_only(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


admin.site.has_permission = _superuser_only  # type: ignore[method-assign]
admin.site.site_header = "zhibu 系统管理"
admin.site.site_title = "zhibu 系统管理"
