from __future__ import annotations

from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "zhibu.rulebook"
    label = "rulebook"
    verbose_name = "制度要求"
