"""`zhibu backup FILE`: database and uploaded files into one .tar.gz, while the site runs."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from zhibu.core.backup import BackupError, write_backup
from zhibu.core.commands import ZhibuCommand


class Command(ZhibuCommand):
    help = "把数据库和上传的文件备份到一个 .tar.gz 文件；网站运行时也可以备份。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="备份文件路径，例如 /srv/backup/zhibu-20260701.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            stats = write_backup(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"备份完成：{options['file']}（{stats.rows} 条记录，{stats.files} 个文件）"
        )
