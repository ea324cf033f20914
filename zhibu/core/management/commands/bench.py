"""`zhibu bench`: county-scale performance figures, one JSON line per figure on stdout.

Django binds its settings to one data directory per process, so this command orchestrates
subprocesses (``python -m zhibu …``) that run with ``ZHIBU_DATA_DIR`` pointing at a scratch
directory (default ``./var-bench``):

1. ``migrate`` and ``demo --scale county`` once (timed; the time is kept in ``bench.json`` and
   reported again with ``"cached": true`` while the data is reused; ``--rebuild`` starts over,
   and so does a change of ``scale.DATA_VERSION``: data built by an older builder is rebuilt);
2. ``bench --worker pages``: the compliance computation for the whole county over a year, then
   page latency with Django's test client, inside the scratch settings, logged in as the two
   benchmark users (the county's 组织委员 and a village branch's 书记);
3. ``import-members`` of a generated 40,000-row roster into a new branch, in a throw-away copy
   of the scratch database so the reused data stays as built.

``--postgres [URL]`` runs steps 1 and 2 on PostgreSQL instead (URL, else ``DATABASE_URL``),
in a database that holds nothing else, e.g. a throw-away cluster::

    scripts/with-postgres.sh .venv/bin/zhibu bench --postgres

The keys stay in the scratch directory, the data in PostgreSQL; the roster import (which copies
the SQLite file) is skipped there.

Progress goes to stderr. Exit status 0 also when a target is missed (``"ok": false``); 1 when a
step fails or a page does not answer 200.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from zhibu.core.commands import ZhibuCommand

STATE = "bench.json"
STATE_PG = "bench-postgres.json"
MARKER = "ZHIBU-BENCH-SCRATCH"
DB_FILES = ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm")
KEY_FILES = ("secret.key", "field.key")
IMPORT_ROWS = 40_000
IMPORT_FILE = f"bench-roster-{IMPORT_ROWS}-v1.xlsx"
IMPORT_CODE = "BENCHIMP"

TARGETS = {
    "county_build_seconds": 120,
    "roster_import_40000_seconds": 20,
    "p50_ms": 50,
    "compliance_county_year_seconds": 1.0,
    "compliance_county_year_seconds_postgresql": 0.5,
    "textcheck_100000_problems_seconds": 30,
    "textcheck_similarity_100000_seconds": 30,
}
COMPLIANCE_RUNS = 5

Figure = dict[str, Any]


def figure(name: str, value: float | None, target: float | None, **extra: Any) -> Figure:
    ok = True if target is None else (value is not None and value <= target)
    return {"figure": name, **extra, "value": value, "target": target, "ok": ok}


class StepFailed(Exception):
    """A subprocess failed; the message says which and why."""


class Command(ZhibuCommand):
    help = "性能基准：在独立的数据目录里生成县级数据，测量生成、导入和页面响应时间（每项一行 JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", default=None, help="基准用的临时数据目录（默认 ./var-bench，可重复使用）"
        )
        parser.add_argument("--rebuild", action="store_true", help="删除已生成的县级数据，重新生成")
        parser.add_argument("--requests", type=int, default=50, help="每个页面计时的请求数")
        parser.add_argument("--warmup", type=int, default=5, help="每个页面计时前的预热请求数")
        parser.add_argument(
            "--board-requests",
            type=int,
            default=10,
            help="制度落实看板（全县）计时的请求数（每次约1秒，默认10）",
        )
        parser.add_argument("--skip-import", action="store_true", help="不测花名册导入")
        parser.add_argument(
            "--postgres",
            nargs="?",
            const="",
            default=None,
            metavar="URL",
            help="在 PostgreSQL 上测量（URL，省略时用环境变量 DATABASE_URL；数据库应为空或只有基准数据）",
        )
        parser.add_argument("--worker", choices=["pages", "textcheck"], help=argparse.SUPPRESS)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["worker"] == "textcheck":
            self.emit_all(textcheck_worker())
            return
        if opts["worker"] == "pages":
            self.emit_all(
                pages_worker(
                    requests=opts["requests"],
                    warmup=opts["warmup"],
                    board_requests=opts["board_requests"],
                )
            )
            return
        if settings.PRODUCTION:
            raise CommandError("生产环境（ZHIBU_ENV=production）不运行性能基准，请在开发机上运行。")
        scratch = Path(opts["data_dir"] or Path.cwd() / "var-bench").resolve()
        if scratch == Path(settings.DATA_DIR).resolve():
            raise CommandError(f"基准数据目录不能是当前的数据目录 {scratch}")
        postgres = opts["postgres"]
        if postgres is not None:
            postgres = postgres or os.environ.get("DATABASE_URL", "")
            if not postgres.startswith(("postgres://", "postgresql://")):
                raise CommandError(
                    "--postgres 需要 PostgreSQL 的连接地址（postgres://…），或设置 DATABASE_URL；"
                    "可用 scripts/with-postgres.sh 临时启动一个"
                )
        bench = Bench(scratch, log=self.stderr.write, postgres=postgres)
        failed = 0
        try:
            bench.prepare()
            self.emit(bench.county(rebuild=opts["rebuild"]))
            for fig in bench.worker("textcheck", "生成十万条问题清单（首次）并测量材料质检…"):
                failed += "error" in fig
                self.emit(fig)
            for fig in bench.pages(
                requests=opts["requests"],
                warmup=opts["warmup"],
                board_requests=opts["board_requests"],
            ):
                failed += "error" in fig
                self.emit(fig)
            if postgres:
                self.stderr.write("PostgreSQL 模式不测花名册导入（该项复制 SQLite 数据库文件）")
            elif not opts["skip_import"]:
                for fig in bench.roster_import():
                    failed += "error" in fig
                    self.emit(fig)
        except StepFailed as exc:
            raise CommandError(str(exc)) from None
        if failed:
            raise CommandError(f'{failed} 项测量出错（见输出中的 "error"）')

    def emit(self, fig: Figure) -> None:
        self.stdout.write(json.dumps(fig, ensure_ascii=False))
        self.stdout.flush()

    def emit_all(self, figs: Iterator[Figure]) -> None:
        for fig in figs:
            self.emit(fig)


class Bench:
    """The orchestrating side: subprocesses in the scratch data directory."""

    def __init__(self, scratch: Path, log: Any, postgres: str | None = None) -> None:
        self.scratch = scratch
        self.log = log
        self.postgres = postgres
        self.env = scratch_env(scratch, database_url=postgres)
        # The state of SQLite data and of PostgreSQL data are kept apart.
        self.state_file = scratch / (STATE_PG if postgres else STATE)

    def run(
        self, *args: str, env: dict[str, str] | None = None, what: str = ""
    ) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "zhibu", *args]
        done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            cmd, env=env or self.env, capture_output=True, text=True
        )
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
            raise StepFailed(f"{what or ' '.join(args)} 失败（退出码 {done.returncode}）：\n{tail}")
        return done

    # --- the scratch directory ---------------------------------------------------------------
    def prepare(self) -> None:
        self.scratch.mkdir(parents=True, exist_ok=True)
        marker = self.scratch / MARKER
        if (self.scratch / "db.sqlite3").exists() and not marker.exists():
            raise StepFailed(
                f"{self.scratch} 里已有数据库，但不是基准用的临时目录（没有 {MARKER} 标记），"
                "为免误删数据，请用 --data-dir 指定一个新目录"
            )
        marker.write_text("zhibu bench 的临时数据目录，可整个删除。\n", encoding="utf-8")

    def state(self) -> dict[str, Any]:
        try:
            loaded = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return loaded if isinstance(loaded, dict) else {}

    def wipe(self) -> None:
        self.state_file.unlink(missing_ok=True)
        if not self.postgres:
            for name in DB_FILES:
                (self.scratch / name).unlink(missing_ok=True)

    # --- 1. the county data --------------------------------------------------------------------
    def county(self, *, rebuild: bool) -> Figure:
        from zhibu.core.scale import DATA_VERSION

        if self.postgres:
            return self.county_postgres(rebuild=rebuild)
        state = self.state()
        built = (self.scratch / "db.sqlite3").exists()
        cached = (
            not rebuild
            and built
            and isinstance(state.get("county_build_seconds"), int | float)
            and state.get("data_version") == DATA_VERSION
        )
        if built and not cached and not rebuild:
            self.log(f"县级数据由旧版本的生成程序生成，按版本 {DATA_VERSION} 重新生成…")
        if not cached:
            self.wipe()
        self.log(f"迁移数据库结构（{self.scratch}）…")
        self.run("migrate", "--noinput", "-v0", what="migrate")
        if cached:
            seconds = float(state["county_build_seconds"])
            self.log(f"沿用已生成的县级数据（生成用时 {seconds:.1f} 秒，--rebuild 可重新生成）")
        else:
            seconds, _ = self.build()
        return figure(
            "county_build_seconds",
            seconds,
            TARGETS["county_build_seconds"],
            cached=cached,
            database="sqlite",
        )

    def county_postgres(self, *, rebuild: bool) -> Figure:
        """PostgreSQL: build the county unless the database already holds this version of it
        (the builder is a no-op then); never delete anything there."""
        from zhibu.core.scale import DATA_VERSION

        if rebuild:
            raise StepFailed("PostgreSQL 模式不删除数据：请换一个空的数据库，不要用 --rebuild")
        state = self.state()
        self.log("迁移数据库结构（PostgreSQL）…")
        self.run("migrate", "--noinput", "-v0", what="migrate")
        seconds, existed = self.build()
        cached = existed
        if existed:
            if not (
                state.get("data_version") == DATA_VERSION
                and state.get("database") == self.database_key()
                and isinstance(state.get("county_build_seconds"), int | float)
            ):
                raise StepFailed(
                    "PostgreSQL 数据库里已有县级数据（旧版本或来历不明）：请换一个空的数据库，"
                    "如 scripts/with-postgres.sh 临时启动的"
                )
            seconds = float(state["county_build_seconds"])
            self.log(f"沿用已生成的县级数据（生成用时 {seconds:.1f} 秒）")
        return figure(
            "county_build_seconds",
            seconds,
            TARGETS["county_build_seconds"],
            cached=cached,
            database="postgresql",
        )

    def build(self) -> tuple[float, bool]:
        """Run the county builder; (seconds, whether the data was already there)."""
        from zhibu.core.scale import DATA_VERSION

        self.log("生成县级数据（约1500个党支部、4万名人员、一年的会议）…")
        started = time.perf_counter()
        done = self.run("demo", "--scale", "county", what="demo --scale county")
        seconds = round(time.perf_counter() - started, 2)
        self.log(done.stdout.strip())
        if "已存在" in done.stdout:
            return seconds, True
        state = {
            "county_build_seconds": seconds,
            "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "data_version": DATA_VERSION,
            "database": self.database_key(),
        }
        self.state_file.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        return seconds, False

    def database_key(self) -> str:
        """Which database the state describes: SQLite in the scratch directory, or a
        PostgreSQL URL (hashed: it may hold a password)."""
        if not self.postgres:
            return "sqlite"
        return "postgresql:" + hashlib.sha256(self.postgres.encode()).hexdigest()[:16]

    def worker(self, name: str, message: str) -> Iterator[Figure]:
        """Run ``bench --worker NAME`` in the scratch settings; its JSON lines are figures."""
        self.log(message)
        env = {**self.env, "ZHIBU_DEBUG": "0"}
        done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-m", "zhibu", "bench", "--worker", name],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        for line in done.stdout.splitlines():
            if line.strip().startswith("{"):
                yield json.loads(line)
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-15:])
            yield {"figure": name, "value": None, "target": None, "ok": False, "error": tail}

    # --- 2. pages ------------------------------------------------------------------------------
    def pages(self, *, requests: int, warmup: int, board_requests: int) -> Iterator[Figure]:
        self.log(
            f"测量制度落实计算和页面响应时间（每页预热 {warmup} 次、计时 {requests} 次；"
            f"全县看板计时 {board_requests} 次）…"
        )
        env = {**self.env, "ZHIBU_DEBUG": "0"}
        cmd = [sys.executable, "-m", "zhibu", "bench", "--worker", "pages"]
        cmd += ["--requests", str(requests), "--warmup", str(warmup)]
        cmd += ["--board-requests", str(board_requests)]
        done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            cmd, env=env, capture_output=True, text=True
        )
        for line in done.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                yield json.loads(line)
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-15:])
            yield {"figure": "pages", "value": None, "target": None, "ok": False, "error": tail}
        elif done.stderr.strip():
            self.log(done.stderr.strip())

    # --- 3. roster import ----------------------------------------------------------------------
    def roster_import(self) -> Iterator[Figure]:
        roster = self.scratch / IMPORT_FILE
        if not roster.exists():
            self.log(f"生成 {IMPORT_ROWS} 行的花名册 {roster.name}（只生成一次）…")
            from zhibu.core.scale import write_import_roster

            write_import_roster(roster, IMPORT_ROWS)
        work = Path(tempfile.mkdtemp(prefix="import-", dir=self.scratch))
        try:
            self.copy_database(work)
            env = scratch_env(work)
            self.run(
                "org",
                "add",
                "--code",
                IMPORT_CODE,
                "--name",
                "基准导入党支部",
                "--kind",
                "branch",
                "--parent",
                "XIAN",
                "--unit-type",
                "企业",
                env=env,
                what="org add",
            )
            for dry_run in (True, False):
                name = "roster_import_40000" + ("_dry_run" if dry_run else "") + "_seconds"
                args = ["import-members", str(roster), "--org", IMPORT_CODE]
                self.log(f"导入花名册{'（试运行）' if dry_run else ''}…")
                started = time.perf_counter()
                try:
                    self.run(*args, *(["--dry-run"] if dry_run else []), env=env)
                except StepFailed as exc:
                    yield {
                        "figure": name,
                        "value": None,
                        "target": None,
                        "ok": False,
                        "error": str(exc),
                    }
                    return
                seconds = round(time.perf_counter() - started, 2)
                target = None if dry_run else TARGETS["roster_import_40000_seconds"]
                yield figure(name, seconds, target, rows=IMPORT_ROWS)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def copy_database(self, work: Path) -> None:
        """A consistent copy: fold the WAL into the main file first, then copy the files."""
        db = self.scratch / "db.sqlite3"
        with closing(sqlite3.connect(db)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for name in (*DB_FILES, *KEY_FILES):
            source = self.scratch / name
            if source.exists():
                shutil.copy2(source, work / name)


def scratch_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of a subprocess working in ``data_dir``: SQLite there (or the given
    PostgreSQL database), its own keys."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "ZHIBU_FIELD_KEY", "ZHIBU_SECRET_KEY", "ZHIBU_DEBUG")
    }
    env["ZHIBU_DATA_DIR"] = str(data_dir)
    env["ZHIBU_ENV"] = "development"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


# --- the worker: runs inside the scratch settings --------------------------------------------


def compliance_figure(runs: int = COMPLIANCE_RUNS) -> Figure:
    """``compliance.compute`` for the whole county over the year up to today: the median of
    ``runs`` runs after one to warm up, with its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from zhibu.core.dates import add_years
    from zhibu.core.scale import COUNTY_CODE
    from zhibu.orgs.models import Organization
    from zhibu.rulebook import compliance

    county = Organization.objects.get(code=COUNTY_CODE)
    today = timezone.localdate()
    start = add_years(today, -1) + dt.timedelta(days=1)
    with CaptureQueriesContext(connection) as ctx:
        result = compliance.compute(county, start, today)
    times = []
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        compliance.compute(county, start, today)
        times.append(time.perf_counter() - started)
    postgres = connection.vendor == "postgresql"
    target = TARGETS["compliance_county_year_seconds" + ("_postgresql" if postgres else "")]
    return figure(
        "compliance_county_year_seconds",
        round(statistics.median(times), 3),
        target,
        database=connection.vendor,
        **{"from": start.isoformat(), "to": today.isoformat()},
        best=round(min(times), 3),
        units=len(result.units),
        flagged_members=len(result.members),
        queries=len(ctx.captured_queries),
    )


