from queue_server.core.issuing import SOLD_OUT

from queue_server.core.languages import local_name

from .base import KioskScreen


class ServicesScreen(KioskScreen):
    title_msgid = "Take a ticket"

    def fill(self, body):
        c, f = self.c, self.c.flow
        body.add_widget(self.label(self.text("Choose the business you want to handle."), "text"))
        if f.notice:  # e.g. why the service just touched gives no ticket (closed, sold out)
            note = self.label(
                self.text(f.notice, **f.notice_params), "text", color=self.theme.warning
            )
            note.kiosk_name = "notice"
            body.add_widget(note)
        for svc in f.shown():
            name = local_name(svc["name"], self.lang)
            if svc.get("open", True):
                line = self.text(
                    "{name}\n{waiting} waiting · {wait}",
                    name=name,
                    waiting=svc["waiting"],
                    wait=c.estimated_wait_text(svc.get("estimated_wait_s")),
                )
            elif svc.get("issuing") == SOLD_OUT:
                line = self.text("{name}\nToday's tickets are all taken", name=name)
            else:
                line = self.text("{name}\nNot issuing tickets now", name=name)
            body.add_widget(
                self.button(
                    line,
                    lambda code=svc["code"]: c.choose_service(code),
                    name=f"service_{svc['code']}",
                    height=self.theme.target_px * 1.4,
                    color=None if svc.get("open", True) else self.theme.muted,
                )
            )
            for i, (msgid, params) in enumerate(f.nearby_hints(svc)):
                hint = self.label(self.text(msgid, **params), "text", color=self.theme.muted)
                hint.kiosk_name = f"nearby_{svc['code']}_{i}"
                body.add_widget(hint)
        if f.has_next_page:
            body.add_widget(self.button(self.text("More"), c.next_page, name="more"))
