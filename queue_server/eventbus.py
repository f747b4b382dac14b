"""Wakes SSE streams when new events are committed (one server process per hall).

The events table is the truth; the bus only says "look again". A stream that misses a
wake-up still finds the event on its next read, so nothing is lost or doubled.
"""

from __future__ import annotations

import threading


class EventBus:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._latest = 0
        self._closed = False

    def published(self, event_id: int) -> None:
        with self._cond:
            self._latest = max(self._latest, event_id)
            self._cond.notify_all()

    def wait_beyond(self, last_id: int, timeout: float) -> bool:
        """Block until an event newer than ``last_id`` may exist, or timeout; False when closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._latest > last_id, timeout=timeout)
            return not self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def latest(self) -> int:
        return self._latest

    @property
    def closed(self) -> bool:
        return self._closed
