"""The Kivy app: a ScreenManager over the thin screens, driven by the Controller. Network and
printing run on worker threads; their results come back through Clock.schedule_once."""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.config import Config
from kivy.core.window import Window
from kivy.uix.scatterlayout import ScatterLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from . import fonts
from .config import KioskConfig
from .controller import Controller, ThreadRunner
from .flow import Screen
from .window import LAYOUT, fit_portrait, letterbox, x11_screen_size

log = logging.getLogger(__name__)
DEVICE_POLL_S = 0.05  # card/code → UI thread; part of the 1.5 s "card placed → records" goal


def screen_classes() -> dict:
    from .screens.checkin import CheckinScreen
    from .screens.confirm import ConfirmScreen
    from .screens.faq import FaqScreen
    from .screens.faq_entry import FaqEntryScreen
    from .screens.guide import GuideScreen
    from .screens.guide_item import GuideItemScreen
    from .screens.home import HomeScreen
    from .screens.issuing import IssuingScreen
    from .screens.out_of_service import OutOfServiceScreen
    from .screens.progress import ProgressScreen
    from .screens.records import RecordsScreen
    from .screens.services import ServicesScreen
    from .screens.staff import StaffScreen
    from .screens.staff_pin import StaffPinScreen
    from .screens.statement import StatementScreen
    from .screens.ticket import TicketScreen
    from .screens.verify import VerifyScreen

    return {
        Screen.HOME: HomeScreen,
        Screen.SERVICES: ServicesScreen,
        Screen.CONFIRM: ConfirmScreen,
        Screen.ISSUING: IssuingScreen,
        Screen.TICKET: TicketScreen,
        Screen.GUIDE: GuideScreen,
        Screen.GUIDE_ITEM: GuideItemScreen,
        Screen.FAQ: FaqScreen,
        Screen.FAQ_ENTRY: FaqEntryScreen,
        Screen.STAFF_PIN: StaffPinScreen,
        Screen.STAFF: StaffScreen,
        Screen.OUT_OF_SERVICE: OutOfServiceScreen,
        Screen.VERIFY: VerifyScreen,
        Screen.RECORDS: RecordsScreen,
        Screen.STATEMENT: StatementScreen,
        Screen.PROGRESS: ProgressScreen,
        Screen.CHECKIN: CheckinScreen,
    }


class _BackHome(ExceptionHandler):
    """No traceback ever reaches the screen: log it and start again from home."""

    def __init__(self, app):
        self.app = app

    def handle_exception(self, exception):
        log.exception("kiosk error; back to home", exc_info=exception)
        try:
            self.app.controller.flow.home()
            Clock.schedule_once(lambda dt: self.app.render(), 0)
        except Exception:
            log.exception("could not return home")
        return ExceptionManager.PASS


class ScaledRoot(ScatterLayout):
    """The 1080×1920 layout scaled whole into whatever window it gets (letterboxed, centred);
    Scatter maps touches back to layout pixels. On the hall's own screen the scale is 1."""

    def __init__(self, content, **kw):
        super().__init__(
            size=LAYOUT,
            size_hint=(None, None),
            do_rotation=False,
            do_scale=False,
            do_translation=False,
            auto_bring_to_front=False,
            **kw,
        )
        self.add_widget(content)
        Window.bind(size=self._fit)
        self._fit(Window, Window.size)

    def _fit(self, _window, size):
        scale, x, y = letterbox(size)
        self.scale = scale
        self.pos = (x, y)


def fit_window_to_screen() -> None:
    """A desktop window (not full screen): shrink the requested size to fit the screen, 9:16."""
    if Window.fullscreen:
        return
    screen = x11_screen_size()
    if screen:
        wanted = (Config.getint("graphics", "width"), Config.getint("graphics", "height"))
        Window.size = fit_portrait(screen, wanted)


class KioskApp(App):
    title = "Hall kiosk"

    def __init__(self, config: KioskConfig, controller: Controller | None = None, **kw):
        super().__init__(**kw)
        self.kiosk_config = config
        self.controller = controller
        self.first_frame_cb = None

    def build(self):
        fonts.register()
        if self.controller is None:
            runner = ThreadRunner(lambda fn: Clock.schedule_once(lambda dt: fn(), 0))
            self.controller = Controller(self.kiosk_config, runner=runner)
        c = self.controller
        self.sm = ScreenManager(transition=NoTransition())
        self.screens = {}
        for key, cls in screen_classes().items():
            scr = cls(c, name=key.value)
            self.screens[key] = scr
            self.sm.add_widget(scr)
        c.listeners.append(self.render)
        ExceptionManager.add_handler(_BackHome(self))
        self.render()
        cfg = self.kiosk_config
        Clock.schedule_interval(lambda dt: c.tick(), 1.0)
        # The devices hand over cards and codes on this (the UI) thread; a keyboard-wedge scanner
        # types into the window.
        Clock.schedule_interval(lambda dt: c.poll_devices(), DEVICE_POLL_S)
        Window.bind(on_textinput=self._typed, on_key_down=self._key_down)
        Clock.schedule_interval(lambda dt: c.refresh(), cfg.refresh_s)
        Clock.schedule_interval(lambda dt: c.send_heartbeat(), cfg.heartbeat_s)
        Clock.schedule_once(lambda dt: c.start(), 0)
        fit_window_to_screen()
        return ScaledRoot(self.sm)

    def render(self):
        flow = self.controller.flow
        scr = self.screens[flow.screen]
        if self.sm.current != scr.name:
            left = self.sm.current_screen
            self.sm.current = scr.name
            if getattr(left, "personal", False):
                left.wipe()  # nothing personal stays in a hidden screen
        elif scr.update():
            return
        scr.render()

    def _typed(self, _window, text):
        self.controller.key_typed(text)

    def _key_down(self, _window, key, _scancode, _codepoint, _modifiers):
        if key in (13, 271):  # Enter, keypad Enter: the end of a wedge scanner's code
            self.controller.key_typed("\r")

    def on_stop(self):
        runner = self.controller.runner if self.controller else None
        if self.controller:
            c = self.controller
            c.flow.home()  # a session still open ends on the server, now
            for token in c.flow.take_ending():
                c.client.end_session(token)
            c.stop_devices()
        if isinstance(runner, ThreadRunner):
            runner.shutdown()
        if self.controller:
            self.controller.voice.stop()
