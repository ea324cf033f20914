"""Every audit verb the code records has a Chinese label, so history never shows a code word."""

from __future__ import annotations

import ast
from pathlib import Path

from zhibu.core import labels

ROOT = Path(__file__).resolve().parents[2]
VERB_ARG = {"record": 1, "record_now": 1, "event_for": 0}


def recorded_verbs() -> tuple[set[str], set[str]]:
    """(verbs given as literals, prefixes of verbs given as f-strings) in the app's own code."""
    verbs: set[str] = set()
    prefixes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                continue
            index = VERB_ARG.get(node.func.attr)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                verbs.add(arg.value)
            elif (
                isinstance(arg, ast.JoinedStr)
                and arg.values
                and isinstance(arg.values[0], ast.Constant)
            ):
                prefixes.add(str(arg.values[0].value))
    return verbs, prefixes


def test_it_labels_every_recorded_verb() -> None:
    verbs, prefixes = recorded_verbs()
    assert len(verbs) > 40  # the scan found the services
    assert sorted(v for v in verbs if v not in labels.VERBS) == []
    for prefix in prefixes:
        assert any(v.startswith(prefix) for v in labels.VERBS), prefix


def test_it_labels_every_export_document() -> None:
    from zhibu.reports.registry import DOCUMENTS

    missing = [key for key in DOCUMENTS if f"export.{key}" not in labels.VERBS]
    assert missing == []
