from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def secure_delete_on(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite overwrites deleted and replaced content with zeros on every connection, so a
    ballot rewritten at close (or changed while open) leaves nothing behind in the file's free
    space. Infrastructure, not domain logic: it applies to every table and costs little."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete=ON")


class BallotsConfig(AppConfig):
    name = "zhibu.ballots"
    label = "ballots"
    verbose_name = "无记名投票"

    def ready(self) -> None:
        from zhibu.core import labels

        connection_created.connect(secure_delete_on, dispatch_uid="zhibu.ballots.secure_delete")
        labels.register(
            "ballots.poll",
            {"title": "标题", "description": "说明", "kind": "投票类型", "questions": "题目"},
        )
