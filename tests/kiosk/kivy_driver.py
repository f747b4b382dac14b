"""What the GUI tests share. Kivy allows one Window per process, so each GUI test runs a driver
script (gui_driver.py, gui_details_driver.py, gui_citizen_driver.py, window_driver.py) in its own
process with ``run_driver`` and reads the JSON report it prints.

A driver script calls ``prepare()`` before anything imports Kivy, makes a ``Driver`` (the real
kiosk app against the server, token and virtual printer of its command line), taps through the
app with its helpers, and ends with ``driver.run(script)``:

    python tests/kiosk/<driver>.py SERVER_URL TOKEN PRINTER_DIR OUT_DIR [more]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_driver(driver: Path, *args: str, timeout: float = 300, env: dict | None = None) -> dict:
    """Run a driver script in its own process; its report (a failed run says why)."""
    r = subprocess.run(
        [sys.executable, str(driver), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("REPORT ")), None)
    assert line, f"driver failed: {r.stderr[-3000:]}"
    return json.loads(line[len("REPORT ") :])


def prepare(video: str = "offscreen", size: tuple[int, int] = (1080, 1920)) -> None:
    """Kivy set up as ``python -m kiosk --windowed`` sets it up, on the SDL ``video`` driver
    (offscreen: no display needed; x11: the display in $DISPLAY). Before Kivy is imported."""
    os.environ.update(
        SDL_VIDEODRIVER=video,
        KIVY_WINDOW="sdl2",
        KIVY_NO_CONFIG="1",
        KIVY_NO_FILELOG="1",
        KIVY_NO_CONSOLELOG="1",
    )
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp())
    sys.path.insert(0, str(ROOT))
    from kiosk.__main__ import configure_kivy

    configure_kivy(False, size)


class Driver:
    """The kiosk app of one driver script, and the report it prints at the end."""

    def __init__(self, argv: list[str], **config):
        from kiosk.app import KioskApp
        from kiosk.config import KioskConfig

        url, token, self.printer_dir, out_dir = argv[:4]
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.report: dict = {"screens": [], "errors": []}
        self.app = KioskApp(
            KioskConfig(
                server_url=url,
                token=token,
                printer_url=f"virtual://{self.printer_dir}",
                voice=False,
                fullscreen=False,
                refresh_s=60,
                heartbeat_s=60,
                **config,
            )
        )

    @property
    def c(self):
        return self.app.controller

    def current(self):
        return self.app.sm.current_screen

    def pump(self, cond=lambda: False, timeout: float = 5.0) -> bool:
        """Run the event loop until ``cond()`` holds (True) or ``timeout`` seconds (False)."""
        from kivy.base import EventLoop

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            EventLoop.idle()
            if cond():
                EventLoop.idle()
                return True
        return False

    def find(self, name: str):
        for w in self.current().walk():
            if getattr(w, "kiosk_name", None) == name:
                return w
        raise LookupError(f"no widget {name!r} on {self.current().name}")

    def touch(self, x: float, y: float) -> None:
        """A finger down and up at window pixels (x, y)."""
        from kivy.tests.common import UnitTestTouch

        t = UnitTestTouch(x, y)
        t.touch_down()
        t.touch_up()

    def tap(self, name: str, until=None, wait: float = 0.15) -> None:
        """Tap the widget named ``name``; with ``until``, wait for it (AssertionError if not)."""
        from kivy.base import EventLoop

        EventLoop.idle()  # lay out what the last change drew before aiming at it
        EventLoop.idle()
        w = self.find(name)
        self.touch(*w.to_window(*w.center))
        if until is not None and not self.pump(until, 8.0):
            raise AssertionError(f"after tapping {name} on {self.current().name}: not reached")
        self.pump(timeout=wait)

    def on(self, screen):
        """A condition: the Flow is on ``screen`` and the app shows it."""
        return lambda: self.c.flow.screen is screen and self.current().name == screen.value

    def shot(self, tag: str) -> None:
        """tests/output/kiosk-<tag>.png of the current screen, listed in the report."""
        self.pump(timeout=0.4)
        path = self.out / f"kiosk-{tag}.png"
        self.current().export_to_png(str(path))
        flow = self.c.flow
        self.report["screens"].append(
            {
                "tag": tag,
                "screen": self.current().name,
                "png": str(path),
                "language": flow.language,
                "elder": flow.elder,
                "cut_off": self.cut_off(),
            }
        )

    def cut_off(self) -> list:
        """Texts on the current screen that lose more than a third of a line at their widget's
        edges (a line's own spacing may overhang: the Arabic face's is tall)."""
        from kivy.uix.label import Label

        out = []
        for w in self.current().walk(restrict=True):
            if not isinstance(w, Label) or not w.text.strip() or w.opacity == 0:
                continue
            lines = max(1, len(w._label._cached_lines))
            over = w.texture_size[1] - w.height
            if over > w.texture_size[1] / lines / 3:
                out.append([getattr(w, "kiosk_name", "") or w.text[:30], lines, over])
        return out

    def run(self, script, after=lambda: None) -> None:
        """Run ``script()`` once the app is up, stop the app, print the report."""
        from kivy.clock import Clock

        def go(_dt):
            try:
                script()
            except Exception:
                self.report["errors"].append(traceback.format_exc())
                try:
                    self.shot("error")
                except Exception:
                    pass
            finally:
                self.app.stop()

        Clock.schedule_once(go, 0.5)
        self.app.run()
        after()
        print("REPORT " + json.dumps(self.report, ensure_ascii=False))
