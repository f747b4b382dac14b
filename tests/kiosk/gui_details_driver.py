"""Runs the real kiosk app headless (SDL offscreen) against a server whose card service is sold
out: pages through the policy Q&A with the previous / next buttons, and touches the sold-out
service in zh_CN, en and ug. Saves a PNG of each screen in OUT_DIR and prints a JSON report for
tests/kiosk/test_gui_details.py. Kivy allows one Window per process, hence a script.

    python tests/kiosk/gui_details_driver.py SERVER_URL TOKEN PRINTER_DIR OUT_DIR
"""

import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

os.environ.update(
    SDL_VIDEODRIVER="offscreen",
    KIVY_WINDOW="sdl2",
    KIVY_NO_ARGS="1",
    KIVY_NO_CONFIG="1",
    KIVY_NO_FILELOG="1",
    KIVY_NO_CONSOLELOG="1",
)
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp())
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kivy.config import Config  # noqa: E402

Config.set("graphics", "width", "1080")
Config.set("graphics", "height", "1920")
Config.set("input", "mouse", "mouse,disable_multitouch")

from kivy.base import EventLoop  # noqa: E402
from kivy.clock import Clock  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402

from kiosk.app import KioskApp  # noqa: E402
from kiosk.config import KioskConfig  # noqa: E402
from kiosk.flow import Screen  # noqa: E402

url, token, printer_dir, out_dir = sys.argv[1:5]
OUT = Path(out_dir)
OUT.mkdir(parents=True, exist_ok=True)
report = {"screens": [], "errors": [], "faq": [], "sold_out": {}}
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


def current():
    return app.sm.current_screen


def widgets():
    return list(current().walk())


def find(name):
    for w in widgets():
        if getattr(w, "kiosk_name", None) == name:
            return w
    raise LookupError(f"no widget {name!r} on {current().name}")


def tap(name, until=None):
    w = find(name)
    x, y = w.to_window(*w.center)
    t = UnitTestTouch(x, y)
    t.touch_down()
    t.touch_up()
    pump(until or (lambda: False), 5.0 if until else 0.3)


def shot(tag):
    pump(timeout=0.3)
    path = OUT / f"kiosk-{tag}.png"
    current().export_to_png(str(path))
    report["screens"].append({"tag": tag, "screen": current().name, "png": str(path)})


def on(screen):
    return lambda: app.controller.flow.screen is screen and current().name == screen.value


def faq_page(lang, tag):
    """What the citizen sees on this Q&A page: the questions' ids, the page label, the buttons."""
    f = app.controller.flow
    entries = [w for w in widgets() if str(getattr(w, "kiosk_name", "")).startswith("entry_")]
    return {
        "lang": lang,
        "tag": tag,
        "page": f.page,
        "pages": f.page_count,
        "ids": [w.kiosk_name[len("entry_") :] for w in sorted(entries, key=lambda w: -w.y)],
        "label": find("page_where").text,
        "prev_enabled": not find("page_prev").disabled,
        "next_enabled": not find("page_next").disabled,
    }


def script():
    c = app.controller
    pump(lambda: bool(c.flow.services) and bool(c.hall), 10)
    for lang in ("zh_CN", "en", "ug"):
        tap(f"lang_{lang}", lambda: c.flow.language == lang)
        # Policy Q&A: every answer reachable page by page.
        tap("open_faq", on(Screen.FAQ))
        pump(lambda: len(c.flow.faq_entries) > 10, 3)
        report.setdefault("faq_all", {})[lang] = [e["id"] for e in c.flow.faq_entries]
        report["faq"].append(faq_page(lang, "first"))
        if lang == "zh_CN":
            shot("faq-page1-zh_CN")
        tap("page_next", lambda: c.flow.page == 1)
        report["faq"].append(faq_page(lang, "second"))
        shot(f"faq-page2-{lang}")
        while c.flow.has_next_page:
            before = c.flow.page
            tap("page_next", lambda: c.flow.page == before + 1)
            report["faq"].append(faq_page(lang, "later"))
        report["faq"].append(faq_page(lang, "last"))
        tap("page_prev", lambda: c.flow.page == c.flow.page_count - 2)
        report["faq"].append(faq_page(lang, "back"))
        tap("home", on(Screen.HOME))
        # A sold-out service: marked in the list, touching it explains.
        tap("take_ticket", on(Screen.SERVICES))
        pump(lambda: (c.flow.service_info("card") or {}).get("issuing") == "sold_out", 3)
        card_line = find("service_card").text
        tap("service_card")
        pump(lambda: c.flow.notice is not None, 2)
        report["sold_out"][lang] = {
            "screen": c.flow.screen.value,
            "line": card_line,
            "notice": find("notice").text,
            "confirm": c.flow.service,
        }
        shot(f"services-sold_out-{lang}")
        tap("home", on(Screen.HOME))
    # Elder mode: three questions a page, the pager still there.
    tap("lang_zh_CN", lambda: c.flow.language == "zh_CN")
    tap("elder", lambda: c.flow.elder)
    tap("open_faq", on(Screen.FAQ))
    pump(lambda: len(c.flow.faq_entries) > 10, 3)
    tap("page_next", lambda: c.flow.page == 1)
    report["faq"].append(faq_page("zh_CN", "elder"))
    shot("faq-page2-elder")


def run_script(dt):
    try:
        script()
    except Exception:
        report["errors"].append(traceback.format_exc())
    finally:
        app.stop()


Clock.schedule_once(run_script, 0.5)
app.run()
print("REPORT " + json.dumps(report, ensure_ascii=False))
