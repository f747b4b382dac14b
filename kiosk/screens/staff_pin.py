from kivy.uix.gridlayout import GridLayout

from .base import KioskScreen


class StaffPinScreen(KioskScreen):
    title_msgid = "Staff only"

    def fill(self, body):
        c, f = self.c, self.c.flow
        body.add_widget(self.label(self.text("Guide staff PIN"), halign="center"))
        body.add_widget(self.label("●" * len(f.pin) or " ", "title", halign="center", lang="zh_CN"))
        # Before any digit: say at once when no PIN is set or staff mode is locked.
        refused = None if f.notice else c.pin_guard.state(c.now())
        notice, params = (
            (refused.notice, refused.params) if refused else (f.notice, f.notice_params)
        )
        if notice:
            body.add_widget(
                self.label(self.text(notice, **params), color=self.theme.warning, halign="center")
            )
        pad = GridLayout(cols=3, spacing=12, size_hint_y=None)
        pad.bind(minimum_height=pad.setter("height"))
        for d in "123456789":
            pad.add_widget(self.button(d, lambda d=d: c.pin_key(d), name=f"pin_{d}", lang="zh_CN"))
        pad.add_widget(self.button(self.text("Clear"), c.pin_clear, name="pin_clear"))
        pad.add_widget(self.button("0", lambda: c.pin_key("0"), name="pin_0", lang="zh_CN"))
        pad.add_widget(self.button(self.text("OK"), c.submit_pin, name="pin_ok"))
        body.add_widget(pad)
