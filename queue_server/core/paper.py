"""What a paper ticket says (DESIGN §7), from the API's answers — said once for every printer:
the kiosk's own and the guide desk's. Returns the fields of ``printer.TicketLayout`` (core knows
no printer); the caller passes the translator of its catalog, always asked for Chinese, since
the paper is Chinese whatever the screen shows (§8.4: Mandarin is the hall's service language).
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

Translate = Callable[..., str]  # translate(msgid, **params) -> Chinese text


def where_to_wait(windows: list[dict], service: str) -> tuple[list[str], list[int]]:
    """(zones, window numbers) where the holder should sit: the open windows whose first service
    is this one (a business window that also takes consultations is not where a consulting
    ticket waits); every window serving it when none has it first; all of them when none is
    open. The 绿色通道 window is never named."""
    serving = [
        w for w in windows if service in w.get("services", []) and w.get("kind") != "priority"
    ]
    primary = [w for w in serving if w.get("services", [])[:1] == [service]] or serving
    chosen = [w for w in primary if w.get("state") == "open"] or primary
    zones = sorted({w.get("zone", "") for w in chosen if w.get("zone")})
    return zones, sorted(w["number"] for w in chosen)


def number_span(numbers: list[int]) -> str:
    """3 · 3-5 · 1、4、9"""
    if len(numbers) == 1:
        return str(numbers[0])
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}"
    return "、".join(map(str, numbers))


def wait_minutes(estimated_wait_s: int | None) -> int | None:
    """Minutes printed: None = no estimate, 0 = no wait (the server says 0 only then)."""
    if estimated_wait_s is None:
        return None
    return 0 if estimated_wait_s == 0 else max(1, round(estimated_wait_s / 60))


def ticket_paper(
    hall: dict, ticket: dict, service: dict | None, windows: list[dict], t: Translate
) -> dict:
    """The keyword arguments of ``printer.TicketLayout`` for an issued ticket."""
    zones, numbers = where_to_wait(windows, ticket["service"])
    return dict(
        hall_name=hall.get("name", ""),
        number=ticket["number"],
        service_name=(service or {}).get("name", {}).get("zh_CN", ticket["service"]),
        people_ahead=int(ticket.get("ahead") or 0),
        estimated_wait_min=wait_minutes(ticket.get("estimated_wait_s")),
        zone="、".join(zones),
        window_hint=t("Window {numbers}", numbers=number_span(numbers)) if numbers else "",
        issued_at=datetime.fromisoformat(ticket["issued_at"]),
        qr_payload=ticket.get("status_url", ticket["number"]),
        tips=[t("Please listen for your number; bring your ID card or social security card.")],
        footer=[t("Supervision hotline {hotline}", hotline=hall.get("hotline", "12333"))],
        # A booking checked in on time (预约): the paper says so, with its slot.
        appointment_at=datetime.fromisoformat(ticket["appointment_at"])
        if ticket.get("appointment_at")
        else None,
    )
