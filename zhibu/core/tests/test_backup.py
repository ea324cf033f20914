"""`zhibu backup` / `zhibu restore`, run as real processes: a restore needs an empty data directory.

On SQLite by default. When DATABASE_URL names PostgreSQL (``make test-pg``), each site gets a
fresh database on that server instead, so the same tests cover both backends.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import pytest
from cryptography.fernet import Fernet
from django.db import connections, transaction

from zhibu.core import backup
from zhibu.members.rules import id_check_digit

DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
KEY = Fernet.generate_key().decode()
ID_BODY = "11010119800101001"  # born 1980-01-01, male
ID_NUMBER = ID_BODY + id_check_digit(ID_BODY)
PHONE = "13812345678"
USERNAME = "zhangsan"
PASSWORD = "Backup#2026x"
MEDIA_FILES = {
    "uploads/2026/会议纪要.txt": "第一党支部 2026 年 7 月支部党员大会纪要\n".encode(),
    "photos/activity.bin": bytes(range(256)) * 40,
}

# Defines the values above for the code run in `zhibu shell`.
PRELUDE = f"ID_NUMBER, PHONE, USERNAME, PASSWORD = {(ID_NUMBER, PHONE, USERNAME, PASSWORD)!r}\n"

# Run on the source: a committee and a branch, a member with a login, a group, and one event
# whose actor is that login (written by natural key). Every write goes through a service except
# the auth group, which zhibu has none for.
SEED = """
import datetime as dt
from django.contrib.auth.models import Group
from zhibu.accounts.services import account_create
from zhibu.members.services import member_create
from zhibu.orgs.services import organization_create

committee = organization_create(actor=None, code="BK-C", name="备份测试党委", kind="committee")
branch = organization_create(
    actor=None, code="BK-B1", name="备份测试第一党支部", kind="branch", parent=committee
)
member = member_create(actor=None, branch=branch, values={
    "name": "张三", "id_number": ID_NUMBER, "phone": PHONE, "category": "full",
    "joined_on": dt.date(2005, 7, 1), "full_on": dt.date(2006, 7, 1),
})
user = account_create(
    actor=None, member=member, username=USERNAME, password=PASSWORD,
    must_change_password=False,
)
user.groups.add(Group.objects.create(name="支部书记"))
organization_create(
    actor=user, code="BK-B2", name="备份测试第二党支部", kind="branch", parent=committee
)
"""

# Run on both sides; the restored site must answer the same (the raw_ columns aside).
SUMMARY = """
import io
import json
from django.apps import apps
from django.db import connection
from zhibu.accounts.models import User
from zhibu.core import audit, crypto
from zhibu.members.models import Member
from zhibu.orgs.models import Organization

member = Member.objects.with_id_number(ID_NUMBER).get()
with connection.cursor() as cursor:
    cursor.execute("SELECT id_number, phone FROM members_member WHERE id = %s", [member.pk])
    raw_id_number, raw_phone = cursor.fetchone()
user = User.objects.get(username=USERNAME)
result = audit.verify()
models = [m for m in apps.get_models() if m._meta.app_label in ("core", "orgs", "members", "accounts")]
print(json.dumps({
    "id_number": member.id_number,
    "phone": member.phone,
    "raw_id_number": raw_id_number,
    "raw_phone": raw_phone,
    "audit_ok": result.ok,
    "audit_count": result.count,
    "audit_reason": result.reason,
    "counts": {m._meta.label: m._base_manager.count() for m in models},
    "orgs": list(Organization.objects.order_by("pk").values_list("pk", "code", "path", "parent_id")),
    "user": [user.pk, user.member_id, user.password],
    "groups": sorted(user.groups.values_list("name", flat=True)),
    "fingerprint": crypto.key_fingerprint(),
}, ensure_ascii=False))
"""

# Run on the restored site: it goes on working. New rows get new keys (PostgreSQL's sequences
# were moved past the restored ones) and extend the restored audit chain.
ADD_BRANCH = """
import io
import json
from zhibu.core import audit
from zhibu.orgs.models import Organization
from zhibu.orgs.services import organization_create

