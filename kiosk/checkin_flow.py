"""Check-in for a booking (预约签到, issue 16 item 2) — plain Python, mixed into ``Flow``.

The citizen puts the ID card on the reader, or types the booking code, or the phone's last four
and the code; the server decides (POST /api/v1/appointments/check-in, docs/appointments.md). On
time: the booking's ticket, printed with 预约 and its slot (core.paper). Otherwise the kiosk says
in its own words what happened and what to do: too early → when to come back; late → a normal
ticket with one tap (the same request with ``walk_in``); slot over or cancelled → a normal ticket
from the list; checked in already or no booking → what to do, e.g. ask at the guide desk.
"""

from __future__ import annotations

import uuid

from dataclasses import dataclass

CODE_MIN, CODE_MAX, PHONE_LEN = 4, 12, 4  # core.appointments.CODE: 4–12 letters or digits

# Notices (msgids of kiosk/locale/*/kiosk.po).
NEED_CODE = "Type the booking code from your booking message."
NEED_PHONE = "Type the last 4 digits of the phone number you booked with."
EARLY = "It is too early to check in. Please check in after {time}."
LATE = (
    "You are late for your booked time, so the booking no longer goes first. You can take a "
    "normal ticket now."
)
MISSED = "Your booked time has passed. You can take a normal ticket now."
TWICE = (
    "This booking is checked in already: ticket {number}. Please wait for it to be called; "
    "if the ticket is lost, ask at the guide desk."
)
CANCELLED = "This booking was cancelled. Please take a normal ticket or ask at the guide desk."
NONE_CARD = "No booking for today was found for this ID card. Please ask at the guide desk."
NONE_CODE = (
    "No booking for today was found with this code. Please check it, or ask at the guide desk."
)
REFUSED = "The hall could not check you in: {reason}"
UNREACHABLE = "The queue server cannot be reached. Please try again or see the guide desk."

# The server's error codes → (what the kiosk says, what it offers: walk_in (the same request
# as a normal ticket), normal (the list of services), again (the keypad), done (Home only)).
ANSWERS = {
    "checkin_early": (EARLY, "done"),
    "checkin_late": (LATE, "walk_in"),
    "checkin_missed": (MISSED, "normal"),
    "already_checked_in": (TWICE, "done"),
    "cancelled": (CANCELLED, "normal"),
}


@dataclass
class Checkin:
    """What this check-in holds; replaced whole on home, idle and a new check-in."""

    focus: str = "code"  # code | phone
    code: str = ""
    phone: str = ""  # the phone's last four (optional)
    letters: bool = False  # the keypad shows letters (a code from an imported file)
    busy: bool = False
    answer: str | None = None  # the server's refusal code, shown with its offer
    offer: str | None = None  # walk_in | normal | again | done (ANSWERS)
    request: dict | None = None  # the body sent, kept only to resend it with walk_in


