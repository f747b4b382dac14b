"""Appointment figures (预约, DESIGN §5a): bookings of a range by what became of them."""

from __future__ import annotations

from typing import Iterable

from ..appointments import STATUSES
from .figures import ratio


def booking_figures(rows: Iterable[tuple[str, str, bool]]) -> dict:
    """``rows``: (service, status, slot over) per booking. A booking still only booked after
    its slot ended counts as a no-show (core.appointments.is_no_show). No-show rate = no-shows ÷
    bookings whose slot has come and that were not cancelled."""

    def tally(items: list[tuple[str, bool]]) -> dict:
        counts = dict.fromkeys(STATUSES, 0)
        for status, over in items:
            counts["no_show" if status == "booked" and over else status] += 1
        came = counts["checked_in"] + counts["late"]
        return {
            "bookings": len(items),
            **counts,
            "no_show_rate": ratio(counts["no_show"], came + counts["no_show"]),
        }

    rows = list(rows)
    services = sorted({service for service, _, _ in rows})
    return {
        **tally([(st, over) for _, st, over in rows]),
        "by_service": [
            {"key": s, **tally([(st, over) for svc, st, over in rows if svc == s])}
            for s in services
        ],
    }
