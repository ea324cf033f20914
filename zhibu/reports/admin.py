from __future__ import annotations

from django.contrib import admin

from zhibu.core.admin import ReadOnlyAdmin
from zhibu.reports.models import ExportTemplate


@admin.register(ExportTemplate)
class ExportTemplateAdmin(ReadOnlyAdmin):
    list_display = ("organization", "document", "original_name", "uploaded_at", "retired_at")
    list_filter = ("document",)
    list_select_related = ("organization",)
    search_fields = ("organization__code", "organization__name", "original_name")
