from __future__ import annotations

from django.contrib import admin

from zhibu.core.admin import ReadOnlyAdmin
from zhibu.rulebook.models import Requirement


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    """Read-only: a change is a new version made on the 修订 page (services.requirement_revise)."""

    list_display = (
        "kind",
        "given_by",
        "applies_to",
        "period",
        "min_count",
        "effective_from",
        "effective_to",
    )
    list_filter = ("kind", "applies_to", "period")
