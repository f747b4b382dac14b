"""The citizen's own records at the kiosk (§6.3, §8.1.3, §8.6; DESIGN §5): verify identity, my
records, printed statements and the case-progress query — plain Python, mixed into ``Flow``.

Everything personal — the session token, the masked person, every record the server sent, what
was typed on the keypads, the statement — lives in ONE ``Personal`` object (``flow.personal``).
``wipe()`` replaces it, so ending the session forgets everything at once, and queues the token
in ``flow.ending`` for the controller to end on the server (DELETE). Leaving the citizen's
screens, the idle timeout, the session's own time running out, the server saying it ended, or
a guide ending it (§7.5) all go through ``wipe()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from queue_server.core.errors import InvalidIdNumber
from queue_server.core.idnumber import validate_id_number
from queue_server.core.insurance import INSURANCES
from queue_server.core.numbering import HALL_TZ
from queue_server.core.vocabulary import PRINTER_PRINTS

ID_LEN, PASSWORD_LEN, CHECK_LEN, CASE_MAX = 18, 6, 4, 24
TABS = ("profile", "contributions", "account", "benefits", "cases")
KINDS = ("contribution_certificate", "annual_record")
ELDER_ROWS = 4  # rows of a records table per page in elder mode (适老化: fewer at once)
FIRST_YEAR = 1990  # the statement steppers stop here (and at the first month insured)

# Notices (msgids of kiosk/locale/*/kiosk.po).
BAD_ID = "This ID number is not valid; please check it."
NEED_PASSWORD = "Type the 6-digit query password."
WRONG_PASSWORD = "The ID number or query password is wrong. {tries} tries left today."
LOCKED = (
    "Too many wrong query passwords for this ID number today. Please try again tomorrow "
    "or go to a window."
)
CARD_REFUSED = "This ID card could not be confirmed. Please use another way or go to a window."
CARD_EXPIRED = "This ID card is out of date. Please use another way or go to a window."
CODE_REFUSED = "This code is not valid or has expired. Refresh it in the app and scan again."
RECORDS_DOWN = "Personal records cannot be looked up at the moment. Please go to a window."
SERVER_DOWN = "The hall's server cannot be reached. Please go to a window."
SESSION_ENDED = "Your session has ended. Please verify your identity again."
CARD_RETRY = (
    "The ID card could not be read. Lift it, place it on the reader again and hold it still."
)
CARD_UNSUPPORTED = "This kiosk reads resident ID cards only. Please use another way."
READER_DOWN = "The ID card reader is not answering. Please scan your code or type your ID number."
SCANNER_DOWN = "The code scanner is not answering. Please use another way."
CASE_NOT_FOUND = "No case matches this number and these four characters. Please check both."
CASE_INPUT = "Type the case number and the last 4 characters of the applicant's ID number."
PAPER_PROBLEM = (
    "The printer stopped ({problem}): the statement may be incomplete. Please ask "
    "the guide desk to load paper, then touch Reprint."
)
STAFF_ENDED = "The citizen's session has ended."
DEVICE_DOWN_WORDS = ("no_answer", "offline", "reader_fault")


@dataclass
class Personal:
    """What this citizen's visit holds; replaced whole by ``Flow.wipe()``."""

    token: str | None = None
    person: dict = field(default_factory=dict)  # masked name and ID number from the server
    idle_s: float = 120.0
    max_s: float = 600.0
    started: float = 0.0
    seen: float = 0.0  # the last answer of the session's server
    busy: str | None = None  # verify | statement | print | progress
    assisted: bool = False  # a guide started this (§7.5)
    suspended: str | None = None  # the citizen screen staff mode covers
    # the verify keypad
    focus: str = "id"  # id | password
    id_entry: str = ""
    password_entry: str = ""
    # my records
    tab: str = "profile"
    records: dict = field(default_factory=dict)  # "profile", "contributions:2024" → answer
    failed: set = field(default_factory=set)  # keys not loaded: tried again on a touch
    year: int | None = None  # contributions: the year shown
    insurance: str = "pension"
    page: int = 0
    # statements
    kind: str = "contribution_certificate"
    first: int | None = None  # months as year * 12 + month - 1
    last: int | None = None
    stmt_year: int | None = None
    statement: dict | None = None  # the server's answer: content + code
    printed: bool | None = None
    print_problem: str | None = None
    printer_back: bool = False
    # progress query (no session)
    case_field: str = "case"  # case | check
    case_entry: str = ""
    check_entry: str = ""
    letters: bool = False
    progress: dict | None = None


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def this_month() -> int:
    """The hall's current month (its own time zone, not the machine's)."""
    today = datetime.now(HALL_TZ)
    return month_index(today.year, today.month)


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class CitizenSteps:
    """Mixed into ``Flow`` (kiosk/flow.py); uses its ``screen``, ``personal``, ``notice``,
    ``elder``, ``last_touch``, ``idle_timeout_s``, ``wants_card``, ``checkin``, ``_go`` and
    ``home``."""

    # ---- the session's life -----------------------------------------------------------------
    def wipe(self) -> None:
        """Forget everything personal; a live session is queued to end on the server."""
        if self.personal.token:
            self.ending.append(self.personal.token)
        self.personal = Personal()

    def take_ending(self) -> list[str]:
        out, self.ending = self.ending, []
        return out

    @property
    def in_session(self) -> bool:
        return bool(self.personal.token)

    def session_left(self, now: float) -> float:
        """Seconds until this session ends: its absolute limit, the server's idle limit since
        the last answer, or the kiosk's own idle timeout since the last touch."""
        p = self.personal
        if not p.token:
            return 0.0
        return max(
            0.0,
            min(p.started + p.max_s, p.seen + p.idle_s, self.last_touch + self.idle_timeout_s)
            - now,
        )

    def citizen_tick(self, now: float) -> bool:
        """The session's time ran out on screen: wipe and go home. True when it did."""
        if self.in_session and self.screen in self.SESSION_SCREENS and self.session_left(now) <= 0:
            self.next_citizen(now)
            return True
        return False

    def session_ended_by_server(self, now: float | None = None) -> None:
        """The server says the session is over (idle, 10 minutes, ended elsewhere)."""
        self.personal.token = None  # nothing left to end on the server
        self.wipe()
        self._go(self.Screen.VERIFY, now)
        self.notice = SESSION_ENDED

    def finish(self, now: float | None = None) -> None:
        """退出 / finish: the session ends and every screen forgets it."""
        self.home(now)

    # ---- verify ----------------------------------------------------------------------------
    def open_verify(self, now: float | None = None) -> None:
        self.wipe()
        self._go(self.Screen.VERIFY, now)

    def verify_field(self, name: str) -> None:
        if name in ("id", "password"):
            self.personal.focus = name

    def verify_key(self, key: str) -> None:
        p = self.personal
        key = key.upper()
        if p.busy or len(key) != 1:
            return
        if p.focus == "id":
            # X is only ever the 18th character (GB 11643 check digit)
            if key.isdigit() or (key == "X" and len(p.id_entry) == ID_LEN - 1):
                if len(p.id_entry) < ID_LEN:
                    p.id_entry += key
                if len(p.id_entry) == ID_LEN:
                    p.focus = "password"
        elif key.isdigit() and len(p.password_entry) < PASSWORD_LEN:
            p.password_entry += key
        self.notice = None

    def verify_backspace(self) -> None:
        p = self.personal
        if p.focus == "password":
            if p.password_entry:
                p.password_entry = p.password_entry[:-1]
            else:
                p.focus = "id"
        else:
            p.id_entry = p.id_entry[:-1]

    def verify_clear(self) -> None:
        p = self.personal
        p.id_entry = p.password_entry = ""
        p.focus = "id"
        self.notice = None

    def verify_submit(self) -> dict | None:
        """The body of POST /citizen/session for the typed number and password, or None (and
        a notice saying what is missing)."""
        p = self.personal
        if self.screen is not self.Screen.VERIFY or p.busy:
            return None
        try:
            number = validate_id_number(p.id_entry)
        except InvalidIdNumber:
            self.notice, p.focus = BAD_ID, "id"
            return None
        if len(p.password_entry) != PASSWORD_LEN:
            self.notice, p.focus = NEED_PASSWORD, "password"
            return None
        p.busy = "verify"
        self.notice = None
        return {"password": {"id_number": number, "password": p.password_entry}}

    def accept_credential(self) -> bool:
        """A card on the reader or a scanned code: used only on the verify screen, once."""
        if self.screen is not self.Screen.VERIFY or self.personal.busy:
            return False
        self.personal.busy = "verify"
        self.notice = None
        return True

    def verified(self, answer: dict, now: float) -> str:
        """The server confirmed the person: my records, starting with the profile."""
        p = self.personal
        p.busy = None
        p.token = answer["token"]
        p.person = dict(answer.get("person") or {})
        p.idle_s, p.max_s = float(answer.get("idle_s", 120)), float(answer.get("max_s", 600))
        p.started = p.seen = now
        p.id_entry = p.password_entry = ""  # typed credentials are not kept
        p.tab = "profile"
        self._go(self.Screen.RECORDS, now)
        return p.tab

    def verify_failed(self, failure, method: str) -> None:
        """Say why in plain words; the typed password is cleared, the number kept."""
        p = self.personal
        p.busy = None
        p.password_entry = ""
        if method == "password":
            p.focus = "password"
        self.notice, self.notice_params = refusal(failure, method), {}
        tries = failure.details.get("tries_left")
        if self.notice == WRONG_PASSWORD:
            self.notice_params = {"tries": tries}

    def card_problem(self, word: str) -> None:
        if self.wants_card and not self.personal.busy and not self.checkin.busy:
            self.notice = CARD_UNSUPPORTED if word == "unsupported_card" else CARD_RETRY

    def device_state(self, kind: str, word: str) -> None:
        """``kind`` reader | scanner; ``word`` the device's status word (ok, no_answer, off…)."""
        if kind == "reader":
            self.reader_status = word
        else:
            self.scanner_status = word
        if self.screen is self.Screen.VERIFY and word in DEVICE_DOWN_WORDS:
            self.notice = READER_DOWN if kind == "reader" else SCANNER_DOWN

    @property
    def reader_usable(self) -> bool:
        return self.reader_status not in ("off",) + DEVICE_DOWN_WORDS

    @property
    def scanner_usable(self) -> bool:
        return self.scanner_status not in ("off",) + DEVICE_DOWN_WORDS

    # ---- my records ------------------------------------------------------------------------
    def record_key(self, tab: str | None = None) -> str:
        p = self.personal
        tab = tab or p.tab
        return f"contributions:{p.year}" if tab == "contributions" and p.year else tab

    def wanted_load(self, now: float) -> tuple[str, str, dict] | None:
        """(key, what, params) the records screen needs from the server, or None. Also a
        keep-alive: a citizen still touching the screen keeps the server's session alive."""
        p = self.personal
        if not p.token or self.screen not in (self.Screen.RECORDS, self.Screen.STATEMENT):
            return None
        if "profile" not in p.records:  # the years to offer come from the profile
            return None if "profile" in p.failed else ("profile", "profile", {})
        if self.screen is self.Screen.RECORDS:
            if p.tab == "contributions" and p.year is None:
                p.year = self.this_year
            key = self.record_key()
            if key not in p.records and key not in p.failed:
                params = (
                    {"from": f"{p.year}-01", "to": f"{p.year}-12"}
                    if p.tab == "contributions"
                    else {}
                )
                return key, p.tab, params
        if self.last_touch > p.seen and now - p.seen >= p.idle_s / 2 and not p.failed:
            return "profile", "profile", {}
        return None

    def records_loaded(self, key: str, data: dict, now: float) -> None:
        self.personal.records[key] = data
        self.personal.seen = now
        self.personal.failed.discard(key)

    def records_failed(self, failure, now: float | None = None, key: str | None = None) -> None:
        if key is not None:
            self.personal.failed.add(key)
        if failure.code == "citizen_session_ended":
            self.session_ended_by_server(now)
        elif failure.kind == "offline":
            self.server_down(now)
        else:
            self.notice, self.notice_params = refusal(failure, ""), {}

    def choose_tab(self, tab: str) -> None:
        if tab in TABS and self.in_session:
            self.personal.tab, self.personal.page = tab, 0
            self.personal.failed.clear()  # touching again tries again
            self.notice = None

    def choose_insurance(self, code: str) -> None:
        if code in INSURANCES:
            self.personal.insurance, self.personal.page = code, 0

    def year_step(self, step: int) -> None:
        p = self.personal
        first = self.first_year
        p.year = max(first, min(self.this_year, (p.year or self.this_year) + step))
        p.page = 0
        p.failed.clear()

    def records_page(self, step: int) -> None:
        self.personal.page = max(0, min(self.personal.page + step, self.records_pages - 1))

    @property
    def this_year(self) -> int:
        return self.today_month // 12

    @property
    def first_year(self) -> int:
        first = (self.personal.records.get("profile") or {}).get("first_month") or ""
        return int(first[:4]) if first[:4].isdigit() else self.this_year - 30

    @property
    def first_month(self) -> int:
        first = (self.personal.records.get("profile") or {}).get("first_month") or ""
        if len(first) == 7 and first[:4].isdigit() and first[5:].isdigit():
            return month_index(int(first[:4]), int(first[5:]))
        return month_index(FIRST_YEAR, 1)

    def table_rows(self) -> list:
        """Rows of the table on the current tab (the screen formats them)."""
        p = self.personal
        data = p.records.get(self.record_key()) or {}
        if p.tab == "contributions":
            return [m for m in data.get("months", []) if m["insurance"] == p.insurance]
        if p.tab == "account":
            return list(reversed(data.get("years", [])))
        if p.tab == "benefits":
            return list(reversed(data.get("payments", [])))
        if p.tab == "cases":
            return data.get("cases", [])
        return (data.get("statuses") or []) if data else []

    @property
    def rows_per_page(self) -> int:
        return ELDER_ROWS if self.elder else 1000  # ordinary mode scrolls instead

    @property
    def records_pages(self) -> int:
        return max(1, -(-len(self.table_rows()) // self.rows_per_page))

    @property
    def records_has_prev(self) -> bool:
        return self.personal.page > 0

    @property
    def records_has_next(self) -> bool:
        return self.personal.page + 1 < self.records_pages

    def page_rows(self) -> list:
        start = self.personal.page * self.rows_per_page
        return self.table_rows()[start : start + self.rows_per_page]

    # ---- statements ------------------------------------------------------------------------
    def open_statement(self, now: float | None = None) -> None:
        if not self.in_session:
            return
        p = self.personal
        p.statement, p.printed, p.print_problem = None, None, None
        if p.last is None:
            p.last = self.today_month
            p.first = max(self.first_month, p.last - 11)
            p.stmt_year = self.this_year - 1
        self._go(self.Screen.STATEMENT, now)

    def statement_kind(self, kind: str) -> None:
        if kind in KINDS:
            p = self.personal
            p.kind, p.statement, p.printed, p.print_problem = kind, None, None, None

    def statement_change(self) -> None:
        """Back from the preview to the choice of statement (a new preview makes a new one)."""
        p = self.personal
        if not p.busy:
            p.statement, p.printed, p.print_problem, p.printer_back = None, None, None, False
            self.notice = None

    def statement_range(self, which: str, step: int) -> None:
        """Move the first or last month by ``step`` months (±1, ±12), keeping first ≤ last."""
        p = self.personal
        low, high = self.first_month, self.today_month
        if which == "first":
            p.first = max(low, min(p.last, p.first + step))
        elif which == "last":
            p.last = max(p.first, min(high, p.last + step))
        p.statement = None

    def statement_preset(self, months: int) -> None:
        """The last ``months`` months (0: since the first month insured)."""
        p = self.personal
        p.last = self.today_month
        p.first = self.first_month if months <= 0 else max(self.first_month, p.last - months + 1)
        p.statement = None

    def statement_year_step(self, step: int) -> None:
        p = self.personal
        p.stmt_year = max(self.first_year, min(self.this_year, p.stmt_year + step))
        p.statement = None

    def statement_request(self) -> dict | None:
        """The body of POST /citizen/statements (the preview makes the statement)."""
        p = self.personal
        if not self.in_session or p.busy:
            return None
        p.busy = "statement"
        p.printed, p.print_problem = None, None
        self.notice = None
        if p.kind == "annual_record":
            return {"kind": p.kind, "year": p.stmt_year}
        return {"kind": p.kind, "from": month_label(p.first), "to": month_label(p.last)}

    def statement_ready(self, data: dict, now: float) -> None:
        p = self.personal
        p.busy, p.statement, p.seen = None, data, now

    def statement_failed(self, failure, now: float | None = None) -> None:
        self.personal.busy = None
        self.records_failed(failure, now)

    def print_request(self) -> dict | None:
        """The statement to print (its layout is made by the controller), or None."""
        p = self.personal
        if not p.statement or p.busy or (p.print_problem and not p.printer_back):
            return None
        p.busy, p.printed = "print", None
        return p.statement

    def statement_printed(self) -> None:
        p = self.personal
        p.busy, p.printed, p.print_problem, p.printer_back = None, True, None, False

    def statement_print_failed(self, word: str) -> None:
        """Paper out (or another stop) during the statement: say so, offer a reprint once the
        printer is ready again (``printer_status``)."""
        p = self.personal
        p.busy, p.printed, p.print_problem, p.printer_back = None, False, word, False
        self.notice, self.notice_params = PAPER_PROBLEM, {"problem": word}

    def printer_status(self, word: str) -> bool:
        """The printer's status while a reprint waits; True when Reprint became possible."""
        p = self.personal
        back = word in PRINTER_PRINTS
        changed = bool(p.print_problem) and back != p.printer_back
        p.printer_back = back if p.print_problem else False
        return changed

    @property
    def waiting_for_printer(self) -> bool:
        return bool(self.personal.print_problem) and not self.personal.printer_back

    # ---- progress query (§8.1.2: stage and next stage, no session) -------------------------
    def open_progress(self, now: float | None = None) -> None:
        self.wipe()
        self._go(self.Screen.PROGRESS, now)

    def progress_field(self, name: str) -> None:
        if name in ("case", "check"):
            self.personal.case_field = name
            self.personal.letters = False

    def progress_letters(self) -> None:
        self.personal.letters = not self.personal.letters

    def progress_key(self, key: str) -> None:
        p = self.personal
        key = key.upper()
        if len(key) != 1 or not key.isalnum() or not key.isascii():
            return
        if p.case_field == "case":
            if len(p.case_entry) < CASE_MAX:
                p.case_entry += key
        elif (key.isdigit() or (key == "X" and len(p.check_entry) == CHECK_LEN - 1)) and len(
            p.check_entry
        ) < CHECK_LEN:
            p.check_entry += key
        p.progress, self.notice = None, None

    def progress_backspace(self) -> None:
        p = self.personal
        if p.case_field == "case":
            p.case_entry = p.case_entry[:-1]
        else:
            p.check_entry = p.check_entry[:-1]
        p.progress = None

    def progress_submit(self) -> tuple[str, str] | None:
        p = self.personal
        if self.screen is not self.Screen.PROGRESS or p.busy:
            return None
        if len(p.case_entry) < 6 or len(p.check_entry) != CHECK_LEN:
            self.notice, self.notice_params = CASE_INPUT, {}
            return None
        p.busy, p.progress, self.notice = "progress", None, None
        return p.case_entry, p.check_entry

    def progress_found(self, data: dict) -> None:
        self.personal.busy, self.personal.progress = None, data

    def progress_failed(self, failure, now: float | None = None) -> None:
        self.personal.busy = None
        if failure.kind == "offline":
            self.server_down(now)
            return
        self.notice = CASE_NOT_FOUND if failure.status == 404 else refusal(failure, "")
        self.notice_params = {}

    # ---- staff assistance (§7.5) -----------------------------------------------------------
    def staff_assist(self, now: float | None = None) -> None:
        """The guide opens the identity check for a citizen; the records are the citizen's
        alone: staff mode ends here."""
        if not self.staff:
            return
        self.staff = False
        self.wipe()
        self.personal.assisted = True
        self._go(self.Screen.VERIFY, now)

    def staff_end_session(self, now: float | None = None) -> None:
        if self.staff and self.in_session:
            self.wipe()
            self.notice = STAFF_ENDED

    def staff_return(self, now: float | None = None) -> None:
        """Back to the citizen's screen the guide covered (staff mode ends)."""
        if self.staff and self.in_session and self.personal.suspended:
            self.back(now)


def refusal(failure, method: str) -> str:
    """The kiosk's own plain words for a refused or failed records request."""
    code, status = failure.code, failure.status
    if failure.kind == "offline":
        return SERVER_DOWN
    if status == 503 or failure.kind == "server":
        return RECORDS_DOWN
    if failure.details.get("tries_left") == 0:
        return LOCKED
    if code == "not_verified":
        if method == "password":
            return WRONG_PASSWORD
        return CODE_REFUSED if method == "essc_qr" else CARD_REFUSED
    if failure.details.get("field") == "id_card.valid_to":
        return CARD_EXPIRED
    if code == "invalid_id_number":
        return BAD_ID
    if code == "citizen_session_ended":
        return SESSION_ENDED
    # e.g. a kiosk slowed after many failures: the server's own words, in this language
    return failure.message or RECORDS_DOWN
