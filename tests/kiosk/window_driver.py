"""Runs the real kiosk app in a desktop window on the X display in $DISPLAY (Xvfb in the test),
started the way ``python -m kiosk --windowed`` starts it, and prints a JSON report for
tests/kiosk/test_window.py: the window's size, a PNG of the whole window and one of the home
screen at its own 1080×1920 size, and whether a tap where the English button is drawn (computed
here from layout pixels, not asked of the widget) switched the language.

    python tests/kiosk/window_driver.py SERVER_URL TOKEN PRINTER_DIR OUT_DIR
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.update(
    SDL_VIDEODRIVER="x11",
    KIVY_WINDOW="sdl2",
    KIVY_NO_CONFIG="1",
    KIVY_NO_FILELOG="1",
    KIVY_NO_CONSOLELOG="1",
)
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp())
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.__main__ import configure_kivy  # noqa: E402

configure_kivy(False, (540, 960))  # what --windowed asks for

from kivy.base import EventLoop  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from kiosk.app import KioskApp  # noqa: E402
from kiosk.config import KioskConfig  # noqa: E402

url, token, printer_dir, out_dir = sys.argv[1:5]
OUT = Path(out_dir)
OUT.mkdir(parents=True, exist_ok=True)
report = {"errors": []}
app = KioskApp(
    KioskConfig(
        server_url=url,
        token=token,
        printer_url=f"virtual://{printer_dir}",
        voice=False,
        fullscreen=False,
        refresh_s=60,
        heartbeat_s=60,
    )
)


def pump(cond=lambda: False, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        EventLoop.idle()
        if cond():
            EventLoop.idle()
            return True
    return False


def layout_point(widget, x, y):
    """(x, y) of ``widget`` in the screen manager's pixels, i.e. on the 1080×1920 layout."""
    while widget is not app.sm:
        x, y = widget.to_parent(x, y)
        widget = widget.parent
    return x, y


def window_png(path):
    """What the window shows. RGBA, not Window.screenshot's RGB: its rows of an odd width come
    back padded to 4 bytes and the picture sheared."""
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image

    w, h = Window.size
    data = glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE)
    Image.frombytes("RGBA", (w, h), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM).save(path)
    return str(path)


def script():
    c = app.controller
    pump(lambda: bool(c.flow.services) and bool(c.hall), 10)
    pump(timeout=0.5)
    report["window"] = list(Window.size)
    report["window_png"] = window_png(OUT / "kiosk-window.png")
    home = OUT / "kiosk-window-layout.png"
    app.sm.current_screen.export_to_png(str(home))
    report["layout_png"] = str(home)
    button = next(
        w for w in app.sm.current_screen.walk() if getattr(w, "kiosk_name", "") == "lang_en"
    )
    lx, ly = layout_point(button, *button.center)
    # where a 1080×1920 layout scaled whole into this window draws that point
    scale = min(Window.width / 1080, Window.height / 1920)
    wx = (Window.width - 1080 * scale) / 2 + lx * scale
    wy = (Window.height - 1920 * scale) / 2 + ly * scale
    report["tap"] = [wx, wy]
    t = UnitTestTouch(wx, wy)
    t.touch_down()
    t.touch_up()
    pump(lambda: c.flow.language == "en", 2)
    report["language_after_tap"] = c.flow.language


def run_script(dt):
    try:
        script()
    except Exception:
        import traceback

        report["errors"].append(traceback.format_exc())
    finally:
        app.stop()


Clock.schedule_once(run_script, 0.5)
app.run()
print("REPORT " + json.dumps(report, ensure_ascii=False))
