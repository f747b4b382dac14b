"""Paths named in a settings file, made absolute once where the file is loaded (the server's
queue_server.configfile and the kiosk's kiosk.config): a relative path in a file is relative to
that file's folder, one given on the command line or in the environment to the working folder.
"""

from __future__ import annotations

import os
from dataclasses import Field, fields, is_dataclass, replace
from pathlib import Path

PATH_SCHEMES = ("file://", "virtual://")  # printer URLs that name a file or folder


def absolute(value: str, base: Path) -> str:
    """``value`` as an absolute, normalised path, a relative one taken from ``base``; ``~`` is
    the user's home; an empty value stays empty (the setting is off)."""
    return os.path.normpath(Path(base, os.path.expanduser(value))) if value else value


def absolute_printer_url(url: str, base: Path) -> str:
    """A printer URL naming a file or folder (``virtual://var/printer``, ``file://spool/lp``)
    with that path absolute; network, serial and USB URLs are returned as they are."""
    for scheme in PATH_SCHEMES:
        if url.startswith(scheme) and not url[len(scheme) :].startswith("/"):
            rest, sep, query = url[len(scheme) :].partition("?")
            return scheme + absolute(rest, base) + sep + query
    return url


def resolve(f: Field, value: str, base: Path) -> str:
    """One setting's value by its declaration: ``path=True`` is a file or folder,
    ``path="printer_url"`` a printer URL."""
    if f.metadata.get("path") == "printer_url":
        return absolute_printer_url(value, base)
    return absolute(value, base)


def resolve_paths(obj, base: Path):
    """A copy of the settings dataclass ``obj`` with every non-empty ``path`` setting absolute,
    nested settings and lists of them included."""
    changes = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.metadata.get("path") and isinstance(value, str) and value:
            changes[f.name] = resolve(f, value, base)
        elif is_dataclass(value):
            changes[f.name] = resolve_paths(value, base)
        elif isinstance(value, list) and value and is_dataclass(value[0]):
            changes[f.name] = [resolve_paths(v, base) for v in value]
    return replace(obj, **changes)
