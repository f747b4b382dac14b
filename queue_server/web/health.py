"""GET /healthz: is this server fit to run? ``{"status": "ok"|"warn"|"fail", "checks": [...]}``.

Each check is a function in CHECKS returning ``{"name", "status", "message", ...details}``;
further checks are added to that list. "warn" still answers 200 (the hall works, but
something needs an operator); "fail" answers 503.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify

from ..i18n import translate
from ..store import files
from .context import hall, language

bp = Blueprint("health", __name__)

RANK = {"ok": 0, "warn": 1, "fail": 2}


def data_files_check() -> dict:
    """§8.6: the database holds ID numbers and phones — only the service user may read it."""
    h = hall()
    found = files.problems(h.settings.hall.data_dir, h.store.path)
    for p in found:  # a public page: the file's name, not the server's directory layout
        p["path"] = Path(p["path"]).name
    message = ("Data files are private to the service user." if not found else
               "Data files can be read by other users or belong to another user; see problems.")
    return {"name": "data_files", "status": "warn" if found else "ok",
            "message": translate(message, language()), "problems": found}


def database_check() -> dict:
    try:
        hall().store.db.execute("SELECT 1").fetchone()
    except Exception:  # noqa: BLE001 — any failure here means the hall cannot work
        return {"name": "database", "status": "fail",
                "message": translate("The database cannot be read.", language())}
    return {"name": "database", "status": "ok",
            "message": translate("The database answers.", language())}


CHECKS = [database_check, data_files_check]


@bp.get("/healthz")
def healthz():
    checks = [check() for check in CHECKS]
    status = max((c["status"] for c in checks), key=RANK.__getitem__, default="ok")
    return jsonify({"status": status, "checks": checks}), 503 if status == "fail" else 200