org = organization_create(
    actor=None, code="BK-B3", name="备份测试第三党支部", kind="branch",
    parent=Organization.objects.get(code="BK-C"),
)
result = audit.verify()
print(json.dumps({"pk": org.pk, "audit_ok": result.ok, "audit_count": result.count}))
"""


@dataclass
class Site:
    """One zhibu installation: a data directory, and a database of its own on PostgreSQL."""

    data_dir: Path
    env: dict[str, str]
    database_url: str = ""

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    def zhibu(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "zhibu", *args],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if ok and proc.returncode != 0:
            pytest.fail(f"zhibu {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def shell(self, code: str) -> Any:
        """Run ``code`` in ``zhibu shell``; return the JSON it prints last, if any."""
        lines = self.zhibu("shell", "-v", "0", "-c", PRELUDE + code).stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else None

    def tables(self) -> list[str]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                rows = conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                ).fetchall()
        else:
            db = self.data_dir / "db.sqlite3"
            if not db.exists():
                return []
            with sqlite3.connect(db) as conn:
                rows = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                ).fetchall()
        return [r[0] for r in rows]

    def media_files(self) -> dict[str, bytes]:
        if not self.media.is_dir():
            return {}
        return {
            p.relative_to(self.media).as_posix(): p.read_bytes()
            for p in self.media.rglob("*")
            if p.is_file()
        }


def _database(name: str, *, drop: bool = False) -> str:
    """Create (or drop) a database beside DATABASE_URL's; return its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        if drop:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Site]]:
    databases: list[str] = []

    def make(key: str = KEY) -> Site:
        data_dir = tmp_path_factory.mktemp("site")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("ZHIBU_") and k != "DATABASE_URL"
        }
        env.update(ZHIBU_DATA_DIR=str(data_dir), ZHIBU_FIELD_KEY=key)
        site = Site(data_dir=data_dir, env=env)
        if ON_POSTGRES:
            name = f"zhibu_bk_{uuid.uuid4().hex[:12]}"
            databases.append(name)
            site.database_url = env["DATABASE_URL"] = _database(name)
        return site

    yield make
    for name in databases:
        _database(name, drop=True)


@dataclass
class Source:
    site: Site
    archive: Path
    summary: dict[str, Any]
    rows: int
    files: int
    manifest: dict[str, Any] = field(default_factory=dict)
    data: str = ""


@pytest.fixture(scope="module")
def source(new_site: Callable[..., Site], tmp_path_factory: pytest.TempPathFactory) -> Source:
    site = new_site()
    site.zhibu("migrate", "-v", "0")
    site.shell(SEED)
    for name, content in MEDIA_FILES.items():
        (site.media / name).parent.mkdir(parents=True, exist_ok=True)
        (site.media / name).write_bytes(content)
    archive = tmp_path_factory.mktemp("backups") / "zhibu.tar.gz"
    out = site.zhibu("backup", str(archive)).stdout
    found = re.search(r"备份完成：.*（(\d+) 条记录，(\d+) 个文件）", out)
    assert found, out
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert names[:2] == ["manifest.json", "data.jsonl"]
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        data = tar.extractfile("data.jsonl").read().decode()  # type: ignore[union-attr]
    return Source(
        site=site,
        archive=archive,
        summary=site.shell(SUMMARY),
        rows=int(found[1]),
        files=int(found[2]),
        manifest=manifest,
        data=data,
    )


@pytest.mark.slow
def test_it_round_trips_rows_files_and_encrypted_fields(
    source: Source, new_site: Callable[..., Site]
) -> None:
    target = new_site()
    out = target.zhibu("restore", str(source.archive)).stdout
    assert f"恢复完成：{source.rows} 条记录，{source.files} 个文件" in out
    after = target.shell(SUMMARY)
    assert (after["id_number"], after["phone"]) == (ID_NUMBER, PHONE)
    assert after["raw_id_number"].startswith("enc1:")
    assert after["raw_phone"].startswith("enc1:")
    assert after["audit_ok"], after["audit_reason"]
    assert after["audit_count"] == source.summary["audit_count"] >= 5
    assert {k: v for k, v in after.items() if not k.startswith("raw_")} == {
        k: v for k, v in source.summary.items() if not k.startswith("raw_")
    }
    verified = target.zhibu("audit", "verify").stdout
    assert f"OK {after['audit_count']} events" in verified
    assert target.media_files() == source.site.media_files() == MEDIA_FILES
    added = target.shell(ADD_BRANCH)
    assert added["pk"] > max(pk for pk, *_ in after["orgs"])
    assert added["audit_ok"] and added["audit_count"] == after["audit_count"] + 1


