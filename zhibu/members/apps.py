from __future__ import annotations

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zhibu.members"
    label = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from zhibu.core import labels
        from zhibu.members.rules import FIELD_COLUMN

        # The roster's column names are the history's field labels too.
        labels.register("members.member", FIELD_COLUMN)
