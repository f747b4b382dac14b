"""Satisfaction ratings (好差评, §7.1 last step, §9.2): five levels, reasons for a bad one."""

from __future__ import annotations

from .errors import InvalidField
from .vocabulary import BAD_LEVELS, RATING_LEVELS, RATING_REASONS  # noqa: F401

# The five levels (5 非常满意 … 1 非常不满意), the bad ones (差评) and the §9.2 reasons are
# core.vocabulary's: codes → catalog msgids.
LEVELS = RATING_LEVELS
REASONS = RATING_REASONS
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