@pytest.mark.slow
def test_it_describes_the_backup_and_keeps_personal_fields_encrypted(source: Source) -> None:
    manifest = source.manifest
    assert manifest["format_version"] == 1
    assert manifest["field_key_fingerprint"] == source.summary["fingerprint"]
    assert manifest["db_vendor"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert {"core", "orgs", "members", "accounts", "auth"} <= set(manifest["migrations"])
    assert manifest["row_counts"]["members.Member"] == 1
    assert manifest["row_counts"]["core.AuditEvent"] == source.summary["audit_count"]
    assert sum(manifest["row_counts"].values()) == source.rows
    assert ID_NUMBER not in source.data and PHONE not in source.data
    (member,) = [
        json.loads(line) for line in source.data.splitlines() if '"model": "members.member"' in line
    ]
    assert member["fields"]["id_number"].startswith("enc1:")
    # Sessions, lockouts, content types and permissions are not data to bring back.
    assert not re.search(
        r'"model": "(sessions|axes|contenttypes)\.|"model": "auth\.permission"', source.data
    )


@pytest.mark.slow
def test_it_refuses_a_different_field_key_and_writes_nothing(
    source: Source, new_site: Callable[..., Site]
) -> None:
    target = new_site(key=Fernet.generate_key().decode())
    proc = target.zhibu("restore", str(source.archive), ok=False)
    assert proc.returncode == 1
    assert "字段加密密钥与备份时不同：请把 ZHIBU_FIELD_KEY 设为备份时的密钥" in proc.stderr
    assert target.tables() == []
    assert target.media_files() == {}


@pytest.mark.slow
def test_it_refuses_a_database_that_holds_data(source: Source) -> None:
    proc = source.site.zhibu("restore", str(source.archive), ok=False)
    assert proc.returncode == 1
    assert "数据库中已有数据" in proc.stderr
    assert source.site.shell(SUMMARY)["counts"] == source.summary["counts"]


@pytest.mark.slow
def test_it_refuses_an_archive_that_writes_outside_the_media_directory(
    source: Source, new_site: Callable[..., Site], tmp_path: Path
) -> None:
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(source.archive) as original, tarfile.open(tampered, "w:gz") as tar:
        for member in original.getmembers():
            tar.addfile(member, original.extractfile(member))
        evil = tarfile.TarInfo("media/../../evil.txt")
        evil.size = 4
        tar.addfile(evil, io.BytesIO(b"evil"))
    target = new_site()
    proc = target.zhibu("restore", str(tampered), ok=False)
    assert proc.returncode == 1
    assert "不安全的路径" in proc.stderr
    assert target.tables() == []
    assert not (target.data_dir / "evil.txt").exists()
    assert not (target.data_dir.parent / "evil.txt").exists()


@pytest.mark.slow
def test_it_refuses_a_media_directory_that_holds_files(
    source: Source, new_site: Callable[..., Site]
) -> None:
    target = new_site()
    (target.media / "left-over.txt").parent.mkdir(parents=True)
    (target.media / "left-over.txt").write_text("x")
    proc = target.zhibu("restore", str(source.archive), ok=False)
    assert proc.returncode == 1
    assert "媒体目录" in proc.stderr and "已有文件" in proc.stderr
    assert target.tables() == []
    assert target.media_files() == {"left-over.txt": b"x"}


# --- The snapshot, in process ---------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def site_alias(
    request: pytest.FixtureRequest, tmp_path: Path, django_db_blocker: Any
) -> Iterator[str]:
    """A database alias configured the way the site's is, on a scratch database."""
    if request.param == "sqlite":
        config: dict[str, Any] = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "site.sqlite3"),
            # As settings.py, but a writer blocked by the snapshot fails in 2 s, not 20.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 2,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
        database = ""
    elif ON_POSTGRES:
        database = f"zhibu_bk_{uuid.uuid4().hex[:12]}"
        config = dict(dj_database_url.parse(_database(database)))
    else:
        pytest.skip("DATABASE_URL does not name a PostgreSQL server")
    alias = "backup_test_site"
    connections.settings[alias] = connections.configure_settings({"default": config})["default"]
    try:
        with django_db_blocker.unblock():
            yield alias
            connections[alias].close()
    finally:
        del connections[alias]
        del connections.settings[alias]
        if database:
            _database(database, drop=True)


def _count(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM backup_probe")
        return int(cursor.fetchone()[0])


def test_it_reads_one_snapshot_while_the_site_writes(site_alias: str) -> None:
    site = connections[site_alias]
    with site.cursor() as cursor:
        cursor.execute("CREATE TABLE backup_probe (n integer)")
        cursor.execute("INSERT INTO backup_probe VALUES (1)")
    with backup.snapshot(site_alias) as alias:
        assert alias != site_alias
        assert _count(alias) == 1
        # The site writes and commits meanwhile. Had the snapshot taken SQLite's write lock,
        # this would wait and fail with "database is locked".
        with transaction.atomic(using=site_alias), site.cursor() as cursor:
            cursor.execute("INSERT INTO backup_probe VALUES (2)")
        assert _count(site_alias) == 2
        assert _count(alias) == 1
    assert alias not in connections.settings
    # The snapshot's connection dropped IMMEDIATE from a copy; the site's own is untouched.
    if site.vendor == "sqlite":
        assert site.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
