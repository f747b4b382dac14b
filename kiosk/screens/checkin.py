"""A booking's check-in (预约签到): the ID card on the reader (animated, as on the verify screen),
or the booking code — with the phone's last four when asked — on a keypad. The server's answer
in plain words with the one step that helps: a normal ticket, or try again. The Flow decides
(kiosk/checkin_flow.py)."""

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from .base import KioskScreen
from .faq import KEYS as LETTERS
from .icons import Icon

DIGITS = "123456789←0"  # a phone's keypad


class CheckinScreen(KioskScreen):
    title_msgid = "Appointment check-in"
    personal = True  # the typed code and phone digits go when the screen is left

    def fill(self, body):
        c, f, t = self.c, self.c.flow, self.theme
        ck = f.checkin
        if ck.offer:
            self.answer(body)
            return
        body.add_widget(self.ways())
        body.add_widget(self.fields())
        if ck.busy:
            words, color = self.text("Checking, please wait…"), t.accent
        else:
            words = self.text(f.notice, **f.notice_params) if f.notice else ""
            color = t.warning
        status = self.label(words, color=color, halign="center")
        status.kiosk_name = "notice"
        body.add_widget(status)
        keys = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px)
        if ck.letters:
            pad = self.keypad(
                LETTERS + "←", self.key, prefix="key", cols=7, height=t.target_px * 0.7
            )
        else:
            pad = self.keypad(DIGITS, self.key, prefix="key", cols=3, enabled=lambda k: not ck.busy)
        body.add_widget(pad)
        if ck.focus == "code":
            keys.add_widget(
                self.button(
                    self.text("Digits") if ck.letters else self.text("Letters"),
                    c.checkin_letters,
                    name="letters",
                    color=t.muted,
                )
            )
        keys.add_widget(
            self.button(
                self.text("Check in"), c.submit_checkin, name="checkin_ok", enabled=not ck.busy
            )
        )
        body.add_widget(keys)
        body.add_widget(Widget())  # content starts at the top

    def ways(self) -> BoxLayout:
        """The card on the reader, when the kiosk has one; the keypad below is the other way."""
        f = self.c.flow
        height = 300 if f.elder else 280
        row = BoxLayout(spacing=20, size_hint_y=None, height=height)
        if f.reader_status != "off":
            row.add_widget(self.card_way(height))
        row.add_widget(self.way("Or type your booking code", "keypad", "way_type", height))
        return row

    def fields(self) -> BoxLayout:
        ck = self.c.flow.checkin
        return self.entries(
            (
                ("code", ck.code, "Booking code", 0.6),
                ("phone", ck.phone, "Phone, last 4", 0.4),
            ),
            ck.focus,
            self.c.checkin_field,
        )

    def answer(self, body) -> None:
        """What the server said, in plain words — the time to come back or the ticket's number
        large — and the one step that helps (Home is below)."""
        c, f, t = self.c, self.c.flow, self.theme
        icon = Icon(kind="booking", color=list(t.accent), size_hint=(None, None), size=(240, 240))
        icon.pos_hint = {"center_x": 0.5}
        body.add_widget(icon)
        said = self.label(
            self.text(f.notice, **f.notice_params), "title", halign="center", color=t.accent
        )
        said.kiosk_name = "answer"
        body.add_widget(said)
        big = f.notice_params.get("time") or f.notice_params.get("number")
        if big:  # digits and letters in the CJK face, in every language
            shown = self.label(big, "title", halign="center", lang="zh_CN")
            shown.font_size = t.title_px * 2
            shown.kiosk_name = "answer_big"
            body.add_widget(shown)
        offer, busy = f.checkin.offer, f.checkin.busy
        if offer in ("walk_in", "normal"):
            take = c.checkin_walk_in if offer == "walk_in" else c.checkin_normal_ticket
            body.add_widget(
                self.button(
                    self.text("Take a normal ticket"), take, name="normal_ticket", enabled=not busy
                )
            )
        elif offer == "again":
            body.add_widget(self.button(self.text("Try again"), c.checkin_again, name="again"))
        if busy:
            body.add_widget(self.label(self.text("Please wait…"), halign="center", color=t.accent))
        body.add_widget(Widget())

    def key(self, key: str) -> None:
        if key == "←":
            self.c.checkin_backspace()
        else:
            self.c.checkin_key(key)
