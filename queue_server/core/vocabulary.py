"""The hall's words, each declared once with its label: the server validates with them, the
kiosk and the staff pages show them, and GET /api/v1/vocabulary serves them to any page.

A label is an English msgid of the server's catalogs (queue_server/locale); the zh_CN catalog
gives the standard's Chinese names. Dicts keep their order: the order pages list them in.
"""

from __future__ import annotations

from typing import Callable

from .events import EVENT_TYPES

# §8.1.5 绿色通道: 老 残 孕 病 其他
PRIORITY_REASONS = {
    "elderly": "Elderly",
    "disabled": "Disabled",
    "pregnant": "Pregnant",
    "ill": "Ill or frail",
    "other": "Other priority",
}
# A ticket cancelled at the guide desk (the citizen left, took two…) or printed again.
CANCEL_REASONS = {
    "left": "The citizen left",
    "duplicate": "Took two tickets",
    "wrong_service": "Wrong service",
    "other": "Other reason",
}
REPRINT_REASONS = {
    "paper_jam": "Paper jam",
    "lost": "Ticket lost",
    "unreadable": "Ticket unreadable",
    "other": "Other reason",
}

# §7.1 好差评: 5 非常满意 … 1 非常不满意; 1–2 are bad and ask for reasons.
RATING_LEVELS = {
    5: "Very satisfied",
    4: "Satisfied",
    3: "Basically satisfied",
    2: "Dissatisfied",
    1: "Very dissatisfied",
}
BAD_LEVELS = (1, 2)
# §9.2 evaluation content: 服务态度, 服务时限, 服务用语, 职业形象, 服务纪律 — plus "other".
RATING_REASONS = {
    "attitude": "Service attitude",
    "time_limit": "Service time limit",
    "language": "Service language",
    "image": "Professional image",
    "discipline": "Service discipline",
    "other": "Other",
}

# Annex B 咨询形式 (§6.5–6.9): 窗口, 电话, 信函, 网络, 新闻媒体.
LEDGER_FORMS = {
    "window": "Window",
    "phone": "Phone",
    "letter": "Letter",
    "online": "Online (network)",
    "media": "News media",
}
# §8.2 reply classes and their limits in working days: answered on the spot; an agreed reply
# ≤ 3; after asking (请示) ≤ 5; a letter ≤ 10. A label shows its limit through {days}.
REPLY_CLASSES = {
    "immediate": ("Answered on the spot", 0),
    "agreed": ("Agreed reply (≤{days} working days)", 3),
    "escalated": ("Escalated (≤{days} working days)", 5),
    "letter": ("Letter (≤{days} working days)", 10),
}
REPLY_LIMITS = {code: days for code, (_, days) in REPLY_CLASSES.items()}
REPLY_METHODS = {
    "phone": "Phone",
    "letter": "Letter",
    "email": "E-mail",
    "window": "Window",
    "sms": "SMS",
}

# A printer's status words (the printer library's printer.status.WORDS, which imports nothing
# of ours; tests/core/test_vocabulary.py keeps the two equal). "paper_near_end" still prints.
PRINTER_WORDS = {
    "ok": "ok",
    "paper_near_end": "Paper near end",
    "paper_out": "Paper out",
    "cover_open": "Cover open",
    "offline": "Printer offline",
    "error": "Printer error",
}
PRINTER_PRINTS = ("ok", "paper_near_end")
PRINTER_DOWN = tuple(w for w in PRINTER_WORDS if w not in PRINTER_PRINTS)


def reply_class_label(code: str, tr: Callable[[str], str] = str) -> str:
    """The class's label through ``tr`` with its §8.2 limit filled in."""
    label, days = REPLY_CLASSES[code]
    return tr(label).replace("{days}", str(days))


def _terms(words: dict, tr: Callable[[str], str]) -> list[dict]:
    return [{"code": code, "label": tr(label)} for code, label in words.items()]


def vocabulary(tr: Callable[[str], str] = str) -> dict:
    """Every list above as JSON, labels through ``tr`` (a translation into the reader's
    language; the msgids themselves by default)."""
    return {
        "event_types": list(EVENT_TYPES),
        "priority_reasons": _terms(PRIORITY_REASONS, tr),
        "cancel_reasons": _terms(CANCEL_REASONS, tr),
        "reprint_reasons": _terms(REPRINT_REASONS, tr),
        "rating_levels": [
            {"level": level, "label": tr(label), "bad": level in BAD_LEVELS}
            for level, label in RATING_LEVELS.items()
        ],
        "rating_reasons": _terms(RATING_REASONS, tr),
        "ledger_forms": _terms(LEDGER_FORMS, tr),
        "reply_classes": [
            {"code": code, "label": reply_class_label(code, tr), "working_days": days}
            for code, (_, days) in REPLY_CLASSES.items()
        ],
        "reply_methods": _terms(REPLY_METHODS, tr),
        "printer_words": [
            {"code": code, "label": tr(label), "prints": code in PRINTER_PRINTS}
            for code, label in PRINTER_WORDS.items()
        ],
    }
