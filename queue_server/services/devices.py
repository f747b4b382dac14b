"""Device health: kiosks, printers, displays and evaluators report a heartbeat (§8.1.5:
the guide desk keeps the hall's terminals running)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Callable

from ..errors import ValidationFailed
from ..eventbus import EventBus
from ..store import Store
from ..store import accounts as repo
from ..store import events as event_log
from .queue import iso

OFFLINE_AFTER = timedelta(seconds=30)
PRINTER_WORDS = ("ok", "paper_near_end", "paper_out", "cover_open", "offline", "error")


class Devices:
    def __init__(self, store: Store, bus: EventBus, clock: Callable[[], datetime]):
        self.store = store
        self.bus = bus
        self.clock = clock

    def heartbeat(self, device: dict, status: dict) -> dict:
        if not isinstance(status, dict) or len(json.dumps(status)) > 2000:
            raise ValidationFailed("status must be a small JSON object.", field="status")
        printer = status.get("printer")
        if printer is not None and printer not in PRINTER_WORDS:
            raise ValidationFailed("Unknown printer status {word}.", field="printer", word=str(printer)[:20])
        now = self.clock()
        event_id = None
        with self.store.write() as db:
            row = repo.get_device(db, device["id"])
            before = json.loads(row["status"]) if row and row["status"] else {}
            repo.save_device(db, row | {"last_seen": iso(now), "status": json.dumps(status, ensure_ascii=False)})
            if printer and printer != before.get("printer") and printer not in ("ok",):
                event_id = event_log.append(db, "device.alert", iso(now), {
                    "device": device["id"], "kind": device["kind"], "printer": printer,
                    "detail": str(status.get("detail", ""))[:200],
                })
        if event_id:
            self.bus.published(event_id)
        return {"ok": True, "at": iso(now)}

    def list(self) -> list[dict]:
        now = self.clock()
        out = []
        for row in repo.devices(self.store.db):
            seen = datetime.fromisoformat(row["last_seen"]) if row["last_seen"] else None
            status = json.loads(row["status"]) if row["status"] else {}
            online = seen is not None and now - seen <= OFFLINE_AFTER
            out.append({
                "id": row["id"], "kind": row["kind"], "name": row["name"], "last_seen": row["last_seen"],
                "online": online, "status": status,
                "alert": (not online) or status.get("printer") not in (None, "ok"),
            })
        return out
