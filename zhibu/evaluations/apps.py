from __future__ import annotations

from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "zhibu.evaluations"
    label = "evaluations"
    verbose_name = "民主评议党员"
