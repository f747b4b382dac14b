from queue_server.core.languages import local_name

from .base import KioskScreen


class GuideScreen(KioskScreen):
    title_msgid = "Business guide"

    def fill(self, body):
        c, f = self.c, self.c.flow
        if not f.guide_service:
            body.add_widget(self.label(self.text("Choose a business to see what to bring.")))
            for svc in f.shown():
                name = local_name(svc["name"], self.lang)
                body.add_widget(
                    self.button(
                        name,
                        lambda code=svc["code"]: c.choose_guide_service(code),
                        name=f"guide_{svc['code']}",
                    )
                )
        else:
            for item in f.shown():
                name = local_name(item["name"], self.lang)
                body.add_widget(
                    self.button(
                        name,
                        lambda code=item["code"]: c.open_item(code),
                        name=f"item_{item['code']}",
                        height=self.theme.target_px * 0.9,
                    )
                )
        if f.has_next_page:
            body.add_widget(self.button(self.text("More"), c.next_page, name="more"))
