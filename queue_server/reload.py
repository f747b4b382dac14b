"""Reloading the hall's content while it runs (§8.1.4: self-service data kept current).

SIGHUP (``systemctl reload``) and the admin page's button re-read the config file: first the
check-config validation (settings, cross-references, the FAQ file); a bad file changes nothing
and the admin is told why. A good one swaps the FAQ (one transaction, with a ``config.reloaded``
event that makes displays repaint and kiosks refetch) and then the hall's Settings (one reference,
so every request sees the old or the new settings whole).

Sections read once at start (sockets, threads, logins, the voice engine, the data folder) keep
their running values; the outcome says which changes wait for a restart. Services and windows
cannot be removed while tickets may be waiting for them: that also waits for a restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .configfile import check_config
from .core.settings import Settings, SettingsError
from .hall import faq_path
from .i18n import translate
from .services.common import iso
from .store import events as event_log
from .store import faq as faq_repo

if TYPE_CHECKING:
    from .hall import Hall

log = logging.getLogger("hallqueue.reload")

RESTART_SECTIONS = ("server", "auth", "voice", "records")  # read once: server, logins,
# the announcer, the records provider and the citizen sessions
RESTART_HALL_KEYS = ("data_dir",)

OK = "Configuration reloaded: {items} business items, {faq} policy Q&A entries."
RESTART = "Changes to {keys} take effect after a restart."
FAILED = "The configuration was not reloaded; the old content stays in use. Reason: {reason}"
NO_FILE = "The server was started without a config file, so there is nothing to reload."


@dataclass(frozen=True)
class ReloadOutcome:
    ok: bool
    at: datetime
    msgid: str
    params: dict = field(default_factory=dict)
    restart_keys: tuple[str, ...] = ()

    def text(self, lang: str = "zh_CN") -> str:
        out = translate(self.msgid, lang, **self.params)
        if self.restart_keys:
            out += " " + translate(RESTART, lang, keys=", ".join(self.restart_keys))
        return out


def _changed(old, new, prefix: str, only: tuple[str, ...] | None = None) -> list[str]:
    return [
        f"{prefix}.{f.name}"
        for f in fields(old)
        if (only is None or f.name in only) and getattr(old, f.name) != getattr(new, f.name)
    ]


def merge(old: Settings, new: Settings, source: str) -> tuple[Settings, tuple[str, ...]]:
    """``new`` with the restart-only values of ``old``, and the keys whose change must wait.
    Raises SettingsError when the new file removes a service or a window."""
    gone = [s.code for s in old.services if new.service(s.code) is None]
    if gone:
        raise SettingsError(
            source,
            "services",
            f"service {gone[0]!r} cannot be removed while the "
            "server runs (tickets may wait for it); restart the server to remove it",
        )
    gone_windows = [w.number for w in old.windows if new.window(w.number) is None]
    if gone_windows:
        raise SettingsError(
            source,
            "windows",
            f"window {gone_windows[0]} cannot be removed while "
            "the server runs; restart the server to remove it",
        )
    waiting = _changed(old.hall, new.hall, "hall", RESTART_HALL_KEYS)
    kept = {k: getattr(old.hall, k) for k in RESTART_HALL_KEYS}
    sections = {}
    for name in RESTART_SECTIONS:
        waiting += _changed(getattr(old, name), getattr(new, name), name)
        sections[name] = getattr(old, name)
    return replace(new, hall=replace(new.hall, **kept), **sections), tuple(waiting)


def reload_hall(hall: "Hall", path: str | Path | None) -> ReloadOutcome:
    now = hall.clock()
    if path is None:
        return ReloadOutcome(False, now, FAILED, {"reason": translate(NO_FILE)})
    try:
        checked = check_config(path)
        settings, waiting = merge(hall.settings, checked.settings, str(path))
        if checked.faq is None:
            raise SettingsError(
                str(path), "hall.faq_file", f"{checked.settings.hall.faq_file}: file not found"
            )
    except SettingsError as exc:
        log.warning("configuration not reloaded, the old one stays: %s", exc)
        return ReloadOutcome(False, now, FAILED, {"reason": str(exc)})
    topics, entries = checked.faq
    hall.faq.path = faq_path(settings)
    data = {
        "services": [s.code for s in settings.services],
        "items": len(settings.items),
        "faq": len(entries),
    }
    with hall.store.write() as db:  # the new Q&A and the event that announces it, together
        faq_repo.replace_all(db, topics, entries)
        event_id = event_log.append(db, "config.reloaded", iso(now), data)
    hall.settings = settings  # one reference: readers see the old Settings or the new one
    hall.bus.published(event_id)
    outcome = ReloadOutcome(
        True, now, OK, {"items": len(settings.items), "faq": len(entries)}, waiting
    )
    log.info("configuration reloaded from %s: %s", path, outcome.text("en"))
    return outcome
