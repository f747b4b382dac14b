"""Device health: kiosks, printers, displays and evaluators report a heartbeat (§8.1.5:
the guide desk keeps the hall's terminals running)."""

from __future__ import annotations

import json
import logging
import secrets
import threading
from datetime import datetime
from collections.abc import Callable, Collection

from ..core.devices import (
    PRINTER,
    SILENT,
    heartbeat_every_s,
    is_silent,
    sweep_every_s,
    tied_window,
    watching,
)
from ..core.settings import Settings
from ..core.vocabulary import PRINTER_WORDS
from ..errors import InvalidField, NotFound
from ..eventbus import EventBus
from ..store import Store
from ..store import accounts as repo
from ..store import events as event_log
from .common import hash_token, iso

log = logging.getLogger(__name__)


class Devices:
    """Heartbeats in; ``device.alert`` out when a printer reports a problem or a device falls
    silent (``sweep``, run by ``watch`` in the server), ``device.recovered`` when it is back."""

    def __init__(
        self,
        settings: Callable[[], Settings],
        store: Store,
        bus: EventBus,
        clock: Callable[[], datetime],
    ):
        self.settings = settings  # read at each use: the limit follows a config reload
        self.store = store
        self.bus = bus
        self.clock = clock
        # /admin: revoke, new token, window
        self.admin = DeviceAdmin(store, clock, lambda: settings().window_numbers())

    @property
    def silent_s(self) -> float:
        return self.settings().server.device_silent_s

    def heartbeat(self, device: dict, status: dict) -> dict:
        if not isinstance(status, dict) or len(json.dumps(status)) > 2000:
            raise InvalidField("status must be a small JSON object.", field="status")
        printer = status.get("printer")
        if printer is not None and (not isinstance(printer, str) or printer not in PRINTER_WORDS):
            raise InvalidField(
                "Unknown printer status {word}.", field="printer", word=str(printer)[:20]
            )
        now = self.clock()
        at = iso(now)
        events = []
        with self.store.write() as db:
            row = repo.get_device(db, device["id"])
            before = json.loads(row["status"]) if row and row["status"] else {}
            if row["silent_since"]:
                events.append(
                    event_log.append(
                        db,
                        "device.recovered",
                        at,
                        _event(
                            row,
                            SILENT,
                            silent_since=row["silent_since"],
                            last_seen=row["last_seen"],
                        ),
                    )
                )
            repo.save_device(
                db,
                row
                | {
                    "last_seen": at,
                    "silent_since": None,
                    "status": json.dumps(status, ensure_ascii=False),
                },
            )
            was = before.get("printer")
            if printer and printer != was and printer != "ok":
                events.append(
                    event_log.append(
                        db,
                        "device.alert",
                        at,
                        _event(
                            row,
                            PRINTER,
                            printer=printer,
                            detail=str(status.get("detail", ""))[:200],
                        ),
                    )
                )
            elif printer == "ok" and was not in (None, "ok"):
                events.append(
                    event_log.append(
                        db, "device.recovered", at, _event(row, PRINTER, printer=printer, was=was)
                    )
                )
        if events:
            self.bus.published(max(events))
        # The device learns how often to beat, so one setting governs both ends.
        return {"ok": True, "at": at, "every_s": heartbeat_every_s(self.silent_s)}

    def sweep(self) -> int:
        """Raise one device.alert for each device silent past server.device_silent_s while the
        hall serves; its next heartbeat ends it with device.recovered. Returns how many."""
        now = self.clock()
        s = self.settings()
        if not watching(now, s.hall.opening_hours, s.hall.issue_outside_hours):
            return 0
        if not any(self._newly_silent(row, now) for row in repo.devices(self.store.db)):
            return 0  # the usual case: no write transaction every few seconds
        events = []
        with self.store.write() as db:
            for row in repo.devices(db):
                if self._newly_silent(row, now):  # checked again inside the transaction
                    repo.save_device(db, row | {"silent_since": iso(now)})
                    events.append(
                        event_log.append(
                            db,
                            "device.alert",
                            iso(now),
                            _event(row, SILENT, last_seen=row["last_seen"]),
                        )
                    )
        if events:
            self.bus.published(max(events))
        return len(events)

    def _newly_silent(self, row: dict, now: datetime) -> bool:
        seen = datetime.fromisoformat(row["last_seen"]) if row["last_seen"] else None
        return not row["silent_since"] and is_silent(seen, now, self.silent_s)

    def watch(self, stopping: threading.Event) -> threading.Thread:
        """Sweep every few seconds until ``stopping`` is set (the server starts this)."""

        def run() -> None:
            while True:
                try:
                    self.sweep()
                except Exception:  # a busy disk must not end the watch for good
                    log.exception("looking for silent devices failed; retrying")
                if stopping.wait(sweep_every_s(self.silent_s)):
                    return

        worker = threading.Thread(target=run, name="device-watch", daemon=True)
        worker.start()
        return worker

    def list(self) -> list[dict]:
        now = self.clock()
        out = []
        for row in repo.devices(self.store.db):
            if row["kind"] == "platform":
                continue  # the booking platform is no terminal of the hall: it sends no heartbeat
            seen = datetime.fromisoformat(row["last_seen"]) if row["last_seen"] else None
            status = json.loads(row["status"]) if row["status"] else {}
            online = seen is not None and not is_silent(seen, now, self.silent_s)
            out.append(
                {
                    "id": row["id"],
                    "kind": row["kind"],
                    "name": row["name"],
                    "last_seen": row["last_seen"],
                    "online": online,
                    "status": status,
                    "silent_since": row["silent_since"],
                    "alert": (not online) or status.get("printer") not in (None, "ok"),
                }
            )
        return out


