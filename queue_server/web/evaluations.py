"""Satisfaction rating API (好差评): the evaluator at each window, and the summary."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..core.numbering import hall_day
from ..services.evaluations import EvaluationService
from .auth import principal, require, staff_name
from .context import hall, json_body
from .ledger import query_date

bp = Blueprint("evaluations", __name__, url_prefix="/api/v1")


def evaluations() -> EvaluationService:
    return hall().evaluations


def evaluator_window() -> int | None:
    """The window an evaluator device is tied to (None for staff and untied evaluators)."""
    who = principal()
    return who.get("window") if who and who["type"] == "device" else None


@bp.post("/evaluations")
@require("window", devices=("evaluator",))
def record():
    return jsonify(
        evaluations().record(json_body(), staff_name(), only_window=evaluator_window())
    ), 201


@bp.get("/windows/<sqlint:number>/pending-evaluation")
@require("window", devices=("evaluator",))
def pending(number):
    ticket = evaluations().pending(number, only_window=evaluator_window())
    if ticket is None:
        return Response(status=204)
    return jsonify(ticket)


@bp.get("/evaluations/summary")
@require("guide")
def summary():
    today = hall_day(hall().clock())
    day_from = query_date("from") or today
    day_to = query_date("to") or today
    return jsonify(evaluations().summary(day_from, day_to))
