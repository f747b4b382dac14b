"""Whole-call WAVs in memory, bounded by size: the least recently used are dropped first.

Joining a call from cached phrases costs about a millisecond, so nothing is lost by forgetting
one; what matters is that 10,000 tickets a day never grow the cache past ``voice.cache_mb``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date


class CallCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[bytes, date]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: str, wav: bytes, day: date) -> None:
        if len(wav) > self.max_bytes:  # served once, never kept
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._entries[key] = (wav, day)
            self._bytes += len(wav)
            while self._bytes > self.max_bytes:
                _, (dropped, _) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def drop_before(self, day: date) -> int:
        """Forget calls made before ``day`` (displays never replay yesterday's calls)."""
        with self._lock:
            stale = [k for k, (_, d) in self._entries.items() if d < day]
            for k in stale:
                self._bytes -= len(self._entries.pop(k)[0])
            return len(stale)

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)
