"""The kiosk's window geometry. The layout is drawn for the hall's 1080×1920 portrait screen; in
a desktop window (``--windowed``, the demo) it is scaled as a whole — never cropped, never laid
out again — so what a developer sees is what the hall's screen shows.

Pure functions and no Kivy here, so ``queue-server demo`` can place the display beside the kiosk.
"""

from __future__ import annotations

import ctypes
import os
from math import floor, gcd

LAYOUT = (1080, 1920)  # logical size of every screen (kiosk/screens/*.kv are in these pixels)
SCREEN_FRACTION = 0.9  # a window leaves room for the desktop's panels and title bar


def fit_portrait(
    screen: tuple[int, int],
    wanted: tuple[int, int] = LAYOUT,
    fraction: float = SCREEN_FRACTION,
    layout: tuple[int, int] = LAYOUT,
) -> tuple[int, int]:
    """The largest window with exactly the layout's aspect (9:16) that is no larger than
    ``wanted`` and within ``fraction`` of the screen's width and height."""
    g = gcd(*layout)
    unit = (layout[0] // g, layout[1] // g)  # (9, 16): whole pixels on the exact aspect
    limit = min(
        wanted[0] / layout[0],
        wanted[1] / layout[1],
        fraction * screen[0] / layout[0],
        fraction * screen[1] / layout[1],
    )
    n = max(1, floor(limit * g + 1e-9))
    return n * unit[0], n * unit[1]


def letterbox(
    window: tuple[float, float], layout: tuple[int, int] = LAYOUT
) -> tuple[float, float, float]:
    """(scale, x, y): the layout scaled to fit the window whole, centred; bars fill the rest."""
    scale = min(window[0] / layout[0], window[1] / layout[1])
    return scale, (window[0] - layout[0] * scale) / 2, (window[1] - layout[1] * scale) / 2


def x11_screen_size(display: str | None = None) -> tuple[int, int] | None:
    """Size of the X screen (libX11 through ctypes: no extra package), or None where there is
    no X display (SDL offscreen, a Wayland-only session, a hall kiosk without X)."""
    name = display or os.environ.get("DISPLAY")
    if not name or os.environ.get("SDL_VIDEODRIVER", "x11") != "x11":
        return None
    try:
        xlib = ctypes.CDLL("libX11.so.6")
    except OSError:
        return None
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    for fn in (xlib.XDefaultScreen, xlib.XCloseDisplay):
        fn.argtypes = [ctypes.c_void_p]
    for fn in (xlib.XDisplayWidth, xlib.XDisplayHeight):
        fn.argtypes = [ctypes.c_void_p, ctypes.c_int]
    dpy = xlib.XOpenDisplay(name.encode())
    if not dpy:
        return None
    try:
        screen = xlib.XDefaultScreen(dpy)
        return xlib.XDisplayWidth(dpy, screen), xlib.XDisplayHeight(dpy, screen)
    finally:
        xlib.XCloseDisplay(dpy)
