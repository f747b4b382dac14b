"""The staff web consoles (DESIGN §1): login, window console, guide console, evaluator, admin.

Pages are thin HTML shells; their JavaScript (static/staff/) talks to the JSON API with the
session cookie and the CSRF header (see csrf.py). The one data route added here,
GET /api/v1/guide/overview, gives the guide desk what the public API does not: the longest wait
per queue and today's no-shows with their ids (needed to reinstate them, §8.1.5).
"""

from __future__ import annotations

import functools
import io
import json

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from ..core import vocabulary
from ..core.vocabulary import (
    CANCEL_REASONS,
    PRINTER_WORDS,
    PRIORITY_REASONS,
    RATING_LEVELS,
    RATING_REASONS,
    REPRINT_REASONS,
)
from ..errors import Forbidden, HallError, InvalidField, NotFound
from ..services.accounts import DEVICE_KINDS, ROLES
from ..i18n import translate
from . import csrf
from .auth import client_address, end_session, principal, require, session_token, start_session
from .context import hall, language, page_services

bp = Blueprint(
    "staff",
    __name__,
    template_folder="templates",
    static_folder="static/staff",
    static_url_path="/static/staff",
)

HOME_BY_ROLE = {
    "window": "staff.window_picker",
    "guide": "staff.guide",
    "admin": "staff.admin",
    "supervisor": "reports.reports_page",
}

# Texts the pages' JavaScript shows; keys are short names, values English msgids (zh_CN in the
# catalog). Sent to the page once as JSON so scripts never hard-code user-facing text.
JS_TEXT = {
    "state_open": "Open",
    "state_paused": "Paused",
    "state_closed": "Closed",
    "st_waiting": "Waiting",
    "st_called": "Called",
    "st_serving": "Serving",
    "st_done": "Done",
    "st_no_show": "No-show",
    "st_cancelled": "Cancelled",
    "st_expired": "Expired",
    "ticket_cancelled": "Ticket {number} cancelled.",
    "ticket_reprinted": "Ticket {number} printed again.",
    "printed_at_desk": "Printed at the guide desk.",
    "no_current": "No ticket at the window",
    "nobody_waiting": "Nobody is waiting.",
    "call_this": "Call",
    "reinstate": "Reinstate",
    "reinstated": "Reinstated: {number}",
    "called_ticket": "Called {number}",
    "nobody_to_call": "Nobody is waiting for this window.",
    "step_called": "Greet the citizen (首问语)",
    "step_serving": "While serving (过程语)",
    "step_finished": "Closing (结束语) and satisfaction prompt",
    "rate_prompt": "Please invite the citizen to rate this service on the evaluator.",
    "materials": "Materials",
    "time_limit": "Time limit",
    "legal_basis": "Legal basis",
    "room": "Room",
    "no_guide": "No business guide for this service.",
    "online": "Online",
    "offline": "Offline",
    "never_seen": "Never reported",
    "device_alert": "Device alert: {device} — {problem}",
    "device_silent": "no heartbeat: switched off, frozen or cut off?",
    "device_back": "{device} is reporting again.",
    "kind_kiosk": "Kiosk",
    "kind_display": "Display",
    "kind_evaluator": "Evaluator",
    "kind_platform": "Booking platform",
    "saved": "Saved.",
    "notice_saved": "The notice is on the display.",
    "ledger_saved": "Recorded; reply due {date}.",
    "provisional": "(provisional calendar)",
    "reply": "Reply",
    "no_items": "No items.",
    "connection_lost": "Connection to the server lost; retrying…",
    "error": "Something went wrong.",
    "ticket_issued": "Priority ticket issued",
    "scan_status": "Scan to follow the queue",
    "eval_thanks": "Thank you for your rating!",
    "eval_already": "This service has already been rated.",
    "eval_no_token": "This evaluator is not set up: open /evaluate/{window}?token=DEVICE-TOKEN once.",
    "eval_token_bad": "The device token was refused; ask the hall IT staff to set up this evaluator again.",
    "reasons_needed": "Please choose at least one reason.",
}

