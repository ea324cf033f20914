"""The audit chain's head row exists from the start, so appends only ever lock it."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fill_head(apps: Any, schema_editor: Any) -> None:
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_auditevent_links")]

    operations = [migrations.RunPython(fill_head, migrations.RunPython.noop)]
