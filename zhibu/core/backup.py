"""Backup and restore: one .tar.gz holding the database rows and the uploaded files.

The archive holds ``manifest.json`` (what, when, from which schema, under which field key),
``data.jsonl`` (every row, in the ``zhibu`` serialization format: personal fields stay encrypted,
see core/serializers.py) and ``media/…`` (every file under MEDIA_ROOT).

``write_backup`` runs while the site runs: all rows come from one database snapshot that does not
block writers. ``restore_backup`` fills an empty database and media directory, and only under the
field key the backup was made with, so that encrypted fields read the same afterwards.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any, cast

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone

from zhibu.core import crypto

FORMAT = "zhibu-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAME = "data.jsonl"
MEDIA_DIR = "media"
SNAPSHOT_ALIAS = "backup"
CHUNK_SIZE = 2000

# Left out of the backup. Content types and permissions are rebuilt by ``migrate`` (rows that
# point at them are written by natural key); sessions and django-axes' lockout records are
# transient state that should not come back from the past.
EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes"})
EXCLUDED_MODELS = frozenset({"auth.permission"})
# A database with rows in any of these holds someone's data: restore refuses to touch it.
DATA_MODELS = ("orgs.Organization", "members.Member", "accounts.User", "core.AuditEvent")

WRONG_KEY_MESSAGE = (
    "字段加密密钥与备份时不同：请把 ZHIBU_FIELD_KEY 设为备份时的密钥"
    "（开发环境下即原数据目录中的 field.key）后再恢复"
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator what to do."""


@dataclass(frozen=True)
class BackupStats:
    path: Path
    rows: int
    files: int


@dataclass(frozen=True)
class RestoreStats:
    rows: int
    files: int


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; the audit chain hashes microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list[type[Model]]:
    """Every model whose rows go into a backup, dependencies first (as ``dumpdata`` orders them)."""
    app_list = []
    for app_config in apps.get_app_configs():
        if app_config.label in EXCLUDED_APPS:
            continue
        models = [
            m
            for m in app_config.get_models()
            if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in EXCLUDED_MODELS
        ]
        if models:
            app_list.append((app_config, models))
    return list(serializers.sort_dependencies(app_list, allow_cycles=True))


@contextmanager
def snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """A database alias whose reads all see one committed state, without blocking writers.

    It is a second connection to the same database, so the snapshot's transaction is its own
    whatever the caller's connection is doing, and it is closed and forgotten on the way out.
    """
    if SNAPSHOT_ALIAS in connections.settings:
        raise BackupError(f"数据库别名“{SNAPSHOT_ALIAS}”已被占用，无法建立备份快照")
    source = connections[using]
    config = copy.deepcopy(source.settings_dict)
    if source.vendor == "sqlite":
        # The site's connections BEGIN IMMEDIATE, which takes the write lock at once: a backup
        # holding it for minutes would stall every save. A deferred transaction takes no lock
        # until it writes; in WAL mode (settings' init_command) its first SELECT pins a read
        # snapshot that later commits by the site do not change.
        config["OPTIONS"].pop("transaction_mode", None)
    elif source.vendor != "postgresql":
        raise BackupError(f"不支持备份 {source.vendor} 数据库（支持 SQLite 和 PostgreSQL）")
    connections.settings[SNAPSHOT_ALIAS] = config
    try:
        with transaction.atomic(using=SNAPSHOT_ALIAS):
            with connections[SNAPSHOT_ALIAS].cursor() as cursor:
                if source.vendor == "postgresql":
                    # Must be the transaction's first statement. REPEATABLE READ gives every
                    # query the snapshot taken at the first one; PostgreSQL's MVCC means it
                    # blocks no writer. READ ONLY guards against this code ever writing.
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                else:
                    cursor.execute("SELECT count(*) FROM sqlite_master")
            yield SNAPSHOT_ALIAS
    finally:
        connections[SNAPSHOT_ALIAS].close()
        del connections[SNAPSHOT_ALIAS]
        del connections.settings[SNAPSHOT_ALIAS]


# --- Backup ---------------------------------------------------------------------------------


