"""The controller's half of the citizen's records (mixed into ``Controller``): the ID card reader
and the QR scanner, the citizen session's requests, statements on the printer and the progress
query. No Kivy: results come back through the runner, decisions are the Flow's
(kiosk/citizen_flow.py).

Personal data passes through here and is not kept: a card read from the reader becomes the body
of one request and is dropped; an answer that arrives after the citizen has gone is discarded
(and a session it started is ended at once).
"""

from __future__ import annotations

import logging

from kiosk.devices import (
    CardRead,
    CardUnreadable,
    CodeScanned,
    DeviceDown,
    DeviceUp,
    open_idcard_reader,
    open_qr_scanner,
)

from .citizen_flow import this_month
from .flow import Screen
from .statementprint import statement_layout

log = logging.getLogger(__name__)


def id_card_body(card) -> dict:
    """What the server needs from a card (kiosk/devices/idcard.IdCard); nothing else leaves."""
    return {
        "id_card": {
            "name": card.name,
            "id_number": card.id_number,
            "valid_from": card.valid_from.isoformat(),
            "valid_to": card.valid_to.isoformat() if card.valid_to else "长期",
        }
    }


class CitizenIO:
    def _open_devices(self, reader, scanner) -> None:
        cfg = self.config
        self.reader = reader if reader is not None else open_idcard_reader(cfg.idcard_reader)
        self.scanner = scanner if scanner is not None else open_qr_scanner(cfg.qr_scanner)
        self._loading: set[str] = set()
        self._checking_printer = False

    def start_devices(self) -> None:
        for kind, device in (("reader", self.reader), ("scanner", self.scanner)):
            device.start()
            self.flow.device_state(kind, device.status)

    def stop_devices(self) -> None:
        for device in (self.reader, self.scanner):
            try:
                device.stop()
            except Exception:
                log.exception("stopping %s", device.name)

    def device_words(self) -> dict:
        """For the heartbeat (§8.1.5: the guide desk sees a reader that stopped answering)."""
        return {"idcard_reader": self.reader.status, "qr_scanner": self.scanner.status}

    def set_today(self) -> None:
        self.flow.today_month = this_month()

    # ---- devices (the UI thread polls them) -------------------------------------------------
    def poll_devices(self) -> None:
        changed = False
        for kind, device in (("reader", self.reader), ("scanner", self.scanner)):
            for event in device.poll():
                changed = self._device_event(kind, event) or changed
        if changed:
            self.changed()

    def _device_event(self, kind: str, event) -> bool:
        flow = self.flow
        if isinstance(event, CardRead):
            if flow.screen is Screen.CHECKIN:  # a booking's check-in (controller.py)
                self.check_in_with_card(event.card.id_number)
            elif flow.accept_credential():
                self._start_session(id_card_body(event.card), "id_card")
            return True
        if isinstance(event, CodeScanned):
            if flow.accept_credential():
                self._start_session({"essc_qr": event.code}, "essc_qr")
            return True
        if isinstance(event, CardUnreadable):
            flow.card_problem(event.error.word)
            return True
        if isinstance(event, DeviceDown):
            flow.device_state(kind, event.error.word)
            return True
        if isinstance(event, DeviceUp):
            flow.device_state(kind, "ok")
            return True
        return False  # CardRemoved: nothing to do

    def key_typed(self, text: str) -> None:
        """A keyboard-wedge scanner types into the kiosk window (Enter as "\\r")."""
        feed = getattr(self.scanner, "feed", None)
        if feed is not None:
            for ch in text:
                feed(ch)

    def _sync_citizen(self) -> None:
        """After every change: the reader armed only on the verify and check-in screens, the
        scanner on the verify screen, ended sessions ended on the server, and whatever the
        records screen needs loaded."""
        verify = self.flow.screen is Screen.VERIFY
        for device, wanted in ((self.reader, self.flow.wants_card), (self.scanner, verify)):
            if wanted and not device.armed:
                device.arm()
            elif not wanted and device.armed:
                device.disarm()  # also drops a card or code not yet taken
        for token in self.flow.take_ending():
            self.runner.submit(lambda t=token: self.client.end_session(t), lambda r: None)
        self._load_records()

    # ---- verify ----------------------------------------------------------------------------
    def submit_verify(self) -> None:
        now = self.now()
        self.flow.touch(now)
        body = self.flow.verify_submit()
        if body is not None:
            self._start_session(body, "password")
        self.changed()

    def _start_session(self, body: dict, method: str) -> None:
        personal = self.flow.personal

        def job():
            # The profile comes in the same trip: the records screen is drawn once, with it.
            result = self.client.start_session(body)
            profile = self.client.citizen(result.data["token"], "profile") if result.ok else None
            return result, profile

        def done(results):
            result, profile = results
            if self.flow.personal is not personal:  # the citizen left meanwhile
                if result.ok:
                    self.flow.ending.append(result.data["token"])
                    self.changed()
                return
            if result.ok:
                now = self.now()
                self.flow.verified(result.data, now)
                if profile.ok:
                    self.flow.records_loaded("profile", profile.data, now)
                else:
                    self.flow.records_failed(profile, now, "profile")
            else:
                self.flow.verify_failed(result, method)
            self.changed()

        self.runner.submit(job, done)

    # ---- my records ------------------------------------------------------------------------
    def _load_records(self) -> None:
        now = self.now()
        want = self.flow.wanted_load(now)
        if want is None or want[0] in self._loading:
            return
        key, what, params = want
        personal, token = self.flow.personal, self.flow.personal.token
        self._loading.add(key)

        def done(result):
            self._loading.discard(key)
            if self.flow.personal is not personal:
                return
            if result.ok:
                self.flow.records_loaded(key, result.data, self.now())
            else:
                self.flow.records_failed(result, self.now(), key)
            self.changed()

        self.runner.submit(lambda: self.client.citizen(token, what, params), done)

    # ---- statements ------------------------------------------------------------------------
    def preview_statement(self) -> None:
        now = self.now()
        self.flow.touch(now)
        body = self.flow.statement_request()
        if body is None:
            return
        personal, token = self.flow.personal, self.flow.personal.token
        self.changed()

        def done(result):
            if self.flow.personal is not personal:
                return
            if result.ok:
                self.flow.statement_ready(result.data, self.now())
            else:
                self.flow.statement_failed(result, self.now())
            self.changed()

        self.runner.submit(lambda: self.client.statement(token, body), done)

    def print_statement(self) -> None:
        self.flow.touch(self.now())
        data = self.flow.print_request()
        if data is None:
            return
        personal = self.flow.personal
        self.changed()
        layout = statement_layout(data)

        def done(outcome):
            result, word, detail = outcome
            if result != "ok":
                self._report_printer(word, detail)
            if self.flow.personal is not personal:
                return
            if result == "ok":
                self.flow.statement_printed()
            else:
                self.flow.statement_print_failed(word)
            self.changed()

        self.runner.submit(lambda: self._print(self.printer.print_statement, layout), done)

    def check_printer(self) -> None:
        """While a statement waits for paper: ask the printer until it is ready again."""
        if not self.flow.waiting_for_printer or self._checking_printer:
            return
        self._checking_printer = True

        def job():
            try:
                return self.printer.status().word
            except Exception as exc:  # a broken transport: still not ready
                return getattr(exc, "word", "error")

        def done(word):
            self._checking_printer = False
            if self.flow.printer_status(word):
                self.changed()

        self.runner.submit(job, done)

    # ---- progress (no session) -------------------------------------------------------------
    def submit_progress(self) -> None:
        self.flow.touch(self.now())
        got = self.flow.progress_submit()
        self.changed()
        if got is None:
            return
        number, check = got
        personal = self.flow.personal

        def done(result):
            if self.flow.personal is not personal:
                return
            if result.ok:
                self.flow.progress_found(result.data)
            else:
                self.flow.progress_failed(result, self.now())
            self.changed()

        self.runner.submit(lambda: self.client.case_progress(number, check), done)
