"""zhibu remind [--today YYYY-MM-DD]: the day-before meeting reminders, overdue 补学, and the
rectification deadlines (提醒 before and on the day, the secretary when overdue, the committee
past the escalation threshold, 回头看 due).

Meant for cron (once a day, or hourly: a reminder already sent is not sent again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhibu.core.commands import ZhibuCommand
from zhibu.notices.services import reminders_send


class Command(ZhibuCommand):
    help = "发送会前一天的会议提醒、逾期补学提醒和整改时限提醒（可重复运行，每条提醒只发一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="按这一天运行（YYYY-MM-DD，默认今天，本地时区）", default=None
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today 应为 YYYY-MM-DD 格式的日期") from None
        result = reminders_send(today=today)
        self.stdout.write(
            f"发出 {result.notices} 条通知：会议提醒 {result.meeting_notices} 条"
            f"（{result.meetings} 次会议），补学提醒 {result.makeup_notices} 条，"
            f"整改提醒 {result.rectification_notices} 条"
            + (f"，党费提醒 {result.dues_notices} 条" if result.dues_notices else "")
        )
