"""`zhibu compliance --org CODE --from YYYY-MM-DD --to YYYY-MM-DD [--json]`."""

from __future__ import annotations

import datetime as dt
import json
import time
import unicodedata
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from zhibu.core.commands import ZhibuCommand
from zhibu.orgs.models import Organization
from zhibu.rulebook import compliance, rules


def _date(text: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{flag} 应为 YYYY-MM-DD 格式的日期，收到的是“{text}”") from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(ZhibuCommand):
    help = (
        "制度落实情况：某组织及其下级各党支部、党小组在一段时间内的三会一课落实情况，"
        "各党支部书记和党委书记讲党课的情况，和连续未参加组织生活的党员"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="组织编码")
        parser.add_argument("--from", dest="date_from", required=True, help="开始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="结束日期 YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument(
            "--today", default=None, help="按哪一天计算（默认今天），用于复核过去的结果"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        start = _date(opts["date_from"], "--from")
        end = _date(opts["date_to"], "--to")
        if start > end:
            raise CommandError(f"--from {start} 晚于 --to {end}")
        if (end - start).days > compliance.MAX_RANGE_DAYS:
            raise CommandError("时间范围最长3年")
        today = _date(opts["today"], "--today") if opts["today"] else timezone.localdate()
        org = Organization.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"没有编码为“{opts['org']}”的组织")
        began = time.perf_counter()
        result = compliance.compute(org, start, end, today)
        seconds = time.perf_counter() - began
        if opts["json"]:
            data = result.as_json()
            data["seconds"] = round(seconds, 3)
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.write_table(result, seconds)

    def write_table(self, result: compliance.Result, seconds: float) -> None:
        out = self.stdout
        out.write(f"{result.org.name}（{result.org.code}）制度落实情况")
        out.write(f"期间：{result.date_from} 至 {result.date_to}（今天 {result.today}）")
        out.write(
            "每格：状态 已完成期数/应考核期数；正常 = 各期已完成，待完成 = 当期未到期，缺失 = 有已结束的期未完成"
        )
        out.write("")
        kinds = compliance.keys_of(result.units)  # the branches' and the committees'
        headers = ["单位", *[compliance.SHORT_LABELS[k] for k in kinds], "缺失期数"]
        rows = []
        for u in result.units:
            name = f"  {u.name}" if u.is_group else u.name
            cells = []
            for kind in kinds:
                r = u.requirement(kind)
                cells.append(f"{r.status_label} {r.held}/{r.required}" if r else "—")
            rows.append([name, *cells, str(u.n_missing)])
        widths = [max(_width(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
        for row in [headers, *rows]:
            out.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)))
        if not rows:
            out.write("（没有党委、党支部或党小组）")
        out.write("")
        behind = [u for u in result.units if u.status == rules.BEHIND]
        out.write(f"单位 {len(result.units)} 个，有缺失 {len(behind)} 个。")
        for u in behind:
            for r in u.requirements:
                if r.missing:
                    out.write(f"  {u.name} {r.label} 缺失：{'、'.join(r.missing)}")
        out.write("")
        out.write(
            f"连续未参加组织生活（截至 {result.life_end}，满{rules.LIFE.warning}个月提醒、"
            f"满{rules.LIFE.critical}个月严重；{rules.LIFE.source}）："
        )
        if not result.members:
            out.write("  无")
        for m in result.members:
            last = m.last_participation.isoformat() if m.last_participation else "无记录"
            out.write(
                f"  {m.name}({m.id_number_tail}) {m.branch_name} 最后参加 {last} "
                f"{m.months_without_life}个月 {m.level_label}"
            )
        out.write(f"党员共 {result.party_members} 人；计算用时 {seconds:.3f} 秒。")
