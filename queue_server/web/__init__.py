"""The Flask app: ``create_app(settings, db_path=None, clock=None)``.

Blueprints live one per module, each named ``bp``; BLUEPRINTS lists them in order. The app
wires nothing else: the hall's running parts (event follower, announcer, display font, FAQ,
day keeper) start in ``Hall.open``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ..configfile import load_settings
from ..core.settings import Settings
from ..hall import Hall
from . import admin, api, appointments, auth, calendar, citizen, display, errors, evaluations
from . import events, faq, headers, health, ledger, notice, openapi, reports, staff, ticket_desk
from .context import SqlIntConverter, require_json_for_changes

BLUEPRINTS = [
    headers.bp,
    auth.bp,
    api.bp,
    events.bp,
    openapi.bp,
    display.bp,
    faq.bp,
    ledger.bp,
    calendar.bp,
    evaluations.bp,
    notice.bp,
    staff.bp,
    admin.bp,
    health.bp,
    ticket_desk.bp,
    citizen.bp,
    reports.bp,
    appointments.bp,
]
MAX_BODY_BYTES = 64 * 1024
# Routes whose view raises its own request.max_content_length (the server reads this much there).
UPLOAD_LIMITS = {appointments.IMPORT_PATH: appointments.IMPORT_MAX_BYTES}


def _secret_key(settings: Settings) -> str:
    if settings.server.secret_key:
        return settings.server.secret_key
    path = Path(settings.hall.data_dir) / "secret_key"
    if not path.exists():
        if not path.parent.exists():  # the data folder is private (store/files.py)
            path.parent.mkdir(parents=True, mode=0o700)
            path.parent.chmod(0o700)
        with os.fdopen(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def create_app(
    settings: Settings | str | Path,
    db_path=None,
    clock=None,
    test_config: dict | None = None,
    config_path: str | Path | None = None,
) -> Flask:
    """``config_path``: the file SIGHUP and /admin reload (given a path, that path)."""
    if not isinstance(settings, Settings):
        config_path = config_path or settings
        settings = load_settings(settings)
    app = Flask(__name__)
    if settings.server.proxy_hops:  # client address and scheme from the trusted proxy's headers
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=settings.server.proxy_hops,
            x_proto=settings.server.proxy_hops,
            x_host=settings.server.proxy_hops,
        )
    app.config.update(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="hallqueue_session",
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        UPLOAD_LIMITS=UPLOAD_LIMITS,
    )
    app.json.ensure_ascii = False
    app.session_interface = auth.NoSignedCookieSession()
    if test_config:
        app.config.update(test_config)
    app.extensions["hall"] = Hall.open(settings, db_path, clock, config_path, serving=True)
    errors.register(app)
    app.before_request(require_json_for_changes)
    app.url_map.converters["sqlint"] = SqlIntConverter  # before the routes that use it
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