def textcheck_worker() -> Iterator[Figure]:
    """材料质检 over 100,000 stored problems (issue 4): the county's problem list is added once
    (two years, copies and repeats planted), then every rule runs over the later year with the
    same owners' earlier problems, as ``zhibu textcheck --org XIAN --year 2026`` does."""
    from zhibu.core.scale import COUNTY_CODE
    from zhibu.orgs.models import Organization
    from zhibu.rectification import scale as rectification_scale
    from zhibu.textcheck.bench import bench_similarity
    from zhibu.textcheck.stored import check_stored

    root = Organization.objects.get(code=COUNTY_CODE)
    started = time.perf_counter()
    added = rectification_scale.seed_problems(root)
    stored = rectification_scale.stored_problems(root)
    yield figure("rectification_seed_seconds", round(time.perf_counter() - started, 2), None,
                 added=added, stored=stored)  # fmt: skip
    started = time.perf_counter()
    result = check_stored(root, rectification_scale.CHECK_YEAR)
    seconds = round(time.perf_counter() - started, 2)
    rules_found: dict[str, int] = {}
    for row in result.rows:
        rules_found[row["rule"]] = rules_found.get(row["rule"], 0) + 1
    yield figure("textcheck_100000_problems_seconds", seconds,
                 TARGETS["textcheck_100000_problems_seconds"], problems_read=result.compared,
                 problems_checked=len(result.problems), findings=rules_found,
                 parts=result.seconds, database=connection_vendor())  # fmt: skip
    pure = bench_similarity(100_000)
    yield figure("textcheck_similarity_100000_seconds", pure["seconds"],
                 TARGETS["textcheck_similarity_100000_seconds"], in_memory=True,
                 copies=pure["copies"], repeats=pure["repeats"])  # fmt: skip