class CheckinSteps:
    """Mixed into ``Flow`` (kiosk/flow.py); uses its ``screen``, ``checkin``, ``notice``,
    ``_go`` and ``take_ticket``."""

    def open_checkin(self, now: float | None = None) -> None:
        self.checkin = Checkin()
        self._go(self.Screen.CHECKIN, now)

    def checkin_field(self, name: str) -> None:
        if name in ("code", "phone") and not self.checkin.busy:
            self.checkin.focus, self.checkin.letters = name, False

    def checkin_letters(self) -> None:
        if self.checkin.focus == "code":
            self.checkin.letters = not self.checkin.letters

    def checkin_key(self, key: str) -> None:
        ck = self.checkin
        key = key.upper()
        if ck.busy or len(key) != 1 or not key.isascii() or not key.isalnum():
            return
        if ck.focus == "code" and len(ck.code) < CODE_MAX:
            ck.code += key
        elif ck.focus == "phone" and key.isdigit() and len(ck.phone) < PHONE_LEN:
            ck.phone += key
            if len(ck.phone) == PHONE_LEN:
                ck.focus = "code"  # the four digits are done: on to the code
        self._clear_answer()

    def checkin_backspace(self) -> None:
        ck = self.checkin
        if ck.focus == "phone":
            ck.phone = ck.phone[:-1]
        else:
            ck.code = ck.code[:-1]
        self._clear_answer()

    def checkin_again(self) -> None:
        """Back from an answer to the keypad (the typed code kept, to correct it)."""
        self._clear_answer()

    def _clear_answer(self) -> None:
        ck = self.checkin
        if not ck.busy:
            ck.answer = ck.offer = ck.request = None
            self.notice, self.notice_params = None, {}

    def checkin_submit(self) -> dict | None:
        """The body of the check-in for the typed code (and phone digits), or None and a
        notice saying what is missing."""
        ck = self.checkin
        if self.screen is not self.Screen.CHECKIN or ck.busy:
            return None
        if len(ck.code) < CODE_MIN:
            self.notice, self.notice_params, ck.focus = NEED_CODE, {}, "code"
            return None
        if ck.phone and len(ck.phone) != PHONE_LEN:
            self.notice, self.notice_params, ck.focus = NEED_PHONE, {}, "phone"
            return None
        body = {"code": ck.code}
        if ck.phone:
            body["phone_last4"] = ck.phone
        return self._checkin_start(body)

    def checkin_card(self, id_number: str) -> dict | None:
        """A card on the reader while this screen waits: its number is the request."""
        if self.screen is not self.Screen.CHECKIN or self.checkin.busy:
            return None
        return self._checkin_start({"id_number": id_number})

    def checkin_walk_in(self) -> dict | None:
        """Late: the same request again, taking the normal ticket the server offered."""
        ck = self.checkin
        if ck.offer != "walk_in" or ck.busy or ck.request is None:
            return None
        return self._checkin_start({**ck.request, "walk_in": True})

    def _checkin_start(self, body: dict) -> dict:
        """The request, with an id the client's retries keep: a retry after a lost answer gets
        the ticket back to print (the server refuses a second check-in otherwise)."""
        body = {"request_id": uuid.uuid4().hex, **body}
        ck = self.checkin
        ck.busy, ck.answer, ck.offer, ck.request = True, None, None, body
        self.notice, self.notice_params = None, {}
        return body

    def checked_in(self, answer: dict, now: float | None = None) -> dict:
        """The booking's ticket: printed next (the ISSUING screen, then the ticket's)."""
        ticket = answer["ticket"]
        self.checkin = Checkin()  # the card's number or the code is not kept
        self.service, self.ticket, self.printed = ticket["service"], ticket, None
        self._go(self.Screen.ISSUING, now)
        return ticket

    def checkin_failed(self, failure, now: float | None = None) -> None:
        """Say the server's answer in the kiosk's words, with what the citizen can do next."""
        ck = self.checkin
        ck.busy = False
        said, offer = ANSWERS.get(failure.code, (None, "again"))
        params = {}
        if failure.kind == "offline":
            said, offer = UNREACHABLE, None  # stays on the keypad: touch OK again
        elif failure.status == 404:
            said = NONE_CARD if "id_number" in (ck.request or {}) else NONE_CODE
        elif failure.code == "checkin_early":
            params = {"time": str(failure.details.get("checkin_from") or "")[11:16]}
        elif failure.code == "already_checked_in":
            params = {"number": failure.details.get("ticket_number") or ""}
        if said is None or params.get("time") == "":
            # e.g. an ID number the server refused (422) or a busy server: its own words
            said, params = (
                (REFUSED, {"reason": failure.message})
                if failure.message
                else (
                    UNREACHABLE,
                    {},
                )
            )
        ck.answer, ck.offer = failure.code or failure.kind, offer
        if offer != "walk_in":
            ck.request = None  # only a late check-in is sent again
        self.notice, self.notice_params = said, params

    def checkin_normal_ticket(self, now: float | None = None) -> None:
        """Slot over or booking cancelled: the list of services, as for any walk-in."""
        self.checkin = Checkin()
        self.take_ticket(now)