def _event(row: dict, problem: str, **data) -> dict:
    """device.alert / device.recovered data: which device and what (never its token)."""
    return {
        "device": row["id"],
        "kind": row["kind"],
        "name": row["name"],
        "problem": problem,
        **data,
    }


# --- device administration (/admin): revoke or re-issue a token, tie an evaluator to a window ---


class DeviceAdmin:
    """What an administrator does to devices; registering one is Accounts.create_device."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        window_numbers: Callable[[], Collection[int]],
    ):
        self.store = store
        self.clock = clock
        self.window_numbers = window_numbers

    def _existing(self, db, device_id) -> dict:
        row = repo.get_device(db, device_id) if isinstance(device_id, str) else None
        if row is None:
            raise NotFound("There is no device {device}.", device=str(device_id)[:32])
        return row

    def list(self) -> list[dict]:
        """Every device, revoked ones too; never the token hash."""
        return [
            {
                "id": r["id"],
                "kind": r["kind"],
                "name": r["name"],
                "window": r["window"],
                "created_at": r["created_at"],
                "last_seen": r["last_seen"],
                "revoked_at": r["revoked_at"],
            }
            for r in repo.devices(self.store.db, include_revoked=True)
        ]

    def revoke(self, device_id: str) -> dict:
        """The token stops working at once; the device stays on record as revoked."""
        with self.store.write() as db:
            row = self._existing(db, device_id)
            repo.save_device(db, row | {"token_hash": None, "revoked_at": iso(self.clock())})
        return self.view(device_id)

    def new_token(self, device_id: str) -> str:
        """A fresh token (shown once) for a device; the old one, if any, stops working."""
        token = secrets.token_urlsafe(32)
        with self.store.write() as db:
            row = self._existing(db, device_id)
            repo.save_device(db, row | {"token_hash": hash_token(token), "revoked_at": None})
        return token

    def set_window(self, device_id: str, window: int | None) -> dict:
        with self.store.write() as db:
            row = self._existing(db, device_id)
            tied_window(row["kind"], window, self.window_numbers())
            repo.save_device(db, row | {"window": window})
        return self.view(device_id)

    def view(self, device_id: str) -> dict:
        return next(d for d in self.list() if d["id"] == device_id)
