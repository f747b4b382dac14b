"""Satisfaction ratings (好差评, §7.1 last step, §9.2): five levels, reasons for a bad one."""

from __future__ import annotations

from .errors import InvalidField

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD_LEVELS = (1, 2)  # 差评

# §9.2 evaluation content: 服务态度, 服务时限, 服务用语, 职业形象, 服务纪律 — plus "other".
REASONS = {
    "attitude": "服务态度",
    "time_limit": "服务时限",
    "language": "服务用语",
    "image": "职业形象",
    "discipline": "服务纪律",
    "other": "其他",
}
MAX_COMMENT = 500


def parse_rating(data: dict) -> dict:
    """{level, reasons, comment} validated; InvalidField names the wrong field."""
    level = data.get("level")
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise InvalidField(
            "Level must be a whole number from 1 (very dissatisfied) to 5 (very satisfied).",
            field="level",
        )
    reasons = data.get("reasons")
    if reasons is None:
        reasons = []
    if not isinstance(reasons, list) or any(
        not isinstance(r, str) or r not in REASONS for r in reasons
    ):
        raise InvalidField(
            "Reasons must be chosen from attitude, time_limit, language, image, discipline, other.",
            field="reasons",
        )
    reasons = [r for r in REASONS if r in reasons]  # unique, in a stable order
    comment = data.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise InvalidField("{field} must be text.", field="comment")
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise InvalidField(
            "{field} is too long (at most {max} characters).", field="comment", max=MAX_COMMENT
        )
    if level in BAD_LEVELS and not reasons:
        raise InvalidField(
            "Please choose at least one reason for a dissatisfied rating.", field="reasons"
        )
    if "other" in reasons and not comment:
        raise InvalidField('Please describe the "other" reason in the comment.', field="comment")
    return {"level": level, "reasons": reasons, "comment": comment}
