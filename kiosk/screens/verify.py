"""Verify identity (§8.1.3): three ways side by side — the ID card on the reader (animated), the
电子社保卡 code on the scanner, or the ID number and the 6-digit query password typed on the
keypad (the password shown as dots). The Flow says which ways work and why a try failed."""

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from ..citizen_flow import ID_LEN, PASSWORD_LEN
from .base import KioskScreen


KEYS = "123←456X7890"


def grouped(number: str) -> str:
    """110105 19580312 0045: easier to check against the card while typing."""
    return " ".join(part for part in (number[:6], number[6:14], number[14:]) if part)


class VerifyScreen(KioskScreen):
    title_msgid = "My records"
    personal = True

    def __init__(self, controller, **kw):
        super().__init__(controller, **kw)
        self._shape = None
        self._status = None

    def shape(self) -> tuple:
        """What the layout depends on, the busy flag and the notice aside."""
        f = self.c.flow
        p = f.personal
        return (
            f.language,
            f.elder,
            f.reader_status,
            f.scanner_status,
            p.assisted,
            p.id_entry,
            p.password_entry,
            p.focus,
            id(p),
        )

    def update(self) -> bool:
        """A card or code was taken (busy): say so in place instead of drawing the screen
        again — a full redraw costs a frame on a kiosk without a GPU, right on the path from
        the card to the records."""
        p = self.c.flow.personal
        if not p.busy or self._status is None or self._shape != self.shape():
            return False
        self._status.text = self.text("Checking, please wait…")
        self._status.color = self.theme.accent
        for w in self.walk(restrict=True):  # the keys stay as they are: the Flow ignores them
            if getattr(w, "kind", None) == "card":
                w.moving = False
        return True

    def fill(self, body):
        c, f, t = self.c, self.c.flow, self.theme
        p = f.personal
        body.add_widget(
            self.label(self.text("Choose one way to prove who you are."), halign="center")
        )
        if p.assisted:
            body.add_widget(
                self.label(
                    self.text(
                        "A guide is helping you. Guide: please look away while the password is typed."
                    ),
                    "small",
                    color=t.accent,
                    halign="center",
                )
            )
        body.add_widget(self.ways())
        body.add_widget(self.fields())
        # one line for "checking…" or why not (always there: update() writes into it)
        if p.busy:
            words, color = self.text("Checking, please wait…"), t.accent
        else:
            words = self.text(f.notice, **f.notice_params) if f.notice else ""
            color = t.warning
        self._status = self.label(words, color=color, halign="center")
        self._status.kiosk_name = "notice"
        body.add_widget(self._status)
        self._shape = self.shape()
        body.add_widget(self.keypad(KEYS, self.key, prefix="key", enabled=self.key_enabled))
        row = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px)
        row.add_widget(
            self.button(
                self.text("Clear"),
                c.verify_clear,
                name="verify_clear",
                color=t.muted,
            )
        )
        row.add_widget(
            self.button(self.text("OK"), c.submit_verify, name="verify_ok", enabled=not p.busy)
        )
        body.add_widget(row)
        body.add_widget(Widget())  # the rest of the screen below: content starts at the top

    def ways(self) -> BoxLayout:
        f = self.c.flow
        height = 400 if f.elder else 480
        row = BoxLayout(spacing=20, size_hint_y=None, height=height)
        if f.reader_status != "off":
            row.add_widget(self.card_way(height))
        if f.scanner_status != "off":
            words = (
                "Scan your e-SSC code" if f.scanner_usable else "The code scanner is not answering"
            )
            row.add_widget(self.way(words, "scan", "way_scan", height, f.scanner_usable))
        words = "Or type your ID number and query password"
        row.add_widget(self.way(words, "keypad", "way_type", height))
        return row

    def fields(self) -> BoxLayout:
        p = self.c.flow.personal
        dots = "●" * len(p.password_entry) + "○" * (PASSWORD_LEN - len(p.password_entry))
        return self.entries(
            (("id", grouped(p.id_entry), "ID number", 0.62), ("password", dots, None, 0.38)),
            p.focus,
            self.c.verify_field,
        )

    def key(self, key: str) -> None:
        if key == "←":
            self.c.verify_backspace()
        else:
            self.c.verify_key(key)

    def key_enabled(self, key: str) -> bool:
        p = self.c.flow.personal
        if key == "X":
            return p.focus == "id" and len(p.id_entry) == ID_LEN - 1
        return not p.busy
