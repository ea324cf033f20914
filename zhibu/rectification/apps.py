from __future__ import annotations

from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "zhibu.rectification"
    label = "rectification"
    verbose_name = "问题清单与整改"
