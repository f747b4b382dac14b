"""The kiosk on a desktop (issue 9, item 1): a portrait 9:16 window that fits the screen and shows
the whole 1080×1920 layout scaled — not full screen, not a corner of the layout.

The pure geometry is checked on common screens; the real app runs in a window on an Xvfb screen
of a 1366×768 laptop (in its own process: one Kivy Window per process)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from kiosk.window import LAYOUT, fit_portrait, letterbox, x11_screen_size
from tests.conftest import OUTPUT_DIR
from tests.kiosk.kivy_driver import run_driver

DRIVER = Path(__file__).with_name("window_driver.py")
SCREENS = [
    (1920, 1080),
    (1366, 768),
    (1280, 800),
    (2560, 1440),
    (3840, 2160),
    (1080, 1920),
    (800, 600),
    (1024, 768),
    (3440, 1440),
    (640, 480),
]


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("wanted", [LAYOUT, (540, 960)])
def test_window_fits_the_screen_keeps_9_16_and_is_the_largest_that_does(screen, wanted):
    w, h = fit_portrait(screen, wanted)
    assert w * 16 == h * 9  # exactly the layout's aspect
    assert h <= 0.9 * screen[1] and w <= 0.9 * screen[0]  # room for panels and title bar
    assert w <= wanted[0] and h <= wanted[1]  # never larger than asked
    # one step (9×16 px) larger would break one of the limits
    bigger = (w + 9, h + 16)
    assert (
        bigger[1] > 0.9 * screen[1]
        or bigger[0] > 0.9 * screen[0]
        or bigger[0] > wanted[0]
        or bigger[1] > wanted[1]
    )


def test_on_a_full_hd_desktop_the_window_is_90_percent_of_the_height():
    assert fit_portrait((1920, 1080)) == (540, 960)  # 89 % of 1080, on whole 9×16 steps
    assert fit_portrait((1366, 768)) == (387, 688)
    assert fit_portrait((3840, 2160)) == LAYOUT  # never upscaled past the layout


@pytest.mark.parametrize("window", [(540, 960), (800, 600), (1080, 1920), (1920, 1080), (387, 700)])
def test_letterbox_shows_the_whole_layout_centred(window):
    scale, x, y = letterbox(window)
    drawn = (LAYOUT[0] * scale, LAYOUT[1] * scale)
    assert x >= 0 and y >= 0
    assert x + drawn[0] <= window[0] + 1e-9 and y + drawn[1] <= window[1] + 1e-9
    assert abs(x - (window[0] - x - drawn[0])) < 1e-9 and abs(y - (window[1] - y - drawn[1])) < 1e-9
    assert min(window[0] - drawn[0], window[1] - drawn[1]) < 1e-9  # touches one pair of edges


@pytest.fixture(scope="module")
def xvfb():
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is missing: install the Debian package xvfb (make setup does)")
    for n in range(140, 160):  # a display number nobody else uses
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(
        ["Xvfb", f":{n}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{n}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f":{n}"
    proc.terminate()
    proc.wait(timeout=10)


def test_screen_size_is_read_from_the_x_display(xvfb, monkeypatch):
    monkeypatch.delenv("SDL_VIDEODRIVER", raising=False)
    assert x11_screen_size(xvfb) == (1366, 768)


@pytest.fixture(scope="module")
def report(live, xvfb, tmp_path_factory):
    printer_dir = tmp_path_factory.mktemp("window-printer")
    out = OUTPUT_DIR / "kiosk-window"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "DISPLAY": xvfb}
    rep = run_driver(DRIVER, live.url, live.token, str(printer_dir), str(out), timeout=120, env=env)
    assert rep["errors"] == []
    return rep


def test_windowed_kiosk_fits_a_laptop_screen_in_portrait(report):
    w, h = report["window"]
    assert (w, h) == fit_portrait((1366, 768), (540, 960)) == (387, 688)


def test_the_window_shows_the_whole_layout_scaled(report):
    window = Image.open(report["window_png"]).convert("RGB")
    layout = Image.open(report["layout_png"]).convert("RGB")
    assert window.size == tuple(report["window"]) and layout.size == LAYOUT
    scale, x, y = letterbox(window.size)
    expected = Image.new("RGB", window.size)
    expected.paste(
        layout.resize(
            (round(LAYOUT[0] * scale), round(LAYOUT[1] * scale)), Image.Resampling.LANCZOS
        ),
        (round(x), round(y)),
    )
    diff = ImageStat.Stat(ImageChops.difference(window, expected)).mean
    assert max(diff) < 8, diff  # the same picture, small: not a corner, not a new layout


def test_a_tap_where_a_button_is_drawn_presses_it(report):
    assert report["language_after_tap"] == "en"
