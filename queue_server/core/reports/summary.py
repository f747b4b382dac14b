"""A range of days as one report: its stored day tallies merged, with trends, the arrivals
heatmap and the lists (absences, 差评) beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable, Sequence

from ..errors import InvalidField
from .figures import all_figures, queue_figures, rating_figures
from .tally import Key, Tally

DIMENSIONS = ("service", "window", "staff", "channel", "hour", "priority", "device")
TREND_FIELDS = (
    "issued",
    "served",
    "wait_mean_s",
    "wait_p90_s",
    "wait_over_rate",
    "abandon_rate",
    "no_show_rate",
    "service_mean_s",
    "est_mae_s",
)


def check_period(day_from: date, day_to: date, max_days: int) -> None:
    """A report's period: the start not after the end, at most ``max_days`` days in all."""
    if day_from > day_to:
        raise InvalidField("The start date must not be after the end date.", field="from")
    if (day_to - day_from).days >= max_days:
        raise InvalidField("The period may be at most {days} days.", field="to", days=max_days)


@dataclass
class Range:
    """The merged tallies of a range, and the per-day parts the trend and heatmap need."""

    merged: dict[Key, Tally] = field(default_factory=dict)
    per_day: dict[date, Tally] = field(default_factory=dict)  # the "total" tally of each day
    arrivals: dict[tuple[date, str], int] = field(default_factory=dict)  # (day, hour) → issued

    def add(self, day: date, key: Key, tally: Tally) -> None:
        self.add_merged(key, tally)
        self.add_daily(day, key, tally)

    def add_merged(self, key: Key, tally: Tally) -> None:
        found = self.merged.get(key)
        if found is None:
            self.merged[key] = Tally().merge(tally)
        else:
            found.merge(tally)

    def add_daily(self, day: date, key: Key, tally: Tally) -> None:
        """Only what the trend and the heatmap need of each day."""
        if key == ("total", ""):
            self.per_day[day] = tally
        elif key[0] == "hour" and tally.issued:
            self.arrivals[(day, key[1])] = tally.issued


def collect(rows: Iterable[tuple[date, str, str, Tally]]) -> Range:
    r = Range()
    for day, dim, key, tally in rows:
        r.add(day, (dim, key), tally)
    return r


def _sort_key(dim: str, key: str):
    if dim == "window":
        return (0, int(key)) if key.isdigit() else (1, key)
    return (0, key)


def heatmap(arrivals: dict[tuple[date, str], int], open_days: Sequence[date]) -> dict:
    """Mean tickets issued per hour of day × weekday, over the days the hall issued tickets."""
    per_weekday = {w: sum(1 for d in open_days if d.weekday() == w) for w in range(7)}
    hours = sorted({h for _, h in arrivals})
    totals: dict[tuple[int, str], int] = {}
    for (day, hour), n in arrivals.items():
        totals[(day.weekday(), hour)] = totals.get((day.weekday(), hour), 0) + n
    weekdays = [w for w in range(7) if per_weekday[w]]
    cells = [[round(totals.get((w, h), 0) / per_weekday[w], 1) for h in hours] for w in weekdays]
    peak = max((max(row) for row in cells if row), default=0)
    return {
        "weekdays": weekdays,
        "hours": hours,
        "cells": cells,
        "peak": peak,
        "days": {w: per_weekday[w] for w in weekdays},
    }


def summarise(
    r: Range,
    day_from: date,
    day_to: date,
    wait_threshold_s: float,
    label: Callable[[str, str], dict] | None = None,
) -> dict:
    """Totals, every dimension's rows and the trend of the range. ``label(dim, key)`` adds names
    (a service's name, a window's, a staff member's, a device's)."""
    label = label or (lambda dim, key: {})
    total = r.merged.get(("total", ""), Tally())
    out = {
        "from": day_from.isoformat(),
        "to": day_to.isoformat(),
        "days": (day_to - day_from).days + 1,
        "open_days": sum(1 for t in r.per_day.values() if t.issued),
        "wait_threshold_s": wait_threshold_s,
        "totals": all_figures(total, wait_threshold_s),
    }
    for dim in DIMENSIONS:
        keys = sorted((k for d, k in r.merged if d == dim), key=lambda k: _sort_key(dim, k))
        out[f"by_{dim}"] = [
            {"key": k, **label(dim, k), **all_figures(r.merged[(dim, k)], wait_threshold_s)}
            for k in keys
        ]
    trend = []
    for day in sorted(r.per_day):
        q = queue_figures(r.per_day[day], wait_threshold_s)
        trend.append(
            {
                "day": day.isoformat(),
                "weekday": day.weekday(),
                **{k: q[k] for k in TREND_FIELDS},
                "good_rate": rating_figures(r.per_day[day])["good_rate"],
            }
        )
    out["trend"] = trend
    open_days = [d for d, t in r.per_day.items() if t.issued]
    out["heatmap"] = heatmap(r.arrivals, open_days)
    return out
