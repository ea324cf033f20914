"""`zhibu audit verify`: recompute the audit trail's hash chain."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from zhibu.core import audit
from zhibu.core.commands import ZhibuCommand


class Command(ZhibuCommand):
    help = "审计记录：zhibu audit verify 校验哈希链是否完整"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计记录的哈希链")

    def handle(self, *args: Any, **opts: Any) -> None:
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"OK {result.count} events")
            return
        where = f" at event #{result.bad_seq}" if result.bad_seq is not None else ""
        self.stderr.write(f"FAILED{where}: {result.reason}（之前的 {result.count} 条记录完好）")
        sys.exit(1)
