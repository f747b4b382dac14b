"""Simple pictograms drawn with Kivy canvas instructions (no image files, no internet): the home
tiles' icons and the verify screen's card-on-the-reader animation. Each is drawn in a square of
its widget's size, in one colour, so it follows the theme (elder mode: black on yellow)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.widget import Widget

KINDS = ("ticket", "booking", "records", "progress", "guide", "faq", "card", "scan", "keypad")
ANIMATION_FPS = 12
CARD_DOWN_S, CARD_CYCLE_S = 1.0, 1.8  # the card comes down in 1 s, rests, starts again


class Icon(Widget):
    kind = StringProperty("ticket")
    color = ListProperty([1, 1, 1, 1])
    phase = NumericProperty(0.0)  # the card animation: 0 above the reader … 1 on it
    moving = BooleanProperty(True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.bind(pos=self.draw, size=self.draw, kind=self.draw, color=self.draw, phase=self.draw)
        self._ticker = None
        self._t = 0.0

    def on_parent(self, _widget, parent):
        """The card icon moves only while it is on screen, at a few frames a second: each
        frame redraws the window, which a kiosk without a GPU (Mesa llvmpipe) pays for."""
        if self.kind == "card" and parent is not None and self._ticker is None:
            self._ticker = Clock.schedule_interval(self._step, 1 / ANIMATION_FPS)

    def _step(self, dt):
        if self.get_root_window() is None:  # the screen was redrawn or left: stop for good
            self._ticker = None
            return False
        if not self.moving:
            return None
        self._t = (self._t + dt) % CARD_CYCLE_S
        self.phase = min(1.0, self._t / CARD_DOWN_S)

    def draw(self, *_):
        self.canvas.clear()
        s = min(self.width, self.height)
        x0, y0 = self.center_x - s / 2, self.center_y - s / 2
        w = max(2.0, s / 22)  # line width
        with self.canvas:
            Color(*self.color)
            getattr(self, f"_{self.kind}", self._ticket)(x0, y0, s, w)

    # Each drawing works in a square (x0, y0, side s).
    def _ticket(self, x0, y0, s, w):
        Line(
            rounded_rectangle=(x0 + s * 0.12, y0 + s * 0.18, s * 0.76, s * 0.64, s * 0.08), width=w
        )
        Line(
            points=[x0 + s * 0.62, y0 + s * 0.24, x0 + s * 0.62, y0 + s * 0.76],
            width=w / 2,
            dash_length=6,
            dash_offset=6,
        )
        for k in range(3):
            y = y0 + s * (0.62 - k * 0.14)
            Line(points=[x0 + s * 0.22, y, x0 + s * 0.52, y], width=w)
        Ellipse(pos=(x0 + s * 0.68, y0 + s * 0.44), size=(s * 0.12, s * 0.12))

    def _booking(self, x0, y0, s, w):
        """A calendar page with a tick: a booking checked in."""
        Line(
            rounded_rectangle=(x0 + s * 0.14, y0 + s * 0.14, s * 0.72, s * 0.64, s * 0.06), width=w
        )
        Line(points=[x0 + s * 0.14, y0 + s * 0.62, x0 + s * 0.86, y0 + s * 0.62], width=w)
        for x in (0.32, 0.68):  # the rings at the top
            Line(points=[x0 + s * x, y0 + s * 0.72, x0 + s * x, y0 + s * 0.86], width=w)
        Line(
            points=[
                x0 + s * 0.32,
                y0 + s * 0.40,
                x0 + s * 0.45,
                y0 + s * 0.27,
                x0 + s * 0.70,
                y0 + s * 0.52,
            ],
            width=w * 1.3,
        )

    def _records(self, x0, y0, s, w):
        Line(rounded_rectangle=(x0 + s * 0.08, y0 + s * 0.2, s * 0.84, s * 0.6, s * 0.06), width=w)
        Ellipse(pos=(x0 + s * 0.18, y0 + s * 0.46), size=(s * 0.2, s * 0.2))
        RoundedRectangle(
            pos=(x0 + s * 0.15, y0 + s * 0.28),
            size=(s * 0.26, s * 0.16),
            radius=[s * 0.08, s * 0.08, 0, 0],
        )
        for k in range(3):
            y = y0 + s * (0.64 - k * 0.14)
            Line(points=[x0 + s * 0.5, y, x0 + s * 0.82, y], width=w)

    def _progress(self, x0, y0, s, w):
        y = y0 + s * 0.5
        Line(points=[x0 + s * 0.14, y, x0 + s * 0.86, y], width=w)
        for k, filled in enumerate((True, True, False)):
            cx = x0 + s * (0.18 + k * 0.32)
            if filled:
                Ellipse(pos=(cx - s * 0.1, y - s * 0.1), size=(s * 0.2, s * 0.2))
            else:
                Line(circle=(cx, y, s * 0.1), width=w)
        Line(points=[x0 + s * 0.12, y0 + s * 0.26, x0 + s * 0.52, y0 + s * 0.26], width=w)

    def _guide(self, x0, y0, s, w):
        mid = x0 + s / 2
        Line(
            points=[
                mid,
                y0 + s * 0.22,
                x0 + s * 0.1,
                y0 + s * 0.3,
                x0 + s * 0.1,
                y0 + s * 0.8,
                mid,
                y0 + s * 0.72,
                x0 + s * 0.9,
                y0 + s * 0.8,
                x0 + s * 0.9,
                y0 + s * 0.3,
                mid,
                y0 + s * 0.22,
                mid,
                y0 + s * 0.72,
            ],
            width=w,
            joint="round",
        )
        for k in range(3):
            y = y0 + s * (0.62 - k * 0.1)
            Line(points=[x0 + s * 0.18, y + s * 0.02, x0 + s * 0.42, y - s * 0.02], width=w / 2)
            Line(points=[x0 + s * 0.58, y - s * 0.02, x0 + s * 0.82, y + s * 0.02], width=w / 2)

    def _faq(self, x0, y0, s, w):
        Line(rounded_rectangle=(x0 + s * 0.1, y0 + s * 0.3, s * 0.8, s * 0.55, s * 0.12), width=w)
        Line(
            points=[
                x0 + s * 0.28,
                y0 + s * 0.3,
                x0 + s * 0.22,
                y0 + s * 0.12,
                x0 + s * 0.44,
                y0 + s * 0.3,
            ],
            width=w,
        )
        # a question mark: an arc, a stem and a dot
        cx, cy = x0 + s * 0.5, y0 + s * 0.66
        Line(circle=(cx, cy, s * 0.1, -90, 150), width=w)
        Line(points=[cx, cy - s * 0.1, cx, cy - s * 0.17], width=w)
        Ellipse(pos=(cx - w, y0 + s * 0.36), size=(2 * w, 2 * w))

    def _card(self, x0, y0, s, w):
        """An ID card coming down onto the reader's sensing area (phase 0 → 1), waves on top."""
        Line(rounded_rectangle=(x0 + s * 0.1, y0 + s * 0.06, s * 0.8, s * 0.2, s * 0.04), width=w)
        Rectangle(pos=(x0 + s * 0.3, y0 + s * 0.26), size=(s * 0.4, w))
        lift = (1 - self.phase) * s * 0.34
        cy = y0 + s * 0.3 + lift
        Line(rounded_rectangle=(x0 + s * 0.2, cy, s * 0.6, s * 0.36, s * 0.04), width=w)
        Ellipse(pos=(x0 + s * 0.58, cy + s * 0.14), size=(s * 0.14, s * 0.16))
        for k in range(2):
            Line(
                points=[
                    x0 + s * 0.26,
                    cy + s * (0.24 - k * 0.1),
                    x0 + s * 0.5,
                    cy + s * (0.24 - k * 0.1),
                ],
                width=w / 2,
            )
        if self.phase > 0.95:
            for r in (0.16, 0.26):
                Line(circle=(x0 + s / 2, y0 + s * 0.8, s * r, -40, 40), width=w / 2)

    def _scan(self, x0, y0, s, w):
        unit = s * 0.08
        for fx, fy in ((0.14, 0.58), (0.58, 0.58), (0.14, 0.14)):
            Line(rectangle=(x0 + s * fx, y0 + s * fy, unit * 3.5, unit * 3.5), width=w)
            Rectangle(
                pos=(x0 + s * fx + unit * 1.1, y0 + s * fy + unit * 1.1),
                size=(unit * 1.3, unit * 1.3),
            )
        for cx, cy in (
            (0.6, 0.2),
            (0.72, 0.3),
            (0.82, 0.16),
            (0.66, 0.42),
            (0.8, 0.44),
            (0.5, 0.46),
        ):
            Rectangle(pos=(x0 + s * cx, y0 + s * cy), size=(unit, unit))

    def _keypad(self, x0, y0, s, w):
        for row in range(4):
            for col in range(3):
                Rectangle(
                    pos=(x0 + s * (0.17 + col * 0.24), y0 + s * (0.1 + row * 0.21)),
                    size=(s * 0.18, s * 0.15),
                )
