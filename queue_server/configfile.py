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
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path

from .core.hazards import Hazard, hazards
from .core.paths import resolve, resolve_paths
from .core.settings import Settings, SettingsError, build

ENV_PREFIX = "HALLQUEUE_"
_FROM_ENV = {int: int, float: float, str: str, bool: lambda v: v.lower() in ("1", "true", "yes")}


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
                value = _FROM_ENV[target](raw) if target in _FROM_ENV else raw
            except ValueError:
                raise SettingsError(var, f"{section.name}.{f.name}", f"bad value {raw!r}") from None
            if f.metadata.get("path") and value:
                value = resolve(f, value, Path.cwd())
            data.setdefault(section.name, {})[f.name] = value


def load_settings(
    path: str | os.PathLike, environ: typing.Mapping[str, str] | None = None
) -> Settings:
    """Read, layer and validate once; every problem is a SettingsError naming file and key."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(str(path), "-", "file not found") from None
    except OSError as exc:  # a folder, no permission, an I/O error
        raise SettingsError(str(path), "-", f"cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(str(path), "-", f"not valid TOML ({exc})") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise SettingsError(
            str(path),
            "-",
            f"not UTF-8 text (line {line}, byte "
            f"{exc.object[exc.start]:#04x}); save the file as UTF-8",
        ) from None
    _apply_env(data, os.environ if environ is None else environ)
    return resolve_paths(build(Settings, data, str(path)), path.absolute().parent)


@dataclass(frozen=True)
class CheckedConfig:
    """What ``check-config`` validates: the settings, the parsed FAQ (None = file missing) and
    the hazards of a valid but risky configuration."""

    settings: Settings
    faq: tuple[list[dict], list[dict]] | None
    hazards: list[Hazard]


def check_config(
    path: str | os.PathLike, environ: typing.Mapping[str, str] | None = None
) -> CheckedConfig:
    """Everything a hall config refers to, validated without touching the running hall. Raises
    SettingsError for a bad settings file or a malformed FAQ file (the reload and check-config
    both stop there); a missing FAQ file is a hazard (the Q&A would be empty)."""
    from .services.faq import FaqFileError, FaqMissing, read_faq

    settings = load_settings(path, environ)
    found = hazards(settings)
    faq_file = Path(settings.hall.faq_file) if settings.hall.faq_file else None
    try:
        faq = read_faq(faq_file)
    except FaqMissing:
        faq = None
        found.append(
            Hazard(
                "hall.faq_file",
                f"{faq_file} 不存在，政策问答将为空",
                f"{faq_file} does not exist: the policy Q&A will be empty",
            )
        )
    except FaqFileError as exc:
        raise SettingsError(str(path), "hall.faq_file", str(exc)) from None
    return CheckedConfig(settings, faq, found)