ROLE_NAMES = {
    "window": "Window staff",
    "guide": "Guide",
    "supervisor": "Supervisor (reports)",
    "admin": "Administrator",
}
# Texts of static/staff/admin.js (accounts and devices), same convention as JS_TEXT.
JS_TEXT.update(
    {
        "adm_active": "Active",
        "adm_disabled": "Account disabled",
        "adm_locked": "Locked until {time}",
        "adm_locked_forever": "Locked until unlocked",
        "adm_never": "Never",
        "adm_disable": "Disable",
        "adm_enable": "Enable",
        "adm_unlock": "Unlock",
        "adm_reset": "Reset password",
        "adm_new_password": "New password for {user}",
        "adm_password_reset": "Password of {user} reset; their sessions have ended.",
        "adm_user_created": "Account {user} created.",
        "adm_user_saved": "Account {user} saved.",
        "adm_unlocked": "{user} unlocked.",
        "adm_confirm_disable": "Disable {user}? Their sessions end now.",
        "adm_revoke": "Revoke token",
        "adm_new_token": "New token",
        "adm_revoked": "Revoked",
        "adm_confirm_revoke": "Revoke the token of {device}? It stops working at once.",
        "adm_token_once": "Token of {device} — shown only this once; copy it now:",
        "adm_evaluator_url": "Open once on the evaluator tablet:",
        "adm_no_window": "—",
        "adm_device_saved": "Device {device} saved.",
        "adm_cancel": "Cancel",
        "adm_save": "Save",
        "adm_you": "(you)",
    }
)

# Texts of static/staff/followups.js (差评 follow-up, §9.3), same convention as JS_TEXT.
JS_TEXT.update(
    {
        "fu_status_call": "Call back due",
        "fu_status_finding": "Finding due",
        "fu_status_rectify": "Rectification due",
        "fu_status_closed": "Closed",
        "fu_finding_valid": "Valid",
        "fu_finding_mistaken": "Mistaken rating",
        "fu_finding_malicious": "Malicious rating",
        "fu_show_number": "Show number",
        "fu_do_call": "Record call",
        "fu_do_finding": "Record finding",
        "fu_do_rectification": "Record rectification",
        "fu_form_call": "Call back for ticket {number}",
        "fu_form_finding": "Finding for ticket {number}",
        "fu_form_rectification": "Rectification for ticket {number}",
    }
)

# The words of core.vocabulary with their labels, for the scripts (keys "pr_elderly", …) and
# the forms (lists of (code, label)).
JS_TEXT.update(
    {f"cr_{code}": label for code, label in CANCEL_REASONS.items()}
    | {f"rr_{code}": label for code, label in REPRINT_REASONS.items()}
    | {f"pr_{code}": label for code, label in PRIORITY_REASONS.items()}
    | {f"printer_{code}": label for code, label in PRINTER_WORDS.items()}
)
EVAL_LEVELS = list(RATING_LEVELS.items())
EVAL_REASONS = list(RATING_REASONS.items())
LEDGER_FORMS = list(vocabulary.LEDGER_FORMS.items())
REPLY_CLASSES = [(code, label, days) for code, (label, days) in vocabulary.REPLY_CLASSES.items()]
REPLY_METHODS = list(vocabulary.REPLY_METHODS.items())


def _(msgid: str, **params) -> str:
    return translate(msgid, language(), **params)


@bp.context_processor
def _template_globals():
    return {
        "_": _,
        "csrf_token": csrf.token,
        "who": principal(),
        "lang": language(),
        "hall_name": hall().settings.hall.name,
        "server_now": hall().clock().isoformat(),
        "js_text": json.dumps({k: _(v) for k, v in JS_TEXT.items()}, ensure_ascii=False),
    }


@bp.before_app_request
def _api_csrf():
    csrf.check_api()


@bp.after_app_request
def _pre_login_cookie(response):
    return csrf.set_cookie(response)


def _login_url() -> str:
    return url_for("staff.login", next=request.full_path.rstrip("?"))


