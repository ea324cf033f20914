from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhibu.rectification.models import ProblemCategory
from zhibu.rectification.services import category_save


@admin.register(ProblemCategory)
class ProblemCategoryAdmin(admin.ModelAdmin):
    """The editable list of 问题类别 (superusers). Saving goes through ``category_save`` so the
    change is audited; a category is retired (可选用 off), never deleted: problems keep it."""

    list_display = ("name", "position", "active")
    ordering = ("position", "pk")
    fields = ("name", "position", "active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ProblemCategory, form: Any, change: bool
    ) -> None:
        saved = category_save(
            actor=request.user,  # type: ignore[arg-type]
            category=obj if change else None,
            name=obj.name,
            position=obj.position,
            active=obj.active,
        )
        obj.pk = saved.pk
