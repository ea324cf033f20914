"""`zhibu dues quote`: the monthly dues as a Chinese line or JSON; a wrong command line is a
Chinese message (status 2 at the terminal, ``CommandError`` through ``call_command``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def quote(*args: str) -> str:
    out = StringIO()
    call_command("dues", "quote", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--category", "employed", "--base", "4500"],
         {"category": "employed", "base": "4500.00", "rate": "0.01", "monthly": "45.00"}),
        (["--category", "employed", "--base", "3000"],
         {"category": "employed", "base": "3000.00", "rate": "0.005", "monthly": "15.00"}),
        (["--category", "employed", "--base", "3,000.01", "--rounding", "jiao"],
         {"category": "employed", "base": "3000.01", "rate": "0.01", "monthly": "30.10"}),
        (["--category", "employed", "--base", "10000.01", "--rounding", "yuan"],
         {"category": "employed", "base": "10000.01", "rate": "0.02", "monthly": "201.00"}),
        (["--category", "employed", "--base", "60000"],
         {"category": "employed", "base": "60000.00", "rate": "0.02", "monthly": "1200.00",
          "over_norm": True}),
        (["--category", "retired", "--base", "５０００"],
         {"category": "retired", "base": "5000.00", "rate": "0.005", "monthly": "25.00"}),
        (["--category", "retired", "--base", "5000.01"],
         {"category": "retired", "base": "5000.01", "rate": "0.01", "monthly": "50.00"}),
        (["--category", "farmer", "--amount", "0.5"],
         {"category": "farmer", "base": None, "rate": None, "monthly": "0.50"}),
        (["--category", "farmer"],
         {"category": "farmer", "base": None, "rate": None, "monthly": "0.20"}),
        (["--category", "student"],
         {"category": "student", "base": None, "rate": None, "monthly": "0.20"}),
        (["--category", "低保等生活困难", "--rounding", "yuan"],
         {"category": "low_income", "base": None, "rate": None, "monthly": "0.20"}),
    ],
)  # fmt: skip
def test_it_prints_the_quote_as_json(args: list[str], expected: dict) -> None:
    assert json.loads(quote(*args, "--json")) == expected


def test_it_prints_json_exactly_as_the_issue_shows() -> None:
    assert quote("--category", "employed", "--base", "4500", "--json") == (
        '{"category": "employed", "base": "4500.00", "rate": "0.01", "monthly": "45.00"}'
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--category", "employed", "--base", "4500"],
         "在职党员，月基数 4500.00 元，按 1% 交纳，每月党费 45.00 元"),
        (["--category", "在职", "--base", "3000.01", "--rounding", "jiao"],
         "在职党员，月基数 3000.01 元，按 1% 交纳，每月党费 30.10 元（到角，向上取整）"),
        (["--category", "retired", "--base", "4000"],
         "离退休党员，月基数 4000.00 元，按 0.5% 交纳，每月党费 20.00 元"),
        (["--category", "employed", "--base", "60000"],
         "在职党员，月基数 60000.00 元，按 2% 交纳，每月党费 1200.00 元；超过每月 1000 元，请核对"),
        (["--category", "farmer", "--amount", "1"], "农民党员，每月党费 1.00 元（固定金额）"),
        (["--category", "unemployed"], "下岗失业党员，每月党费 0.20 元（固定金额）"),
    ],
)  # fmt: skip
def test_it_prints_a_chinese_line(args: list[str], line: str) -> None:
    assert quote(*args) == line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "employed", "--base", "-1"], "参数 --base：基数不能为负数"),
        (["--category", "employed", "--base", "abc"], "参数 --base：基数“abc”不是有效的金额"),
        (["--category", "employed", "--base", "NaN"], "参数 --base：基数“NaN”不是有效的金额"),
        (["--category", "employed", "--base", "4500.001"], "参数 --base：基数最多两位小数"),
        (["--category", "soldier"], "参数 --category：党费类别“soldier”不存在"),
        (["--category", "student", "--base", "3000"],
         "参数 --base：学生党员按固定金额交纳党费，不按基数计算，请去掉基数"),
        (["--category", "farmer", "--base", "3000"], "参数 --base：农民党员按固定金额交纳党费"),
        (["--category", "farmer", "--amount", "2"], "参数 --amount：农民党员每月交纳 0.20～1.00 元"),
        (["--category", "student", "--amount", "1"], "参数 --amount：学生党员每月固定交纳 0.20 元"),
        (["--category", "employed"], "参数 --base：在职党员按比例交纳党费，请填写基数"),
        (["--category", "retired", "--amount", "45"], "参数 --amount：离退休党员按每月离退休费的比例"),
        (["--category", "employed", "--base", "1", "--amount", "2"],
         "参数 --amount 不能与 --base 同时使用"),
        (["--category", "employed", "--base", "1", "--rounding", "mao"],
         "参数 --rounding 的取值无效：'mao'（可选：fen、jiao、yuan）"),
        ([], "缺少必填参数：--category（党费类别"),
    ],
)  # fmt: skip
def test_it_refuses_a_wrong_command_line(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        quote(*args)
    assert str(caught.value).startswith(f"参数错误：{message}"), str(caught.value)


def test_it_needs_a_subcommand() -> None:
    with pytest.raises(CommandError, match=r"^参数错误：缺少必填参数：子命令（quote"):
        call_command("dues")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "status", "stdout", "stderr"),
    [
        (["--category", "employed", "--base", "4500", "--json"], 0,
         '{"category": "employed", "base": "4500.00", "rate": "0.01", "monthly": "45.00"}\n', ""),
        (["--category", "employed", "--base", "-1"], 2, "",
         "zhibu dues quote：错误：参数 --base：基数不能为负数（收到“-1”），请填写 0 或正数\n"),
        (["--category", "student", "--base", "3000"], 2, "",
         "zhibu dues quote：错误：参数 --base：学生党员按固定金额交纳党费，不按基数计算，请去掉基数\n"),
    ],
)  # fmt: skip
def test_it_exits_with_status_2_on_the_command_line(
    args: list[str], status: int, stdout: str, stderr: str, tmp_path: Path
) -> None:
    env = {**os.environ, "ZHIBU_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-m", "zhibu", "dues", "quote", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == status, out.stderr
    assert out.stdout == stdout
    if status:
        assert out.stderr.startswith("用法：zhibu dues quote ")
        assert stderr in out.stderr
        assert "运行 zhibu dues quote --help 查看全部参数。" in out.stderr
    else:
        assert out.stderr == ""
