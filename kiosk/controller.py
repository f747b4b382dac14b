"""Drives the Flow: runs HTTP calls and print jobs off the UI thread and feeds their results
back. No Kivy here: the app passes a ``runner`` that hands results to the UI thread
(``Clock.schedule_once``); tests pass ``SyncRunner`` and assert on the flow, the server and the
printer directly.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

from printer import PrinterError, open_printer

from . import staffpin
from .citizen_io import CitizenIO
from .client import Failure, HallClient
from .config import KioskConfig
from .flow import Flow, Screen
from .i18n import translate
from .ticketprint import ticket_layout
from .touches import Touches
from .voice import Voice

log = logging.getLogger(__name__)


class SyncRunner:
    """Runs the job at once and calls back on the same thread (tests, benchmarks)."""

    def submit(self, job: Callable, done: Callable) -> None:
        done(job())


class ThreadRunner:
    """Jobs on a small pool; ``deliver`` puts the callback on the UI thread."""

    def __init__(self, deliver: Callable[[Callable], None], workers: int = 3):
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-io")
        self.deliver = deliver

    def submit(self, job: Callable, done: Callable) -> None:
        def run():
            try:
                result = job()
            except Exception:  # never let a worker die silently; the UI gets a typed failure
                log.exception("background job failed")
                result = Failure("server", "internal")
            self.deliver(lambda: done(result))

        self.pool.submit(run)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class Controller(Touches, CitizenIO):
    """The kiosk's touches (kiosk/touches.py), the citizen's records (kiosk/citizen_io.py), and
    here the server's lists, the ticket and the printer."""

    def __init__(
        self,
        config: KioskConfig,
        *,
        runner=None,
        client: HallClient | None = None,
        printer=None,
        voice: Voice | None = None,
        clock: Callable[[], float] = time.monotonic,
        reader=None,
        scanner=None,
    ):
        self.config = config
        self.pin_guard = staffpin.PinGuard(config.staff_pin_hash)
        self.runner = runner or SyncRunner()
        self.client = client or HallClient(
            config.server_url,
            config.device_token(),
            timeout=config.http_timeout_s,
            retries=config.http_retries,
        )
        self.printer = (
            printer
            if printer is not None
            else open_printer(
                config.printer_url, width_mm=config.printer_width_mm, mode=config.printer_mode
            )
        )
        self.voice = voice or Voice(enabled=config.voice)
        self.clock = clock
        self.flow = Flow(
            languages=tuple(config.languages),
            idle_timeout_s=config.idle_timeout_s,
            ticket_screen_s=config.ticket_screen_s,
        )
        # The server answers in the citizen's language (its refusals reach the screen).
        self.client.language = lambda: self.flow.language
        self.hall: dict = {}
        self.windows: list[dict] = []
        self.printer_word = "ok"
        self.printer_detail = ""
        self.listeners: list[Callable[[], None]] = []
        self._print_lock = threading.Lock()
        self._last_screen = None
        self.flow.touch(self.clock())
        self._open_devices(reader, scanner)  # ID card reader, QR scanner (citizen_io.py)

    # ---- plumbing ---------------------------------------------------------------------------
    def changed(self) -> None:
        self._sync_citizen()
        # Prompts are spoken in elder mode; the card screens' ("请将身份证放在感应区") always.
        spoken = self.flow.elder or self.flow.wants_card
        if spoken and self.flow.screen != self._last_screen:
            self.voice.say(self.t(self.flow.prompt()), self.flow.language)
        self._last_screen = self.flow.screen
        for fn in list(self.listeners):
            fn()

    def t(self, msgid: str, **params) -> str:
        return translate(msgid, self.flow.language, **params)

    def t_zh(self, msgid: str, **params) -> str:
        return translate(msgid, "zh_CN", **params)

    def now(self) -> float:
        return self.clock()

    # ---- periodic ---------------------------------------------------------------------------
    def start(self) -> None:
        self.set_today()
        self.start_devices()
        self.refresh()
        self.send_heartbeat()

    def tick(self) -> None:
        self.set_today()
        if self.flow.tick(self.now()):
            self.changed()
        self.check_printer()

    def refresh(self) -> None:
        """Services (waiting, estimated wait, open), windows and the hall; also the health probe
        that takes the kiosk out of and back into service."""

        def job():
            return (
                self.client.services(),
                (self.client.hall() if not self.hall else None),
                self.client.windows(),
            )

        def done(results):
            services, hall, windows = results
            if not services.ok:
                if services.kind != "rejected":
                    self.flow.server_down(self.now())
                    self.changed()
                return
            self.flow.services = services.data["services"]
            if hall is not None and hall.ok:
                self.hall = hall.data
            if windows.ok:
                self.windows = windows.data["windows"]
            self.flow.server_up(self.now())
            self.changed()

        self.runner.submit(job, done)

    def send_heartbeat(self) -> None:
        def job():
            try:
                st = self.printer.status()
                word, detail = st.word, st.message_en
            except PrinterError as exc:
                word, detail = exc.word, exc.message_en
            except Exception as exc:  # a broken transport must not stop the heartbeat
                word, detail = "error", str(exc)[:200]
            self.printer_word, self.printer_detail = word, detail
            return self.client.heartbeat(self.config.device_id, word, detail, self.device_words())

        self.runner.submit(job, lambda result: None)

    def _report_printer(self, word: str, detail: str) -> None:
        """A print failure is reported at once, not at the next heartbeat."""
        self.printer_word, self.printer_detail = word, detail
        self.runner.submit(
            lambda: self.client.heartbeat(self.config.device_id, word, detail), lambda r: None
        )

    # ---- loads ------------------------------------------------------------------------------
    def load_items(self) -> None:
        def done(result):
            if result.ok:
                self.flow.items = result.data["items"]
                self.changed()
            elif result.kind != "rejected":
                self.flow.server_down(self.now())
                self.changed()

        if not self.flow.services:
            self.refresh()
        self.runner.submit(self.client.items, done)

    def search_faq(self) -> None:
        q, topic = self.flow.faq_query, self.flow.faq_topic

        def done(result):
            if (q, topic) != (self.flow.faq_query, self.flow.faq_topic):
                return  # typed on meanwhile; a newer search is on its way
            if result.ok:
                self.flow.faq_results(result.data["topics"], result.data["entries"])
                self.changed()
            elif result.kind != "rejected":
                self.flow.server_down(self.now())
                self.changed()

        self.runner.submit(lambda: self.client.faq(q, topic), done)

    # ---- the ticket -------------------------------------------------------------------------
    def confirm(self) -> None:
        request_id = self.flow.confirm(self.touched())
        if request_id is None:
            return
        self.changed()
        service, reason = self.flow.service, self.flow.priority_reason
        self.runner.submit(
            lambda: self.client.issue_ticket(service, request_id, reason), self._issued
        )

    def _issued(self, result) -> None:
        if not result.ok:
            self.flow.issue_failed(result.kind, result.message, self.now(), code=result.code)
            self.changed()
            return
        self.flow.issued(result.data, self.now())
        self.changed()
        self._print_ticket(result.data)

    def _print_ticket(self, ticket: dict) -> None:
        """A walk-in's ticket, or a booking's (its paper says 预约 and the slot: core.paper)."""
        service = self.flow.service_info(ticket["service"]) or {}
        layout = ticket_layout(self.hall, ticket, service, self.windows)
        self.runner.submit(lambda: self._print(self.printer.print_ticket, layout), self._printed)

    # ---- a booking's check-in (kiosk/checkin_flow.py) ---------------------------------------
    def submit_checkin(self) -> None:
        self.touched()
        self._check_in(self.flow.checkin_submit())

    def checkin_walk_in(self) -> None:
        """Late: take the normal ticket the server offered (the same request, walk_in)."""
        self.touched()
        self._check_in(self.flow.checkin_walk_in())

    def check_in_with_card(self, id_number: str) -> None:
        """An ID card on the reader while the check-in screen waits (citizen_io.py)."""
        self._check_in(self.flow.checkin_card(id_number))

    def _check_in(self, body: dict | None) -> None:
        self.changed()
        if body is None:
            return
        pending = self.flow.checkin

        def done(result):
            if self.flow.checkin is not pending:  # the citizen left (home, idle)
                return
            if result.ok:
                ticket = self.flow.checked_in(result.data, self.now())
                self.changed()
                self._print_ticket(ticket)
            else:
                self.flow.checkin_failed(result, self.now())
                self.changed()

        self.runner.submit(lambda: self.client.check_in(body), done)

    def _print(self, send: Callable, layout):
        """One job at a time on the printer (a ticket or a statement):
        ("ok", status word, "") or ("failed", status word, detail)."""
        with self._print_lock:
            try:
                return ("ok", send(layout).word, "")
            except PrinterError as exc:
                return ("failed", exc.word, exc.message_en)
            except Exception as exc:
                log.exception("printing failed")
                return ("failed", "error", str(exc)[:200])

    def _printed(self, outcome) -> None:
        result, word, detail = outcome
        if result == "ok":
            self.printer_word = word
            self.flow.print_done(self.now())
            if word != "ok":
                self._report_printer(word, "")
        else:
            self.flow.print_failed(word, self.now())
            self._report_printer(word, detail)
        self.changed()

    # ---- staff ------------------------------------------------------------------------------
    def submit_pin(self) -> None:
        now = self.touched()
        verdict = self.pin_guard.attempt(self.flow.pin, now)  # no PIN set, lockout, or the check
        self.flow.pin_checked(verdict.ok, now)
        if not verdict.ok:
            self.flow.notice, self.flow.notice_params = verdict.notice, verdict.params
        self.changed()

    def estimated_wait_text(self, seconds) -> str:
        if seconds is None:
            return self.t("No estimate yet")
        if seconds == 0:  # the server says 0 only when nobody is ahead and a window is free
            return self.t("No wait")
        return self.t("About {minutes} min", minutes=max(1, round(seconds / 60)))
