"""Every message the server can send has a Chinese translation (Chinese is the default)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

import queue_server
from queue_server import errors
from queue_server.i18n import best_language, translate, translations
from queue_server.web.errors import _HTTP_MESSAGES

ERROR_CLASSES = [name for name in dir(errors) if isinstance(getattr(errors, name), type)]


def raised_messages() -> set[str]:
    keywords = {name: (1,) for name in ERROR_CLASSES + ["DomainError", "translate"]}
    root = Path(queue_server.__file__).parent
    found = set()
    for _, _, msg, _, _ in extract_from_dir(
        root, method_map=[("**.py", "python")], keywords=keywords
    ):
        if isinstance(msg, str):
            found.add(msg)
    return found | set(_HTTP_MESSAGES.values())


def test_extraction_finds_messages():
    assert "No such ticket." in raised_messages()


def test_every_server_message_has_a_chinese_translation():
    zh = translations("zh_CN")
    missing = sorted(m for m in raised_messages() if zh.gettext(m) == m)
    assert not missing, f"add to queue_server/locale/zh_CN/LC_MESSAGES/messages.po: {missing}"


def test_placeholders_survive_translation():
    assert translate("Window {number} is not open.", "zh_CN", number=7) == "7 号窗口未开放。"
    assert translate("Window {number} is not open.", "en", number=7) == "Window 7 is not open."


def test_accept_language_choice():
    assert best_language(None) == "zh_CN"
    assert best_language("en-GB,en;q=0.8") == "en"
    assert best_language("fr, ug;q=0.5") == "ug"
    assert best_language("de") == "zh_CN"
    assert best_language("en;q=0.1, zh-CN;q=0.9") == "zh_CN"


def test_the_server_and_the_kiosk_translate_without_babel():
    # Babel is a test tool (message extraction); at run time core.catalogs reads the .po files.
    code = (
        "import sys; sys.modules['babel'] = None\n"
        "from queue_server.i18n import translate\n"
        "from queue_server.web import create_app\n"
        "from kiosk.i18n import translate as kiosk_translate\n"
        "import kiosk.config\n"
        "print(translate('No such ticket.', 'ug')); print(kiosk_translate('Take a ticket'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [translate("No such ticket.", "ug"), "取号"]