def connection_vendor() -> str:
    from django.db import connection

    return str(connection.vendor)


def pages_worker(*, requests: int, warmup: int, board_requests: int = 10) -> Iterator[Figure]:
    from django.test import Client
    from django.urls import reverse

    from zhibu.accounts.models import User
    from zhibu.core.scale import BENCH_USERS, COUNTY_CODE
    from zhibu.members.models import Member

    yield compliance_figure()

    county_user = User.objects.select_related("member__branch").get(username=BENCH_USERS[0])
    branch_user = User.objects.select_related("member__branch").get(username=BENCH_USERS[1])
    secretary = branch_user.member
    if secretary is None:
        raise CommandError(f"{BENCH_USERS[1]} 没有对应的党员")
    branch = secretary.branch
    neighbour = (
        Member.objects.current()
        .filter(branch=branch)
        .exclude(pk=secretary.pk)
        .order_by("pk")
        .first()
    )
    # Deep in the county: a branch under a general branch under a township committee.
    deep = (
        Member.objects.current()
        .filter(branch__parent__kind="general_branch")
        .order_by("-pk")
        .first()
    )
    if neighbour is None or deep is None:
        raise CommandError("县级基准数据不完整：找不到用于测量的党员")
    surname = "王"
    pages = [
        (
            "member_list",
            "branch_secretary",
            branch_user,
            reverse("members:list", args=[branch.code]),
        ),
        (
            "member_detail",
            "branch_secretary",
            branch_user,
            reverse("members:detail", args=[neighbour.pk]),
        ),
        ("member_list", "county_officer", county_user, reverse("members:list", args=[COUNTY_CODE])),
        (
            "member_search",
            "county_officer",
            county_user,
            reverse("members:list", args=[COUNTY_CODE]) + "?" + urlencode({"q": surname}),
        ),
        ("member_detail", "county_officer", county_user, reverse("members:detail", args=[deep.pk])),
        (
            "meeting_list",
            "branch_secretary",
            branch_user,
            reverse("meetings:branch", args=[branch.code]),
        ),
        # The problem list (100,000 problems in the county once textcheck_worker has run).
        (
            "rectification_ledger",
            "branch_secretary",
            branch_user,
            reverse("rectification:ledger", args=[branch.code]),
        ),
        (
            "rectification_ledger",
            "county_officer",
            county_user,
            reverse("rectification:ledger", args=[COUNTY_CODE]),
        ),
        ("home", "county_officer", county_user, reverse("core:home")),
        # The whole county's board: no fixed target (it computes compliance for every branch).
        ("compliance_board", "county_officer", county_user, _board_url(COUNTY_CODE)),
    ]
    clients: dict[str, Client] = {}
    for page, role, user, url in pages:
        if role not in clients:
            clients[role] = Client(raise_request_exception=False)
            clients[role].force_login(user)
        board = page == "compliance_board"
        # The 50 ms target is for the pages of issue 2 and a branch's own pages; the county's
        # home page and problem list aggregate the whole county (no fixed target, reported).
        county_wide = role == "county_officer" and page in ("rectification_ledger", "home")
        target = None if board or county_wide else TARGETS["p50_ms"]
        try:
            times, queries = _measure(
                clients[role],
                url,
                requests=board_requests if board else requests,
                warmup=min(warmup, 2) if board else warmup,
            )
        except PageProblem as exc:
            yield {
                "figure": f"{page}_p50_ms",
                "role": role,
                "url": url,
                "value": None,
                "target": target,
                "ok": False,
                **exc.details,
            }
            continue
        p50 = round(statistics.median(times), 1)
        p95 = round(statistics.quantiles(times, n=20, method="inclusive")[18], 1)
        yield figure(f"{page}_p50_ms", p50, target, role=role)
        yield figure(f"{page}_p95_ms", p95, None, role=role)
        yield figure(f"{page}_queries", queries, None, role=role)
        if board:  # the same page when nothing is remembered: the computation included
            yield figure(f"{page}_cold_p50_ms", _cold_board(clients[role], url), None, role=role)


