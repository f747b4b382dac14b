"""The kiosk's screens and transitions as plain Python: no Kivy, no network, no clock of its own.

The controller (kiosk/controller.py) calls these methods with user actions and with the results
of HTTP calls and print jobs; screens only display ``Flow``'s state. Times are passed in (``now``
in seconds, monotonic) so idle timeouts are testable without waiting.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import Enum

from queue_server.core.issuing import CLOSED, CLOSED_CODE, SOLD_OUT, SOLD_OUT_CODE
from queue_server.core.languages import LANGUAGES, local_name
from queue_server.core.nearby import NEARBY_MSGID, km_text
from queue_server.core.vocabulary import PRIORITY_REASONS

from .checkin_flow import Checkin, CheckinSteps
from .citizen_flow import CASE_INPUT, CitizenSteps, Personal, this_month

CLOSED_NOTICE = "This service is not issuing tickets now."
SOLD_OUT_NOTICE = (
    "Today's tickets for this service are all taken. Please come back on another"
    " working day, or ask at the guide desk."
)
FAQ_QUERY_MAX = 12
FAQ_PAGE_SIZE = 5  # questions per page: the Q&A screen also shows topics and a keyboard
PIN_MAX = 8
CORNER_TAPS = 3  # taps on the hidden corner within CORNER_WINDOW_S open the PIN pad
CORNER_WINDOW_S = 2.0
NEARBY_LINES = 1  # the nearest shorter queue only: six services and their hints share one screen


class Screen(str, Enum):
    HOME = "home"
    SERVICES = "services"  # take a ticket: choose a service
    CONFIRM = "confirm"
    ISSUING = "issuing"  # waiting for the server, then the printer
    TICKET = "ticket"  # printed, or shown on screen when printing failed
    GUIDE = "guide"  # business guide: services → items
    GUIDE_ITEM = "guide_item"
    FAQ = "faq"
    FAQ_ENTRY = "faq_entry"
    STAFF_PIN = "staff_pin"
    STAFF = "staff"  # guide staff: priority ticket with a reason
    OUT_OF_SERVICE = "out_of_service"
    VERIFY = "verify"  # identity: ID card, e-SSC code, or number + query password
    RECORDS = "records"  # my records (a citizen session)
    STATEMENT = "statement"  # print a 制式清单 (a citizen session)
    PROGRESS = "progress"  # case progress: case number + last 4 of the ID number
    CHECKIN = "checkin"  # a booking's check-in: ID card, booking code (+ phone's last 4)


CORNER_SCREENS = (Screen.HOME, Screen.VERIFY, Screen.RECORDS, Screen.STATEMENT, Screen.PROGRESS)


@dataclass
class Flow(CitizenSteps, CheckinSteps):
    Screen = Screen
    SESSION_SCREENS = (Screen.RECORDS, Screen.STATEMENT, Screen.STAFF_PIN, Screen.STAFF)

    languages: tuple = LANGUAGES
    idle_timeout_s: float = 60.0
    ticket_screen_s: float = 12.0
    screen: Screen = Screen.HOME
    language: str = "zh_CN"
    elder: bool = False
    # what the server last told us
    services: list = field(default_factory=list)
    items: list = field(default_factory=list)
    faq_topics: list = field(default_factory=list)
    faq_entries: list = field(default_factory=list)
    # the citizen's current path (cleared on home / idle)
    service: str | None = None
    priority_reason: str | None = None
    staff: bool = False
    request_id: str | None = None
    ticket: dict | None = None
    printed: bool | None = None
    printer_problem: str | None = None  # status word of the failed job
    notice: str | None = None  # msgid of a message shown on the current screen
    notice_params: dict = field(default_factory=dict)
    guide_service: str | None = None
    guide_item: str | None = None
    faq_query: str = ""
    faq_topic: str = ""
    faq_entry: str | None = None
    pin: str = ""
    page: int = 0
    last_touch: float = 0.0
    shown_at: float = 0.0
    corner_taps: list = field(default_factory=list)
    # the citizen's own records (kiosk/citizen_flow.py): all of it in one object, wiped whole
    personal: Personal = field(default_factory=Personal)
    ending: list = field(default_factory=list)  # session tokens to end on the server
    checkin: Checkin = field(default_factory=Checkin)  # a booking's check-in (checkin_flow.py)
    reader_status: str = "off"  # the devices' status words
    scanner_status: str = "off"
    today_month: int = field(default_factory=this_month)  # the controller keeps it current

    def __post_init__(self):
        self.languages = tuple(self.languages)
        self.language = self.languages[0]

    # ---- general --------------------------------------------------------------------------
    def _go(self, screen: Screen, now: float | None = None) -> None:
        self.screen = screen
        self.notice, self.notice_params = None, {}
        self.page = 0
        if now is not None:
            self.shown_at = now

    def touch(self, now: float) -> None:
        self.last_touch = now

    def home(self, now: float | None = None) -> None:
        """Back to the start, forgetting everything the citizen chose or typed."""
        self.service = self.priority_reason = self.request_id = None
        self.ticket = self.printed = None
        self.guide_service = self.guide_item = self.faq_entry = None
        self.faq_query = self.faq_topic = self.pin = ""
        self.staff = False
        self.corner_taps = []
        self.checkin = Checkin()
        self.wipe()
        self._go(Screen.HOME, now)

    def tick(self, now: float) -> bool:
        """Called every second or so; True when it changed the screen."""
        if self.citizen_tick(now):
            return True
        if (
            self.screen is Screen.HOME
            and now - self.last_touch >= self.idle_timeout_s
            and (self.language != self.languages[0] or self.elder)
        ):
            self.next_citizen(now)  # a language chosen at home and left behind
            return True
        if self.screen in (Screen.HOME, Screen.OUT_OF_SERVICE, Screen.ISSUING):
            return False  # ISSUING ends by itself; leaving it could hide an issued ticket
        if (
            self.screen is Screen.TICKET
            and now - self.shown_at >= self.ticket_screen_s
            and self.printed
        ):
            self.next_citizen(now)
            return True
        if now - self.last_touch >= self.idle_timeout_s:
            self.next_citizen(now)
            return True
        return False

    def next_citizen(self, now: float) -> None:
        """The citizen has gone: home, and the next one starts in the hall's first language and
        the ordinary mode (a Uyghur or 长辈模式 screen left behind would confuse them)."""
        self.home(now)
        self.language = self.languages[0]
        self.elder = False

    def set_language(self, lang: str) -> None:
        if lang in self.languages:
            self.language = lang

    def toggle_elder(self) -> None:
        self.elder = not self.elder
        self.page = 0

    @property
    def wants_card(self) -> bool:
        """The ID card reader is armed on these screens only (a card elsewhere is ignored)."""
        return self.screen in (Screen.VERIFY, Screen.CHECKIN)

    @property
    def page_size(self) -> int:
        """Fewer choices per screen in elder mode (适老化); the Q&A screen also holds a keyboard."""
        if self.screen is Screen.FAQ:
            return 3 if self.elder else FAQ_PAGE_SIZE
        return 3 if self.elder else 6

    def shown(self) -> list:
        """The current screen's list (services, a service's items, questions), this page of it:
        the screens draw what the pager counts."""
        start = self.page * self.page_size
        return self._current_rows()[start : start + self.page_size]

    @property
    def page_count(self) -> int:
        """Pages of the current list (at least one, so "page 1/1" reads right when it is empty)."""
        return max(1, -(-len(self._current_rows()) // self.page_size))

    @property
    def has_next_page(self) -> bool:
        return (self.page + 1) * self.page_size < len(self._current_rows())

    @property
    def has_prev_page(self) -> bool:
        return self.page > 0

    def next_page(self) -> None:
        """ "More" wraps to the first page, so a screen without "previous" never gets stuck."""
        self.page = self.page + 1 if self.has_next_page else 0

    def prev_page(self) -> None:
        self.page = max(0, min(self.page, self.page_count) - 1)

    def _current_rows(self) -> list:
        if self.screen is Screen.SERVICES:
            return self.services
        if self.screen is Screen.GUIDE:
            return self.guide_items() if self.guide_service else self.services
        if self.screen is Screen.FAQ:
            return self.faq_entries
        return []  # the staff screen lists every service: a guide knows where to look

    def back(self, now: float | None = None) -> None:
        if self.screen is Screen.CONFIRM:
            self.request_id = None
            self._go(Screen.STAFF if self.staff else Screen.SERVICES, now)
        elif self.screen is Screen.GUIDE_ITEM:
            self.guide_item = None
            self._go(Screen.GUIDE, now)
        elif self.screen is Screen.GUIDE and self.guide_service:
            self.guide_service = None
            self._go(Screen.GUIDE, now)
        elif self.screen is Screen.FAQ_ENTRY:
            self.faq_entry = None
            self._go(Screen.FAQ, now)
        elif self.screen is Screen.STATEMENT and self.in_session:
            self._go(Screen.RECORDS, now)
        elif (
            self.screen in (Screen.STAFF_PIN, Screen.STAFF)
            and self.personal.suspended
            and self.in_session
        ):
            self.staff, self.pin = False, ""  # back to the citizen a guide covered
            covered, self.personal.suspended = self.personal.suspended, None
            self._go(Screen(covered), now)
        elif self.screen is not Screen.ISSUING:
            self.home(now)

    # ---- server health ----------------------------------------------------------------------
    def server_down(self, now: float | None = None) -> None:
        if self.screen in (Screen.ISSUING, Screen.TICKET):
            return  # the ticket screen stays up; the issuing step reports its own failure
        self.home(now)
        self._go(Screen.OUT_OF_SERVICE, now)

    def server_up(self, now: float | None = None) -> None:
        if self.screen is Screen.OUT_OF_SERVICE:
            self.home(now)

    # ---- take a ticket ----------------------------------------------------------------------
    def take_ticket(self, now: float | None = None) -> None:
        self.staff = False
        self.priority_reason = None
        self._go(Screen.SERVICES, now)

    def service_info(self, code: str | None) -> dict | None:
        return next((s for s in self.services if s["code"] == code), None)

    def nearby_hints(self, svc: dict) -> list[tuple[str, dict]]:
        """(msgid, params) per nearby hall with a shorter queue for ``svc``, as the hall sent
        them (issue 18); none when it sent none — the city slow, absent or not configured."""
        return [
            (
                NEARBY_MSGID,
                {
                    "name": local_name(h["name"], self.language),
                    "waiting": h["waiting"],
                    "km": km_text(h["distance_km"]),
                },
            )
            for h in (svc.get("nearby") or [])[:NEARBY_LINES]
        ]

    def choose_service(self, code: str, now: float | None = None) -> bool:
        svc = self.service_info(code)
        if svc is None:
            return False
        if svc.get("issuing") == SOLD_OUT:
            self.notice, self.notice_params = SOLD_OUT_NOTICE, {}
            return False
        if not svc.get("open", True):
            self.notice, self.notice_params = CLOSED_NOTICE, {}
            return False
        if self.staff and not self.priority_reason:
            self.notice = "Choose the reason for priority first."
            return False
        if code != self.service:
            self.request_id = None  # a new choice is a new ticket
        self.service = code
        self._go(Screen.CONFIRM, now)
        return True

    def confirm(self, now: float | None = None) -> str | None:
        """Start issuing; the request_id is made once and reused until a ticket comes back, so a
        retry after a lost answer returns the same ticket instead of a second one."""
        if self.screen is not Screen.CONFIRM or not self.service:
            return None
        if self.request_id is None:
            self.request_id = uuid.uuid4().hex
        self._go(Screen.ISSUING, now)
        return self.request_id

    def issued(self, ticket: dict, now: float | None = None) -> None:
        self.ticket = ticket
        self.printed = None  # printing starts now; screen stays ISSUING

    def issue_failed(
        self, kind: str, message: str = "", now: float | None = None, code: str = ""
    ) -> None:
        if kind == "rejected" and code in (SOLD_OUT_CODE, CLOSED_CODE):
            # Stopped issuing since the list was read: mark it, and say so in the kiosk's words.
            state = SOLD_OUT if code == SOLD_OUT_CODE else CLOSED
            for svc in self.services:
                if svc["code"] == self.service:
                    svc.update(open=False, issuing=state)
            self.request_id, self.service = None, None
            self._go(Screen.STAFF if self.staff else Screen.SERVICES, now)
            self.notice = SOLD_OUT_NOTICE if state == SOLD_OUT else CLOSED_NOTICE
        elif kind == "rejected":
            self.request_id = None
            self._go(Screen.CONFIRM, now)
            self.notice, self.notice_params = (
                "The hall could not issue this ticket: {reason}",
                {"reason": message},
            )
        else:
            # Keep request_id: the server may have issued it; "try again" must get the same one.
            self._go(Screen.CONFIRM, now)
            # e.g. 503 "系统繁忙，请稍后再试", in the citizen's language
            if kind == "server" and message:
                self.notice = "The hall could not issue this ticket: {reason}"
                self.notice_params = {"reason": message}
            else:
                self.notice = (
                    "The queue server cannot be reached. Please try again or see the guide desk."
                )

    def print_done(self, now: float | None = None) -> None:
        """Printed (paper running low included: the citizen has the ticket, nothing to say)."""
        self.printed, self.printer_problem = True, None
        self.request_id = None
        self._go(Screen.TICKET, now)

    def print_failed(self, word: str, now: float | None = None) -> None:
        """The ticket exists on the server: show it large with its QR code instead of losing it."""
        self.printed, self.printer_problem = False, word
        self.request_id = None
        self._go(Screen.TICKET, now)

    # ---- business guide (§8.1.2) ------------------------------------------------------------
    def open_guide(self, now: float | None = None) -> None:
        self.guide_service = self.guide_item = None
        self._go(Screen.GUIDE, now)

    def choose_guide_service(self, code: str, now: float | None = None) -> None:
        self.guide_service = code
        self._go(Screen.GUIDE, now)

    def guide_items(self) -> list:
        return [i for i in self.items if i["service"] == self.guide_service]

    def open_item(self, code: str, now: float | None = None) -> None:
        if any(i["code"] == code for i in self.items):
            self.guide_item = code
            self._go(Screen.GUIDE_ITEM, now)

    def item_info(self) -> dict | None:
        return next((i for i in self.items if i["code"] == self.guide_item), None)

    def ticket_for_item(self, now: float | None = None) -> bool:
        item = self.item_info()
        if item is None:
            return False
        self.staff, self.priority_reason = False, None
        self._go(Screen.SERVICES, now)
        return self.choose_service(item["service"], now)

    # ---- policy Q&A (§6.1) ------------------------------------------------------------------
    def open_faq(self, now: float | None = None) -> None:
        self.faq_query, self.faq_topic, self.faq_entry = "", "", None
        self._go(Screen.FAQ, now)

    def faq_key(self, letter: str) -> bool:
        """On-screen A–Z keyboard: pinyin initials (ylbx → 养老保险). True when the query changed."""
        letter = letter.lower()
        if len(letter) != 1 or not ("a" <= letter <= "z") or len(self.faq_query) >= FAQ_QUERY_MAX:
            return False
        self.faq_query += letter
        self.page = 0
        return True

    def faq_backspace(self) -> bool:
        if not self.faq_query:
            return False
        self.faq_query = self.faq_query[:-1]
        self.page = 0
        return True

    def choose_topic(self, code: str) -> None:
        self.faq_topic = "" if code == self.faq_topic else code
        self.page = 0

    def faq_results(self, topics: list, entries: list) -> None:
        self.faq_topics, self.faq_entries = topics, entries
        if self.screen is Screen.FAQ:  # a shorter answer must not leave us past the last page
            self.page = min(self.page, self.page_count - 1)

    def open_entry(self, entry_id: str, now: float | None = None) -> None:
        if any(e["id"] == entry_id for e in self.faq_entries):
            self.faq_entry = entry_id
            self._go(Screen.FAQ_ENTRY, now)

    def entry_info(self) -> dict | None:
        return next((e for e in self.faq_entries if e["id"] == self.faq_entry), None)

    # ---- staff mode (guide PIN, priority tickets) -------------------------------------------
    def corner_tap(self, now: float) -> bool:
        """The hidden corner: CORNER_TAPS taps within CORNER_WINDOW_S open the PIN pad."""
        self.corner_taps = [t for t in self.corner_taps if now - t < CORNER_WINDOW_S] + [now]
        if len(self.corner_taps) >= CORNER_TAPS and self.screen in CORNER_SCREENS:
            # A guide helping a citizen (§7.5): a live session is kept, hidden behind staff
            # mode (which never shows records); anything else the citizen typed is dropped.
            covered = (
                self.screen.value
                if self.in_session and self.screen in (Screen.RECORDS, Screen.STATEMENT)
                else None
            )
            if covered is None:
                self.wipe()
            self.personal.suspended = covered
            self.corner_taps = []
            self.pin = ""
            self._go(Screen.STAFF_PIN, now)
            return True
        return False

    def pin_key(self, digit: str) -> None:
        if digit.isdigit() and len(digit) == 1 and len(self.pin) < PIN_MAX:
            self.pin += digit

    def pin_clear(self) -> None:
        self.pin = ""

    def pin_checked(self, ok: bool, now: float | None = None) -> None:
        self.pin = ""
        if ok:
            self.staff, self.priority_reason = True, None
            self._go(Screen.STAFF, now)
        else:
            self.notice = "Wrong PIN."

    def choose_reason(self, reason: str) -> None:
        if self.staff and reason in PRIORITY_REASONS:
            self.priority_reason = reason
            self.notice = None

    # ---- what the screen says aloud in elder mode -------------------------------------------
    def prompt(self) -> str:
        return {
            Screen.HOME: "Welcome. Touch Take a ticket, Appointment check-in, My records, Case "
            "progress, Business guide or Policy Q&A.",
            Screen.SERVICES: "Choose the business you want to handle.",
            Screen.CONFIRM: "Touch Confirm to take the ticket.",
            Screen.ISSUING: "Printing your ticket, please wait.",
            Screen.TICKET: (
                "Please take your ticket and wait for your number to be called."
                if self.printed
                else "The ticket could not be printed. Please note your number and see the guide desk."
            ),
            Screen.GUIDE: "Choose a business to see what to bring.",
            Screen.GUIDE_ITEM: "Here is what to bring and where to go.",
            Screen.FAQ: "Choose a topic, or type the first letters of the pinyin.",
            Screen.FAQ_ENTRY: "Here is the answer.",
            Screen.STAFF_PIN: "Staff only.",
            Screen.STAFF: "Staff only.",
            Screen.OUT_OF_SERVICE: "This kiosk is temporarily out of service. Please see the guide desk.",
            Screen.VERIFY: (
                "Please place your ID card on the reader."
                if self.reader_usable
                else "Scan your e-SSC code, or type your ID number and query password."
            ),
            Screen.RECORDS: "Here are your records. Touch Exit when you are done.",
            Screen.STATEMENT: "Choose the statement and the months, then touch Preview.",
            Screen.PROGRESS: CASE_INPUT,
            Screen.CHECKIN: (
                "Place your ID card on the reader, or type your booking code."
                if self.reader_usable
                else "Type your booking code."
            ),
        }[self.screen]
