from __future__ import annotations

from django.contrib import admin

from zhibu.core.admin import ReadOnlyAdmin
from zhibu.orgs.models import Organization, Position


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "unit_type", "path", "closed_on")
    list_filter = ("kind", "unit_type")
    search_fields = ("code", "name")


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("organization", "role", "member", "started_on", "ended_on")
    list_filter = ("role",)
    list_select_related = ("organization", "member")
