"""Home: the five things a citizen comes for — 取号, 个人查询, 办件进度, 办事指南, 政策问答 — as
large tiles with drawn icons, under the hall's name, the date and the time."""

from datetime import datetime

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from queue_server.core.numbering import HALL_TZ

from ..i18n import for_label
from .base import LANGUAGE_NAMES, KioskScreen, load_kv

load_kv(__file__)

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
        self._clock = self.label(self.now_text(), "text", color=t.muted, halign="center")
        self._clock.kiosk_name = "clock"
        body.add_widget(self._clock)
        big = 420 if c.flow.elder else 400
        body.add_widget(self.tile(self.text("Take a ticket"), "ticket",
                                  lambda: c.act("take_ticket"), name="take_ticket", height=big))
        grid = GridLayout(cols=2, spacing=20, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        tall = 380 if c.flow.elder else 360
        for msgid, icon, act, hint in (
                ("My records", "records", "open_verify",
                 "Contributions, account, benefits, statements"),
                ("Case progress", "progress", "open_progress", "Stage of a case you applied for"),
                ("Business guide", "guide", "open_guide", ""),
                ("Policy Q&A", "faq", "open_faq", "")):
            grid.add_widget(self.tile(self.text(msgid), icon, lambda a=act: c.act(a), name=act,
                                      height=tall, hint="" if c.flow.elder or not hint
                                      else self.text(hint)))
        body.add_widget(grid)
        body.add_widget(Widget())

    def now_text(self) -> str:
        now = datetime.now(HALL_TZ)
        return for_label(f"{now:%Y-%m-%d}  {self.text(WEEKDAYS[now.weekday()])}  {now:%H:%M}",
                         self.lang)

    def _tick(self, _dt):
        if self._clock is not None and self.manager and self.manager.current == self.name:
            self._clock.text = self.now_text()

    def footer(self, bar: BoxLayout):
        for lang in self.c.flow.languages:
            bar.add_widget(self.button(LANGUAGE_NAMES[lang], lambda lang=lang: self.c.act("set_language", lang),
                                       name=f"lang_{lang}", lang=lang,
                                       color=self.theme.muted if lang != self.lang else self.theme.button))
        bar.add_widget(self.button(self.text("Standard mode") if self.c.flow.elder else self.text("Elder mode"),
                                   lambda: self.c.act("toggle_elder"), name="elder"))
