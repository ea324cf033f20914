from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "zhibu.reports"
    label = "reports"
    verbose_name = "台账与报表"
