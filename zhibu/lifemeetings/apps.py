from __future__ import annotations

from django.apps import AppConfig


class LifemeetingsConfig(AppConfig):
    name = "zhibu.lifemeetings"
    label = "lifemeetings"
    verbose_name = "组织生活会"
