"""The texts of the hall's public pages (the display board, the window screens, the ticket
status page): keys the pages' scripts use → English msgids of the server's catalogs
(queue_server/locale), translated like every other message and rendered into the page.
"""

from __future__ import annotations

from ..core.languages import LANGUAGES
from ..i18n import translate

DISPLAY_TEXT = {
    "display_title": "Calling display",
    "now_calling": "Now calling",
    "please_go": "Please go to {window}",
    "window_label": "Window {n}",
    "recent_calls": "Recent calls",
    "waiting": "Waiting",
    "people_count": "{n} people",  # the board shows the number between what comes before/after
    "appointment": "Booked",
    "no_call": "No calls yet",
    "idle": "Free",
    "serving": "Serving now",
    "called": "Calling",
    "paused": "Paused",
    "closed": "Window closed",
    "reconnecting": "Reconnecting to the server…",
    "device_refused": "This screen's device token was refused, so the guide desk cannot see "
    "whether it is running. Ask the IT staff to register it again.",
    "status_title": "Queue status",
    "ticket_number": "Your number",
    "service": "Service type",
    "state_waiting": "Waiting in the queue",
    "state_called": "Please go to {window} now",
    "state_serving": "Being served at {window}",
    "state_done": "Finished. Thank you for your patience",
    "state_no_show": "Missed. Please ask at the guide desk to continue",
    "state_cancelled": "Ticket cancelled",
    "state_expired": "The hall day has ended and this ticket is no longer valid. Please take a "
    "new ticket on the next working day",
    "ahead": "People ahead",
    "estimated_wait": "Estimated wait",
    "minutes": "about {n} min",
    "under_a_minute": "under a minute",
    "unknown_wait": "not available",
    "no_wait": "no wait",
    "room": "room {room}",
    "updated_at": "Updated {time}",
    "offline": "Connection lost, retrying…",
    "not_found": "This ticket was not found. Please check the QR code or ask at the guide desk.",
    "privacy": "No personal data is shown on this page.",
    "issued_at": "Taken at",
    "where": " ({where})",
}


def display_messages(lang: str) -> dict[str, str]:
    """The pages' texts in ``lang``, ``{placeholders}`` left for the page to fill."""
    return {key: translate(msgid, lang) for key, msgid in DISPLAY_TEXT.items()}


def every_display_text() -> str:
    """Every character the pages' texts have in any language (for the display font)."""
    return "".join(v for lang in LANGUAGES for v in display_messages(lang).values())
