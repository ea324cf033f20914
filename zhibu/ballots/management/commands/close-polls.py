"""zhibu close-polls: close every open poll past its closing time, and for a day after any
close scrub the ballot table again (see ``ballots.services.polls_close_due``).

Meant for cron, hourly. It is a command of its own, not part of ``zhibu remind``: on
PostgreSQL the scrub (``VACUUM FULL`` of the ballot table) waits for other sessions' locks on
that table, and a reminder run should never wait on that.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from zhibu.ballots.services import polls_close_due
from zhibu.core.commands import ZhibuCommand


def local_time(value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("应为 YYYY-MM-DDTHH:MM 格式的时间") from None
    return timezone.make_aware(when) if timezone.is_naive(when) else when


class Command(ZhibuCommand):
    help = "关闭已过截止时间的投票，并再次清理选票表（供定时任务每小时运行，可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            default=None,
            type=local_time,
            help="按这个时间运行（YYYY-MM-DDTHH:MM，本地时区；默认现在）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = polls_close_due(options["now"])
        if not closed:
            self.stdout.write("没有到期的投票")
            return
        self.stdout.write(f"关闭了 {len(closed)} 个投票：")
        for poll in closed:
            self.stdout.write(f"  {poll.organization.name} · {poll.title}")
