from kivy.uix.scrollview import ScrollView
from kivy.uix.boxlayout import BoxLayout

from queue_server.core.languages import local_name

from .base import KioskScreen


class GuideItemScreen(KioskScreen):
    title_msgid = "Business guide"

    def fill(self, body):
        c, f = self.c, self.c.flow
        item = f.item_info()
        if item is None:
            return
        col = BoxLayout(orientation="vertical", size_hint_y=None, spacing=16)
        col.bind(minimum_height=col.setter("height"))
        add = col.add_widget
        add(self.label(local_name(item["name"], self.lang), "title"))
        # Guide content (§8.1.2) is the hall's Chinese catalogue; headings follow the language.
        add(self.label(self.text("Materials"), "text", color=self.theme.accent))
        for m in item.get("materials", []):
            add(self.label("· " + m, "small", lang="zh_CN"))
        add(self.label(self.text("Time limit"), "text", color=self.theme.accent))
        add(self.label(item.get("time_limit", ""), "small", lang="zh_CN"))
        add(self.label(self.text("Windows and room"), "text", color=self.theme.accent))
        names = dict.fromkeys(item.get("window_names") or [])  # 3 pension windows share one name
        where = "、".join(names) + "  " + "、".join(f"{n}号" for n in item.get("windows", []))
        if item.get("room"):
            where += f"  {item['room']}"
        add(self.label(where.strip(), "small", lang="zh_CN"))
        if item.get("legal_basis"):
            add(self.label(self.text("Legal basis"), "text", color=self.theme.accent))
            add(self.label(item["legal_basis"], "small", lang="zh_CN"))
        if item.get("notes"):
            add(self.label(item["notes"], "small", lang="zh_CN"))
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(col)
        body.add_widget(scroll)
        body.add_widget(
            self.button(
                self.text("Take a ticket for this"),
                c.ticket_for_item,
                name="ticket_for_item",
            )
        )
