"""Wait estimates shown on the kiosk, the ticket and the status page (DESIGN §3)."""

from __future__ import annotations

from statistics import mean
from typing import Sequence


def mean_service_seconds(recent: Sequence[float], default_s: float) -> float:
    """Mean of the recent service durations of a service, or its configured default."""
    usable = [d for d in recent if d > 0]
    return mean(usable) if usable else default_s


def estimate_wait_seconds(ahead: int, mean_service_s: float, open_windows: int) -> int | None:
    """People ahead × mean service time ÷ open windows; None when no window serves it now."""
    if open_windows <= 0:
        return None
    return int(round(ahead * mean_service_s / open_windows))
