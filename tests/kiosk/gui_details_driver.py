"""Runs the real kiosk app headless (SDL offscreen) against a server whose card service is sold
out: pages through the policy Q&A with the previous / next buttons, and touches the sold-out
service in zh_CN, en and ug. Saves a PNG of each screen in OUT_DIR and prints a JSON report for
tests/kiosk/test_gui_details.py. Kivy allows one Window per process, hence a script.

    python tests/kiosk/gui_details_driver.py SERVER_URL TOKEN PRINTER_DIR OUT_DIR
"""

import sys

from kivy_driver import Driver, prepare

prepare()

from kiosk.flow import Screen  # noqa: E402

d = Driver(sys.argv[1:])
report, pump, tap, shot, on, find = d.report, d.pump, d.tap, d.shot, d.on, d.find
report.update(faq=[], sold_out={})
app = d.app


def widgets():
    return list(d.current().walk())


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


d.run(script)
