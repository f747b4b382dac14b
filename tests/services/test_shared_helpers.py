"""Services share helpers through one module (services/common.py): a service imports a sibling
service only to use it as a collaborator (a class), never to borrow one of its functions."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import queue_server.services as services
from queue_server.services import common

FOLDER = Path(services.__file__).resolve().parent


def _sibling_imports() -> list[tuple[str, str, str]]:
    """(importing module, sibling module, name) for every ``from .sibling import name``."""
    found = []
    for path in sorted(FOLDER.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                found += [(path.stem, node.module, a.name) for a in node.names]
    return found


def test_a_sibling_service_is_imported_only_as_a_collaborator():
    borrowed = [
        f"{who} imports {name} from {sibling}"
        for who, sibling, name in _sibling_imports()
        if sibling != "common"
        and not inspect.isclass(
            getattr(importlib.import_module(f"queue_server.services.{sibling}"), name)
        )
    ]
    assert borrowed == []


def test_each_shared_helper_is_written_once():
    helpers = {n for n, f in vars(common).items() if inspect.isfunction(f) and n[0] != "_"}
    assert {"iso", "hash_token", "audit", "audit_session", "spreadsheet_safe"} <= helpers
    twins = [
        f"{path.stem}.{node.name}"
        for path in sorted(FOLDER.glob("*.py"))
        if path.stem != "common"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name in helpers
    ]
    assert twins == []


def test_the_spreadsheet_formula_guard_is_written_once():
    guard = '("=", "+", "-", "@")'
    holders = [p.stem for p in sorted(FOLDER.glob("*.py")) if guard in p.read_text("utf-8")]
    assert holders == ["common"]


def test_spreadsheet_safe_defuses_formulas_and_keeps_numbers():
    for text in ("=HYPERLINK(1)", "+86 138", "-1", "@SUM(A1)"):
        assert common.spreadsheet_safe(text) == "'" + text
    assert common.spreadsheet_safe("张三") == "张三"
    assert common.spreadsheet_safe(-5) == -5  # a number cell stays a number
