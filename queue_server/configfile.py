"""Layered configuration: defaults (the dataclasses) → TOML file → ``HALLQUEUE_*`` environment.

``HALLQUEUE_<SECTION>_<KEY>`` overrides a scalar of a top-level table, e.g.
``HALLQUEUE_SERVER_PORT=8081`` or ``HALLQUEUE_HALL_DATA_DIR=/var/lib/hallqueue``.

Paths (settings declared with ``path=True``) are made absolute here, once: a relative path in
the file — or a relative default — is relative to the config file's folder; a relative path in
an environment variable is relative to the working directory, as a shell user expects. Nothing
after loading resolves a path again, so every part of the server finds the same files whatever
its working directory.
"""

from __future__ import annotations

import os
import tomllib
import typing
from dataclasses import fields, is_dataclass, replace
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
            if f.metadata.get("path") and value:
                value = absolute(value, Path.cwd())
            data.setdefault(section.name, {})[f.name] = value


def absolute(value: str, base: Path) -> str:
    """``value`` as an absolute, normalised path; relative ones are taken from ``base``."""
    return os.path.normpath(Path(base, os.path.expanduser(value)))


def resolve_paths(obj, base: Path):
    """A copy of the settings dataclass ``obj`` with every non-empty ``path`` setting absolute."""
    changes = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("path") and isinstance(value, str) and value:
            changes[f.name] = absolute(value, base)
        elif is_dataclass(value):
            changes[f.name] = resolve_paths(value, base)
        elif isinstance(value, list) and value and is_dataclass(value[0]):
            changes[f.name] = [resolve_paths(v, base) for v in value]
    return replace(obj, **changes)


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
    return resolve_paths(build(Settings, data, str(path)), path.absolute().parent)
