"""Runs the real kiosk app headless (SDL offscreen) through the citizen's own records: home, the
verify screen (keypad, the pty fake ID card reader, a reader that stops answering), my records'
tabs, a statement previewed and printed (and paper out), the progress query, staff assistance —
in zh_CN, en, ug and elder mode. Saves a PNG of each screen and prints a JSON report for
tests/kiosk/test_gui_citizen.py, including every text left in any screen after the citizen
finished. Kivy allows one Window per process, hence a script.

    python tests/kiosk/gui_citizen_driver.py SERVER_URL TOKEN PRINTER_DIR OUT_DIR PERSON_JSON
"""

import json
import sys
from pathlib import Path

from kivy_driver import Driver, prepare

prepare()

from kiosk.citizen_flow import Personal  # noqa: E402
from kiosk.devices.fakes import FakeCard, FakeIdCardReader  # noqa: E402
from kiosk.flow import Screen  # noqa: E402
from kiosk.staffpin import hash_pin  # noqa: E402

PERSON = json.loads(sys.argv[5])
reader = FakeIdCardReader()
d = Driver(
    sys.argv[1:],
    idcard_reader=reader.url + "&poll_ms=100&timeout_ms=300",
    qr_scanner="keyboard",
    staff_pin_hash=hash_pin("2468"),
    idle_timeout_s=600,
)
report, pump, tap, shot, on, find = d.report, d.pump, d.tap, d.shot, d.on, d.find
report.update(left_behind={}, checks={})
app, printer_dir, current = d.app, d.printer_dir, d.current


def texts_everywhere():
    """Every text of every widget of every screen (shown or not)."""
    out = []
    for scr in app.sm.screens:
        for w in scr.walk():
            text = getattr(w, "text", None)
            if isinstance(text, str) and text.strip():
                out.append((scr.name, text))
    return out


def personal_values(c):
    """What would give the person away: masked identity, figures and names shown."""
    p = c.flow.personal
    values = set(p.person.values()) | {(p.statement or {}).get("verification_code") or ""}
    profile = p.records.get("profile") or {}
    values |= {profile.get("employer") or ""}
    account = p.records.get("account") or {}
    values |= {account.get("balance") or ""}
    for case in (p.records.get("cases") or {}).get("cases", []):
        values.add(case["case_number"])
    return {v for v in values if v and len(v) >= 2}


def elder_sizes(tag):
    """The smallest text and the smallest touch target on the current screen (适老化)."""
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label

    texts = [
        w.font_size
        for w in current().walk(restrict=True)
        if isinstance(w, Label) and w.text.strip() and w.opacity > 0
    ]
    targets = [
        min(w.width, w.height)
        for w in current().walk(restrict=True)
        if isinstance(w, ButtonBehavior)
        and w.opacity > 0
        and getattr(w, "kiosk_name", "") != ""
        and w.width > 0
    ]
    report["checks"].setdefault("elder_sizes", {})[tag] = {
        "text": min(texts),
        "target": min(targets),
    }


def card_in():
    reader.insert(FakeCard.person(PERSON["name"], PERSON["id_number"]))


def verify_with_card(c):
    card_in()
    pump(lambda: c.flow.screen is Screen.RECORDS and "profile" in c.flow.personal.records, 8)
    reader.remove()
    pump(on(Screen.RECORDS), 3)


def citizen_round(c, lang):
    tap(f"lang_{lang}", lambda: c.flow.language == lang)
    shot(f"home-{lang}")
    tap("open_verify", on(Screen.VERIFY))
    shot(f"verify-{lang}")
    if lang == "zh_CN":  # the keypad, tapped: the ID number, a wrong password
        for ch in PERSON["id_number"]:
            tap(f"key_{ch}", wait=0.02)
        for ch in "000000" if PERSON["password"] != "000000" else "111111":
            tap(f"key_{ch}", wait=0.02)
        report["checks"]["typed"] = {
            "id": c.flow.personal.id_entry,
            "password_shown": find("field_password").text,
        }
        tap("verify_ok", lambda: c.flow.notice is not None and not c.flow.personal.busy)
        report["checks"]["wrong_password"] = {
            "notice": find("notice").text,
            "params": c.flow.notice_params,
        }
        shot(f"verify-wrong_password-{lang}")
        tap("verify_clear")
    verify_with_card(c)
    shot(f"records-profile-{lang}")
    for tab in ("contributions", "account", "benefits", "cases"):
        tap(f"tab_{tab}", lambda: c.flow.record_key() in c.flow.personal.records)
        shot(f"records-{tab}-{lang}")
    report["checks"].setdefault("countdown", {})[lang] = find("countdown").text
    report["checks"].setdefault("who", {})[lang] = find("who").text
    tap("open_statement", on(Screen.STATEMENT))
    tap("preset_120", wait=0.2)
    shot(f"statement-{lang}")
    tap("preview_statement", lambda: c.flow.personal.statement is not None)
    report["checks"].setdefault("code", {})[lang] = find("code").text
    shot(f"statement-preview-{lang}")
    if lang == "zh_CN":
        jobs = len(list(Path(printer_dir).glob("*.bin")))
        tap("print_statement", lambda: c.flow.personal.printed is True)
        report["checks"]["printed_jobs"] = len(list(Path(printer_dir).glob("*.bin"))) - jobs
        shot(f"statement-printed-{lang}")
    values = personal_values(c)  # every tab and the statement were on screen
    tap("finish", on(Screen.HOME))
    pump(timeout=0.5)
    left = [(scr, text) for scr, text in texts_everywhere() if any(v in text for v in values)]
    report["left_behind"][lang] = {
        "values": len(values),
        "found": left,
        "flow_clean": c.flow.personal == Personal(),
    }
    # Case progress: stage and next stage only.
    tap("open_progress", on(Screen.PROGRESS))
    for ch in PERSON["case_number"]:
        c.progress_key(ch)
    tap("field_check")
    for ch in PERSON["id_number"][-4:]:
        tap(f"key_{ch}", wait=0.02)
    tap("progress_ok", lambda: c.flow.personal.progress is not None)
    report["checks"].setdefault("stage", {})[lang] = find("stage").text
    shot(f"progress-{lang}")
    tap("home", on(Screen.HOME))


