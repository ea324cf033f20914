"""Django admin: superusers may look at everything, and change nothing.

Every write goes through a service that checks the rules and records an audit event; an admin
form would bypass both. So the admin is a read-only window (and the audit trail is in it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhibu.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_label", "verb", "object_type", "object_label")
    list_filter = ("verb", "object_type")
    search_fields = ("object_label", "actor_label", "verb")
