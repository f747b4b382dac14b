"""Nearby halls for citizens (issue 18 item 4): when is another hall worth naming?

When at least ``min_waiting`` wait for a service here, the kiosk and the ticket's page name
the configured nearby halls where fewer wait for the same service (by its code, the same in
every hall of the city), nearest first. Standard library only; the waits are the city's.
"""

from __future__ import annotations

from typing import Iterable, Mapping

# the one wording, in the hall's and the kiosk's catalogs: "某某大厅 同类业务等候 3 人（约 2 公里）"
NEARBY_MSGID = "{name}: {waiting} waiting for the same service (about {km} km)"
MAX_SUGGESTIONS = 2  # a kiosk line each; more is a list nobody reads standing in a queue


def suggestions(
    service: str,
    waiting_here: int,
    halls: Iterable,
    waits: Mapping[str, Mapping[str, int]],
    min_waiting: int,
    here: str = "",
) -> list[dict]:
    """``halls``: the [city] nearby entries (hall_id, name, distance_km); ``waits``: hall_id →
    service code → waiting, as the city last said; ``here``: this hall's id. A hall the city
    said nothing of, or that lacks the service, is left out; so is one where as many wait as
    here, and this hall itself."""
    if waiting_here < max(min_waiting, 1):
        return []
    out = []
    for hall in sorted(halls, key=lambda h: h.distance_km):
        if hall.hall_id == here:  # one config shared by several halls names each of them
            continue
        there = waits.get(hall.hall_id, {}).get(service)
        if not isinstance(there, int) or there >= waiting_here:
            continue
        out.append(
            {
                "hall_id": hall.hall_id,
                "name": dict(hall.name),
                "waiting": there,
                "distance_km": hall.distance_km,
            }
        )
    return out[:MAX_SUGGESTIONS]


def km_text(distance_km: float) -> str:
    """2.0 → "2", 1.5 → "1.5": the distance as people say it."""
    return f"{round(distance_km, 1):g}"
