from kivy.uix.gridlayout import GridLayout

from ..flow import PRIORITY_REASONS
from .base import KioskScreen, load_kv

load_kv(__file__)


class StaffScreen(KioskScreen):
    title_msgid = "Priority ticket (green channel)"

    def fill(self, body):
        c, f, t = self.c, self.c.flow, self.theme
        body.add_widget(self.label(self.text("1. Reason")))
        grid = GridLayout(cols=3, spacing=10, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for r in PRIORITY_REASONS:
            grid.add_widget(self.button(self.text(f"priority:{r}"), lambda r=r: c.act("choose_reason", r),
                                        name=f"reason_{r}", color=t.accent if r == f.priority_reason else t.muted))
        body.add_widget(grid)
        if f.notice:
            body.add_widget(self.label(self.text(f.notice), color=t.warning))
        body.add_widget(self.label(self.text("2. Service")))
        for svc in f.services:
            name = svc["name"].get(self.lang) or svc["name"]["zh_CN"]
            body.add_widget(self.button(name, lambda code=svc["code"]: c.act("choose_service", code),
                                        name=f"service_{svc['code']}", height=t.target_px * 0.8))
