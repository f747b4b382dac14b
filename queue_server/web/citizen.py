"""Personal records over HTTP (§6.3, §8.1.3, §8.6; DESIGN §4–§5).

- ``/api/v1/citizen/*``: a kiosk's device token only (no staff member, not even an admin); the
  citizen session's token travels in the ``X-Citizen-Session`` header.
- ``/api/v1/cases/<n>?check=``: progress without verification, nothing personal, throttled.
- ``/v/<code>``: anyone holding a printed statement checks it.
- ``/admin/audit`` and ``/api/v1/audit``: admins read and export the audit; reading is audited.

Every answer here is ``Cache-Control: no-store``: no browser or proxy keeps a copy.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from ..core import citizen as rules
from ..core.insurance import BENEFITS, INSURANCES, PAYER_SELF, STAGES, STATES, STATUSES
from ..core.statements import KINDS
from ..errors import Forbidden, HallError, InvalidField, Unauthorized
from ..i18n import translate
from . import csrf
from .auth import principal, require, staff_name
from .context import hall, json_body, language
from .staff import _template_globals, page

bp = Blueprint(
    "citizen",
    __name__,
    template_folder="templates",
    static_folder="static/citizen",
    static_url_path="/static/citizen",
)
bp.context_processor(_template_globals)

SESSION_HEADER = "X-Citizen-Session"
PAYERS = {PAYER_SELF: "Flexible employment (paid by the person)"}
LABELS = {
    "profile": (INSURANCES, STATUSES),
    "contributions": (INSURANCES, STATES, PAYERS),
    "account": (),
    "benefits": (BENEFITS,),
    "cases": (STAGES,),
}
NUMBER_IN_URL = "Send an ID number in the request body (POST), never in the address."
PRIVATE_PREFIXES = ("/api/v1/citizen", "/api/v1/cases/", "/v/", "/api/v1/audit", "/admin/audit")


@bp.after_app_request
def _no_store(response):
    if request.path.startswith(PRIVATE_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    return response


def _kiosk() -> str:
    """The calling kiosk's device id. Staff, admins included, may not act as a citizen."""
    who = principal()
    if who is None:
        raise Unauthorized("This needs a kiosk's device token.")
    if who["type"] != "device" or who["kind"] != "kiosk":
        raise Forbidden("Only a kiosk may do this.")
    return who["id"]


def _token() -> str | None:
    return request.headers.get(SESSION_HEADER)


def _labels(*vocabularies) -> dict:
    lang = language()
    return {code: translate(msgid, lang) for v in vocabularies for code, msgid in v.items()}


# --- the citizen session -----------------------------------------------------------------------


@bp.post("/api/v1/citizen/session")
def start_session():
    kiosk = _kiosk()
    return jsonify(hall().citizen.start(kiosk, json_body())), 201


@bp.delete("/api/v1/citizen/session")
def end_session():
    hall().citizen.end(_kiosk(), _token())
    return "", 204


def _reader(what: str):
    def view():
        kiosk = _kiosk()
        data = hall().citizen.read(kiosk, _token(), what, request.args)
        return jsonify({**data, "labels": _labels(*LABELS[what])})

    view.__name__ = f"read_{what}"
    return view


for _what in rules.READS:
    bp.add_url_rule(f"/api/v1/citizen/{_what}", view_func=_reader(_what), methods=["GET"])


@bp.post("/api/v1/citizen/statements")
def create_statement():
    kiosk = _kiosk()
    return jsonify(hall().statements.create(kiosk, _token(), json_body())), 201


# --- progress without verification -------------------------------------------------------------


@bp.get("/api/v1/cases/<case_number>")
@require("window", "guide", devices=("kiosk",))
def case_progress(case_number: str):
    who = principal()
    kind = "kiosk" if who["type"] == "device" else "staff"
    actor = who["id"] if who["type"] == "device" else who["username"]
    found = hall().citizen.progress(actor, kind, case_number, request.args.get("check"))
    return jsonify({**found, "labels": _labels(STAGES)})


# --- checking a printed statement --------------------------------------------------------------


@bp.get("/v/<code>")
def verify_statement(code: str):
    found = hall().statements.check(code)
    status = 200 if found["status"] == "genuine" else 404
    return render_template(
        "citizen/verify.html",
        found=found,
        kind_name=translate(KINDS.get(found.get("kind"), ""), language())
        if found.get("kind")
        else "",
    ), status


# --- the audit ---------------------------------------------------------------------------------


def _csv(body: bytes) -> Response:
    stamp = hall().clock().strftime("%Y%m%d-%H%M%S")
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=records-audit-{stamp}.csv"},
    )


@bp.get("/api/v1/audit")
@require()
def audit_list():
    view = hall().audit_view
    if request.args.get("id_number"):  # a number in a URL ends up in logs and histories
        raise InvalidField(NUMBER_IN_URL, field="id_number")
    return jsonify({"entries": view.read(staff_name(), view.filters(request.args))})


@bp.post("/api/v1/audit/search")
@require()
def audit_search():
    view = hall().audit_view
    return jsonify({"entries": view.read(staff_name(), view.filters(json_body()))})


@bp.get("/api/v1/audit/export.csv")
@require()
def audit_export_get():
    view = hall().audit_view
    if request.args.get("id_number"):
        raise InvalidField(NUMBER_IN_URL, field="id_number")
    return _csv(view.export_csv(staff_name(), view.filters(request.args)))


@bp.post("/api/v1/audit/export.csv")
@require()
def audit_export_post():
    view = hall().audit_view
    return _csv(view.export_csv(staff_name(), view.filters(json_body())))


@bp.route("/admin/audit", methods=["GET", "POST"])
@page()
def audit_page():
    """The filter form posts (so a typed ID number never lands in a URL); "export" answers CSV."""
    view = hall().audit_view
    form = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        csrf.check_form()
    shown = {k: (form.get(k) or "") for k in ("day", "kiosk", "result", "id_number", "before")}
    if request.method == "GET":
        shown["id_number"] = ""
    error, entries = None, []
    try:
        filters = view.filters(shown)
        if request.method == "POST" and form.get("export") == "csv":
            return _csv(view.export_csv(staff_name(), filters))
        entries = view.read(staff_name(), filters)
    except HallError as exc:
        if exc.status != 422:  # storage trouble is the error handler's 503, not a form error
            raise
        error = translate(exc.message, language(), **exc.params)
    shown["id_number"] = ""  # never echoed back into the page
    return render_template(
        "citizen/audit.html",
        entries=entries,
        shown=shown,
        error=error,
        results=rules.RESULTS,
        limit=view_limit(entries),
    ), 422 if error else 200


def view_limit(entries: list) -> int | None:
    """The id to page back from when the page is full."""
    return entries[-1]["id"] if len(entries) >= 200 else None