def write_backup(path: str | Path) -> BackupStats:
    """Write the archive to ``path``: to a temporary file beside it, renamed when complete."""
    target = Path(path).absolute()
    if not target.parent.is_dir():
        raise BackupError(f"目录不存在：{target.parent}")
    media_root = Path(settings.MEDIA_ROOT).absolute()
    if target.is_relative_to(media_root):
        raise BackupError(f"备份文件不能放在媒体目录 {media_root} 之内")
    # mkstemp makes the file readable by its owner only: the archive holds personal data.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with (
            os.fdopen(fd, "wb") as out,
            tempfile.TemporaryFile(dir=target.parent) as data,
        ):
            with snapshot() as alias:
                manifest = _write_rows(alias, data)
            # Files are read after the snapshot was taken. FileField saves the file before the
            # row is inserted and Django never deletes files, so every file a snapshot row names
            # is there by now; a file uploaded since is merely an extra.
            files = list(_media_files(media_root))
            with tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as tar:
                blob = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                _add_stream(tar, MANIFEST_NAME, io.BytesIO(blob), len(blob))
                size = data.tell()
                data.seek(0)
                _add_stream(tar, DATA_NAME, data, size)
                added = sum(_add_media_file(tar, rel, file) for rel, file in files)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BackupStats(path=target, rows=sum(manifest["row_counts"].values()), files=added)


def _write_rows(alias: str, stream: IO[bytes]) -> dict[str, Any]:
    """Write every row as JSON Lines to ``stream``; return the manifest describing them."""
    connection = connections[alias]
    applied = MigrationRecorder(connection).applied_migrations()
    if not applied:
        raise BackupError("数据库还没有建表，没有可备份的数据（请先运行 zhibu migrate）")
    serializer = serializers.get_serializer("zhibu")()
    text = _TextWriter(stream)
    counts: dict[str, int] = {}
    for model in backed_up_models():
        counter = _Counter()
        serializer.serialize(
            counter.count(_rows(model, alias)),
            stream=cast(IO[str], text),  # it has the one method the serializer calls
            use_natural_foreign_keys=True,
            cls=ExactJSONEncoder,
        )
        counts[model._meta.label] = counter.n
    text.flush()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "zhibu_version": _zhibu_version(),
        "db_vendor": connection.vendor,
        "field_key_fingerprint": crypto.key_fingerprint(),
        "migrations": latest_migrations(applied),
        "row_counts": counts,
    }


class _TextWriter:
    """Text onto a binary file, encoded in large pieces.

    The serializer writes each key and value as its own tiny string, millions of them for a
    large roster; io.TextIOWrapper would spend more time per call than the serializer does.
    """

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= 1 << 16:
            self.flush()
        return len(text)

    def flush(self) -> None:
        self.out.write("".join(self.parts).encode())
        self.parts, self.size = [], 0


class _Counter:
    def __init__(self) -> None:
        self.n = 0

    def count(self, rows: Iterable[Model]) -> Iterator[Model]:
        for row in rows:
            self.n += 1
            yield row


def _natural_fk_names(model: type[Model]) -> list[str]:
    """Foreign keys written by natural key: each would cost a query per row unless joined."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one and hasattr(f.related_model, "natural_key")
    ]


def _rows(model: type[Model], alias: str) -> Iterator[Model]:
    """All rows in primary key order, fetched in chunks so memory stays flat."""
    qs: QuerySet[Model] = model._base_manager.using(alias).order_by("pk")
    if joins := _natural_fk_names(model):
        qs = qs.select_related(*joins)
    for name, related, _through in _auto_m2m(model):
        if hasattr(related, "natural_key"):
            related_qs = related._base_manager.select_related(*_natural_fk_names(related))
            qs = qs.prefetch_related(Prefetch(name, queryset=related_qs))
    return qs.iterator(chunk_size=CHUNK_SIZE)


def _auto_m2m(model: type[Model]) -> list[tuple[str, type[Model], type[Model]]]:
    """(field name, related model, table model) of the many-to-many fields Django made tables for.

    Their rows are written inside the owning model's rows, as lists of keys.
    """
    out = []
    for field in model._meta.local_many_to_many:
        related, through = field.related_model, field.remote_field.through
        if isinstance(related, type) and isinstance(through, type) and through._meta.auto_created:
            out.append((field.name, related, through))
    return out


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Regular files under ``root`` as (archive name, path); symlinks are not followed."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            file = Path(dirpath, name)
            if file.is_file() and not file.is_symlink():
                yield f"{MEDIA_DIR}/{file.relative_to(root).as_posix()}", file


def _add_stream(tar: tarfile.TarFile, name: str, stream: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, stream)


def _add_media_file(tar: tarfile.TarFile, name: str, file: Path) -> int:
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        return 0  # deleted since the directory was listed
    with handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o644
        tar.addfile(info, handle)
    return 1


def _zhibu_version() -> str:
    try:
        return metadata.version("zhibu")
    except metadata.PackageNotFoundError:
        return "unknown"


def latest_migrations(applied: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The last migration per app among ``applied``, counting only migrations this code has.

    Names are compared as strings, which their number prefix orders; leaving out names the code
    no longer has (replaced by a squash) keeps old records from hiding the current state.
    """
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    latest: dict[str, str] = {}
    for app_label, name in applied:
        if (app_label, name) in known and name > latest.get(app_label, ""):
            latest[app_label] = name
    return latest


