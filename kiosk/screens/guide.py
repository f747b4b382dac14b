from .base import KioskScreen, load_kv

load_kv(__file__)


class GuideScreen(KioskScreen):
    title_msgid = "Business guide"

    def fill(self, body):
        c, f = self.c, self.c.flow
        if not f.guide_service:
            body.add_widget(self.label(self.text("Choose a business to see what to bring.")))
            for svc in f.paged(f.services):
                name = svc["name"].get(self.lang) or svc["name"]["zh_CN"]
                body.add_widget(
                    self.button(
                        name,
                        lambda code=svc["code"]: c.act("choose_guide_service", code),
                        name=f"guide_{svc['code']}",
                    )
                )
        else:
            for item in f.paged(f.guide_items()):
                name = item["name"].get(self.lang) or item["name"]["zh_CN"]
                body.add_widget(
                    self.button(
                        name,
                        lambda code=item["code"]: c.act("open_item", code),
                        name=f"item_{item['code']}",
                        height=self.theme.target_px * 0.9,
                    )
                )
        if f.has_next_page:
            body.add_widget(self.button(self.text("More"), lambda: c.act("next_page"), name="more"))
