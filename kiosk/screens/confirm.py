from kivy.uix.widget import Widget

from queue_server.core.languages import local_name

from .base import KioskScreen


class ConfirmScreen(KioskScreen):
    title_msgid = "Confirm"

    def fill(self, body):
        c, f = self.c, self.c.flow
        svc = f.service_info(f.service) or {"name": {}, "waiting": 0}
        name = local_name(svc["name"], self.lang)
        body.add_widget(
            self.label(self.text("Take a ticket for {name}?", name=name), "title", halign="center")
        )
        body.add_widget(
            self.label(
                self.text(
                    "{waiting} waiting · {wait}",
                    waiting=svc.get("waiting", 0),
                    wait=c.estimated_wait_text(svc.get("estimated_wait_s")),
                ),
                halign="center",
            )
        )
        if f.priority_reason:
            body.add_widget(
                self.label(
                    self.text(
                        "Priority: {reason}", reason=self.text(f"priority:{f.priority_reason}")
                    ),
                    halign="center",
                    color=self.theme.accent,
                )
            )
        if f.notice:
            body.add_widget(
                self.label(
                    self.text(f.notice, **f.notice_params),
                    color=self.theme.warning,
                    halign="center",
                )
            )
        body.add_widget(Widget())
        label = self.text("Try again") if f.request_id else self.text("Confirm")
        body.add_widget(
            self.button(label, c.confirm, name="confirm", height=self.theme.target_px * 1.6)
        )
