"""Hand-made event sequences for the report tests: a tiny hall day written as the services
would log it (same types and data shapes as queue_server/services/queue.py)."""

from __future__ import annotations

from datetime import date, datetime

from queue_server.core.numbering import HALL_TZ

DAY = date(2026, 11, 24)  # a Tuesday
PERIODS = ["08:30-12:00", "13:30-17:30"]


def at(hhmm: str, day: date = DAY) -> datetime:
    h, m = hhmm.split(":")[:2]
    s = int(hhmm.split(":")[2]) if hhmm.count(":") == 2 else 0
    return datetime(day.year, day.month, day.day, int(h), int(m), s, tzinfo=HALL_TZ)


class Daybook:
    """Append events with ``ticket(...)``, ``window(...)``… then read ``events``."""

    def __init__(self, day: date = DAY):
        self.day = day
        self.events: list[dict] = []
        self.services: dict[str, str] = {}

    def _add(self, type_: str, hhmm: str, data: dict) -> "Daybook":
        self.events.append(
            {"id": len(self.events) + 1, "type": type_, "at": at(hhmm, self.day), "data": data}
        )
        return self

    def ticket(
        self,
        type_: str,
        hhmm: str,
        number: str,
        service: str | None = None,
        window: int | None = None,
        priority: bool = False,
        **extra,
    ) -> "Daybook":
        service = service or self.services.get(number)
        self.services[number] = service
        data = {
            "ticket": {
                "number": number,
                "service": service,
                "window": window,
                "priority": priority,
            },
            "window": {"number": window} if window else None,
            "waiting": {},
        }
        return self._add(f"ticket.{type_}", hhmm, data | extra)

    def window(self, hhmm: str, number: int, state: str) -> "Daybook":
        return self._add("window.changed", hhmm, {"window": {"number": number, "state": state}})

    def device(self, type_: str, hhmm: str, device: str, problem: str, **extra) -> "Daybook":
        return self._add(
            f"device.{type_}",
            hhmm,
            {"device": device, "kind": "kiosk", "name": device, "problem": problem} | extra,
        )

    def close(self, hhmm: str = "18:30") -> "Daybook":
        return self._add("day.closed", hhmm, {"day": self.day.isoformat()})
