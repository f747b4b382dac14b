"""Runs the real kiosk app in a desktop window on the X display in $DISPLAY (Xvfb in the test),
started the way ``python -m kiosk --windowed`` starts it, and prints a JSON report for
tests/kiosk/test_window.py: the window's size, a PNG of the whole window and one of the home
screen at its own 1080×1920 size, and whether a tap where the English button is drawn (computed
here from layout pixels, not asked of the widget) switched the language.

    python tests/kiosk/window_driver.py SERVER_URL TOKEN PRINTER_DIR OUT_DIR
"""

import sys

from kivy_driver import Driver, prepare

prepare("x11", (540, 960))  # what --windowed asks for

from kivy.core.window import Window  # noqa: E402

d = Driver(sys.argv[1:])
report, pump, app, OUT = d.report, d.pump, d.app, d.out


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
    button = d.find("lang_en")
    lx, ly = layout_point(button, *button.center)
    # where a 1080×1920 layout scaled whole into this window draws that point
    scale = min(Window.width / 1080, Window.height / 1920)
    wx = (Window.width - 1080 * scale) / 2 + lx * scale
    wy = (Window.height - 1920 * scale) / 2 + ly * scale
    report["tap"] = [wx, wy]
    d.touch(wx, wy)
    pump(lambda: c.flow.language == "en", 2)
    report["language_after_tap"] = c.flow.language


d.run(script)
