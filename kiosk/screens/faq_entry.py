from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView

from .base import KioskScreen


class FaqEntryScreen(KioskScreen):
    title_msgid = "Policy Q&A"

    def fill(self, body):
        entry = self.c.flow.entry_info()
        if entry is None:
            return
        col = BoxLayout(orientation="vertical", size_hint_y=None, spacing=20)
        col.bind(minimum_height=col.setter("height"))
        # Q&A content is the hall's Chinese text (config/faq.toml).
        col.add_widget(self.label(entry["question"], "title", lang="zh_CN"))
        col.add_widget(self.label(entry["answer"], "text", lang="zh_CN"))
        if entry.get("basis"):
            col.add_widget(self.label(self.text("Legal basis"), "text", color=self.theme.accent))
            col.add_widget(self.label(entry["basis"], "small", lang="zh_CN"))
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(col)
        body.add_widget(scroll)
