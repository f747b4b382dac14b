from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from queue_server.core.languages import local_name
from queue_server.core.vocabulary import PRIORITY_REASONS

from .base import KioskScreen


class StaffScreen(KioskScreen):
    title_msgid = "Priority ticket (green channel)"

    def fill(self, body):
        c, f, t = self.c, self.c.flow, self.theme
        self.assist(body)
        body.add_widget(self.label(self.text("1. Reason")))
        grid = GridLayout(cols=3, spacing=10, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for r in PRIORITY_REASONS:
            grid.add_widget(
                self.button(
                    self.text(f"priority:{r}"),
                    lambda r=r: c.choose_reason(r),
                    name=f"reason_{r}",
                    color=t.accent if r == f.priority_reason else t.muted,
                )
            )
        body.add_widget(grid)
        if f.notice:
            body.add_widget(self.label(self.text(f.notice), color=t.warning))
        body.add_widget(self.label(self.text("2. Service")))
        for svc in f.services:
            name = local_name(svc["name"], self.lang)
            body.add_widget(
                self.button(
                    name,
                    lambda code=svc["code"]: c.choose_service(code),
                    name=f"service_{svc['code']}",
                    height=t.target_px * 0.8,
                )
            )

    def assist(self, body) -> None:
        """§7.5: help a citizen with the self-service query — start the identity check for them,
        or end their session. Staff mode never shows the records themselves."""
        c, f, t = self.c, self.c.flow, self.theme
        row = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px)
        if f.in_session:
            body.add_widget(
                self.label(
                    self.text("A citizen's records are open on this kiosk (hidden in staff mode)."),
                    color=t.accent,
                )
            )
            row.add_widget(
                self.button(
                    self.text("End the citizen's session"),
                    c.staff_end_session,
                    name="staff_end_session",
                    color=t.accent,
                )
            )
            row.add_widget(
                self.button(
                    self.text("Return to the citizen"),
                    c.staff_return,
                    name="staff_return",
                )
            )
        else:
            row.add_widget(
                self.button(
                    self.text("Help a citizen check their records"),
                    c.staff_assist,
                    name="staff_assist",
                )
            )
        body.add_widget(row)
