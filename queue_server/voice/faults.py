"""Trouble the voice keeps going through (full disk, espeak-ng failing, a bad event), logged once.

A hall with a full disk would otherwise write one traceback per call all day; here each place
logs a new kind of trouble once, stays quiet while it lasts, and says when it works again.
"""

from __future__ import annotations

import logging
import threading

from .errors import VoiceError


def _kind(exc: BaseException) -> str:
    # Two ENOSPC on different files are the same trouble; two different VoiceErrors are not.
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{type(exc).__name__}:{exc.errno}"
    return f"{type(exc).__name__}:{exc}"


class Faults:
    def __init__(self, log: logging.Logger):
        self.log = log
        self._active: dict[str, str] = {}
        self._lock = threading.Lock()

    def report(self, where: str, exc: BaseException, context: str = "") -> bool:
        """Log ``exc`` unless this kind of trouble is already known at ``where``; True if logged."""
        kind = _kind(exc)
        with self._lock:
            if self._active.get(where) == kind:
                return False
            self._active[where] = kind
        # Our own errors and the OS's are explained by their message; anything else is a bug.
        expected = isinstance(exc, (VoiceError, OSError))
        self.log.error(
            "voice: %s failed%s: %s", where, context, exc, exc_info=None if expected else exc
        )
        return True

    def recovered(self, where: str, quietly: bool = False) -> None:
        """``where`` works again; ``quietly`` for one-off trouble (a bad event) that has no end
        worth announcing but should be logged again if it recurs later."""
        if where not in self._active:  # the usual case, without taking the lock
            return
        with self._lock:
            if self._active.pop(where, None) is None:
                return
        if not quietly:
            self.log.warning("voice: %s works again", where)

    def active(self) -> dict[str, str]:
        with self._lock:
            return dict(self._active)
