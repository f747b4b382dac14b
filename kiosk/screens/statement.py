"""Print a statement (制式清单, §8.1.3): 参保缴费证明 over a range of months or 个人权益记录单 for a
year; a preview of its first lines and its verification code; then the printer. Paper running
out mid-statement is said plainly, and Reprint comes back once the printer is ready."""

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from ..citizen_flow import KINDS, month_label
from .session import SessionScreen


KIND_NAMES = {
    "contribution_certificate": "Certificate of contributions",
    "annual_record": "Yearly record of rights and interests",
}
KIND_HINTS = {"contribution_certificate": "Choose the months", "annual_record": "Choose a year"}
PRESETS = (
    (12, "Last 12 months"),
    (60, "Last 5 years"),
    (120, "Last 10 years"),
    (0, "Whole career"),
)
PREVIEW_ROWS = 8


class StatementScreen(SessionScreen):
    title_msgid = "Print a statement"

    def fill(self, body):
        p = self.c.flow.personal
        self.who(body)
        if p.statement:
            self.previewed(body)
        else:
            self.choose(body)
        body.add_widget(Widget())  # content starts at the top

    def choose(self, body) -> None:
        """Step 1: which statement, which months or year."""
        c, f, t = self.c, self.c.flow, self.theme
        p = f.personal
        kinds = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px * 1.2)
        for kind in KINDS:
            words = f"{self.text(KIND_NAMES[kind])}\n{self.text(KIND_HINTS[kind])}"
            btn = self.button(
                words,
                lambda k=kind: c.statement_kind(k),
                name=f"kind_{kind}",
                height=kinds.height,
                color=t.button if kind == p.kind else t.muted,
            )
            btn.font_size = t.small_px if self.lang == "ug" else t.text_px
            kinds.add_widget(btn)
        body.add_widget(kinds)
        if p.kind == "contribution_certificate":
            body.add_widget(self.presets())
            body.add_widget(self.period_line(p))
            if not f.elder:  # elder mode: the presets only (fewer choices, 适老化)
                body.add_widget(
                    self.label(
                        self.text("Single arrows: a month. Double arrows: a year."),
                        "small",
                        color=t.muted,
                        halign="center",
                    )
                )
                body.add_widget(self.stepper("From", "first", p.first))
                body.add_widget(self.stepper("To", "last", p.last))
        else:
            body.add_widget(self.year_stepper())
        if p.busy:
            body.add_widget(self.label(self.text("Please wait…"), halign="center", color=t.accent))
        elif f.notice:
            note = self.label(
                self.text(f.notice, **f.notice_params), color=t.warning, halign="center"
            )
            note.kiosk_name = "notice"
            body.add_widget(note)
        body.add_widget(
            self.button(
                self.text("Preview"),
                c.preview_statement,
                name="preview_statement",
                enabled=not p.busy,
            )
        )

    def period_line(self, p) -> BoxLayout:
        row = BoxLayout(spacing=16, size_hint_y=None, height=self.theme.text_px * 2)
        row.add_widget(self.label(self.text("Months"), halign="right", height=row.height))
        value = self.label(
            f"{month_label(p.first)} ～ {month_label(p.last)}",
            "text",
            lang="zh_CN",
            height=row.height,
        )
        value.kiosk_name = "period"
        row.add_widget(value)
        return row

    def previewed(self, body) -> None:
        """Step 2: the statement's first lines and its code; print, or change the choice."""
        c, f, t = self.c, self.c.flow, self.theme
        p = f.personal
        body.add_widget(self.preview(p.statement))
        if p.busy:
            body.add_widget(self.label(self.text("Please wait…"), halign="center", color=t.accent))
        elif p.printed:
            done = self.label(
                self.text("Printed. Please take your statement."),
                "text",
                halign="center",
                color=t.accent,
            )
            done.kiosk_name = "printed"
            body.add_widget(done)
        elif f.notice:
            params = dict(f.notice_params)
            if "problem" in params:  # the printer's status word, in words
                params["problem"] = self.text(f"printer:{params['problem']}")
            note = self.label(self.text(f.notice, **params), color=t.warning, halign="center")
            note.kiosk_name = "notice"
            body.add_widget(note)
        row = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px)
        row.add_widget(
            self.button(
                self.text("Change"),
                c.statement_change,
                name="statement_change",
                color=t.muted,
                enabled=not p.busy,
            )
        )
        label = "Reprint" if p.printed is False else "Print"
        row.add_widget(
            self.button(
                self.text(label),
                c.print_statement,
                name="print_statement",
                enabled=not p.busy and not f.waiting_for_printer,
            )
        )
        body.add_widget(row)

    def presets(self) -> GridLayout:
        c, f, t = self.c, self.c.flow, self.theme
        grid = GridLayout(cols=2 if f.elder else 4, spacing=10, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for months, msgid in PRESETS:
            btn = self.button(
                self.text(msgid),
                lambda m=months: c.statement_preset(m),
                name=f"preset_{months}",
                height=t.target_px * 0.8,
            )
            btn.font_size = t.small_px
            grid.add_widget(btn)
        return grid

    def stepper(self, msgid: str, which: str, month: int) -> BoxLayout:
        """From / To: ◀◀ a year back, ◀ a month back, the month, ▶ a month on, ▶▶ a year on
        (the arrows read the same in every language; the line above says what they do)."""
        c, t = self.c, self.theme
        row = BoxLayout(spacing=10, size_hint_y=None, height=t.target_px * 0.9)
        head = self.label(self.text(msgid), "small", height=row.height)
        head.size_hint_x = 0.9
        row.add_widget(head)
        for step, key, arrow in (
            (-12, "minus_year", "◀◀"),
            (-1, "minus_month", "◀"),
            (None, "", ""),
            (1, "plus_month", "▶"),
            (12, "plus_year", "▶▶"),
        ):
            if step is None:
                value = self.label(
                    month_label(month), "title", halign="center", lang="zh_CN", height=row.height
                )
                value.size_hint_x = 1.3
                value.kiosk_name = f"{which}_month"
                row.add_widget(value)
                continue
            btn = self.button(
                arrow,
                lambda s=step: c.statement_range(which, s),
                name=f"{which}_{key}",
                height=row.height,
                lang="zh_CN",
            )
            btn.size_hint_x = 0.5
            row.add_widget(btn)
        return row

    def year_stepper(self) -> BoxLayout:
        c, f, t = self.c, self.c.flow, self.theme
        year = f.personal.stmt_year
        row = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px)
        row.add_widget(
            self.button(
                f"◀ {year - 1}",
                lambda: c.statement_year_step(-1),
                name="stmt_year_prev",
                lang="zh_CN",
                enabled=year > f.first_year,
            )
        )
        value = self.label(
            self.text("Year {year}", year=year), "title", halign="center", height=row.height
        )
        value.kiosk_name = "stmt_year"
        row.add_widget(value)
        row.add_widget(
            self.button(
                f"{year + 1} ▶",
                lambda: c.statement_year_step(1),
                name="stmt_year_next",
                lang="zh_CN",
                enabled=year < f.this_year,
            )
        )
        return row

    def preview(self, s: dict) -> ScrollView:
        """The first lines as they will be printed (in Chinese: the paper is), and the code."""
        t = self.theme
        col = BoxLayout(orientation="vertical", size_hint_y=None, spacing=6, padding=(10, 10))
        col.bind(minimum_height=col.setter("height"))
        add = col.add_widget
        add(self.label(s["title"], "text", halign="center", lang="zh_CN", color=t.accent))
        add(
            self.label(
                f"姓名：{s['name_masked']}    证件号码：{s['id_masked']}", "small", lang="zh_CN"
            )
        )
        add(self.label(self.c.t_zh("Period: {period}", period=s["period"]), "small", lang="zh_CN"))
        rows = s["rows"][:PREVIEW_ROWS]
        add(self.table(list(s["columns"]), rows, name="preview_table", header_lang="zh_CN"))
        more = len(s["rows"]) - len(rows)
        if more > 0:
            add(self.label(self.text("… and {rows} more rows", rows=more), "small"))
        row = BoxLayout(spacing=16, size_hint_y=None, height=t.text_px * 2)
        row.add_widget(self.label(self.text("Verification code"), "text", height=row.height))
        code = self.label(s["verification_code"], "text", lang="zh_CN", height=row.height)
        code.kiosk_name = "code"
        row.add_widget(code)
        add(row)
        box = ScrollView(
            do_scroll_x=False, size_hint_y=None, height=900 if self.c.flow.elder else 1000
        )
        box.add_widget(col)
        box.kiosk_name = "preview"
        return box

    def footer(self, bar):
        bar.add_widget(self.button(self.text("Back to my records"), self.c.back, name="back"))
        bar.add_widget(
            self.button(
                self.text("Exit"),
                self.c.finish,
                name="finish",
                color=self.theme.accent,
            )
        )
