"""Layered configuration: defaults (the dataclasses) → TOML file → ``HALLQUEUE_*`` environment.

``HALLQUEUE_<SECTION>_<KEY>`` overrides a scalar of a top-level table, e.g.
``HALLQUEUE_SERVER_PORT=8081`` or ``HALLQUEUE_HALL_DATA_DIR=/var/lib/hallqueue``.
"""

from __future__ import annotations

import os
import tomllib
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path

from .core.settings import Settings, SettingsError, build

ENV_PREFIX = "HALLQUEUE_"


def _apply_env(data: dict, environ: typing.Mapping[str, str]) -> None:
    hints = typing.get_type_hints(Settings)
    for section in fields(Settings):
        tp = hints[section.name]
        if not is_dataclass(tp):
            continue
        sub_hints = typing.get_type_hints(tp)
        for f in fields(tp):
            var = f"{ENV_PREFIX}{section.name}_{f.name}".upper()
            if var not in environ:
                continue
            raw, target = environ[var], sub_hints[f.name]
            try:
                value = {int: int, float: float, bool: lambda v: v.lower() in ("1", "true", "yes")}.get(
                    target, str
                )(raw) if target in (int, float, bool, str) else raw
            except ValueError:
                raise SettingsError(var, f"{section.name}.{f.name}", f"bad value {raw!r}") from None
            data.setdefault(section.name, {})[f.name] = value


def load_settings(path: str | os.PathLike, environ: typing.Mapping[str, str] | None = None) -> Settings:
    """Read, layer and validate once; every problem is a SettingsError naming file and key."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(str(path), "-", "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(str(path), "-", f"not valid TOML ({exc})") from None
    _apply_env(data, os.environ if environ is None else environ)
    return build(Settings, data, str(path))
