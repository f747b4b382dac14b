"""What the screens of a citizen session share: the masked person, a visible countdown of the
session (updated each second from the Flow), a records table, and the 退出 button."""

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from .base import KioskScreen


def money(text) -> str:
    """The server's exact decimal text "1234.56" → "1,234.56"."""
    if text is None:
        return ""
    whole, _, cents = str(text).partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    return f"{sign}{int(whole or 0):,}" + (f".{cents}" if cents else "")


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60}:{seconds % 60:02d}"


class SessionScreen(KioskScreen):
    personal = True  # the app wipes this screen's widgets when it is left

    def __init__(self, controller, **kw):
        super().__init__(controller, **kw)
        self._countdown = None
        Clock.schedule_interval(self._tick, 1.0)

    def who(self, body) -> None:
        """The masked name and ID number, and the time left, on one line."""
        f, t = self.c.flow, self.theme
        row = BoxLayout(spacing=20, size_hint_y=None, height=t.text_px * 2)
        person = f.personal.person
        who = self.label(
            f"{person.get('name_masked', '')}  {person.get('id_number_masked', '')}",
            "text",
            lang="zh_CN",
        )
        who.kiosk_name = "who"
        row.add_widget(who)
        words = self.label(self.text("Time left"), "text", color=t.accent, halign="right")
        words.size_hint_x = 0.35
        row.add_widget(words)
        # the minutes in the CJK face: digits and ":" read the same in every language
        self._countdown = self.label(self.countdown_text(), "text", color=t.accent, lang="zh_CN")
        self._countdown.size_hint_x = 0.15
        self._countdown.kiosk_name = "countdown"
        row.add_widget(self._countdown)
        body.add_widget(row)

    def countdown_text(self) -> str:
        return clock_text(self.c.flow.session_left(self.c.now()))

    def _tick(self, _dt):
        if self._countdown is not None and self.manager and self.manager.current == self.name:
            self._countdown.text = self.countdown_text()

    def wipe(self) -> None:
        self._countdown = None
        super().wipe()

    def table(
        self,
        columns: list[str],
        rows: list[list[str]],
        *,
        name: str,
        translated: tuple = (),
        header_lang: str | None = None,
    ) -> GridLayout:
        """Figures, dates and the hall's Chinese words in the CJK face; the columns named in
        ``translated`` are in the screen's language (the Arabic face has no Chinese)."""
        t = self.theme
        grid = GridLayout(cols=len(columns), spacing=(8, 4), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        # Uyghur reads right to left: the first column on the right (the Chinese paper's
        # preview keeps its own order)
        order = list(range(len(columns)))
        if self.lang == "ug" and header_lang is None:
            order.reverse()
        for i in order:
            grid.add_widget(self.label(columns[i], "small", color=t.muted, lang=header_lang))
        for row in rows:
            for i in order:
                grid.add_widget(
                    self.label(str(row[i]), "small", lang=self.lang if i in translated else "zh_CN")
                )
        grid.kiosk_name = name
        return grid

    def pairs(self, content, pairs) -> None:
        """Label: value lines as a two-column grid; a value is text in the CJK face, or
        (text, True) when it is in the screen's language."""
        t = self.theme
        grid = GridLayout(cols=2, spacing=(16, 6), size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        height = t.text_px * 1.8
        for label, value in pairs:
            value, translated = value if isinstance(value, tuple) else (value, False)
            key = self.label(self.text(label), "text", color=t.muted, height=height)
            key.size_hint_x = 0.4
            cell = self.label(
                str(value), "text", lang=self.lang if translated else "zh_CN", height=height
            )
            cell.size_hint_x = 0.6
            if self.lang == "ug":  # right to left: the label first, on the right
                cell.halign = "right"
                key, cell = cell, key
            grid.add_widget(key)
            grid.add_widget(cell)
        content.add_widget(grid)

    def pager(self, body) -> None:
        """Previous · page x of y · next: elder mode shows a few rows at a time."""
        c, f, t = self.c, self.c.flow, self.theme
        if f.records_pages <= 1:
            return
        row = BoxLayout(spacing=10, size_hint_y=None, height=t.target_px)
        row.add_widget(
            self.button(
                self.text("Previous page"),
                lambda: c.records_page(-1),
                name="page_prev",
                enabled=f.records_has_prev,
            )
        )
        where = self.label(
            self.text("Page {page} of {pages}", page=f.personal.page + 1, pages=f.records_pages),
            halign="center",
        )
        where.kiosk_name = "page_where"
        row.add_widget(where)
        row.add_widget(
            self.button(
                self.text("Next page"),
                lambda: c.records_page(1),
                name="page_next",
                enabled=f.records_has_next,
            )
        )
        body.add_widget(row)
