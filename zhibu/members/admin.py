from __future__ import annotations

from django.contrib import admin

from zhibu.core.admin import ReadOnlyAdmin
from zhibu.members.models import Member, MemberEvent, Transfer


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "category", "branch", "status", "id_number_masked")
    list_filter = ("category", "status")
    search_fields = ("name",)
    list_select_related = ("branch",)
    exclude = ("id_number_hash", "phone_hash")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("member", "direction", "on", "from_label", "to_label", "letter_number")
    list_select_related = ("member", "from_org", "to_org")


@admin.register(MemberEvent)
class MemberEventAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "from_value", "to_value", "on")
    list_select_related = ("member",)
