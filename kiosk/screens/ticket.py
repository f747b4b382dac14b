import io

import qrcode
from kivy.core.image import Image as CoreImage
from kivy.uix.image import Image

from queue_server.core.languages import local_name

from ..ticketprint import window_hint
from .base import KioskScreen


def qr_texture(payload: str):
    img = qrcode.make(payload, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    return CoreImage(buf, ext="png").texture


class TicketScreen(KioskScreen):
    title_msgid = "Your ticket"

    def fill(self, body):
        c, f, t = self.c, self.c.flow, self.theme
        ticket = f.ticket or {}
        # The number in its own label with the CJK/Latin face: the Arabic face has no Latin letters.
        num = self.label(
            ticket.get("number", ""), "title", color=t.accent, halign="center", lang="zh_CN"
        )
        num.font_size = t.title_px * 3
        body.add_widget(num)
        if ticket.get("appointment_at"):  # a booking's ticket: as on its paper, 预约 and the slot
            booked = self.label(
                self.text("Appointment {time}", time=ticket["appointment_at"][11:16]),
                "title",
                color=t.accent,
                halign="center",
            )
            booked.kiosk_name = "appointment"
            body.add_widget(booked)
        svc = f.service_info(ticket.get("service")) or {"name": {}}
        body.add_widget(self.label(local_name(svc["name"], self.lang), "title", halign="center"))
        body.add_widget(
            self.label(
                self.text(
                    "{ahead} people ahead · {wait}",
                    ahead=ticket.get("ahead") or 0,
                    wait=c.estimated_wait_text(ticket.get("estimated_wait_s")),
                ),
                halign="center",
            )
        )
        zone, hint = window_hint(c.windows, ticket.get("service", ""))
        if zone:
            # Zones and window names are the hall's Chinese signage.
            body.add_widget(
                self.label(
                    self.c.t_zh("Please wait in {zone}, {windows}", zone=zone, windows=hint),
                    halign="center",
                    lang="zh_CN",
                )
            )
        if f.printed:
            body.add_widget(
                self.label(
                    self.text("Please take your ticket and wait for your number to be called."),
                    halign="center",
                )
            )
        else:
            body.add_widget(
                self.label(
                    self.text(
                        "The ticket could not be printed ({problem}). Your number is kept: "
                        "please note it or scan the code, and see the guide desk.",
                        problem=self.text(f"printer:{f.printer_problem or 'error'}"),
                    ),
                    color=t.warning,
                    halign="center",
                )
            )
            img = Image(
                texture=qr_texture(ticket.get("status_url") or ticket.get("number", "")),
                size_hint_y=None,
                height=360,
                allow_stretch=True,
                keep_ratio=True,
            )
            img.kiosk_name = "qr"
            body.add_widget(img)

    def footer(self, bar):
        bar.add_widget(self.button(self.text("Done"), self.c.home, name="home"))
