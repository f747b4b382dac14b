"""Runs the real kiosk app headless (SDL offscreen, Mesa) in its own process — Kivy allows one
Window per process — taps through every screen with UnitTestTouch, saves a PNG of each screen in
zh_CN, en, ug and elder mode, and prints a JSON report for tests/kiosk/test_gui.py.

    python tests/kiosk/gui_driver.py SERVER_URL TOKEN PRINTER_DIR OUT_DIR
"""

import sys
from pathlib import Path

from kivy_driver import Driver, prepare

prepare()

from kiosk.flow import Screen  # noqa: E402
from kiosk.staffpin import hash_pin  # noqa: E402

d = Driver(sys.argv[1:], staff_pin_hash=hash_pin("2468"))
report, pump, tap, shot, on, current = d.report, d.pump, d.tap, d.shot, d.on, d.current
app, printer_dir = d.app, d.printer_dir


def script():
    c = app.controller
    pump(lambda: bool(c.flow.services) and bool(c.hall), 10)
    for lang in ("zh_CN", "en", "ug"):
        tap(f"lang_{lang}")
        pump(lambda: c.flow.language == lang)
        shot(f"home-{lang}")
        tap("take_ticket", on(Screen.SERVICES))
        pump(lambda: bool(c.flow.services), 3)
        shot(f"services-{lang}")
        tap("service_pension", on(Screen.CONFIRM))
        shot(f"confirm-{lang}")
        tap("confirm", on(Screen.TICKET))
        report.setdefault("tickets", []).append(c.flow.ticket["number"])
        shot(f"ticket-{lang}")
        tap("home", on(Screen.HOME))
        tap("open_guide", on(Screen.GUIDE))
        pump(lambda: bool(c.flow.items), 3)
        shot(f"guide-{lang}")
        tap("guide_pension")
        tap(f"item_{c.flow.guide_items()[0]['code']}", on(Screen.GUIDE_ITEM))
        shot(f"guide_item-{lang}")
        tap("home", on(Screen.HOME))
        tap("open_faq", on(Screen.FAQ))
        pump(lambda: bool(c.flow.faq_entries), 3)
        for k in "YLBX":
            tap(f"key_{k}")
        pump(lambda: c.flow.faq_query == "ylbx" and len(c.flow.faq_entries) < 30, 3)
        report.setdefault("faq_ylbx", []).append([e["id"] for e in c.flow.faq_entries])
        shot(f"faq-{lang}")
        tap(f"entry_{c.flow.faq_entries[0]['id']}", on(Screen.FAQ_ENTRY))
        shot(f"faq_entry-{lang}")
        tap("home", on(Screen.HOME))
    # elder mode in Chinese
    tap("lang_zh_CN")
    tap("elder", lambda: c.flow.elder)
    shot("home-elder")
    tap("take_ticket", on(Screen.SERVICES))
    shot("services-elder")
    tap("service_medical", on(Screen.CONFIRM))
    shot("confirm-elder")
    # paper out: the number stays on screen with its QR code
    c.printer.transport.state = "paper_out"
    tap("confirm", on(Screen.TICKET))
    report["paper_out"] = {
        "printed": c.flow.printed,
        "problem": c.flow.printer_problem,
        "qr": any(getattr(w, "kiosk_name", "") == "qr" for w in current().walk()),
    }
    shot("ticket-paper_out-elder")
    c.printer.transport.state = "ok"
    tap("home", on(Screen.HOME))
    tap("elder", lambda: not c.flow.elder)
    # staff mode through the hidden corner
    for _ in range(3):
        w = current().ids.corner
        d.touch(*w.to_window(*w.center))
        pump(timeout=0.1)
    pump(on(Screen.STAFF_PIN), 2)
    for digit in "2468":
        tap(f"pin_{digit}")
    shot("staff_pin-zh_CN")
    tap("pin_ok", on(Screen.STAFF))
    tap("reason_pregnant")
    shot("staff-zh_CN")
    tap("service_medical", on(Screen.CONFIRM))
    tap("confirm", on(Screen.TICKET))
    report["staff_ticket"] = c.flow.ticket
    tap("home", on(Screen.HOME))
    # out of service
    c.flow.server_down()
    c.changed()
    pump(on(Screen.OUT_OF_SERVICE), 2)
    shot("out_of_service-zh_CN")
    c.flow.set_language("ug")
    c.changed()
    shot("out_of_service-ug")
    report["printer_jobs"] = len(list(Path(printer_dir).glob("*.bin")))
    # a bug inside the event loop: logged, no traceback on screen, back to home with input cleared
    c.flow.server_up()
    c.changed()
    pump(on(Screen.HOME), 3)
    tap("open_faq", on(Screen.FAQ))
    tap("key_Y")

    def boom(dt):
        raise RuntimeError("simulated kiosk bug")

    from kivy.clock import Clock

    Clock.schedule_once(boom, 0)
    pump(on(Screen.HOME), 3)
    report["after_crash"] = {"screen": c.flow.screen.value, "query": c.flow.faq_query}


d.run(script)
