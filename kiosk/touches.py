"""What a touch does: one plain method per button of the kiosk, mixed into ``Controller``.

Each method records the touch (the idle timeout counts from it), moves the Flow, starts what
the new screen needs from the server, and tells the screens to draw again. The screens call
these by name (``c.take_ticket()``), so a reader or a tool goes from a button to the Flow in one
step. No Kivy here.
"""

from __future__ import annotations


class Touches:
    """Uses the controller's ``flow``, ``now``, ``changed``, ``refresh``, ``load_items`` and
    ``search_faq``."""

    def touched(self) -> float:
        """Record a touch; the time of it, for the Flow."""
        now = self.now()
        self.flow.touch(now)
        return now

    # ---- everywhere -------------------------------------------------------------------------
    def home(self) -> None:
        self.flow.home(self.touched())
        self.changed()

    def back(self) -> None:
        self.flow.back(self.touched())
        self.changed()

    def set_language(self, lang: str) -> None:
        self.touched()
        self.flow.set_language(lang)
        self.changed()

    def toggle_elder(self) -> None:
        self.touched()
        self.flow.toggle_elder()
        self.changed()

    def next_page(self) -> None:
        self.touched()
        self.flow.next_page()
        self.changed()

    def prev_page(self) -> None:
        self.touched()
        self.flow.prev_page()
        self.changed()

    def corner_tap(self) -> None:
        """The hidden staff corner; the screen changes only on the third tap."""
        if self.flow.corner_tap(self.touched()):
            self.changed()

    # ---- take a ticket ----------------------------------------------------------------------
    def take_ticket(self) -> None:
        self.flow.take_ticket(self.touched())
        self.refresh()  # waiting counts as they are now
        self.changed()

    def choose_service(self, code: str) -> None:
        self.flow.choose_service(code, self.touched())
        self.changed()

    # ---- a booking's check-in (kiosk/checkin_flow.py; the requests in controller.py) --------
    def open_checkin(self) -> None:
        self.flow.open_checkin(self.touched())
        self.changed()

    def checkin_field(self, name: str) -> None:
        self.touched()
        self.flow.checkin_field(name)
        self.changed()

    def checkin_key(self, key: str) -> None:
        self.touched()
        self.flow.checkin_key(key)
        self.changed()

    def checkin_backspace(self) -> None:
        self.touched()
        self.flow.checkin_backspace()
        self.changed()

    def checkin_letters(self) -> None:
        self.touched()
        self.flow.checkin_letters()
        self.changed()

    def checkin_again(self) -> None:
        self.touched()
        self.flow.checkin_again()
        self.changed()

    def checkin_normal_ticket(self) -> None:
        self.flow.checkin_normal_ticket(self.touched())
        self.refresh()
        self.changed()

    # ---- business guide ---------------------------------------------------------------------
    def open_guide(self) -> None:
        self.flow.open_guide(self.touched())
        self.load_items()
        self.changed()

    def choose_guide_service(self, code: str) -> None:
        self.flow.choose_guide_service(code, self.touched())
        self.changed()

    def open_item(self, code: str) -> None:
        self.flow.open_item(code, self.touched())
        self.changed()

    def ticket_for_item(self) -> None:
        self.flow.ticket_for_item(self.touched())
        self.changed()

    # ---- policy Q&A -------------------------------------------------------------------------
    def open_faq(self) -> None:
        self.flow.open_faq(self.touched())
        self.search_faq()
        self.changed()

    def faq_key(self, letter: str) -> None:
        self.touched()
        if self.flow.faq_key(letter):
            self.search_faq()
        self.changed()

    def faq_backspace(self) -> None:
        self.touched()
        if self.flow.faq_backspace():
            self.search_faq()
        self.changed()

    def choose_topic(self, code: str) -> None:
        self.touched()
        self.flow.choose_topic(code)
        self.search_faq()
        self.changed()

    def open_entry(self, entry_id: str) -> None:
        self.flow.open_entry(entry_id, self.touched())
        self.changed()

    # ---- staff ------------------------------------------------------------------------------
    def pin_key(self, digit: str) -> None:
        self.touched()
        self.flow.pin_key(digit)
        self.changed()

    def pin_clear(self) -> None:
        self.touched()
        self.flow.pin_clear()
        self.changed()

    def choose_reason(self, reason: str) -> None:
        self.touched()
        self.flow.choose_reason(reason)
        self.changed()

    def staff_assist(self) -> None:
        self.flow.staff_assist(self.touched())
        self.changed()

    def staff_end_session(self) -> None:
        self.flow.staff_end_session(self.touched())
        self.changed()

    def staff_return(self) -> None:
        self.flow.staff_return(self.touched())
        self.changed()

    # ---- identity and my records ------------------------------------------------------------
    def open_verify(self) -> None:
        self.flow.open_verify(self.touched())
        self.changed()

    def verify_field(self, name: str) -> None:
        self.touched()
        self.flow.verify_field(name)
        self.changed()

    def verify_key(self, key: str) -> None:
        self.touched()
        self.flow.verify_key(key)
        self.changed()

    def verify_backspace(self) -> None:
        self.touched()
        self.flow.verify_backspace()
        self.changed()

    def verify_clear(self) -> None:
        self.touched()
        self.flow.verify_clear()
        self.changed()

    def finish(self) -> None:
        self.flow.finish(self.touched())
        self.changed()

    def choose_tab(self, tab: str) -> None:
        self.touched()
        self.flow.choose_tab(tab)
        self.changed()

    def year_step(self, step: int) -> None:
        self.touched()
        self.flow.year_step(step)
        self.changed()

    def choose_insurance(self, code: str) -> None:
        self.touched()
        self.flow.choose_insurance(code)
        self.changed()

    def records_page(self, step: int) -> None:
        self.touched()
        self.flow.records_page(step)
        self.changed()

    # ---- statements -------------------------------------------------------------------------
    def open_statement(self) -> None:
        self.flow.open_statement(self.touched())
        self.changed()

    def statement_kind(self, kind: str) -> None:
        self.touched()
        self.flow.statement_kind(kind)
        self.changed()

    def statement_change(self) -> None:
        self.touched()
        self.flow.statement_change()
        self.changed()

    def statement_preset(self, months: int) -> None:
        self.touched()
        self.flow.statement_preset(months)
        self.changed()

    def statement_range(self, which: str, step: int) -> None:
        self.touched()
        self.flow.statement_range(which, step)
        self.changed()

    def statement_year_step(self, step: int) -> None:
        self.touched()
        self.flow.statement_year_step(step)
        self.changed()

    # ---- case progress ----------------------------------------------------------------------
    def open_progress(self) -> None:
        self.flow.open_progress(self.touched())
        self.changed()

    def progress_field(self, name: str) -> None:
        self.touched()
        self.flow.progress_field(name)
        self.changed()

    def progress_letters(self) -> None:
        self.touched()
        self.flow.progress_letters()
        self.changed()

    def progress_key(self, key: str) -> None:
        self.touched()
        self.flow.progress_key(key)
        self.changed()

    def progress_backspace(self) -> None:
        self.touched()
        self.flow.progress_backspace()
        self.changed()
