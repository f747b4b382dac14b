"""The event log's bus and its one follower (one server process per hall).

The events table is the truth; the bus only says "look again" when a service has committed
events. ``EventFollower`` is the one thread that waits on the bus (``wait_beyond``), reads each
new batch once and hands it to its subscribers. A wake-up it misses is found on its next read,
so nothing is lost or doubled.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Callable

from .store import events as event_log

log = logging.getLogger(__name__)


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


Subscriber = Callable[[list[dict]], None]
BATCH = 500
IDLE_S = 30.0
"""A quiet log still gets a (possibly empty) batch this often: subscribers keep house then."""
RETRY_S = 5.0
"""After the event log could not be read (the database busy or unreadable)."""
GATHER_S = 0.005
"""After handing out a batch the follower lets this long pass before it reads again: the first
event of a burst goes out at once, the rest of the burst as one batch — a wake-up of the
follower and of the event loop per burst instead of per event (at 600 tickets a second, about
0.1 ms of server CPU a ticket), for at most 5 ms more on a display."""


class _Subscription:
    def __init__(
        self,
        name: str,
        callback: Subscriber,
        inline: bool,
        types: frozenset | None,
        gather_s: float = 0.0,
    ) -> None:
        self.name, self.callback, self.types = name, callback, types
        self.gather_s = gather_s
        self.failing = False
        self.stopped = False
        self._stopping = threading.Event()
        self.queue: queue.SimpleQueue[list[dict] | None] | None = None
        self.thread: threading.Thread | None = None
        if not inline:
            self.queue = queue.SimpleQueue()
            self.thread = threading.Thread(target=self._drain, name=f"events-{name}", daemon=True)

    def hand(self, batch: list[dict]) -> None:
        if batch and self.types is not None and not any(e["type"] in self.types for e in batch):
            return  # nothing it wants: its thread is not woken (a wake-up per event cost CPU)
        if self.queue is None:
            self.call(batch)
        else:
            self.queue.put(batch)

    def call(self, batch: list[dict]) -> None:
        # The guard every subscriber gets: a full disk, a bad event or a bug is logged once
        # per kind of trouble, and the next batch is handed over as usual.
        try:
            self.callback(batch)
        except Exception:
            if not self.failing:
                log.exception("events: %s failed; the next events still go to it", self.name)
            self.failing = True
        else:
            if self.failing:
                log.warning("events: %s works again", self.name)
            self.failing = False

    def _drain(self) -> None:
        while (batch := self.queue.get()) is not None:
            if not self.gather_s:
                if self.stopped:
                    return  # what is still queued is dropped: the server is stopping
                self.call(batch)
                continue
            # What arrives meanwhile joins this call: one wake-up per gathering, not per batch
            # (a put wakes no one while this thread waits here). A stop cuts the wait short,
            # and what was gathered is still handed over: the journal misses no event.
            self._stopping.wait(self.gather_s)
            batch, ended = list(batch), False
            while not ended and not self.queue.empty():
                more = self.queue.get()
                ended = more is None  # stop()'s mark: nothing comes after it
                batch.extend(more or ())
            self.call(batch)
            if ended:
                return

    def stop(self) -> None:
        self.stopped = True
        self._stopping.set()
        if self.queue is not None:
            self.queue.put(None)


class EventFollower:
    """The server's one reader of the event log. Woken by the bus, it reads each new batch
    once and hands it to every subscriber: the stream hub, the announcer, the journal.

    An *inline* subscriber is called in the follower's thread and must only hand the batch
    over (the stream hub schedules it on its event loop); any other gets its own thread and
    queue, so a slow one (espeak-ng rendering a call) never delays the streams. The web layer
    reads the past of the log through ``last_id`` and ``after``, not from the store."""

    def __init__(self, store, bus: EventBus, start_id: int) -> None:
        self.store, self.bus = store, bus
        self._last = start_id
        self._lock = threading.Lock()  # a subscriber joins between two batches, never within
        self._subscriptions: list[_Subscription] = []
        self._read_failing = False
        self.thread: threading.Thread | None = None

    def last_id(self) -> int:
        return event_log.last_id(self.store.db)

    def after(self, last_id: int, limit: int = BATCH) -> list[dict]:
        return event_log.after(self.store.db, last_id, limit)

    def subscribe(
        self,
        name: str,
        callback: Subscriber,
        inline: bool = False,
        types: tuple[str, ...] | None = None,
        gather_s: float = 0.0,
    ) -> int:
        """Hand ``callback`` every batch from the next one on; returns the id of the last
        event handed out before it (the subscriber's starting point: nothing missed).
        ``types``: only batches holding one of these event types (whole, with the others), and
        the empty ones a quiet log sends every IDLE_S for housekeeping. ``gather_s`` (not
        inline): after each wake-up its thread waits this long and takes what came meanwhile
        in the same call (the journal: a log line may be late, its thread need not wake for
        every ticket)."""
        sub = _Subscription(name, callback, inline, frozenset(types) if types else None, gather_s)
        with self._lock:
            self._subscriptions.append(sub)
            if sub.thread is not None:
                sub.thread.start()
            return self._last

    def unsubscribe(self, callback: Subscriber) -> None:
        with self._lock:
            for sub in [s for s in self._subscriptions if s.callback == callback]:
                self._subscriptions.remove(sub)
                sub.stop()

    def threads(self) -> list[threading.Thread]:
        """The follower's thread and its subscribers' (joined before the store closes)."""
        with self._lock:
            own = [s.thread for s in self._subscriptions if s.thread is not None]
        return [t for t in [self.thread, *own] if t is not None]

    def thread_of(self, name: str) -> threading.Thread | None:
        with self._lock:
            return next((s.thread for s in self._subscriptions if s.name == name), None)

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="event-follower", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        horizon = self._last  # the bus's latest id when the log last had nothing new
        while True:
            closing = self.bus.closed  # then this read is the last: what was committed goes out
            latest = self.bus.latest
            try:
                batch = self.after(self._last)
            except Exception as exc:  # the database busy or unreadable: try again shortly
                if not self._read_failing:
                    log.error("events: reading the event log failed: %s", exc)
                self._read_failing = True
                if closing:
                    return
                self.bus.wait_beyond(2**63, timeout=RETRY_S)  # returns early when it closes
                continue
            if self._read_failing:
                log.warning("events: reading the event log works again")
                self._read_failing = False
            if not batch:
                # Woken for an id the log does not show (a rolled-back write): wait for a
                # newer one instead of spinning on the same wake-up.
                horizon = latest
            self._hand_out(batch)
            if closing:
                return
            if batch and len(batch) < BATCH:
                time.sleep(GATHER_S)
            if len(batch) < BATCH:
                self.bus.wait_beyond(max(self._last, horizon), timeout=IDLE_S)

    def close(self) -> None:
        """After the bus closed: the follower's last read is handed out, then the subscribers'
        threads end (the journal's with what it had gathered, the others' dropping theirs)."""
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout=10)
        with self._lock:
            for sub in self._subscriptions:
                sub.stop()

    def _hand_out(self, batch: list[dict]) -> None:
        with self._lock:
            if batch:
                self._last = batch[-1]["id"]
            for sub in self._subscriptions:
                sub.hand(batch)