def page(*roles: str):
    """Staff page: anonymous → redirect to the login page, wrong role → 403 (admin always allowed)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            who = principal()
            if who is None or who["type"] != "user":
                return redirect(_login_url())
            if who["role"] != "admin" and who["role"] not in roles:
                raise Forbidden("You are not allowed to do this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _safe_next(target: str | None) -> str | None:
    """Only a path on this server (no scheme, no //host), so the login cannot bounce elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target[:500]


def _home(role: str) -> str:
    return url_for(HOME_BY_ROLE.get(role, "staff.login"))


# --- login / logout ------------------------------------------------------------------------


@bp.get("/login")
def login():
    who = principal()
    nxt = _safe_next(request.args.get("next"))
    if who and who["type"] == "user" and nxt:
        return redirect(nxt)
    return render_template("staff/login.html", next=nxt or "", error=None, username="")


@bp.post("/login")
def login_post():
    csrf.check_form()
    nxt = _safe_next(request.form.get("next"))
    username = (request.form.get("username") or "").strip()[:64]
    try:
        user = hall().accounts.authenticate(
            username, request.form.get("password") or "", client_address()
        )
    except HallError as exc:  # wrong password, throttled, locked (services/logins.py)
        return render_template(
            "staff/login.html",
            next=nxt or "",
            username=username,
            error=_(exc.message, **exc.params),
        ), exc.status
    return start_session(redirect(nxt or _home(user["role"])), user["username"])


@bp.post("/logout")
def logout():
    if session_token() is not None:  # an expired session has nothing left to end
        csrf.check_form()
    return end_session(redirect(url_for("staff.login")))


@bp.get("/account")
@page("window", "guide")
def account():
    return render_template("staff/account.html", error=None, done=False)


@bp.post("/account")
@page("window", "guide")
def account_post():
    """Change one's own password (a plain form: works without scripts)."""
    csrf.check_form()
    who = principal()
    try:
        if request.form.get("new_password") != request.form.get("repeat_password"):
            raise InvalidField("The two new passwords differ.", field="repeat_password")
        hall().accounts.change_password(
            who["username"],
            request.form.get("current_password") or "",
            request.form.get("new_password") or "",
            client_address(),
            session_token(),
        )
    except HallError as exc:
        return render_template(
            "staff/account.html", error=_(exc.message, **exc.params), done=False
        ), exc.status
    return render_template("staff/account.html", error=None, done=True)


# --- pages ---------------------------------------------------------------------------------


def _window_spec(number: int):
    spec = hall().settings.window(number)
    if spec is None:
        raise NotFound("There is no window {number}.", number=str(number))
    return spec


def _services():
    return page_services(language())


def _ledger_context() -> dict:
    return {
        "ledger_forms": LEDGER_FORMS,
        "reply_classes": REPLY_CLASSES,
        "reply_methods": REPLY_METHODS,
    }


@bp.get("/window")
@page("window")
def window_picker():
    return render_template("staff/window_picker.html", windows=hall().settings.windows)


@bp.get("/window/<int:number>")
@page("window")
def window(number: int):
    spec = _window_spec(number)
    return render_template(
        "staff/window.html",
        window=spec,
        services=_services(),
        page_data={"window": number, "services": _services()},
        **_ledger_context(),
        **_ticket_desk_context(),
    )


@bp.get("/guide")
@page("guide")
def guide():
    return render_template(
        "staff/guide.html",
        services=_services(),
        reasons=PRIORITY_REASONS,
        page_data={"services": _services(), "desk_printer": hall().desk_printer.configured},
        **_ledger_context(),
        **_ticket_desk_context(),
    )


def _ticket_desk_context() -> dict:
    return {
        "cancel_reasons": CANCEL_REASONS,
        "reprint_reasons": REPRINT_REASONS,
        "desk_printer": hall().desk_printer.configured,
    }


@bp.get("/admin")
@page()
def admin():
    """Accounts and devices are drawn by static/staff/admin.js from /api/v1/admin/…"""
    return render_template(
        "staff/admin.html",
        windows=hall().settings.windows,
        roles=[(r, _(ROLE_NAMES[r])) for r in ROLES],
        kinds=[(k, _(JS_TEXT["kind_" + k])) for k in DEVICE_KINDS],
        page_data={
            "me": principal()["username"],
            "windows": [w.number for w in hall().settings.windows],
            "roles": {r: _(ROLE_NAMES[r]) for r in ROLES},
        },
        reload=_reload_view(),
    )


def _reload_view() -> dict | None:
    outcome = hall().last_reload
    if outcome is None:
        return None
    return {
        "ok": outcome.ok,
        "text": outcome.text(language()),
        "at": outcome.at.strftime("%Y-%m-%d %H:%M:%S"),
    }


@bp.post("/admin/reload")
@page()
def admin_reload():
    """Re-read the config file: business guide, services, FAQ (§8.1.4). Validated first; a bad
    file changes nothing. The outcome (and why) is shown on /admin, as after a SIGHUP."""
    csrf.check_form()
    hall().reload()
    return redirect(url_for("staff.admin") + "#reload")


@bp.get("/evaluate/<int:number>")
def evaluate(number: int):
    """The evaluator tablet. No staff login: the page holds nothing private; its API calls carry
    the evaluator's device token (saved in localStorage from ?token= on first visit)."""
    spec = _window_spec(number)
    return render_template(
        "staff/evaluate.html",
        window=spec,
        levels=EVAL_LEVELS,
        reasons=EVAL_REASONS,
        page_data={"window": number},
    )


@bp.get("/staff/qr.svg")
@page("guide", "window")
def qr_svg():
    """QR code of a ticket status URL for the guide's big-number panel (this server's URL only)."""
    import qrcode
    import qrcode.image.svg

    data = request.args.get("data", "")
    base = hall().settings.hall.public_url.rstrip("/") + "/t/"
    if not data.startswith(base) or len(data) > 300:
        raise NotFound("Not found.")
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buf = io.BytesIO()
    img.save(buf)
    return Response(
        buf.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"}
    )


# --- the guide desk's data -----------------------------------------------------------------


@bp.get("/api/v1/guide/overview")
@require("guide")
def guide_overview():
    return jsonify(hall().queue.guide_overview())
