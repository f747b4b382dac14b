"""One way for a test to wait for something another thread or process does."""

from __future__ import annotations

import time


def wait_for(check, timeout: float = 10.0, every: float = 0.02):
    """Call ``check`` until it returns something true, and return that; at the timeout, return
    its last (false) answer. Callers assert on it, with their own message."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)
