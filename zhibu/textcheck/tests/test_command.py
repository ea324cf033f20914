"""`zhibu textcheck FILE`: findings per line, readable or as JSON; clear refusals."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

LINES = [
    "今后尽量按时参加组织生活。",  # 1: a soft word, no time limit
    "",  # 2: blank, still counted
    "理论学习不够深入，联系群众不够紧密。",  # 3: stock phrases only
    "2026年12月31日前完成整改。",  # 4: nothing to say
    "   ",  # 5: blank
    "（二）盡量做到每月學習一次",  # 6: traditional, with a frequency: only the soft word
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("textcheck", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def lines_file(tmp_path: Path) -> Path:
    path = tmp_path / "材料.txt"
    # A byte-order mark and Windows line ends, as Notepad saves.
    path.write_bytes(("\ufeff" + "\r\n".join(LINES) + "\r\n").encode())
    return path


def test_it_prints_findings_by_line(lines_file: Path) -> None:
    out = run(str(lines_file)).splitlines()
    assert out[0].startswith(
        "第1行 [缺少时限] “今后尽量按时参加组织生活。”（第1–13字）：整改措施没有完成时限"
    )
    assert (
        out[1]
        == "第1行 [表态不实] “尽量”（第3–4字）：“尽量”是软表态，请改为“确保”，并写明要达到的结果"
    )
    assert out[2].startswith("第3行 [问题空泛] “理论学习不够深入”（第1–8字）：")
    assert out[3].startswith("第3行 [问题空泛] “联系群众不够紧密”（第10–17字）：")
    assert out[4].startswith("第6行 [表态不实] “盡量”（第4–5字）：“盡量”是软表态")
    assert out[5] == "共检查 4 行，发现 5 处：缺少时限 1 处、表态不实 2 处、问题空泛 2 处。"
    assert len(out) == 6


def test_it_prints_json(lines_file: Path) -> None:
    data = json.loads(run(str(lines_file), "--json"))
    assert [(d["line"], d["rule"], d["text"]) for d in data] == [
        (1, "missing_deadline", "今后尽量按时参加组织生活。"),
        (1, "vague_commitment", "尽量"),
        (3, "generic_problem", "理论学习不够深入"),
        (3, "generic_problem", "联系群众不够紧密"),
        (6, "vague_commitment", "盡量"),
    ]
    assert data[1] == {"rule": "vague_commitment", "line": 1, "start": 2, "end": 4,
                       "text": "尽量", "message": data[1]["message"]}  # fmt: skip
    assert "尽量" in run(str(lines_file), "--json")  # not \\u escapes


def test_it_says_when_nothing_is_found(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("确保6月30日前完成。\n", encoding="utf-8")
    assert run(str(path)) == "共检查 1 行，未发现问题。\n"
    assert json.loads(run(str(path), "--json")) == []


def test_it_refuses_a_missing_file_or_one_not_in_utf8(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        run(str(tmp_path / "nope.txt"))
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("第一行\n尽量完成".encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码的文本（第1行"):
        run(str(gbk))
    with pytest.raises(CommandError, match="是目录"):
        run(str(tmp_path))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "以下参数必须提供其中一个：FILE --org"),
        (["f.txt", "--org", "T-B1"], "参数 --org 不能与 FILE 同时使用"),
        (["f.txt", "--year", "2026"], "参数 --year 不能与 FILE 同时使用"),
        (["--org", "T-B1"], "缺少必填参数：--year"),
        (["--year", "2026"], "缺少必填参数：--org"),
        (["--org", "T-B1", "--year", "1800"], "年度应在 1921–2200 之间"),
    ],
)
def test_it_refuses_a_wrong_command_line(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match="参数错误：.*" + message):
        run(*args)


@pytest.mark.slow
def test_it_exits_2_on_a_wrong_command_line_and_1_on_a_refusal(tmp_path: Path) -> None:
    env = {**os.environ, "ZHIBU_DATA_DIR": str(tmp_path)}

    def zhibu(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "zhibu", "textcheck", *args],
                              capture_output=True, text=True, env=env, check=False)  # fmt: skip

    wrong = zhibu("f.txt", "--org", "T-B1")
    assert wrong.returncode == 2 and "参数 --org 不能与 FILE 同时使用" in wrong.stderr
    assert zhibu().returncode == 2
    assert zhibu("--year", "x").returncode == 2
    missing = zhibu(str(tmp_path / "nope.txt"))
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
    path = tmp_path / "a.txt"
    path.write_text("尽量完成\n", encoding="utf-8")
    done = zhibu(str(path), "--json")
    assert done.returncode == 0
    assert [d["text"] for d in json.loads(done.stdout)] == ["尽量完成", "尽量"]
