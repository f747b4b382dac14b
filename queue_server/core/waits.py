"""Wait estimates shown on the kiosk, the ticket and the status page (DESIGN §3).

People ahead × recent mean service time ÷ the window capacity the service really gets. A window
that serves several services gives each the share of its recent calls that went to it, so a
business window that also takes consultations does not count as a whole consulting window; the
绿色通道 (priority) window is left out, since it calls priority tickets first.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean
from typing import Sequence

PRIOR_CALLS = 2.0
"""How many calls' worth of weight the even split gets before a window has much history."""


@dataclass(frozen=True)
class WindowLoad:
    """One window as the estimate sees it."""

    services: Sequence[str]
    kind: str = "business"
    is_open: bool = False
    busy: bool = False  # a ticket is at the window now
    recent_services: Sequence[str] = ()  # services of its latest calls, newest first


@dataclass(frozen=True)
class WaitEstimate:
    seconds: int | None  # None: no window serves the service now
    no_wait: bool = False  # nobody ahead and a window is free: "无需等候"


def mean_service_seconds(recent: Sequence[float], default_s: float) -> float:
    """Mean of the recent service durations of a service, or its configured default."""
    usable = [d for d in recent if d > 0]
    return mean(usable) if usable else default_s


def service_share(window: WindowLoad, service: str) -> float:
    """The part of the window's time that goes to ``service`` (0–1), from its recent calls.

    An even split over its services is the prior, worth ``PRIOR_CALLS`` calls, so one call does
    not swing it to 0 or 1.
    """
    if service not in window.services:
        return 0.0
    prior = 1.0 / len(window.services)
    seen = sum(1 for s in window.recent_services if s == service)
    return (seen + prior * PRIOR_CALLS) / (len(window.recent_services) + PRIOR_CALLS)


def serving_capacity(service: str, windows: Sequence[WindowLoad]) -> float:
    """Open windows serving ``service``, each weighted by its share; priority windows left out."""
    return sum(
        service_share(w, service) for w in windows if w.is_open and w.kind != "priority"
    )


def estimate_wait(
    ahead: int, mean_service_s: float, service: str, windows: Sequence[WindowLoad]
) -> WaitEstimate:
    """The wait of someone with ``ahead`` people of the same service before them."""
    capacity = serving_capacity(service, windows)
    if capacity <= 0:
        return WaitEstimate(None)
    serving = [w for w in windows if w.is_open and w.kind != "priority" and service in w.services]
    free = any(not w.busy for w in serving)
    if ahead == 0 and free:
        return WaitEstimate(0, no_wait=True)
    # With every window busy, the person also waits for the current visit to end (on average
    # half a visit).
    in_progress = 0.0 if free else 0.5
    return WaitEstimate(int(round((ahead + in_progress) * mean_service_s / capacity)))
