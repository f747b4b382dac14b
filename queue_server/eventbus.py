"""Wakes event-log followers when new events are committed (one server process per hall).

The events table is the truth; the bus only says "look again". A follower that misses a
wake-up still finds the event on its next read, so nothing is lost or doubled. Threads wait
with ``wait_beyond``; an event loop registers a callback with ``subscribe`` (called in the
publishing thread, outside the lock, so it must only hand the news over, e.g. with
``loop.call_soon_threadsafe``).
"""

from __future__ import annotations

import threading
from typing import Callable


class EventBus:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._latest = 0
        self._closed = False
        self._subscribers: list[Callable[[int], None]] = []

    def published(self, event_id: int) -> None:
        with self._cond:
            self._latest = max(self._latest, event_id)
            self._cond.notify_all()
            subscribers = list(self._subscribers)
        for callback in subscribers:
            callback(event_id)

    def subscribe(self, callback: Callable[[int], None]) -> None:
        with self._cond:
            self._subscribers.append(callback)

    def unsubscribe(self, callback: Callable[[int], None]) -> None:
        with self._cond:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

    def wait_beyond(self, last_id: int, timeout: float) -> bool:
        """Block until an event newer than ``last_id`` may exist, or timeout; False when closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._latest > last_id, timeout=timeout)
            return not self._closed

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            subscribers = list(self._subscribers)
        for callback in subscribers:
            callback(self._latest)

    @property
    def latest(self) -> int:
        return self._latest

    @property
    def closed(self) -> bool:
        return self._closed
