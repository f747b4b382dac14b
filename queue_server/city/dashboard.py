"""The bureau's dashboard: ``queue-server city serve --pg postgresql://…`` (docs/city.md).

A small Flask app over the city's PostgreSQL: every hall's live state, the halls' figures
side by side for a day or a range with an XLSX export, 差评 and overdue ledger replies across
halls, and the halls short of §4.2 consulting windows. Logins are the ``bureau`` role's
(``queue-server city create-user``); the session cookie is signed, HttpOnly, SameSite=Strict,
and the only state changes (log in, log out) are JSON posts, as on the hall's consoles.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import secrets
import threading
from datetime import date, datetime, timedelta
from typing import Callable

import psycopg
from flask import Blueprint, Flask, abort, g, jsonify, redirect, render_template, request
from flask import make_response, send_file, session, url_for

from ..core.numbering import HALL_TZ
from ..i18n import best_language, translate
from . import accounts, derived, queries
from .db import connect

log = logging.getLogger(__name__)
bp = Blueprint("city", __name__)
MAX_RANGE_DAYS = 366
MAX_NEARBY = 20  # halls one nearby question may name
SESSION_HOURS = 8


def create_city_app(
    dsn: str,
    clock: Callable[[], datetime] = lambda: datetime.now(HALL_TZ),
    secret_key: str | None = None,
    test_config: dict | None = None,
) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key
        or os.environ.get("HALLQUEUE_CITY_SECRET_KEY")
        or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="bureau_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        CITY_DSN=dsn,
        CITY_CLOCK=clock,
        **(test_config or {}),
    )
    app.extensions["city_logins"] = LoginThrottle()
    app.register_blueprint(bp)
    app.teardown_appcontext(_close_db)

    @app.context_processor
    def _words():
        lang = _lang()
        return {"_": lambda msgid, **p: translate(msgid, lang, **p), "lang": lang}

    @app.after_request
    def _headers(response):
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.errorhandler(psycopg.OperationalError)
    def _city_down(exc):
        log.warning("the city's database cannot be reached: %s", exc)
        return _problem("The city's database cannot be reached; please try again shortly.", 503)

    return app


# --- plumbing ---------------------------------------------------------------------------------


def _lang() -> str:
    return best_language(request.headers.get("Accept-Language"))


def _problem(msgid: str, status: int, **params):
    text = translate(msgid, _lang(), **params)
    if _wants_json():
        return make_response(jsonify({"error": {"message": text}}), status)
    return make_response(render_template("city/problem.html", message=text), status)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def db() -> psycopg.Connection:
    if "city_db" not in g:
        g.city_db = connect(_app_config("CITY_DSN"), 5.0, "hallqueue-bureau")
    return g.city_db


def _close_db(_exc=None) -> None:
    conn = g.pop("city_db", None)
    if conn is not None:
        conn.close()


def _app_extension(name: str):
    from flask import current_app

    return current_app.extensions[name]


class LoginThrottle:
    """Failed logins per (name as typed, client address), in memory: after ``free`` failures
    each try waits ``first_s`` seconds, doubling up to ``max_s`` — enough for a handful of
    bureau accounts; a restart forgets (the hall's consoles keep theirs in the database)."""

    def __init__(self, free: int = 5, first_s: int = 30, max_s: int = 900):
        self.free, self.first_s, self.max_s = free, first_s, max_s
        self._failures: dict[tuple, tuple[int, datetime]] = {}
        self._lock = threading.Lock()

    def wait_s(self, key: tuple, now: datetime) -> int:
        with self._lock:
            count, last = self._failures.get(key, (0, now))
        if count < self.free:
            return 0
        delay = min(self.max_s, self.first_s * 2 ** (count - self.free))
        return max(0, int(delay - (now - last).total_seconds()))

    def failed(self, key: tuple, now: datetime) -> None:
        with self._lock:
            count, _ = self._failures.get(key, (0, now))
            self._failures[key] = (count + 1, now)

    def forget(self, key: tuple) -> None:
        with self._lock:
            self._failures.pop(key, None)


def _app_config(key: str):
    from flask import current_app

    return current_app.config[key]


def _now() -> datetime:
    return _app_config("CITY_CLOCK")()


def bureau_only(view):
    """The bureau role only: anonymous pages go to the login, APIs answer 401; others 403."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        role = session.get("role")
        if role is None:
            if _wants_json():
                return _problem("Please log in.", 401)
            return redirect(url_for("city.login_page", next=request.full_path.rstrip("?")))
        if role != "bureau":
            return _problem("This page is for the bureau.", 403)
        return view(*args, **kwargs)

    return wrapped


def _safe_next(value: str | None) -> str:
    """Only a path of this site (no //host, no scheme) may follow a login."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _range(today: date) -> tuple[date, date]:
    """?from=&to= (YYYY-MM-DD), both optional (today); a bad one is the reader's to fix."""
    try:
        start = date.fromisoformat(request.args.get("from") or today.isoformat())
        end = date.fromisoformat(request.args.get("to") or start.isoformat())
    except ValueError:
        abort(_problem("Dates are written YYYY-MM-DD.", 422))
    if end < start:
        abort(_problem("The first day comes after the last.", 422))
    if (end - start).days >= MAX_RANGE_DAYS:
        abort(_problem("Choose at most {days} days.", 422, days=MAX_RANGE_DAYS))
    return start, end


# --- pages and their JSON -----------------------------------------------------------------------


@bp.get("/login")
def login_page():
    return render_template("city/login.html", next=_safe_next(request.args.get("next")))


@bp.post("/api/login")
def login():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _problem("Send the user name and password as JSON.", 400)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or len(password) > 200:
        return _problem("Wrong user name or password.", 401)
    username = username.strip()[:64]
    throttle: LoginThrottle = _app_extension("city_logins")
    key, now = (username, request.remote_addr or ""), _now()
    wait = throttle.wait_s(key, now)
    if wait:
        return _problem(
            "Too many failed logins; try again in {seconds} seconds.", 429, seconds=wait
        )
    user = accounts.check(db(), username, password)
    if user is None:
        throttle.failed(key, now)
        return _problem("Wrong user name or password.", 401)
    throttle.forget(key)
    session.clear()
    session.permanent = True
    session.update(username=user["username"], role=user["role"], name=user["display_name"])
    return jsonify({"username": user["username"], "role": user["role"]})


@bp.post("/api/logout")
def logout():
    session.clear()
    return jsonify({})


@bp.get("/")
@bureau_only
def live_page():
    now = _now()
    return render_template("city/live.html", halls=queries.live(db(), now), now=now)


@bp.get("/api/live")
@bureau_only
def live_json():
    return jsonify({"at": _now().isoformat(), "halls": queries.live(db(), _now())})


@bp.get("/api/nearby")
def nearby_json():
    """A hall's question for its nearby halls' live waits (?hall=ID, repeated), asked by the
    hall server, not the bureau: ``Authorization: Bearer <hall_id>:<hall key>``, the key its
    shipper registered in ``halls.hall_key`` (docs/city.md). GET only, no cookie."""
    auth = request.headers.get("Authorization", "")
    asker, _, key = auth.removeprefix("Bearer ").partition(":")
    ids = [i[:64] for i in request.args.getlist("hall")[:MAX_NEARBY]]
    rows = None
    if auth.startswith("Bearer ") and asker and key:
        rows = queries.nearby(db(), asker[:64], key[:128], ids)
    if rows is None:
        return _problem("This hall is not known to the city.", 401)
    return jsonify({"halls": rows})


@bp.get("/figures")
@bureau_only
def figures_page():
    start, end = _range(_now().date())
    rows = queries.figures(db(), start, end)
    return render_template("city/figures.html", rows=rows, start=start, end=end)


@bp.get("/api/figures")
@bureau_only
def figures_json():
    start, end = _range(_now().date())
    rows = queries.figures(db(), start, end)
    return jsonify({"from": start.isoformat(), "to": end.isoformat(), "halls": rows})


COLUMNS = (
    ("name", "Hall"),
    ("issued", "Issued"),
    ("served", "Served"),
    ("no_show", "No-shows"),
    ("cancelled", "Cancelled"),
    ("expired", "Expired"),
    ("wait_mean_s", "Mean wait (min)"),
    ("wait_p90_s", "90th percentile wait (min)"),
    ("wait_max_s", "Longest wait (min)"),
    ("ratings", "Ratings"),
    ("bad_ratings", "Bad ratings"),
    ("rating_mean", "Mean rating"),
    ("ledger_created", "Ledger records"),
    ("ledger_answered", "Ledger replies"),
)


@bp.get("/figures.xlsx")
@bureau_only
def figures_xlsx():
    from openpyxl import Workbook

    start, end = _range(_now().date())
    lang = _lang()
    wb = Workbook()
    ws = wb.active
    ws.title = f"{start}~{end}"
    ws.append([translate(title, lang) for _, title in COLUMNS])
    for row in queries.figures(db(), start, end):
        ws.append([cell(key, row[key]) for key, _ in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return send_file(
        out,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"city-figures-{start}-{end}.xlsx",
    )


def cell(key: str, value):
    """Minutes for waits; text that Excel would run as a formula gets an apostrophe."""
    if value is None:
        return None
    if key.startswith("wait_"):
        return round(value / 60, 1)
    if key == "rating_mean":
        return round(value, 2)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


# --- the refresher --------------------------------------------------------------------------


def start_refresher(dsn: str, every_s: float, stop: threading.Event) -> threading.Thread:
    """Recompute the derived tables of (hall, day) pairs that got events, every ``every_s``."""

    def run() -> None:
        while not stop.wait(every_s):
            try:
                with connect(dsn, 5.0, "hallqueue-bureau-refresh") as conn:
                    derived.refresh_all(conn)
            except psycopg.Error as exc:
                log.warning("refreshing the derived tables failed: %s", exc)

    worker = threading.Thread(target=run, name="city-refresh", daemon=True)
    worker.start()
    return worker
