"""Every zhibu command reports a wrong command line in Chinese, with argparse's exit status 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from zhibu.core.commands import ChineseCommandParser, ZhibuCommand

# What argparse would have said in English: none of it may reach the person at the terminal.
ENGLISH = re.compile(
    r"\b(error|required|unrecognized|invalid|expected|argument|choose|ambiguous|show this help)\b"
)


def zhibu_commands() -> dict[str, str]:
    """Command name → app, for the commands zhibu's own apps define."""
    return {name: app for name, app in get_commands().items() if app.startswith("zhibu.")}


def test_it_uses_the_chinese_parser_in_every_zhibu_command() -> None:
    commands = zhibu_commands()
    assert {"compliance", "import-members", "org", "audit"} <= set(commands)
    for name, app in commands.items():
        command = load_command_class(app, name)
        assert isinstance(command, ZhibuCommand), name
        assert isinstance(command.create_parser("zhibu", name), ChineseCommandParser), name


def parser(*, command_line: bool = False) -> ChineseCommandParser:
    p = ChineseCommandParser(prog="zhibu test", called_from_command_line=command_line)
    p.add_argument("file", help="花名册 .xlsx 文件")
    p.add_argument("--org", required=True, help="党支部编码")
    p.add_argument("--kind", choices=["branch", "group"])
    p.add_argument("--count", type=int)
    p.add_argument("--ratio", type=float)
    p.add_argument("--pair", nargs=2)
    p.add_argument("--from-date")
    p.add_argument("--from-code")
    either = p.add_mutually_exclusive_group()
    either.add_argument("--json", action="store_true")
    either.add_argument("--csv", action="store_true")
    return p


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "缺少必填参数：file（花名册 .xlsx 文件）、--org（党支部编码）"),
        (["f.xlsx"], "缺少必填参数：--org（党支部编码）"),
        (["f.xlsx", "--org", "B", "--foo", "x"], "无法识别的参数：--foo x"),
        (["f.xlsx", "--org", "B", "--kind", "x"], "参数 --kind 的取值无效：'x'（可选：branch、group）"),
        (["f.xlsx", "--org", "B", "--count", "x"], "参数 --count 的值无效：'x'（应为整数）"),
        (["f.xlsx", "--org", "B", "--ratio", "x"], "参数 --ratio 的值无效：'x'（应为数字）"),
        (["f.xlsx", "--org"], "参数 --org 后面需要一个值"),
        (["f.xlsx", "--org", "B", "--pair", "a"], "参数 --pair 后面需要2个值"),
        (["f.xlsx", "--org", "B", "--json", "--csv"], "参数 --csv 不能与 --json 同时使用"),
        (["f.xlsx", "--org", "B", "--json=yes"], "参数 --json 不接受值：'yes'"),
        (["f.xlsx", "--org", "B", "--from", "x"], "参数 --from 不明确，可能是：--from-date、--from-code"),
    ],
)  # fmt: skip
def test_it_translates_argparse_messages(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        parser().parse_args(args)
    assert str(caught.value) == f"参数错误：{message}"


def test_it_keeps_a_message_it_does_not_know_after_a_chinese_lead_in() -> None:
    assert parser().translate("something new") == "参数有误（something new）"


def test_it_prints_usage_and_exits_2_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        parser(command_line=True).parse_args(["f.xlsx"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：zhibu test ")
    assert "zhibu test：错误：缺少必填参数：--org（党支部编码）\n" in err
    assert "运行 zhibu test --help 查看全部参数。" in err


def test_it_raises_a_chinese_command_error_through_call_command() -> None:
    with pytest.raises(CommandError, match=r"^参数错误：缺少必填参数：--org（组织编码）"):
        call_command("compliance", "--from", "2026-01-01", "--to", "2026-03-31")


def test_it_shows_help_in_chinese() -> None:
    command = load_command_class("zhibu.orgs", "org")
    text = command.create_parser("/srv/zhibu/__main__.py", "org").format_help()
    assert text.startswith("用法：zhibu org ")
    assert "显示本帮助并退出" in text and "输出的详细程度" in text
    assert not ENGLISH.search(text), text


# --- the real command line, in a subprocess -------------------------------------------------

# One wrong command line per command (the list must name every zhibu command), the Chinese
# message it gets. A few commands get a second kind of mistake.
CASES = [
    ("audit", [], "缺少必填参数：子命令（verify）"),
    ("audit", ["frob"], "子命令无效：'frob'（可选：verify）"),
    ("backup", [], "缺少必填参数：file（备份文件路径"),
    ("bench", ["--requests", "x"], "参数 --requests 的值无效：'x'（应为整数）"),
    ("close-polls", ["--now", "tomorrow"], "参数 --now：应为 YYYY-MM-DDTHH:MM 格式的时间"),
    ("compliance", [], "缺少必填参数：--org（组织编码）、--from（开始日期 YYYY-MM-DD）、--to（结束日期 YYYY-MM-DD）"),
    ("compliance", ["--org", "T", "--from", "2026-01-01", "--to", "2026-03-31", "-v", "9"],
     "参数 -v/--verbosity 的取值无效：9（可选：0、1、2、3）"),
    ("dues", ["arrears", "--org", "T", "--until", "2026-13-01"],
     "参数 --until：应为 YYYY-MM-DD 格式的日期，收到的是“2026-13-01”"),
    ("demo", ["--scale", "city"], "参数 --scale 的取值无效：'city'（可选：town、county）"),
    ("demo", ["--branches", "many"], "参数 --branches 的值无效：'many'（应为整数）"),
    ("dues", ["quote", "--category", "employed", "--base", "-1"], "参数 --base：基数不能为负数"),
    ("dues", ["quote", "--category", "student", "--base", "3000"],
     "参数 --base：学生党员按固定金额交纳党费，不按基数计算"),
    ("import-meetings", ["ledger.xlsx"], "缺少必填参数：--org（党支部编码）"),
    ("import-members", ["roster.xlsx", "--org"], "参数 --org 后面需要一个值"),
    ("org", ["add", "--code", "C"], "缺少必填参数：--name（组织名称）、--kind"),
    ("org", ["move"], "子命令无效：'move'（可选：add）"),
    ("remind", ["--foo"], "无法识别的参数：--foo"),
    ("restore", ["backup.tar.gz", "--yes"], "无法识别的参数：--yes"),
    ("textcheck", [], "以下参数必须提供其中一个：FILE --org"),
    ("textcheck", ["--org", "T", "--year", "x"], "参数 --year 的值无效：'x'（应为整数）"),
]  # fmt: skip


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A data directory of its own: argparse fails before anything reads the database."""
    data = tmp_path_factory.mktemp("command-errors")
    env = {**os.environ, "ZHIBU_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zhibu", *args],
        env=env,
        cwd=Path(env["ZHIBU_DATA_DIR"]),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_has_a_case_for_every_command() -> None:
    assert {name for name, _, _ in CASES} == set(zhibu_commands())


@pytest.mark.slow
@pytest.mark.parametrize(("name", "args", "message"), CASES)
def test_it_reports_a_wrong_command_line_in_chinese(
    name: str, args: list[str], message: str, env: dict[str, str]
) -> None:
    out = run(env, name, *args)
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    assert out.stderr.startswith(f"用法：zhibu {name}"), out.stderr
    assert f"：错误：{message}" in out.stderr, out.stderr
    assert not ENGLISH.search(out.stderr), out.stderr


@pytest.mark.slow
def test_it_leaves_the_commands_own_errors_at_exit_1(env: dict[str, str]) -> None:
    """A command line argparse accepts but the command refuses: CommandError, status 1."""
    out = run(env, "compliance", "--org", "T", "--from", "2026-13-01", "--to", "2026-03-31")
    assert out.returncode == 1, out.stderr
    assert (
        out.stderr.strip()
        == "CommandError: --from 应为 YYYY-MM-DD 格式的日期，收到的是“2026-13-01”"
    )


def test_it_takes_no_abbreviated_options() -> None:
    """`zhibu restore FILE --force` once went ahead as if it meant --force-color."""
    with pytest.raises(CommandError, match="无法识别的参数：--force"):
        call_command("restore", "/nonexistent.tar.gz", "--force")
