from __future__ import annotations

from django.apps import AppConfig


class TextcheckConfig(AppConfig):
    name = "zhibu.textcheck"
    label = "textcheck"
    verbose_name = "材料质检"
