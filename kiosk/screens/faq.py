from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from queue_server.core.languages import local_name

from .base import KioskScreen


KEYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class FaqScreen(KioskScreen):
    title_msgid = "Policy Q&A"

    def fill(self, body):
        c, f, t = self.c, self.c.flow, self.theme
        body.add_widget(self.topics())
        if f.faq_query:
            body.add_widget(self.label(f.faq_query.upper(), "title", halign="center", lang="zh_CN"))
        else:  # the hint in text size: one line, so the questions and the pager keep their room
            hint = self.text("Type pinyin initials, e.g. YLBX")
            body.add_widget(self.label(hint, halign="center"))
        for entry in f.shown():
            body.add_widget(
                self.button(
                    entry["question"],
                    lambda i=entry["id"]: c.open_entry(i),
                    name=f"entry_{entry['id']}",
                    lang="zh_CN",
                    height=t.target_px * 0.9,
                )
            )
        if not f.faq_entries:
            body.add_widget(self.label(self.text("No questions found."), halign="center"))
        if f.page_count > 1:
            body.add_widget(self.pager())
        body.add_widget(self.keyboard())

    def topics(self) -> GridLayout:
        c, f, t = self.c, self.c.flow, self.theme
        # Uyghur topic names are long: two columns so they fit on one line (taller in normal mode;
        # in elder mode the buttons are tall already and the page must still hold the pager).
        ug = self.lang == "ug"
        height = t.target_px * (1.0 if ug and not f.elder else 0.8)
        grid = GridLayout(cols=2 if ug else 3, spacing=10, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for topic in f.faq_topics:
            name = local_name(topic["name"], self.lang)
            chosen = topic["code"] == f.faq_topic or not f.faq_topic
            btn = self.button(
                name,
                lambda code=topic["code"]: c.choose_topic(code),
                name=f"topic_{topic['code']}",
                height=height,
                color=t.button if chosen else t.muted,
            )
            if ug:  # the longest (work injury insurance) wrapped and lost its lines
                btn.font_size = t.small_px
            grid.add_widget(btn)
        return grid

    def keyboard(self) -> GridLayout:
        c, t = self.c, self.theme
        height = max(80, t.target_px * 0.75)
        keys = GridLayout(cols=7, spacing=8, size_hint_y=None)  # 4 rows; elder keys ≥ 130 px wide
        keys.bind(minimum_height=keys.setter("height"))
        for k in KEYS:
            keys.add_widget(
                self.button(
                    k, lambda k=k: c.faq_key(k), name=f"key_{k}", lang="zh_CN", height=height
                )
            )
        keys.add_widget(
            self.button("←", c.faq_backspace, name="key_back", lang="zh_CN", height=height)
        )
        return keys

    def pager(self) -> BoxLayout:
        """Previous · page x/y · next: every answer is reachable (the Flow decides the pages)."""
        c, f, t = self.c, self.c.flow, self.theme
        height = max(80, t.target_px * 0.6)
        row = BoxLayout(orientation="horizontal", spacing=10, size_hint_y=None, height=height)
        row.add_widget(
            self.button(
                self.text("Previous page"),
                c.prev_page,
                name="page_prev",
                height=height,
                enabled=f.has_prev_page,
            )
        )
        where = self.label(
            self.text("Page {page} of {pages}", page=f.page + 1, pages=f.page_count),
            halign="center",
            height=height,
        )
        where.kiosk_name = "page_where"
        row.add_widget(where)
        row.add_widget(
            self.button(
                self.text("Next page"),
                c.next_page,
                name="page_next",
                height=height,
                enabled=f.has_next_page,
            )
        )
        return row
