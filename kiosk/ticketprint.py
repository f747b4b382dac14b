"""The ticket on paper: the server's answer → printer.TicketLayout (DESIGN §7), through
queue_server.core.paper, which the guide desk's printer uses too."""

from __future__ import annotations

from printer import TicketLayout
from queue_server.core.paper import number_span, ticket_paper, where_to_wait

from .i18n import translate


def _zh(msgid: str, **params) -> str:
    return translate(msgid, "zh_CN", **params)


def window_hint(windows: list[dict], service: str) -> tuple[str, str]:
    """("B区", "3-5号窗口") — where the holder should wait, for the ticket screen."""
    zones, numbers = where_to_wait(windows, service)
    if not numbers:
        return "", ""
    return "、".join(zones), _zh("Window {numbers}", numbers=number_span(numbers))


def ticket_layout(hall: dict, ticket: dict, service: dict, windows: list[dict]) -> TicketLayout:
    return TicketLayout(**ticket_paper(hall, ticket, service, windows, _zh))
