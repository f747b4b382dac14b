from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from .base import LANGUAGE_NAMES, KioskScreen, load_kv

load_kv(__file__)


class HomeScreen(KioskScreen):
    title_msgid = "Self-service kiosk"

    def fill(self, body):
        c = self.c
        body.add_widget(self.label(c.hall.get("name", ""), "text", halign="center", lang="zh_CN"))
        body.add_widget(Widget())
        big = self.theme.target_px * 2
        body.add_widget(self.button(self.text("Take a ticket"), lambda: c.act("take_ticket"), name="take_ticket", height=big))
        body.add_widget(self.button(self.text("Business guide"), lambda: c.act("open_guide"), name="open_guide", height=big))
        body.add_widget(self.button(self.text("Policy Q&A"), lambda: c.act("open_faq"), name="open_faq", height=big))
        body.add_widget(Widget())

    def footer(self, bar):
        for lang in self.c.flow.languages:
            bar.add_widget(self.button(LANGUAGE_NAMES[lang], lambda lang=lang: self.c.act("set_language", lang),
                                       name=f"lang_{lang}", lang=lang,
                                       color=self.theme.muted if lang != self.lang else self.theme.button))
        bar.add_widget(self.button(self.text("Standard mode") if self.c.flow.elder else self.text("Elder mode"),
                                   lambda: self.c.act("toggle_elder"), name="elder"))
