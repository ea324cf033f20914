"""`zhibu import-members FILE.xlsx --org CODE [--dry-run]`: import a branch's roster, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhibu.core.commands import ZhibuCommand
from zhibu.members import roster, services
from zhibu.orgs.models import Organization


class Command(ZhibuCommand):
    help = "从 .xlsx 导入党支部花名册：任何一行有误则一行都不写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="花名册 .xlsx 文件")
        parser.add_argument("--org", required=True, help="党支部编码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args: Any, **opts: Any) -> None:
        branch = Organization.objects.filter(code=opts["org"]).first()
        if branch is None:
            raise CommandError(f"找不到编码为“{opts['org']}”的组织")
        if branch.kind != "branch":
            raise CommandError(f"“{branch.name}”不是党支部：花名册只能导入到党支部")
        if branch.is_closed:
            raise CommandError(f"“{branch.name}”已撤销，不能导入花名册")
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        with path.open("rb") as fh:
            try:
                header_errors, rows = roster.read_roster(fh)
            except roster.RosterFileError as exc:
                raise CommandError(str(exc)) from None
            result = services.roster_import(
                actor=None,
                branch=branch,
                rows=rows,
                header_errors=header_errors,
                dry_run=opts["dry_run"],
            )
        if not result.ok:
            for line in result.error_lines():  # exactly one line per problem, for scripts
                self.stderr.write(line)
            sys.exit(1)
        self.stdout.write(result.summary() + ("（试运行，未写入）" if opts["dry_run"] else ""))
