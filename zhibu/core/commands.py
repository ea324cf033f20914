"""Management commands that report argument errors in Chinese.

Every ``zhibu`` command subclasses ``ZhibuCommand`` instead of Django's ``BaseCommand``. Its parser
(``ChineseCommandParser``) turns argparse's English messages ("the following arguments are
required: --org") into Chinese ("缺少必填参数：--org（组织编码）") and keeps argparse's exit
status 2, so scripts can still tell a mistyped command line (2) from a refused request (1, a
``CommandError`` raised by the command itself, whose message is already Chinese).

argparse builds its messages from fixed English templates, so they are recognised by pattern.
A message no pattern knows (a newer Python's wording) is still shown, after a Chinese lead-in.
``--help`` is in Chinese too: the headings, and the help of the options every command has.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

PROG = "zhibu"

TYPE_NAMES = {"int": "整数", "float": "数字", "Path": "路径"}

# The help of the options argparse and Django add to every command.
COMMON_HELP = {
    "--help": "显示本帮助并退出",
    "--version": "显示版本号并退出",
    "--verbosity": "输出的详细程度：0 最少，1 正常，2 详细，3 非常详细",
    "--settings": "Django 设置模块，例如 zhibu.settings；不填时用环境变量 DJANGO_SETTINGS_MODULE",
    "--pythonpath": "加入 Python 模块搜索路径的目录",
    "--traceback": "出错（CommandError）时显示完整的调用栈",
    "--no-color": "输出不加颜色",
    "--force-color": "输出总是加颜色",
    "--skip-checks": "跳过系统检查",
}
HEADINGS = {
    "usage: ": "用法：",
    "\noptions:\n": "\n选项：\n",
    "\npositional arguments:\n": "\n参数：\n",
}


def _quote_list(text: str) -> str:
    """argparse's list ``a, b, c`` → ``a、b、c``."""
    return "、".join(part.strip() for part in text.split(",") if part.strip())


class ChineseCommandParser(CommandParser):
    """Django's ``CommandParser`` with its error messages in Chinese (see the module docstring)."""

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", HEADINGS["usage: "], 1)

    def format_help(self) -> str:
        text = super().format_help()
        for english, chinese in HEADINGS.items():
            text = text.replace(english, chinese, 1)
        return text

    def error(self, message: str) -> NoReturn:
        text = self.translate(message)
        if self.called_from_command_line:
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}：错误：{text}\n运行 {self.prog} --help 查看全部参数。\n")
        raise CommandError(f"参数错误：{text}")

    # --- from argparse's English to Chinese -----------------------------------------------

    def translate(self, message: str) -> str:
        for pattern, render in self._patterns():
            match = re.fullmatch(pattern, message, re.S)
            if match:
                return render(match)
        return f"参数有误（{message}）"

    def _patterns(self) -> list[tuple[str, Callable[[re.Match[str]], str]]]:
        return [
            (r"the following arguments are required: (.+)",
             lambda m: "缺少必填参数：" + "、".join(self._describe(n) for n in m[1].split(", "))),
            (r"one of the arguments (.+) is required",
             lambda m: f"以下参数必须提供其中一个：{' '.join(m[1].split())}"),
            (r"unrecognized arguments: (.+)", lambda m: f"无法识别的参数：{m[1]}"),
            (r"ambiguous option: (\S+) could match (.+)",
             lambda m: f"参数 {m[1]} 不明确，可能是：{_quote_list(m[2])}"),
            (r"argument (.+?): (.+)", lambda m: self._argument(m[1], m[2])),
        ]  # fmt: skip

    def _argument(self, name: str, problem: str) -> str:
        """One argument's problem: ``name`` as argparse names it (``--org``, ``-v/--verbosity``,
        a positional's name)."""
        action = self._action(name)
        match = re.fullmatch(
            r"(?:invalid choice: |unknown parser )(.+?) \((?:choose from|choices:) .*\)",
            problem,
            re.S,
        )
        if match:
            choices = "、".join(str(c) for c in (action.choices or ())) if action else ""
            sub = isinstance(action, argparse._SubParsersAction)
            what = "子命令" if sub else f"参数 {name} 的取值"
            return f"{what}无效：{match[1]}" + (f"（可选：{choices}）" if choices else "")
        match = re.fullmatch(r"invalid (\S+) value: (.+)", problem, re.S)
        if match:
            kind = TYPE_NAMES.get(match[1])
            return f"参数 {name} 的值无效：{match[2]}" + (f"（应为{kind}）" if kind else "")
        if problem == "expected one argument":
            return f"参数 {name} 后面需要一个值"
        match = re.fullmatch(r"expected (?:at least )?(one|\d+) arguments?", problem)
        if match:
            count = "一" if match[1] == "one" else match[1]
            return f"参数 {name} 后面需要{count}个值"
        if problem == "expected at most one argument":
            return f"参数 {name} 最多接受一个值"
        match = re.fullmatch(r"not allowed with argument (.+)", problem)
        if match:
            return f"参数 {name} 不能与 {match[1]} 同时使用"
        match = re.fullmatch(r"ignored explicit argument (.+)", problem)
        if match:
            return f"参数 {name} 不接受值：{match[1]}"
        # A type function's own message (ArgumentTypeError), usually written in Chinese already.
        return f"参数 {name}：{problem}"

    def _action(self, name: str) -> argparse.Action | None:
        for action in self._actions:
            names = {"/".join(action.option_strings), *action.option_strings}
            if name in names or (
                not action.option_strings and name in (action.metavar, action.dest)
            ):
                return action
        return None

    def _describe(self, name: str) -> str:
        """A required argument with what it is for: ``--org（组织编码）``."""
        action = self._action(name)
        if isinstance(action, argparse._SubParsersAction):
            return f"子命令（{'、'.join(action.choices or ())}）"
        if action is not None and action.help and action.help != argparse.SUPPRESS:
            return f"{name}（{action.help}）"
        return name


def _chinese(parser: argparse.ArgumentParser) -> None:
    """Make ``parser`` and every subcommand's parser a ``ChineseCommandParser``.

    Django builds a plain ``CommandParser`` in ``BaseCommand.create_parser`` and gives no hook
    for another class; the subclass adds behaviour only, no state, so changing the class of the
    built parser is safe and keeps Django's own setup (its common options) as it is.
    """
    if isinstance(parser, CommandParser):
        parser.__class__ = ChineseCommandParser
    # No abbreviations: `zhibu restore FILE --force` must not be read as --force-color.
    parser.allow_abbrev = False
    for action in parser._actions:
        common = [COMMON_HELP[o] for o in action.option_strings if o in COMMON_HELP]
        if common and action.help != argparse.SUPPRESS:
            action.help = common[0]
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _chinese(sub)


class ZhibuCommand(BaseCommand):
    """Base of every zhibu management command: argument errors in Chinese, exit status 2."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `python -m zhibu` runs zhibu/__main__.py: show the command people type, `zhibu`.
        if os.path.basename(prog_name) in ("__main__.py", "manage.py"):
            prog_name = PROG
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _chinese(parser)
        return parser
