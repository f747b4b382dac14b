"""The kiosk's touches are plain calls a reader and a tool can follow (issue 12 item 5): every
``c.<name>`` a screen uses exists on the Controller, the controller's side never reaches into
the client's private parts, and the decisions (flow, controller and everything they import of
ours) load no Kivy."""

from __future__ import annotations

import ast
from pathlib import Path

from kiosk.controller import Controller
from tests.test_import_graph import ROOT, module_name, own_imports

KIOSK = ROOT / "kiosk"


def _attributes_of(tree: ast.AST, *owners: tuple[str, ...]) -> set[str]:
    """Names ``x`` in ``c.x`` / ``self.c.x`` (owners as dotted tuples: ("c",), ("self", "c"))."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        parts, base = [], node.value
        while isinstance(base, ast.Attribute):
            parts.insert(0, base.attr)
            base = base.value
        if isinstance(base, ast.Name) and (base.id, *parts) in owners:
            found.add(node.attr)
    return found


def test_every_controller_call_of_a_screen_is_a_method_of_the_controller():
    used = set()
    for path in sorted((KIOSK / "screens").glob("*.py")):
        used |= _attributes_of(ast.parse(path.read_text(encoding="utf-8")), ("c",), ("self", "c"))
    for path in sorted((KIOSK / "screens").glob("*.kv")):
        used |= {
            line.split("root.c.", 1)[1].split("(", 1)[0]
            for line in path.read_text(encoding="utf-8").splitlines()
            if "root.c." in line
        }
    assert {"take_ticket", "open_verify", "corner_tap", "verify_key"} <= used  # the walk works
    attributes = set()  # what the controller holds (self.x = ...), not methods
    for name in ("controller.py", "citizen_io.py"):
        tree = ast.parse((KIOSK / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    for el in t.elts if isinstance(t, ast.Tuple) else [t]:
                        attributes |= _attributes_of(el, ("self",)) if el else set()
    assert {"flow", "pin_guard", "hall"} <= attributes
    missing = sorted(n for n in used - attributes if not callable(getattr(Controller, n, None)))
    assert not missing, f"screens call controller methods that do not exist: {missing}"


def test_no_dispatch_by_name_left_in_the_controller():
    """A getattr with a computed name, or a look at a method's signature, is dispatch by
    string: the call cannot be followed from the button."""
    for name in ("controller.py", "touches.py", "citizen_io.py"):
        tree = ast.parse((KIOSK / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = (
                node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            )
            assert func != "signature", name
            if func == "getattr":
                assert isinstance(node.args[1], ast.Constant), f"{name}:{node.lineno}"
    assert not hasattr(Controller, "act")


def test_the_controller_uses_only_the_clients_public_methods():
    for name in ("controller.py", "touches.py", "citizen_io.py"):
        tree = ast.parse((KIOSK / name).read_text(encoding="utf-8"))
        private = sorted(a for a in _attributes_of(tree, ("self", "client")) if a.startswith("_"))
        assert not private, f"{name} calls the client's {private}"


def _closure(start: str) -> set[str]:
    """Our own modules ``start`` imports, directly or through each other."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for cand in own_imports(_path_of(name)) if _path_of(name) else ():
            if _path_of(cand):
                todo.append(cand)
    return seen


def _path_of(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _third_party(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    mods = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    mods |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) if not n.level}
    return {m.split(".")[0] for m in mods}


def test_flow_and_controller_import_no_kivy_even_through_our_own_modules():
    for start in ("kiosk.flow", "kiosk.controller"):
        reached = _closure(start)
        # the walk follows the mixins and the devices, or it would prove nothing
        assert {"kiosk.citizen_flow"} <= reached
        if start == "kiosk.controller":
            assert {"kiosk.touches", "kiosk.citizen_io", "kiosk.devices", "kiosk.client"} <= reached
        kivy = sorted(m for m in reached if "kivy" in _third_party(_path_of(m)))
        assert not kivy, f"{start} reaches Kivy through {kivy}"
    assert module_name(KIOSK / "app.py") in _closure("kiosk.app")
    assert "kivy" in _third_party(KIOSK / "app.py")  # the check sees a Kivy import
