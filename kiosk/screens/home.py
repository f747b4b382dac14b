"""Home: the six things a citizen comes for — 取号, 预约签到, 个人查询, 办件进度, 办事指南, 政策问答 — as
large tiles with drawn icons, under the hall's name, the date and the time."""

from datetime import datetime

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from queue_server.core.numbering import HALL_TZ

from .base import LANGUAGE_NAMES, KioskScreen


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class HomeScreen(KioskScreen):
    title_msgid = "Self-service kiosk"

    def __init__(self, controller, **kw):
        super().__init__(controller, **kw)
        self._clock = None
        Clock.schedule_interval(self._tick, 1.0)  # the time on screen; cheap when hidden

    def fill(self, body):
        c, t = self.c, self.theme
        name = self.label(c.hall.get("name", ""), "title", halign="center", lang="zh_CN")
        body.add_widget(name)
        # digits in the CJK face (Uyghur: the date and time only, no bidi reordering of digits)
        self._clock = self.label(
            self.now_text(), "text", color=t.muted, halign="center", lang="zh_CN"
        )
        self._clock.kiosk_name = "clock"
        body.add_widget(self._clock)
        big = 420 if c.flow.elder else 400
        # Uyghur words are long and the Arabic face is tall: smaller words, no hint lines
        words = "text" if self.lang == "ug" else "title"
        # The two ways to a ticket side by side: walk in, or check in for a booking (预约签到).
        first = BoxLayout(spacing=20, size_hint_y=None, height=big)
        first.add_widget(
            self.tile(
                self.text("Take a ticket"),
                "ticket",
                c.take_ticket,
                name="take_ticket",
                height=big,
                size=words,
            )
        )
        first.add_widget(
            self.tile(
                self.text("Appointment check-in"),
                "booking",
                c.open_checkin,
                name="open_checkin",
                height=big,
                size=words,
            )
        )
        body.add_widget(first)
        grid = GridLayout(cols=2, spacing=20, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        tall = 380 if c.flow.elder else 360
        for msgid, icon, name, touch, hint in (
            (
                "My records",
                "records",
                "open_verify",
                c.open_verify,
                "Contributions, account, benefits, statements",
            ),
            (
                "Case progress",
                "progress",
                "open_progress",
                c.open_progress,
                "Stage of a case you applied for",
            ),
            ("Business guide", "guide", "open_guide", c.open_guide, ""),
            ("Policy Q&A", "faq", "open_faq", c.open_faq, ""),
        ):
            shown = hint and not c.flow.elder and self.lang != "ug"
            grid.add_widget(
                self.tile(
                    self.text(msgid),
                    icon,
                    touch,
                    name=name,
                    height=tall,
                    hint=self.text(hint) if shown else "",
                    size=words,
                )
            )
        body.add_widget(grid)
        body.add_widget(Widget())

    def now_text(self) -> str:
        now = datetime.now(HALL_TZ)
        if self.lang == "ug":  # the Arabic face shows no Chinese, the CJK face no Uyghur
            return f"{now:%Y-%m-%d  %H:%M}"
        return f"{now:%Y-%m-%d}  {self.text(WEEKDAYS[now.weekday()])}  {now:%H:%M}"

    def _tick(self, _dt):
        if self._clock is not None and self.manager and self.manager.current == self.name:
            self._clock.text = self.now_text()

    def footer(self, bar: BoxLayout):
        t = self.theme
        # four buttons in a row: at elder mode's button size 标准模式 and ئۇيغۇرچە break mid-word
        px = t.text_px if self.c.flow.elder else t.button_px
        for lang in self.c.flow.languages:
            btn = self.button(
                LANGUAGE_NAMES[lang],
                lambda lang=lang: self.c.set_language(lang),
                name=f"lang_{lang}",
                lang=lang,
                color=t.muted if lang != self.lang else t.button,
            )
            btn.font_size = px
            bar.add_widget(btn)
        words = self.text("Standard mode") if self.c.flow.elder else self.text("Elder mode")
        elder = self.button(words, self.c.toggle_elder, name="elder")
        # Uyghur: two long words, they fit at the smaller size
        elder.font_size = t.small_px if self.lang == "ug" else px
        bar.add_widget(elder)
