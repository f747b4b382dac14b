from .base import KioskScreen


class IssuingScreen(KioskScreen):
    title_msgid = "Take a ticket"

    def fill(self, body):
        body.add_widget(
            self.label(self.text("Printing your ticket, please wait."), "title", halign="center")
        )

    def footer(self, bar):
        pass  # nothing to press while the ticket is on its way
