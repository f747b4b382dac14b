"""schemathesis against /api/v1/openapi.json (issue 10, item 5), through WSGI, as a logged-in
admin and as a kiosk: no 5xx, and every answer is in the document (status code, content type,
headers, body schema); methods the document does not list get 405 with Allow; taking the
credentials away gets 401.

Bounded for the default run: a fixed seed, derandomized, a dozen generated cases per operation
besides schemathesis' examples and coverage cases, at most 10 s per case (about 20 s of CPU for
60 operations).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as oa

from queue_server.records.demo_people import generate
from queue_server.web import openapi

from ..conftest import login

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261124,
        # Credentials come from HallAuth below, never generated: ignored_auth removes them and
        # expects a 401.
        "generation": {"mode": "all", "deterministic": True, "with-security-parameters": False},
        "phases": {"stateful": {"enabled": False}},
    }
)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    oa.status_code_conformance,
    oa.content_type_conformance,
    oa.response_headers_conformance,
    oa.response_schema_conformance,
    oa.unsupported_method,
    oa.ignored_auth,
]

# Loaded from the data the app serves (test_the_fuzzed_document_is_the_served_one): schemathesis'
# fixture-based loader does not work with pytest 9.2's node ids, and a module-level schema needs
# no app at collection time.
schema = schemathesis.openapi.from_dict(openapi.document(), config=CONFIG)

CURRENT: dict = {}  # this test's app, admin cookie and kiosk token (set by `credentials`)


def current_app(environ, start_response):
    """The WSGI app the schema sends to (also the checks' own probes): this test's app."""
    return CURRENT["app"](environ, start_response)


schema.app = current_app
DEVICE_ONLY = ("/heartbeat",)  # operations no staff member may call


@schema.auth(refresh_interval=None)
class HallAuth:
    def get(self, case, ctx):
        return dict(CURRENT) or None  # None while collecting: coverage cases get it when sent

    def set(self, case, data, ctx):
        if case.path.endswith(DEVICE_ONLY):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data['token']}"}
        else:
            case.cookies = {**(case.cookies or {}), "hallqueue_session": data["cookie"]}


@pytest.fixture(scope="module")
def records_db(tmp_path_factory):
    """A small demo records database: the records operations answer from it, as in a hall, not
    503 records_unavailable for a provider that is not there."""
    path = tmp_path_factory.mktemp("records") / "records.db"
    generate(path, 5, seed=7, today=date(2026, 11, 24))
    return path


@pytest.fixture(name="settings")  # hypothesis' settings keeps its name in this module
def settings_with_records(settings, records_db):
    records = dataclasses.replace(settings.records, provider="sqlite", db=str(records_db))
    return dataclasses.replace(settings, records=records)


@pytest.fixture
def credentials(app, kiosk_token):
    staff = app.test_client()
    login(staff, "admin1")
    CURRENT.update(app=app, cookie=staff.get_cookie("hallqueue_session").value, token=kiosk_token)
    yield
    CURRENT.clear()


def test_the_fuzzed_document_is_the_served_one(client):
    assert client.get("/api/v1/openapi.json").get_json() == openapi.document()


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=timedelta(seconds=10),
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_matches_the_document(case, credentials):
    if case.path.endswith(DEVICE_ONLY) and case.path_parameters:
        case.path_parameters["device_id"] = "kiosk-1"  # a device reports only for itself
    case.call_and_validate(checks=CHECKS)
