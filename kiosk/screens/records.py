"""My records (§6.3): tabs for 个人信息, 缴费记录 (by year and insurance), 个人账户, 待遇发放 and
我的办件. Name and ID number come masked from the server; the session's time left is shown;
ordinary mode scrolls, elder mode pages a few rows at a time."""

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView

from queue_server.core.insurance import INSURANCES

from ..citizen_flow import TABS
from .session import SessionScreen, money


TAB_NAMES = {
    "profile": "Personal information",
    "contributions": "Contributions",
    "account": "Personal account",
    "benefits": "Benefits paid",
    "cases": "My cases",
}
SEXES = {"M": "Male", "F": "Female"}


class RecordsScreen(SessionScreen):
    title_msgid = "My records"

    def fill(self, body):
        f, t = self.c.flow, self.theme
        self.who(body)
        body.add_widget(self.tabs())
        if f.notice:
            note = self.label(self.text(f.notice, **f.notice_params), color=t.warning)
            note.kiosk_name = "notice"
            body.add_widget(note)
        data = f.personal.records.get(f.record_key())
        content = BoxLayout(orientation="vertical", size_hint_y=None, spacing=14)
        content.bind(minimum_height=content.setter("height"))
        if f.personal.tab == "contributions":
            body.add_widget(self.year_row())
            body.add_widget(self.insurance_row(data))
        if data is None:
            content.add_widget(self.label(self.text("Loading…"), halign="center"))
        else:
            getattr(self, f"show_{f.personal.tab}")(content, data)
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(content)
        scroll.kiosk_name = "records_scroll"
        body.add_widget(scroll)
        self.pager(body)

    def tabs(self) -> GridLayout:
        c, f, t = self.c, self.c.flow, self.theme
        # five in a row only for the short Chinese names ("Contributions" broke mid-word)
        grid = GridLayout(
            cols=3 if f.elder or self.lang != "zh_CN" else 5, spacing=10, size_hint_y=None
        )
        grid.bind(minimum_height=grid.setter("height"))
        for tab in TABS:
            btn = self.button(
                self.text(TAB_NAMES[tab]),
                lambda x=tab: c.choose_tab(x),
                name=f"tab_{tab}",
                height=t.target_px * (1 if f.elder else 0.8),
                color=t.button if tab == f.personal.tab else t.muted,
            )
            btn.font_size = t.small_px if not f.elder else t.button_px * 0.8
            grid.add_widget(btn)
        return grid

    def year_row(self) -> BoxLayout:
        c, f, t = self.c, self.c.flow, self.theme
        year = f.personal.year or f.this_year
        row = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px * 0.8)
        row.add_widget(
            self.button(
                f"◀ {year - 1}",
                lambda: c.year_step(-1),
                name="year_prev",
                lang="zh_CN",
                height=row.height,
                enabled=year > f.first_year,
            )
        )
        row.add_widget(
            self.label(
                self.text("Year {year}", year=year), "title", halign="center", height=row.height
            )
        )
        row.add_widget(
            self.button(
                f"{year + 1} ▶",
                lambda: c.year_step(1),
                name="year_next",
                lang="zh_CN",
                height=row.height,
                enabled=year < f.this_year,
            )
        )
        return row

    def insurance_row(self, data) -> GridLayout:
        c, f, t = self.c, self.c.flow, self.theme
        labels = (data or {}).get("labels", {})
        long = self.lang != "zh_CN"  # long names (Unemployment insurance): two a row, smaller
        grid = GridLayout(cols=2 if f.elder or long else 4, spacing=10, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for code, msgid in INSURANCES.items():
            btn = self.button(
                labels.get(code) or self.text(msgid),
                lambda x=code: c.choose_insurance(x),
                name=f"insurance_{code}",
                height=t.target_px * 0.8,
                color=t.button if code == f.personal.insurance else t.muted,
            )
            if long and not f.elder:
                btn.font_size = t.small_px
            grid.add_widget(btn)
        return grid

    # ---- the tabs ---------------------------------------------------------------------------
    def show_profile(self, content, data) -> None:
        f, labels = self.c.flow, data.get("labels", {})
        self.pairs(
            content,
            [
                ("Name", data["name_masked"]),
                ("ID number", data["id_number_masked"]),
                ("Sex", (self.text(SEXES.get(data.get("sex"), "Unknown")), True)),
                ("Year of birth", data.get("birth_year", "")),
                ("First month insured", data.get("first_month") or "—"),
                ("Employer", data.get("employer") or "—"),
            ],
        )
        rows = [
            [
                labels.get(s["insurance"], s["insurance"]),
                labels.get(s["status"], s["status"]),
                s.get("first_month") or "—",
                str(s.get("months_paid", 0)),
            ]
            for s in f.page_rows()
        ]
        content.add_widget(
            self.table(
                [
                    self.text("Insurance"),
                    self.text("Status"),
                    self.text("Since"),
                    self.text("Months paid"),
                ],
                rows,
                name="table",
                translated=(0, 1),
            )
        )

    def show_contributions(self, content, data) -> None:
        f, labels = self.c.flow, data.get("labels", {})
        total = data.get("totals", {}).get(f.personal.insurance)
        if total:
            content.add_widget(
                self.label(
                    self.text(
                        "{months} months paid · personal {personal} · employer {unit} · owed {owed}",
                        months=total["months"],
                        personal=money(total["personal"]),
                        unit=money(total["unit"]),
                        owed=money(total["owed"]),
                    ),
                    "text",
                )
            )
        rows = [
            [
                m["month"],
                money(m["base"]),
                money(m["personal"]),
                money(m["unit"]),
                labels.get(m["state"], m["state"]),
            ]
            for m in f.page_rows()
        ]
        if not f.table_rows():
            content.add_widget(self.label(self.text("No contributions this year."), "text"))
            return
        content.add_widget(
            self.table(
                [
                    self.text("Month"),
                    self.text("Base"),
                    self.text("Personal part"),
                    self.text("Employer part"),
                    self.text("Payment state"),
                ],
                rows,
                name="table",
                translated=(4,),
            )
        )

    def show_account(self, content, data) -> None:
        f = self.c.flow
        self.pairs(
            content, [("Balance", money(data.get("balance"))), ("As of", data.get("as_of", ""))]
        )
        rows = [
            [
                str(y["year"]),
                money(y["credits"]),
                y.get("rate") or "—",
                money(y["interest"]),
                money(y["closing"]),
            ]
            for y in f.page_rows()
        ]
        content.add_widget(
            self.table(
                [
                    self.text("Year"),
                    self.text("Credited"),
                    self.text("Interest rate"),
                    self.text("Interest"),
                    self.text("Year-end balance"),
                ],
                rows,
                name="table",
            )
        )

    def show_benefits(self, content, data) -> None:
        f, labels = self.c.flow, data.get("labels", {})
        if not f.table_rows():
            content.add_widget(
                self.label(self.text("No benefits paid in the last 12 months."), "text")
            )
            return
        rows = [
            [b["month"], labels.get(b["kind"], b["kind"]), money(b["amount"])]
            for b in f.page_rows()
        ]
        content.add_widget(
            self.table(
                [self.text("Month"), self.text("Benefit"), self.text("Amount")],
                rows,
                name="table",
                translated=(1,),
            )
        )

    def show_cases(self, content, data) -> None:
        f, t, labels = self.c.flow, self.theme, data.get("labels", {})
        if not f.table_rows():
            content.add_widget(self.label(self.text("You have no cases in progress."), "text"))
            return
        for case in f.page_rows():
            content.add_widget(
                self.label(
                    f"{case['case_number']}  {case['item']}", "text", color=t.accent, lang="zh_CN"
                )
            )
            nxt = labels.get(case.get("next_stage"), "") if case.get("next_stage") else "—"
            self.pairs(
                content,
                [
                    ("Received", case.get("received_on", "")),
                    ("Stage now", (labels.get(case["stage"], case["stage"]), True)),
                    ("Next stage", (nxt, True)),
                    ("Expected by", case.get("next_expected") or "—"),
                    ("Window", case.get("window") or "—"),
                ],
            )

    def footer(self, bar):
        bar.add_widget(
            self.button(
                self.text("Print a statement"),
                self.c.open_statement,
                name="open_statement",
            )
        )
        bar.add_widget(
            self.button(
                self.text("Exit"),
                self.c.finish,
                name="finish",
                color=self.theme.accent,
            )
        )
