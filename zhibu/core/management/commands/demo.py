"""`zhibu demo [--scale county]`: load the demo (or the county-sized benchmark data) once.

Both are refused in production and do nothing when their data is already there.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from zhibu.core import demo, scale
from zhibu.core.commands import ZhibuCommand


class Command(ZhibuCommand):
    help = (
        "生成演示数据：示范镇党委及其党支部、党员、一年的组织生活和5个演示账号"
        "（--scale county：县级规模的基准数据）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["town", "county"],
            default="town",
            help="town：示范镇演示数据（默认）；county：约1500个党支部、4万名党员和一年会议的示范县，用于性能基准",
        )
        parser.add_argument(
            "--branches", type=int, default=scale.BRANCHES, help="county 规模的党支部数"
        )
        parser.add_argument(
            "--members", type=int, default=scale.MEMBERS, help="county 规模的人员数"
        )
        parser.add_argument("--seed", type=int, default=None, help="随机数种子（默认固定值）")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            demo.refuse_in_production()
            if opts["scale"] == "county":
                self.county(opts)
            else:
                self.town(opts)
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("生成演示数据失败：" + "；".join(exc.messages)) from None

    def town(self, opts: dict[str, Any]) -> None:
        started = time.perf_counter()
        result = demo.build_demo(seed=opts["seed"] if opts["seed"] is not None else demo.SEED)
        if result.created:
            c = result.counts
            self.stdout.write(
                f"已生成演示数据：{demo.COMMITTEE_NAME}，{c['organizations']} 个党组织，"
                f"{c['members']} 名人员，{c['positions']} 个职务，"
                f"一年的组织生活 {c['meetings']} 次会议（{c['meetings_held']} 次已召开），"
                f"问题清单 {c['problems']} 个问题，"
                f"用时 {time.perf_counter() - started:.1f} 秒。"
            )
        else:
            self.stdout.write(f"演示数据已存在（{demo.COMMITTEE_NAME}），未做改动。")
        self.stdout.write("")
        self.stdout.write(demo.accounts_text())

    def county(self, opts: dict[str, Any]) -> None:
        started = time.perf_counter()
        kwargs: dict[str, Any] = {"branches": opts["branches"], "members": opts["members"]}
        if opts["seed"] is not None:
            kwargs["seed"] = opts["seed"]
        if opts["branches"] < 3 or opts["members"] < 5 * opts["branches"]:
            raise CommandError("--branches 至少为3，--members 至少为党支部数的5倍")
        try:
            result = scale.build_county(**kwargs, progress=self.stderr.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if result is None:
            self.stdout.write(f"县级基准数据已存在（编码 {scale.COUNTY_CODE}），未做改动。")
            return
        c = result.counts
        self.stdout.write(
            f"已生成县级基准数据：{scale.COUNTY_NAME}，{result.organizations} 个党组织"
            f"（{result.branches} 个党支部，{result.closed} 个已撤销），{result.members} 名人员，"
            f"{result.positions} 个职务，一年的会议 {c['meetings']} 次（{c['meetings_held']} 次已召开）、"
            f"出席记录 {c['attendance']} 条，用时 {time.perf_counter() - started:.1f} 秒。"
        )
        self.stdout.write(f"基准账号：{' '.join(scale.BENCH_USERS)}，密码 {settings.DEMO_PASSWORD}")
