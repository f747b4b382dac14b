from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from .base import KioskScreen, load_kv

load_kv(__file__)

KEYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class FaqScreen(KioskScreen):
    title_msgid = "Policy Q&A"

    def fill(self, body):
        c, f, t = self.c, self.c.flow, self.theme
        # Uyghur topic names are long: two columns so they fit on one line.
        topics = GridLayout(cols=2 if self.lang == "ug" else 3, spacing=10, size_hint_y=None)
        topics.bind(minimum_height=topics.setter("height"))
        for topic in f.faq_topics:
            name = topic["name"].get(self.lang) or topic["name"]["zh_CN"]
            topics.add_widget(self.button(name, lambda code=topic["code"]: c.act("choose_topic", code),
                                          name=f"topic_{topic['code']}", height=t.target_px * (1.0 if self.lang == "ug" else 0.8),
                                          color=t.button if topic["code"] == f.faq_topic or not f.faq_topic else t.muted))
        body.add_widget(topics)
        typed = f.faq_query.upper() or self.text("Type pinyin initials, e.g. YLBX")
        body.add_widget(self.label(typed, "title", halign="center", lang="zh_CN" if f.faq_query else None))
        for entry in f.paged(f.faq_entries):
            body.add_widget(self.button(entry["question"], lambda i=entry["id"]: c.act("open_entry", i),
                                        name=f"entry_{entry['id']}", lang="zh_CN", height=t.target_px * 0.9))
        if not f.faq_entries:
            body.add_widget(self.label(self.text("No questions found."), halign="center"))
        if f.page_count > 1:
            body.add_widget(self.pager())
        keys = GridLayout(cols=7 if not f.elder else 6, spacing=8, size_hint_y=None)
        keys.bind(minimum_height=keys.setter("height"))
        for k in KEYS:
            keys.add_widget(self.button(k, lambda k=k: c.act("faq_key", k), name=f"key_{k}", lang="zh_CN",
                                        height=max(80, t.target_px * 0.75)))
        keys.add_widget(self.button("←", lambda: c.act("faq_backspace"), name="key_back", lang="zh_CN",
                                    height=max(80, t.target_px * 0.75)))
        body.add_widget(keys)

    def pager(self) -> BoxLayout:
        """Previous · page x/y · next: every answer is reachable (the Flow decides the pages)."""
        c, f, t = self.c, self.c.flow, self.theme
        height = max(80, t.target_px * 0.75)
        row = BoxLayout(orientation="horizontal", spacing=10, size_hint_y=None, height=height)
        row.add_widget(self.button(self.text("Previous page"), lambda: c.act("prev_page"), name="page_prev",
                                   height=height, enabled=f.has_prev_page))
        where = self.label(self.text("Page {page} of {pages}", page=f.page + 1, pages=f.page_count),
                           halign="center", height=height)
        where.kiosk_name = "page_where"
        row.add_widget(where)
        row.add_widget(self.button(self.text("Next page"), lambda: c.act("next_page"), name="page_next",
                                   height=height, enabled=f.has_next_page))
        return row
