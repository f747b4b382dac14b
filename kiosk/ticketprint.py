"""The ticket on paper: the server's answer → printer.TicketLayout (DESIGN §7).

Paper is always Chinese (the printer's raster font is Simplified Chinese; standard §8.4 makes
Mandarin the hall's service language), whatever language the screen shows.
"""

from __future__ import annotations

from datetime import datetime

from printer import TicketLayout

from .i18n import translate


def window_hint(windows: list[dict], service: str) -> tuple[str, str]:
    """("B区", "3-5号窗口"): where the holder should sit — the open windows whose first service
    is this one (a business window that also takes consultations is not where a consulting
    ticket waits). Falls back to every window serving it when none has it first."""
    serving = [w for w in windows if service in w.get("services", []) and w.get("kind") != "priority"]
    primary = [w for w in serving if w.get("services", [])[:1] == [service]] or serving
    open_ = [w for w in primary if w.get("state") == "open"] or primary
    if not open_:
        return "", ""
    numbers = sorted(w["number"] for w in open_)
    zones = sorted({w.get("zone", "") for w in open_ if w.get("zone")})
    span = f"{numbers[0]}" if len(numbers) == 1 else (
        f"{numbers[0]}-{numbers[-1]}" if numbers == list(range(numbers[0], numbers[-1] + 1))
        else "、".join(map(str, numbers)))
    return "、".join(zones), translate("Window {numbers}", "zh_CN", numbers=span)


def ticket_layout(hall: dict, ticket: dict, service: dict, windows: list[dict]) -> TicketLayout:
    zone, hint = window_hint(windows, ticket["service"])
    wait = ticket.get("estimated_wait_s")
    return TicketLayout(
        hall_name=hall.get("name", ""),
        number=ticket["number"],
        service_name=(service or {}).get("name", {}).get("zh_CN", ticket["service"]),
        people_ahead=int(ticket.get("ahead") or 0),
        estimated_wait_min=None if wait is None else (0 if wait == 0 else max(1, round(wait / 60))),
        zone=zone,
        window_hint=hint,
        issued_at=datetime.fromisoformat(ticket["issued_at"]),
        qr_payload=ticket.get("status_url", ticket["number"]),
        tips=[translate("Please listen for your number; bring your ID card or social security card.", "zh_CN")],
        footer=[translate("Supervision hotline {hotline}", "zh_CN", hotline=hall.get("hotline", "12333"))],
    )
