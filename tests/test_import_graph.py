"""Imports point one way (DESIGN §2): web → services → store, core; kiosk → client, core, printer;
printer imports neither. Walks every module's imports with ast, so a new arrow back fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("queue_server", "kiosk", "printer")

# What each layer may import from our own code (prefixes of module names).
ALLOWED = {
    "queue_server.core": ("queue_server.core",),
    "queue_server.store": ("queue_server.core", "queue_server.store", "queue_server.errors"),
    "queue_server.services": (
        "queue_server.core",
        "queue_server.store",
        "queue_server.services",
        "queue_server.errors",
        "queue_server.eventbus",
        "queue_server.i18n",
        "queue_server.records",
        "queue_server.calendar_cn",
        "printer",
    ),
    "printer": ("printer",),
    "kiosk": ("kiosk", "queue_server.core", "printer"),
}
NEVER = {  # arrows back, whatever the layer
    "queue_server": ("kiosk",),
}
# Named exceptions, each with its reason.
EXCEPTIONS = {
    # The demo launches the whole hall on one machine, kiosk window included: it sizes that
    # window with the kiosk's pure geometry (no Kivy in the server's process).
    ("queue_server.demo", "kiosk.window"),
}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def own_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found |= {f"{mod}.{a.name}" for a in node.names}  # "from . import x"
    return {m for m in found if m.split(".")[0] in PACKAGES}


def modules():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def rule_for(name: str):
    best = None
    for layer in ALLOWED:
        if name == layer or name.startswith(layer + "."):
            if best is None or len(layer) > len(best):
                best = layer
    return best


def is_under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path):
    name = module_name(path)
    imported = {
        m
        for m in own_imports(path)
        if not any(name == a and is_under(m, (b,)) for a, b in EXCEPTIONS)
    }
    layer = rule_for(name)
    if layer is not None:
        wrong = sorted(m for m in imported if not is_under(m, ALLOWED[layer]))
        assert not wrong, f"{name} ({layer}) imports {wrong}"
    for top, banned in NEVER.items():
        if is_under(name, (top,)):
            wrong = sorted(m for m in imported if is_under(m, banned))
            assert not wrong, f"{name} imports {wrong}"


def test_the_kiosk_decisions_import_no_kivy():
    for name in ("flow.py", "controller.py", "client.py", "ticketprint.py"):
        tree = ast.parse((ROOT / "kiosk" / name).read_text(encoding="utf-8"))
        mods = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        mods |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(m == "kivy" or m.startswith("kivy.") for m in mods), name