def _cold_board(client: Any, url: str, requests: int = 5) -> float:
    """The board's response time after a write (its remembered results dropped), in ms."""
    from zhibu.rulebook import compliance

    times = []
    for _ in range(requests):
        compliance._remembered.clear()
        start = time.perf_counter()
        _check(client.get(url))
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def _board_url(code: str) -> str:
    from django.urls import reverse

    return reverse("rulebook:compliance", args=[code])


class PageProblem(Exception):
    def __init__(self, details: dict[str, Any]) -> None:
        super().__init__(details["error"])
        self.details = details


def _measure(client: Any, url: str, *, requests: int, warmup: int) -> tuple[list[float], int]:
    """Response times in ms of ``requests`` GETs after ``warmup`` ones, and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        _check(client.get(url))
    with CaptureQueriesContext(connection) as ctx:
        _check(client.get(url))
    # Count now: the next request's request_started signal empties the connection's log.
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(max(2, requests)):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        _check(response)
    return times, queries


def _check(response: Any) -> None:
    if response.status_code == 200:
        return
    details: dict[str, Any] = {
        "status": response.status_code,
        "error": f"HTTP {response.status_code}",
    }
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        details["error"] += f" {exc_info[0].__name__}: {exc_info[1]}"
    if response.get("Location"):
        details["error"] += f" → {response['Location']}"
    raise PageProblem(details)
