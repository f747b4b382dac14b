"""One validation error type end to end (issue 12): core's InvalidField is what every layer
raises for a wrong field, so no layer converts one twin into the other."""

from __future__ import annotations

import ast
from pathlib import Path

from queue_server import errors
from queue_server.core.errors import InvalidField

PACKAGE = Path(errors.__file__).resolve().parent


def _classes_with_code(code: str) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "code" for t in stmt.targets)
                    and isinstance(stmt.value, ast.Constant)
                    and stmt.value.value == code
                ):
                    found.append(f"{path.relative_to(PACKAGE)}:{node.name}")
    return found


def test_validation_failed_is_declared_once_in_core():
    assert _classes_with_code("validation_failed") == ["core/errors.py:InvalidField"]


def test_the_server_errors_module_offers_the_core_type():
    assert errors.InvalidField is InvalidField
    assert not hasattr(errors, "ValidationFailed")


def test_a_field_error_without_a_field_still_carries_the_key():
    # A whole-body refusal ("must be a JSON object") names no field; the message params keep
    # the key so a catalog's {field} placeholder never goes missing.
    exc = InvalidField("The request body must be a JSON object.")
    assert exc.field is None and exc.params == {"field": None}
    assert (exc.code, exc.status) == ("validation_failed", 422)
