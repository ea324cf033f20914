"""`zhibu textcheck FILE [--json]` and `zhibu textcheck --org CODE --year YYYY [--json]`."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhibu.core.commands import ZhibuCommand
from zhibu.textcheck import rules
from zhibu.textcheck.stored import check_stored

SHOWN_CHARS = 20  # of a finding's text in the human output; longer ones end in “…”


def _span(finding: rules.Finding) -> str:
    """1-based character positions, as a person counts them: 第6–7字."""
    first, last = finding.start + 1, finding.end
    return f"第{first}字" if first >= last else f"第{first}–{last}字"


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _line(finding: rules.Finding) -> str:
    return f"[{finding.label}] “{_shown(finding.text)}”（{_span(finding)}）：{finding.message}"


def _summary(findings: Iterable[rules.Finding]) -> str:
    counts = Counter(f.rule for f in findings)
    if not counts:
        return "未发现问题。"
    parts = "、".join(f"{rules.RULE_LABELS[rule]} {n} 处" for rule, n in counts.items())
    return f"发现 {sum(counts.values())} 处：{parts}。"


def read_lines(path: str) -> list[str]:
    """The lines of a UTF-8 text file (a byte-order mark tolerated), refused in Chinese."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise CommandError(f"{path} 是目录，不是文件") from None
    except OSError as error:
        raise CommandError(f"无法读取文件 {path}：{error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CommandError(
            f"文件 {path} 不是 UTF-8 编码的文本（第{line}行有无法识别的字节），"
            "请在编辑器里另存为 UTF-8 后再试"
        ) from None
    # Lines as an editor numbers them: only \n (and \r\n) end a line.
    return [line.removesuffix("\r") for line in text.split("\n")]


class Command(ZhibuCommand):
    help = (
        "材料质检：检查问题和整改措施的写法（模糊表态、缺少时限、套话空泛、雷同、与往年重复）。"
        "检查一个文本文件（每行一条），或某组织及其下级某年度的问题清单"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", metavar="FILE", help="要检查的 UTF-8 文本文件，每行一条问题或措施"
        )
        parser.add_argument("--org", help="组织编码，与 --year 一起用")
        parser.add_argument("--year", type=int, help="查摆年度，与 --org 一起用")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        # Which arguments go together is checked in handle, with the parser's own errors (so
        # they read like argparse's, in Chinese, and exit 2 on the command line).
        self._parser = parser

    def handle(self, *args: Any, **opts: Any) -> None:
        path, code, year = opts["file"], opts["org"], opts["year"]
        if path is not None and (code is not None or year is not None):
            flag = "--org" if code is not None else "--year"
            self._parser.error(f"argument {flag}: not allowed with argument FILE")
        if path is None and code is None and year is None:
            self._parser.error("one of the arguments FILE --org is required")
        if path is None and (code is None or year is None):
            self._parser.error(
                f"the following arguments are required: {'--year' if year is None else '--org'}"
            )
        if path is not None:
            self.check_file(path, as_json=opts["json"])
        else:
            if not 1921 <= year <= 2200:
                self._parser.error(f"argument --year: 年度应在 1921–2200 之间，收到的是 {year}")
            self.check_org(code, year, as_json=opts["json"])

    # --- a file ----------------------------------------------------------------------------

    def check_file(self, path: str, *, as_json: bool) -> None:
        lines = read_lines(path)
        found = [
            (number, finding)
            for number, line in enumerate(lines, 1)
            if line.strip()
            for finding in rules.check_line(line)
        ]
        if as_json:
            data = [
                {
                    "rule": f.rule,
                    "line": n,
                    "start": f.start,
                    "end": f.end,
                    "text": f.text,
                    "message": f.message,
                }
                for n, f in found
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for number, finding in found:
            self.stdout.write(f"第{number}行 {_line(finding)}")
        checked = sum(1 for line in lines if line.strip())
        self.stdout.write(f"共检查 {checked} 行，{_summary(f for _, f in found)}")

    # --- the problems of an organization's subtree in one year ----------------------------

    def check_org(self, code: str, year: int, *, as_json: bool) -> None:
        from zhibu.orgs.models import Organization

        org = Organization.objects.filter(code=code).first()
        if org is None:
            raise CommandError(f"没有编码为“{code}”的组织")
        result = check_stored(org, year)
        if as_json:
            self.stdout.write(json.dumps([self._json(r) for r in result.rows], ensure_ascii=False))
            return
        self._write_org(org, year, result.problems, result.rows)

    @staticmethod
    def _json(row: dict[str, Any]) -> dict[str, Any]:
        keys = ["rule", "problem", "field", "measure", "start", "end", "text", "message", "other"]
        return {k: row[k] for k in keys if k in row}

    def _write_org(self, org: Any, year: int, problems: list[Any], rows: list[dict]) -> None:
        out = self.stdout
        n_measures = sum(len(p.measures.all()) for p in problems)
        out.write(
            f"{org.name}（{org.code}）{year}年问题清单质检：问题 {len(problems)} 条，"
            f"整改措施 {n_measures} 条"
        )
        by_problem: dict[object, list[dict[str, Any]]] = {}
        for row in rows:
            by_problem.setdefault(row["problem"], []).append(row)
        for problem in problems:
            if problem.pk not in by_problem:
                continue
            owner = (
                problem.owner_member.name
                if problem.owner_member_id
                else (problem.get_owner_kind_display())
            )
            out.write("")
            out.write(
                f"问题 #{problem.pk} {problem.organization.name} {owner}："
                f"{_shown(problem.description)}"
            )
            for row in by_problem[problem.pk]:
                finding = rules.Finding(
                    row["rule"],
                    row["start"],
                    row["end"],
                    row["text"],
                    row["message"],
                    row.get("other"),
                )
                where = f"措施 #{row['measure']} " if row["field"] == "measure" else ""
                other = f"（对照问题 #{row['other']}）" if "other" in row else ""
                out.write(f"  {where}{_line(finding)}{other}")
        out.write("")
        out.write(
            _summary(
                rules.Finding(r["rule"], r["start"], r["end"], r["text"], r["message"])
                for r in rows
            )
        )