# --- Restore --------------------------------------------------------------------------------


def restore_backup(path: str | Path) -> RestoreStats:
    """Restore an archive into an empty database and media directory; all or nothing."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"找不到备份文件：{source}")
    with _open_archive(source) as tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"备份文件 {source} 不完整或已损坏（{exc}）") from exc
        by_name = _check_members(members)
        manifest = _read_manifest(tar, by_name)
        if manifest.get("field_key_fingerprint") != crypto.key_fingerprint():
            raise BackupError(WRONG_KEY_MESSAGE)
        _check_schema(manifest)
        media_root = Path(settings.MEDIA_ROOT)
        _check_empty(media_root)
        call_command("migrate", interactive=False, verbosity=0)
        media_root.mkdir(parents=True, exist_ok=True)
        # Files go to a directory inside MEDIA_ROOT (so the final moves are renames on one
        # file system) and only into place once the rows are committed.
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root))
        try:
            with transaction.atomic():
                rows = _load_rows(tar, by_name[DATA_NAME], manifest)
                files = _extract_media(tar, members, staging)
            _move_files(staging, media_root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return RestoreStats(rows=rows, files=files)


def _open_archive(source: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(source, mode="r:gz")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"无法读取备份文件 {source}：不是 .tar.gz 文件（{exc}）") from exc


def _check_members(members: list[tarfile.TarInfo]) -> dict[str, tarfile.TarInfo]:
    """Refuse anything but the manifest, the rows, and plain files under media/."""
    by_name: dict[str, tarfile.TarInfo] = {}
    for member in members:
        name = PurePosixPath(member.name)
        if not name.parts or name.is_absolute() or ".." in name.parts or "\\" in member.name:
            raise BackupError(f"备份文件中有不安全的路径：{member.name}")
        if member.name in (MANIFEST_NAME, DATA_NAME):
            if not member.isfile():
                raise BackupError(f"备份文件已损坏：{member.name} 不是普通文件")
        elif name.parts[0] == MEDIA_DIR and len(name.parts) > 1:
            if not (member.isfile() or member.isdir()):
                raise BackupError(f"备份文件中有链接或特殊文件：{member.name}")
        else:
            raise BackupError(f"备份文件中有不认识的内容：{member.name}")
        by_name[member.name] = member
    for required in (MANIFEST_NAME, DATA_NAME):
        if required not in by_name:
            raise BackupError(f"不是 zhibu 备份文件：缺少 {required}")
    return by_name


def _read_manifest(tar: tarfile.TarFile, by_name: dict[str, tarfile.TarInfo]) -> dict[str, Any]:
    try:
        manifest = json.load(_open_member(tar, by_name[MANIFEST_NAME]))
    except ValueError as exc:
        raise BackupError("备份文件已损坏：manifest.json 不是有效的 JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("不是 zhibu 备份文件：manifest.json 格式不对")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本为 {manifest.get('format_version')}，本版本只能恢复版本 {FORMAT_VERSION}"
        )
    return manifest


def _check_schema(manifest: dict[str, Any]) -> None:
    """The rows must fit this code's tables: same last migration for every app backed up.

    Rows from an older schema would skip the data migrations written since; rows from a newer
    one may have columns this code lacks. Either way the operator restores with the version the
    backup was made with, then upgrades, which runs the migrations on the restored data.
    """
    disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    ours = latest_migrations(disk)
    theirs: dict[str, str] = manifest.get("migrations") or {}
    version = manifest.get("zhibu_version", "?")
    for app_label in sorted({m._meta.app_label for m in backed_up_models()}):
        mine, backed = ours.get(app_label, ""), theirs.get(app_label, "")
        if mine == backed:
            continue
        if backed and (app_label, backed) not in disk:
            raise BackupError(
                f"备份来自较新的 zhibu（{version}，{app_label} 迁移到 {backed}，本版本没有）："
                "请先升级 zhibu 再恢复"
            )
        raise BackupError(
            f"备份来自另一版本的 zhibu（{version}，{app_label} 迁移到 {backed or '无'}，"
            f"本版本为 {mine or '无'}）：请用 zhibu {version} 恢复后再升级"
        )


def _check_empty(media_root: Path) -> None:
    """Refuse a target that holds data: a restore adds to nothing and overwrites nothing."""
    connection = connections[DEFAULT_DB_ALIAS]
    tables = set(connection.introspection.table_names())
    for label in DATA_MODELS:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._base_manager.exists():
            raise BackupError(
                f"数据库中已有数据（{model._meta.verbose_name}）：只能恢复到空的数据库，"
                "请换一个新的数据目录或数据库"
            )
    for _dirpath, _dirnames, filenames in os.walk(media_root):
        if filenames:
            raise BackupError(f"媒体目录 {media_root} 中已有文件：只能恢复到空的数据目录")


def _load_rows(tar: tarfile.TarFile, member: tarfile.TarInfo, manifest: dict[str, Any]) -> int:
    """Load data.jsonl as ``loaddata`` would; must run inside the restore's transaction."""
    connection = connections[DEFAULT_DB_ALIAS]
    models = backed_up_models()
    _clear_tables(models)
    stream = io.TextIOWrapper(_open_member(tar, member), encoding="utf-8")
    counts: Counter[str] = Counter()
    deferred = []
    try:
        for obj in serializers.deserialize("zhibu", stream, handle_forward_references=True):
            # The tables are empty (_clear_tables): insert without the UPDATE a save tries first.
            obj.save(force_insert=True)
            counts[obj.object._meta.label] += 1
            if obj.deferred_fields:
                deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields()
        connection.check_constraints(table_names=[m._meta.db_table for m in models])
    except (DeserializationError, DatabaseError) as exc:
        raise BackupError(f"备份数据无法载入：{exc}") from exc
    expected = {k: v for k, v in manifest.get("row_counts", {}).items() if v}
    if dict(counts) != expected:
        raise BackupError("备份文件不完整：载入的记录数与 manifest.json 不符")
    # Rows came with their primary keys; PostgreSQL's sequences must move past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return counts.total()


