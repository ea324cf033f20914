"""`zhibu restore FILE`: a backup into an empty data directory, under the same field key."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from zhibu.core.backup import BackupError, restore_backup
from zhibu.core.commands import ZhibuCommand


class Command(ZhibuCommand):
    help = (
        "从 zhibu backup 生成的文件恢复数据库和上传的文件。只能恢复到空的数据目录（或空数据库），"
        "且 ZHIBU_FIELD_KEY 须与备份时相同。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="zhibu backup 生成的 .tar.gz 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            stats = restore_backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复完成：{stats.rows} 条记录，{stats.files} 个文件")
