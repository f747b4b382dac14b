"""Case progress (§8.1.2) without verification: the case number from the receipt and the last 4
characters of the applicant's ID number on a keypad; the answer is the stage and the next stage
only, nothing personal."""

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from .base import KioskScreen
from .faq import KEYS as LETTERS


DIGITS = "123←456X7890"


class ProgressScreen(KioskScreen):
    title_msgid = "Case progress"
    personal = True

    def fill(self, body):
        c, f, t = self.c, self.c.flow, self.theme
        p = f.personal
        body.add_widget(
            self.label(
                self.text(
                    "Type the case number from your receipt and the last 4 characters of the "
                    "applicant's ID number."
                ),
                halign="center",
            )
        )
        row = self.entries(
            (
                ("case", p.case_entry, "Case number", 0.66),
                ("check", p.check_entry, "Last 4", 0.34),
            ),
            p.case_field,
            c.progress_field,
        )
        body.add_widget(row)
        if p.progress:
            body.add_widget(self.result(p.progress))
        elif p.busy:
            body.add_widget(self.label(self.text("Please wait…"), halign="center", color=t.accent))
        elif f.notice:
            note = self.label(
                self.text(f.notice, **f.notice_params), color=t.warning, halign="center"
            )
            note.kiosk_name = "notice"
            body.add_widget(note)
        if p.letters:
            body.add_widget(
                self.keypad(
                    LETTERS + "←",
                    self.key,
                    prefix="key",
                    cols=7,
                    height=max(80, t.target_px * 0.75),
                )
            )
        else:
            body.add_widget(self.keypad(DIGITS, self.key, prefix="key", enabled=self.key_enabled))
        keys = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px)
        if p.case_field == "case":
            keys.add_widget(
                self.button(
                    self.text("Digits") if p.letters else self.text("Letters"),
                    c.progress_letters,
                    name="letters",
                    color=t.muted,
                )
            )
        keys.add_widget(
            self.button(
                self.text("Look up"), c.submit_progress, name="progress_ok", enabled=not p.busy
            )
        )
        body.add_widget(keys)
        body.add_widget(Widget())  # content starts at the top

    def result(self, got: dict) -> BoxLayout:
        t, labels = self.theme, self.c.flow.personal.progress.get("labels", {})
        col = BoxLayout(orientation="vertical", size_hint_y=None, spacing=8)
        col.bind(minimum_height=col.setter("height"))
        col.add_widget(
            self.label(
                got.get("case_number", ""), "text", halign="center", lang="zh_CN", color=t.accent
            )
        )
        stage = self.label(
            self.text("Stage now: {stage}", stage=labels.get(got["stage"], got["stage"])),
            "title",
            halign="center",
        )
        stage.kiosk_name = "stage"
        col.add_widget(stage)
        if got.get("next_stage"):
            col.add_widget(
                self.label(
                    self.text(
                        "Next stage: {stage}",
                        stage=labels.get(got["next_stage"], got["next_stage"]),
                    ),
                    "text",
                    halign="center",
                )
            )
        if got.get("next_expected"):
            row = BoxLayout(spacing=16, size_hint_y=None, height=t.text_px * 2)
            row.add_widget(self.label(self.text("Expected by"), halign="right"))
            row.add_widget(self.label(got["next_expected"], lang="zh_CN"))
            col.add_widget(row)
        col.kiosk_name = "progress_result"
        return col

    def key(self, key: str) -> None:
        if key == "←":
            self.c.progress_backspace()
        else:
            self.c.progress_key(key)

    def key_enabled(self, key: str) -> bool:
        p = self.c.flow.personal
        if key == "X":
            return p.case_field == "check" and len(p.check_entry) == 3
        return not p.busy