def _clear_tables(models: list[type[Model]]) -> None:
    """Empty the backed-up tables of what a fresh ``migrate`` put there (the audit chain head).

    _check_empty has made sure no one's data is there; the backup's rows replace these seed rows
    exactly rather than mixing with them. Foreign keys are checked at commit, so order is free.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    tables = [m._meta.db_table for m in models]
    for model in models:
        tables.extend(through._meta.db_table for _name, _related, through in _auto_m2m(model))
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608 (table names from models)


def _extract_media(tar: tarfile.TarFile, members: list[tarfile.TarInfo], staging: Path) -> int:
    count = 0
    for member in members:
        if not member.name.startswith(f"{MEDIA_DIR}/") or not member.isfile():
            continue
        dest = staging.joinpath(*PurePosixPath(member.name).parts[1:])
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            with _open_member(tar, member) as source, dest.open("xb") as out:
                shutil.copyfileobj(source, out)
        except OSError as exc:
            raise BackupError(f"无法写入媒体文件 {member.name}：{exc}") from exc
        count += 1
    return count


def _move_files(staging: Path, media_root: Path) -> None:
    """Move every staged file to its place; file by file, as empty folders may be there."""
    for dirpath, _dirnames, filenames in os.walk(staging):
        for name in filenames:
            rel = Path(dirpath, name).relative_to(staging)
            (media_root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, media_root / rel)


def _open_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    stream = tar.extractfile(member)
    if stream is None:
        raise BackupError(f"备份文件已损坏：{member.name} 不是普通文件")
    return stream
