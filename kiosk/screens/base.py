"""Shared look of every screen: header with title (and the hidden staff corner), body, footer
with home/back, language and 长辈模式 buttons. Screens override ``fill``."""

from __future__ import annotations

from pathlib import Path

from kivy.graphics import Color, RoundedRectangle
from kivy.lang import Builder
from kivy.properties import ListProperty, NumericProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from queue_server.core.languages import AUTONYMS

from ..i18n import for_label
from ..theme import theme_for

Builder.load_file(str(Path(__file__).with_name("base.kv")))

LANGUAGE_NAMES = AUTONYMS  # each language named in itself


def style(widget, lang: str, px: int) -> None:
    widget.font_size = px
    if lang == "ug":
        widget.font_name = "KioskArab"
        widget.font_script_name = "Arab"
        widget.font_direction = "rtl"
        widget.halign = "right" if getattr(widget, "halign", "left") == "left" else widget.halign
    else:
        widget.font_name = "Roboto"
        widget.font_script_name = "Zyyy"
        widget.font_direction = "ltr"


class Tile(ButtonBehavior, BoxLayout):
    """A large touch tile: a drawn icon above its words (home screen, verify ways)."""

    def __init__(self, color, **kw):
        super().__init__(**kw)
        with self.canvas.before:
            self._color = Color(*color)
            self._box = RoundedRectangle(radius=[18])
        self.bind(pos=self._place, size=self._place)

    def _place(self, *_):
        self._box.pos, self._box.size = self.pos, self.size


