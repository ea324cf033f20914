"""The default 问题类别 (the issue's list; superusers may add, rename or retire them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

DEFAULT_CATEGORIES = (
    "政治建设",
    "思想理论学习",
    "组织生活",
    "作风建设",
    "纪律规矩",
    "服务群众",
    "担当作为",
    "家风家教",
    "其他",
)


def fill(apps: Any, schema_editor: Any) -> None:
    category = apps.get_model("rectification", "ProblemCategory")
    for position, name in enumerate(DEFAULT_CATEGORIES, start=1):
        category.objects.get_or_create(name=name, defaults={"position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("rectification", "0001_problems_measures_rechecks")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
