from .base import KioskScreen


class OutOfServiceScreen(KioskScreen):
    title_msgid = "Out of service"

    def fill(self, body):
        body.add_widget(
            self.label(
                self.text("This kiosk is temporarily out of service. Please see the guide desk."),
                "title",
                halign="center",
            )
        )
        body.add_widget(
            self.label(
                self.text("It will come back by itself when the connection returns."),
                halign="center",
            )
        )

    def footer(self, bar):
        pass