class KioskScreen(Screen):
    bg = ListProperty([1, 1, 1, 1])
    fg = ListProperty([0, 0, 0, 1])
    header_h = NumericProperty(110)
    footer_h = NumericProperty(120)
    title_msgid = "Self-service kiosk"

    def __init__(self, controller, **kw):
        super().__init__(**kw)
        self.c = controller

    # ---- helpers ----------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.c.flow.language

    @property
    def theme(self):
        return theme_for(self.c.flow.elder)

    def text(self, msgid: str, **params) -> str:
        return self.c.t(msgid, **params)

    def label(
        self, text: str, size: str = "text", color=None, halign="left", lang=None, height=None
    ):
        lang = lang or self.lang
        lbl = Label(
            text=for_label(text, lang),
            color=color or self.theme.text,
            halign=halign,
            valign="middle",
            size_hint_y=None,
        )
        style(lbl, lang, getattr(self.theme, f"{size}_px"))
        lbl.line_height = 1.0 if lang == "ug" else 1.3  # the Arabic face's lines are tall already
        lbl.bind(width=lambda w, v: setattr(w, "text_size", (v, None)))
        lbl.bind(texture_size=lambda w, v: setattr(w, "height", max(height or 0, v[1] + 10)))
        lbl.text_size = (1000, None)
        return lbl

    def button(
        self,
        text: str,
        on_press,
        *,
        name: str = "",
        lang=None,
        height=None,
        color=None,
        enabled=True,
    ):
        lang = lang or self.lang
        btn = Button(
            text=for_label(text, lang),
            size_hint_y=None,
            height=height or self.theme.target_px,
            background_normal="",
            background_color=color or self.theme.button,
            color=self.theme.button_text,
            halign="center",
            valign="middle",
            disabled=not enabled,
        )
        style(btn, lang, self.theme.button_px)
        btn.bind(size=lambda w, v: setattr(w, "text_size", (v[0] - 30, None)))
        btn.kiosk_name = name or text
        if enabled:
            btn.bind(on_release=lambda *_: on_press())
        return btn

    def tile(
        self,
        text: str,
        icon: str,
        on_press,
        *,
        name: str,
        height,
        hint: str = "",
        color=None,
        size: str = "title",
    ):
        """A tile with an ``icons.Icon`` of ``icon`` and the words under it."""
        from .icons import Icon

        t = self.theme
        tile = Tile(
            color or t.button,
            orientation="vertical",
            size_hint_y=None,
            height=height,
            padding=(20, 24),
            spacing=8,
        )
        tile.add_widget(Icon(kind=icon, color=list(t.button_text)))
        words = self.label(text, size, color=t.button_text, halign="center")
        tile.add_widget(words)
        if hint:
            tile.add_widget(self.label(hint, "small", color=t.button_text, halign="center"))
        tile.kiosk_name = name
        tile.bind(on_release=lambda *_: on_press())
        return tile

    def way(self, words: str, icon: str, name: str, height, usable: bool = True):
        """A way to prove who you are on this screen (the card, the scanner, the keypad below):
        a tile that shows how, with nothing to press; greyed while its device is not answering."""
        t = self.theme
        color = t.button if usable else t.muted
        return self.tile(
            self.text(words), icon, lambda: None, name=name, height=height, size="text", color=color
        )

    def card_way(self, height):
        """The ID card reader's tile: how to use it, greyed while the reader is not answering."""
        usable = self.c.flow.reader_usable
        words = "Place your ID card on the reader" if usable else "The card reader is not answering"
        return self.way(words, "card" if usable else "records", "way_card", height, usable)

    def entries(self, fields, focus: str | None, on_touch) -> BoxLayout:
        """Typed entries side by side, each (name, what is typed as shown, hint when nothing
        is, width share): the focused one marked by "▶" and colour, not colour alone (适老化);
        touching one focuses it (``on_touch(name)``). Named ``field_{name}``, the row
        ``fields``; what is typed shows in the Chinese font (digits, ID numbers)."""
        t = self.theme
        row = BoxLayout(spacing=20, size_hint_y=None, height=t.target_px)
        for name, entry, hint, width in fields:
            focused = focus == name
            text = entry or self.text(hint)
            if focused and (entry or self.lang != "ug"):
                text = "▶ " + text
            btn = self.button(
                text,
                lambda n=name: on_touch(n),
                name=f"field_{name}",
                lang="zh_CN" if entry else None,
                color=t.text if focused else t.muted,
            )
            if focused:
                btn.color = t.background
            if not entry and self.lang != "zh_CN":
                btn.font_size = t.text_px  # the hint's words are long in English and Uyghur
            btn.size_hint_x = width
            row.add_widget(btn)
        row.kiosk_name = "fields"
        return row

    def keypad(
        self,
        keys: str,
        on_key,
        *,
        prefix: str,
        cols: int = 4,
        height=None,
        enabled=lambda key: True,
    ) -> GridLayout:
        """Keys (one character each; "←" erases) on a grid; named ``{prefix}_{key}``."""
        height = height or self.theme.target_px
        pad = GridLayout(cols=cols, spacing=12, size_hint_y=None)
        pad.bind(minimum_height=pad.setter("height"))
        for key in keys:
            name = f"{prefix}_{'back' if key == '←' else key}"
            pad.add_widget(
                self.button(
                    key,
                    lambda k=key: on_key(k),
                    name=name,
                    lang="zh_CN",
                    height=height,
                    enabled=enabled(key),
                )
            )
        return pad

    # ---- render -----------------------------------------------------------------------------
    def render(self) -> None:
        t = self.theme
        self.bg, self.fg = list(t.background), list(t.text)
        self.header_h = t.title_px * 2
        self.footer_h = t.target_px
        title = self.ids.title
        title.text = for_label(self.text(self.title_msgid), self.lang)
        style(title, self.lang, t.title_px)
        title.halign = "center"
        self.ids.body.clear_widgets()
        self.ids.footer.clear_widgets()
        self.fill(self.ids.body)
        self.footer(self.ids.footer)

    def fill(self, body: BoxLayout) -> None:
        raise NotImplementedError

    def wipe(self) -> None:
        """Drop every widget that may show something of the person (a ``personal`` screen,
        when it is left)."""
        self.ids.body.clear_widgets()
        self.ids.footer.clear_widgets()

    def update(self) -> bool:
        """Show a small change in place; False: draw the screen again (the usual way)."""
        return False

    def footer(self, bar: BoxLayout) -> None:
        """Home/back on the left; every screen but home. Override for other footers."""
        bar.add_widget(self.button(self.text("Back"), self.c.back, name="back"))
        bar.add_widget(self.button(self.text("Home"), self.c.home, name="home"))