def elder_round(c):
    tap("lang_zh_CN", lambda: c.flow.language == "zh_CN")
    tap("elder", lambda: c.flow.elder)
    shot("home-elder")
    tap("open_verify", on(Screen.VERIFY))
    shot("verify-elder")
    elder_sizes("verify")
    verify_with_card(c)
    shot("records-profile-elder")
    elder_sizes("records")
    tap("tab_contributions", lambda: c.flow.record_key() in c.flow.personal.records)
    report["checks"]["elder_rows"] = len(c.flow.page_rows())
    report["checks"]["elder_pages"] = c.flow.records_pages
    shot("records-contributions-elder")
    tap("page_next", lambda: c.flow.personal.page == 1)
    shot("records-contributions-page2-elder")
    tap("open_statement", on(Screen.STATEMENT))
    elder_sizes("statement")
    tap("preview_statement", lambda: c.flow.personal.statement is not None)
    shot("statement-preview-elder")
    elder_sizes("statement-preview")
    # paper out while printing: said plainly; Reprint once paper is back
    c.printer.transport.state = "paper_out"
    tap("print_statement", lambda: c.flow.personal.printed is False)
    report["checks"]["paper_out"] = {
        "notice": find("notice").text,
        "reprint_enabled": not find("print_statement").disabled,
    }
    shot("statement-paper_out-elder")
    c.printer.transport.state = "ok"
    pump(lambda: not c.flow.waiting_for_printer, 5)
    report["checks"]["paper_back"] = {
        "reprint_enabled": not find("print_statement").disabled,
        "label": find("print_statement").text,
    }
    tap("finish", on(Screen.HOME))
    tap("open_progress", on(Screen.PROGRESS))
    shot("progress-elder")
    elder_sizes("progress")
    tap("home", on(Screen.HOME))
    tap("elder", lambda: not c.flow.elder)


def reader_down(c):
    tap("open_verify", on(Screen.VERIFY))
    reader.behave("silent")
    pump(lambda: c.flow.reader_status == "no_answer", 5)
    report["checks"]["reader_down"] = {
        "notice": find("notice").text,
        "tile": [
            w.text
            for w in find("way_card").walk(restrict=True)
            if isinstance(getattr(w, "text", None), str)
        ],
    }
    shot("verify-reader_down-zh_CN")
    reader.behave(None)
    pump(lambda: c.flow.reader_usable, 5)
    tap("home", on(Screen.HOME))


def corner(c):
    for _ in range(3):
        w = current().ids.corner
        d.touch(*w.to_window(*w.center))
        pump(timeout=0.1)
    pump(on(Screen.STAFF_PIN), 2)
    for digit in "2468":
        tap(f"pin_{digit}", wait=0.02)
    tap("pin_ok", on(Screen.STAFF))


def staff_round(c):
    corner(c)
    shot("staff-assist-zh_CN")
    tap("staff_assist", on(Screen.VERIFY))
    report["checks"]["assisted"] = {"staff": c.flow.staff, "assisted": c.flow.personal.assisted}
    shot("verify-assisted-zh_CN")
    verify_with_card(c)
    values = personal_values(c)
    corner(c)  # the guide comes back while the records are open
    shown = [
        text
        for scr in (app.sm.current_screen,)
        for w in scr.walk()
        for text in [getattr(w, "text", "")]
        if isinstance(text, str) and any(v in text for v in values)
    ]
    report["checks"]["staff_sees"] = shown
    report["checks"]["staff_session_open"] = c.flow.in_session
    shot("staff-session_open-zh_CN")
    tap("staff_end_session", lambda: not c.flow.in_session)
    shot("staff-session_ended-zh_CN")
    left = [(scr, text) for scr, text in texts_everywhere() if any(v in text for v in values)]
    report["left_behind"]["staff"] = {
        "values": len(values),
        "found": left,
        "flow_clean": c.flow.personal.token is None,
    }
    tap("home", on(Screen.HOME))


def script():
    c = app.controller
    pump(lambda: bool(c.flow.services) and bool(c.hall), 10)
    for lang in ("zh_CN", "en", "ug"):
        citizen_round(c, lang)
    elder_round(c)
    reader_down(c)
    staff_round(c)
    # a keyboard-wedge scanner types a code and Enter into the window: the verify screen
    # takes it (a made-up code: the server refuses it, in plain words)
    from kivy.core.window import Window

    tap("open_verify", on(Screen.VERIFY))
    Window.dispatch("on_textinput", "ESSC1.NOT.A.REAL.CODE")
    Window.dispatch("on_key_down", 13, 40, None, [])
    pump(lambda: c.flow.notice is not None, 5)
    report["checks"]["wedge"] = c.flow.notice
    tap("home", on(Screen.HOME))


d.run(script, after=reader.close)
