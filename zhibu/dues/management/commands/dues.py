"""`zhibu dues <subcommand>`: 党费 from the command line.

``zhibu dues quote --category CATEGORY (--base AMOUNT | --amount AMOUNT) [--rounding fen|jiao|yuan]
[--json]`` prints one member's monthly dues (``rules.quote``), as a Chinese line or as JSON.

A wrong command line — a negative or non-numeric amount, an unknown category, a base for a fixed
category, a missing base — exits with argparse's status 2 and a Chinese message, like every
zhibu command (``zhibu.core.commands``). Each subcommand is a pair of methods,
``add_<name>_arguments`` and ``handle_<name>``; ``SUBCOMMANDS`` lists them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NoReturn, cast

from django.core.management.base import CommandParser

from zhibu.core.commands import ChineseCommandParser, ZhibuCommand
from zhibu.dues import rules

# Subcommand → its help, in the order `--help` lists them.
SUBCOMMANDS = {
    "quote": "计算一名党员每月应交的党费",
    "arrears": "列出某组织下连续3个月以上未交纳党费的党员",
}


def category_arg(value: str) -> str:
    """``--category``: a code (``employed``) or its Chinese label (``在职``)."""
    try:
        return rules.category_of(value)
    except rules.DuesError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def date_arg(value: str) -> dt.date:
    """``--until``: a date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为 YYYY-MM-DD 格式的日期，收到的是“{value}”") from None


def money_arg(what: str) -> Callable[[str], Decimal]:
    """An argparse type reading an amount of money (``rules.parse_money``)."""

    def parse(value: str) -> Decimal:
        try:
            return rules.parse_money(value, what)
        except rules.DuesError as exc:
            raise argparse.ArgumentTypeError(exc.message) from None

    parse.__name__ = "money"
    return parse


class Command(ZhibuCommand):
    help = (
        "党费：zhibu dues quote --category 类别 (--base 基数 | --amount 金额) "
        "[--rounding fen|jiao|yuan] [--json] 计算每月应交党费"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        # Kept so that a check argparse cannot make on its own (a base for a fixed category)
        # is reported by the subcommand's parser, as a wrong command line.
        self.subparsers: dict[str, CommandParser] = {}
        self.actions: dict[str, dict[str, argparse.Action]] = {}
        for name, help_text in SUBCOMMANDS.items():
            subparser = sub.add_parser(name, help=help_text, description=help_text)
            self.subparsers[name] = subparser
            self.actions[name] = getattr(self, f"add_{name}_arguments")(subparser)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"handle_{opts['action']}")(opts)

    def wrong(self, subcommand: str, field: str | None, message: str) -> NoReturn:
        """Report ``message`` as argparse reports a bad value of ``--field``: exit status 2 on
        the command line, a ``CommandError`` through ``call_command``."""
        # ZhibuCommand.create_parser made every subparser a ChineseCommandParser after
        # add_arguments stored it.
        parser = cast(ChineseCommandParser, self.subparsers[subcommand])
        action = self.actions[subcommand].get(field or "")
        parser.error(str(argparse.ArgumentError(action, message)))

    # --- quote ------------------------------------------------------------------------------

    def add_quote_arguments(self, parser: CommandParser) -> dict[str, argparse.Action]:
        categories = "、".join(f"{c}（{label}）" for c, label in rules.CATEGORY_LABELS.items())
        either = parser.add_mutually_exclusive_group()
        return {
            "category": parser.add_argument(
                "--category",
                required=True,
                type=category_arg,
                metavar="CATEGORY",
                help=f"党费类别：{categories}",
            ),
            "base": either.add_argument(
                "--base",
                type=money_arg("基数"),
                metavar="AMOUNT",
                help="每月基数（元）：在职党员为税后工资性收入，离退休党员为离退休费",
            ),
            "amount": either.add_argument(
                "--amount",
                type=money_arg("金额"),
                metavar="AMOUNT",
                help=f"每月固定金额（元）：农民党员 {rules.FARMER_MIN}～{rules.FARMER_MAX}，"
                f"不填为 {rules.FARMER_MIN}；学生等其他类别固定为 {rules.FIXED_AMOUNT}，不用填",
            ),
            "rounding": parser.add_argument(
                "--rounding",
                choices=rules.ROUNDINGS,
                default=rules.FEN,
                help="取整方式："
                + "、".join(f"{m}（{label}）" for m, label in rules.ROUNDING_LABELS.items())
                + "，默认 fen",
            ),
            "json": parser.add_argument("--json", action="store_true", help="输出 JSON"),
        }

    def handle_quote(self, opts: dict[str, Any]) -> None:
        try:
            quote = rules.quote(
                opts["category"],
                base=opts["base"],
                amount=opts["amount"],
                rounding=opts["rounding"],
            )
        except rules.DuesError as exc:
            self.wrong("quote", exc.field, exc.message)
        if opts["json"]:
            self.stdout.write(json.dumps(quote.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(quote.describe(opts["rounding"]))

    # --- arrears ----------------------------------------------------------------------------

    def add_arrears_arguments(self, parser: CommandParser) -> dict[str, argparse.Action]:
        return {
            "org": parser.add_argument("--org", required=True, help="组织编码（含其下级组织）"),
            "until": parser.add_argument(
                "--until",
                required=True,
                type=date_arg,
                metavar="YYYY-MM-DD",
                help="截至哪一天（按所在月份计算）",
            ),  # fmt: skip
            "json": parser.add_argument("--json", action="store_true", help="输出 JSON"),
        }

    def handle_arrears(self, opts: dict[str, Any]) -> None:
        from zhibu.dues.queries import arrears
        from zhibu.orgs.models import Organization

        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            self.wrong("arrears", "org", f"没有编码为“{opts['org']}”的组织")
        rows = arrears(org, opts["until"])
        if opts["json"]:
            self.stdout.write(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
            return
        self.stdout.write(
            f"{org.name}（{org.code}）截至 {opts['until']:%Y年%m月} 连续3个月以上未交纳党费："
            f"{len(rows)} 人（连续6个月的提交支部大会讨论，不自动除名）"
        )
        for r in rows:
            self.stdout.write(
                f"{r.name}（身份证后四位 {r.id_number_tail}） {r.branch_name} "
                f"连续 {r.months_unpaid}{'+' if r.at_least else ''} 个月 {r.level_label}"
            )
