"""Every message of the personal-records feature is in the catalogs: Chinese (the default and
the printed statements' language), English and Uyghur; and placeholders survive translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

import queue_server
from queue_server.core.insurance import BENEFITS, INSURANCES, STAGES, STATES, STATUSES
from queue_server.core.statements import KINDS
from queue_server.i18n import LOCALE_DIR, translations
from queue_server.records import errors as records_errors
from queue_server.services import citizen as citizen_service
from queue_server.web import citizen as citizen_web

ROOT = Path(queue_server.__file__).parent
FILES = (
    "records/*.py",
    "core/citizen.py",
    "core/statements.py",
    "core/insurance.py",
    "services/citizen.py",
    "services/statements.py",
    "services/records_audit.py",
    "web/citizen.py",
    "web/templates/citizen/*.html",
)
KEYWORDS = {
    name: (1,)
    for name in (
        "translate",
        "label",
        "paper_label",
        "_",
        "InvalidField",
        "NotFound",
        "Unauthorized",
        "Forbidden",
        "TooManyRequests",
        "CitizenSessionEnded",
        "NotVerifiedError",
        "DomainError",
        "RecordsError",
    )
}


def feature_messages() -> set[str]:
    found = set()
    method_map = [
        (pattern, "jinja2.ext.babel_extract" if pattern.endswith(".html") else "python")
        for pattern in FILES
    ]
    for _, _, msg, _, _ in extract_from_dir(ROOT, method_map=method_map, keywords=KEYWORDS):
        if isinstance(msg, str):
            found.add(msg)
    s = citizen_service
    found |= {
        s.SESSION_ENDED,
        s.CARD_EXPIRED,
        s.ID_LOCKED,
        s.CASE_LOCKED,
        s.KIOSK_SLOWED,
        s.CASE_NOT_FOUND,
        s.ONE_METHOD,
        *s.REFUSED.values(),
        records_errors.UNAVAILABLE,
        records_errors.NOT_VERIFIED,
        citizen_web.NUMBER_IN_URL,
        *citizen_web.PAYERS.values(),
    }
    for vocabulary in (INSURANCES, STATES, STATUSES, BENEFITS, STAGES, KINDS):
        found |= set(vocabulary.values())
    return found


def test_extraction_sees_the_feature():
    messages = feature_messages()
    assert records_errors.UNAVAILABLE in messages
    assert "The query password is six digits." in messages  # core/citizen.py
    assert "Check a printed statement" in messages  # the /v page template
    assert len(messages) > 80


@pytest.mark.parametrize("lang", ["zh_CN", "ug"])
def test_every_message_is_translated(lang):
    catalog = translations(lang)
    missing = sorted(m for m in feature_messages() if catalog.gettext(m) == m)
    assert not missing, f"add to queue_server/locale/{lang}/LC_MESSAGES/messages.po: {missing}"


def test_every_message_is_in_the_english_catalog():
    text = (LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    ids = {re.sub(r'"\s*\n"', "", m) for m in re.findall(r'^msgid ((?:".*"\n?)+)', text, re.M)}
    ids = {m.strip().strip('"') for m in ids}
    missing = sorted(m for m in feature_messages() if m.replace('"', '\\"') not in ids)
    assert not missing, f"add to queue_server/locale/en/LC_MESSAGES/messages.po: {missing}"


@pytest.mark.parametrize("lang", ["zh_CN", "en", "ug"])
def test_placeholders_survive_translation(lang):
    catalog = translations(lang)
    for msgid in feature_messages():
        wanted = set(re.findall(r"\{(\w+)\}", msgid))
        got = set(re.findall(r"\{(\w+)\}", catalog.gettext(msgid)))
        assert got == wanted, f"{lang}: {msgid!r} → {catalog.gettext(msgid)!r}"


def test_the_503_says_it_in_plain_chinese():
    assert (
        translations("zh_CN").gettext(records_errors.UNAVAILABLE)
        == "个人信息查询暂不可用，请到窗口办理"
    )
