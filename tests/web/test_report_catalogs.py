"""Every text of the supervision feature (reports, exports, follow-up, planner) is in the
catalogs: Chinese (the default, and the export headers) and Uyghur."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import queue_server
from queue_server.core.reports import tables
from queue_server.i18n import translations
from queue_server.web import reports as reports_web
from queue_server.web import staff

ROOT = Path(queue_server.__file__).parent
FILES = (
    "core/reports/*.py",
    "core/followups.py",
    "services/reports.py",
    "services/followups.py",
    "services/planner.py",
    "services/report_files.py",
    "web/reports.py",
    "web/templates/staff/reports.html",
    "web/templates/staff/planner.html",
    "web/templates/staff/followups.html",
    "web/templates/staff/_followups_overdue.html",
    "web/templates/staff/_report_table.html",
)
KEYWORDS = {
    name: (1,)
    for name in (
        "translate",
        "_",
        "tr",
        "InvalidField",
        "NotFound",
        "Conflict",
        "Forbidden",
    )
}
JS_KEYS = [k for k in staff.JS_TEXT if k.startswith("fu_")]
# evaluate.html
EVALUATOR = "Leave a phone number if you would like us to call you back (optional)."


def feature_messages() -> set[str]:
    found = set()
    method_map = [
        (p, "jinja2.ext.babel_extract" if p.endswith(".html") else "python") for p in FILES
    ]
    for _, _, msg, _, _ in extract_from_dir(ROOT, method_map=method_map, keywords=KEYWORDS):
        if isinstance(msg, str):
            found.add(msg)
    for t in tables.TABLES:
        found.add(t.title)
        found |= {header for _, header, _ in t.columns}
    for vocabulary in (
        tables.CHANNEL_NAMES,
        tables.PRIORITY_NAMES,
        tables.STATE_NAMES,
        tables.LEVEL_NAMES,
        tables.REASON_NAMES,
        tables.REPLY_CLASS_NAMES,
    ):
        found |= set(vocabulary.values())
    found |= set(tables.WEEKDAYS) | {staff.JS_TEXT[k] for k in JS_KEYS}
    found |= {label for label, _, _ in tables.OVERVIEW} | {EVALUATOR} | set(reports_web.SHORTCUTS)
    found |= {staff.ROLE_NAMES["supervisor"], "Role must be window, guide, supervisor or admin."}
    return found


def test_extraction_sees_the_feature():
    messages = feature_messages()
    assert "Service quality reports" in messages and "Mean wait" in messages
    assert "No such follow-up item." in messages and "Call back due" in messages
    assert len(messages) > 150


@pytest.mark.parametrize("lang", ["zh_CN", "ug"])
def test_every_message_is_translated(lang):
    catalog = translations(lang)
    missing = sorted(m for m in feature_messages() if catalog.gettext(m) == m)
    assert not missing, f"add to queue_server/locale/{lang}/LC_MESSAGES/messages.po: {missing}"
