"""When a hall device counts as silent (§8.1.5: the guide desk keeps the queue terminals, the
self-service kiosks and the public displays running).

A device that has reported at least once and then sends nothing for ``silent_s`` seconds is
silent. The hall watches only while it serves (its opening hours, or always when it issues
around the clock), so kiosks and screens switched off at night raise nothing; one that is still
dark when the hall opens does. Pure: ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from .errors import InvalidField
from .hours import in_periods

SILENT = "silent"  # device.alert problem: no heartbeat for silent_s
PRINTER = "printer"  # device.alert problem: the printer reports paper out, cover open…


def is_silent(last_seen: datetime | None, now: datetime, silent_s: float) -> bool:
    return last_seen is not None and now - last_seen > timedelta(seconds=silent_s)


def watching(now: datetime, opening_hours: list[str], around_the_clock: bool) -> bool:
    return around_the_clock or in_periods(opening_hours, now)


def heartbeat_every_s(silent_s: float) -> float:
    """How often a device should report: three beats fit in the silence limit."""
    return max(1.0, min(10.0, silent_s / 3))


def sweep_every_s(silent_s: float) -> float:
    """How often the server looks for silent devices: an alert comes at most this late."""
    return max(1.0, min(5.0, silent_s / 6))


def tied_window(kind: str, window, windows: Collection[int]) -> int | None:
    """The window a device stands at: only an evaluator is tied to one (it then offers and
    takes ratings for that window's visits only, §7.1), and only to one of the hall's
    ``windows``; None unties it."""
    if window is not None and (
        kind != "evaluator" or isinstance(window, bool) or not isinstance(window, int) or window < 1
    ):
        raise InvalidField("Only an evaluator is tied to a window.", field="window")
    if window is not None and window not in windows:
        raise InvalidField("There is no window {number}.", field="window", number=str(window)[:12])
    return window
