"""The business guide (经办规程咨询, §8.1.2): for each business item the window or room, the
time limit, the materials and the legal basis, found by service and by a word of its name."""

from __future__ import annotations

from .errors import InvalidField
from .settings import Settings

MAX_QUERY = 50  # characters of the search word kept; a longer one is cut, not refused


def find_items(settings: Settings, service: str | None = None, query: str = "") -> list[dict]:
    """The items of ``service`` (all when None) whose name in any language contains ``query``
    (case-insensitive), in the configured order, with the names of their windows."""
    if service is not None and settings.service(service) is None:
        raise InvalidField("Unknown service {service}.", field="service", service=service[:40])
    word = (query or "").strip()[:MAX_QUERY].lower()
    windows = {w.number: w for w in settings.windows}
    return [
        {
            "code": item.code,
            "service": item.service,
            "name": item.name,
            "materials": item.materials,
            "time_limit": item.time_limit,
            "legal_basis": item.legal_basis,
            "windows": item.windows,
            "window_names": [windows[n].name for n in item.windows if n in windows],
            "room": item.room,
            "notes": item.notes,
        }
        for item in settings.items
        if (not service or item.service == service)
        and (not word or any(word in name.lower() for name in item.name.values()))
    ]
