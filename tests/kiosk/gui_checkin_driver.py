"""Runs the real kiosk app headless (SDL offscreen) through a booking's check-in (预约签到): the
home tile, the check-in screen, an early and a late answer typed on the keypad in zh_CN, en and
ug, the ID card on the pty fake reader giving the booking's ticket, a late citizen taking a
normal ticket with one touch, and elder mode. Moves the server's clock through its clock file.
Saves a PNG of each screen and prints a JSON report for tests/kiosk/test_gui_checkin.py.

    python tests/kiosk/gui_checkin_driver.py SERVER_URL TOKEN PRINTER_DIR OUT_DIR BOOKINGS_JSON
"""

import json
import sys
from pathlib import Path

from kivy_driver import Driver, prepare

prepare()

from kiosk.devices.fakes import FakeCard, FakeIdCardReader  # noqa: E402
from kiosk.flow import Screen  # noqa: E402

# {"clock_file", "now", "card", "early", "late", "late2", "elder"}: each a booking (code, …)
B = json.loads(sys.argv[5])
reader = FakeIdCardReader()
d = Driver(
    sys.argv[1:],
    idcard_reader=reader.url + "&poll_ms=100&timeout_ms=1000",  # slow under a loaded CI
    idle_timeout_s=600,
)
report, pump, tap, shot, on, find = d.report, d.pump, d.tap, d.shot, d.on, d.find
report.update(answers={}, tickets={}, checks={}, bookings=B)
app, printer_dir = d.app, d.printer_dir


def set_clock(iso: str) -> None:
    Path(B["clock_file"]).write_text(iso)


def answered(c):
    """The server's answer is on screen (drawn in the answer's place of the keypad)."""

    def drawn():
        try:
            return c.flow.checkin.offer is not None and bool(find("answer").text)
        except LookupError:
            return False

    return drawn


def type_code(code: str, phone: str = "", taps: bool = False) -> None:
    """The keys tapped one by one (taps), else pressed through the controller: each tap draws
    a frame, and the keypad's taps are proven once."""
    c = app.controller

    def press(k):
        if taps:
            tap(f"key_{k}", wait=0.02)
        else:
            c.checkin_key(k)

    if phone:
        tap("field_phone", wait=0.02)
        for k in phone:
            press(k)
    for k in code:
        press(k)


def answer(c, tag: str, code: str, phone: str = "", taps: bool = False) -> None:
    tap("open_checkin", on(Screen.CHECKIN))
    type_code(code, phone, taps)
    report["checks"].setdefault("typed", {})[tag] = [c.flow.checkin.code, c.flow.checkin.phone]
    tap("checkin_ok", answered(c))
    report["answers"][tag] = {"text": find("answer").text, "offer": c.flow.checkin.offer}
    shot(f"checkin-{tag}")


def language_round(c, lang: str) -> None:
    tap(f"lang_{lang}", lambda: c.flow.language == lang)
    home_tile(lang)  # home itself is shot by gui_citizen_driver.py
    tap("open_checkin", on(Screen.CHECKIN))
    # The fake reader shares this process: a slow frame may time a poll out (it comes back).
    report["checks"].setdefault("reader_waits", []).append(c.flow.reader_status)
    pump(lambda: c.flow.reader_usable, 5)
    shot(f"checkin-{lang}")
    tap("home", on(Screen.HOME))
    answer(c, f"early-{lang}", B["early"]["code"])
    tap("home", on(Screen.HOME))
    answer(c, f"late-{lang}", B["late"]["code"], B["late"]["phone_last4"], lang == "zh_CN")
    report["checks"].setdefault("take_normal", {})[lang] = find("normal_ticket").text
    tap("home", on(Screen.HOME))


def home_tile(tag: str) -> None:
    words = [w.text for w in find("open_checkin").walk(restrict=True) if getattr(w, "text", "")]
    report["checks"].setdefault("home_tile", {})[tag] = words


def ticket_report(c, tag: str) -> None:
    t = c.flow.ticket
    shown = [w.text for w in d.current().walk() if getattr(w, "kiosk_name", "") == "appointment"]
    report["tickets"][tag] = {
        "number": t["number"],
        "appointment_at": t.get("appointment_at"),
        "printed": c.flow.printed,
        "shown": shown,
        "jobs": len(list(Path(printer_dir).glob("*.bin"))),
    }


def script():
    c = app.controller
    pump(lambda: bool(c.flow.services) and bool(c.hall), 10)
    set_clock(B["now"])  # the early booking opens later, the late ones' grace is over
    for lang in ("zh_CN", "en", "ug"):
        language_round(c, lang)
    tap("lang_en", lambda: c.flow.language == "en")
    answer(c, "none-en", "000000")
    tap("again", lambda: c.flow.checkin.offer is None)
    tap("home", on(Screen.HOME))
    tap("lang_zh_CN", lambda: c.flow.language == "zh_CN")
    # The card on the reader, on time: the booking's ticket, printed.
    tap("open_checkin", on(Screen.CHECKIN))
    report["checks"]["reader_armed"] = c.reader.armed
    reader.insert(FakeCard.person("张三", B["card"]["id_number"]))
    pump(on(Screen.TICKET), 8)
    pump(lambda: c.flow.printed is not None, 5)
    reader.remove()
    ticket_report(c, "card")
    shot("checkin-ticket-zh_CN")
    tap("home", on(Screen.HOME))
    # Late: one touch takes a normal ticket.
    tap("open_checkin", on(Screen.CHECKIN))
    type_code(B["late"]["code"], B["late"]["phone_last4"])
    tap("checkin_ok", answered(c))
    tap("normal_ticket", on(Screen.TICKET))
    pump(lambda: c.flow.printed is not None, 5)
    ticket_report(c, "walk_in")
    tap("home", on(Screen.HOME))
    # Elder mode: the screen, an answer (checked in already), a code on time.
    tap("elder", lambda: c.flow.elder)
    home_tile("elder")
    tap("open_checkin", on(Screen.CHECKIN))
    type_code(B["elder"]["code"][:3], "1")
    shot("checkin-elder")
    tap("home", on(Screen.HOME))
    answer(c, "twice-elder", B["card"]["code"])  # checked in with the card above
    tap("home", on(Screen.HOME))
    answer(c, "early-elder", B["early"]["code"])
    tap("home", on(Screen.HOME))
    tap("open_checkin", on(Screen.CHECKIN))
    type_code(B["elder"]["code"])
    tap("checkin_ok", on(Screen.TICKET))
    pump(lambda: c.flow.printed is not None, 5)
    ticket_report(c, "elder")
    shot("checkin-ticket-elder")
    tap("home", on(Screen.HOME))
    tap("lang_ug", lambda: c.flow.language == "ug")
    answer(c, "late-ug-elder", B["late2"]["code"])
    tap("home", on(Screen.HOME))


d.run(script, after=reader.close)
