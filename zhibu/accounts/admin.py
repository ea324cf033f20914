from __future__ import annotations

from django.contrib import admin

from zhibu.accounts.models import User
from zhibu.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "member", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("username",)
    exclude = ("password",)
