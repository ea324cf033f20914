"""zhibu close-polls: end every open poll whose closing time has passed.

Voting stops at a poll's closing time by itself, but its ballots are rewritten in a random order
(and so no longer linked to anyone by their order) only when the poll is closed. Run this from
cron, e.g. every hour, so that no poll sits past its closing time with its ballots still in
voting order. Safe to run again: a closed poll is left alone.
"""

from __future__ import annotations

from typing import Any

from zhibu.ballots.services import polls_close_due
from zhibu.core.commands import ZhibuCommand


class Command(ZhibuCommand):
    help = "结束已过截止时间的投票（选票随即打乱重排）；可重复运行"

    def handle(self, *args: Any, **options: Any) -> None:
        closed = polls_close_due()
        self.stdout.write(f"结束了 {len(closed)} 次已过截止时间的投票")
        for poll in closed:
            self.stdout.write(f"  {poll.organization.name}：{poll}")
