"""Fixtures of the personal-records tests: one small demo records database per run (real
SQLite, real generator), the hall app wired to it, kiosk device tokens and a fake upstream."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from queue_server.records.demo_people import generate

TODAY = date(2026, 11, 24)  # the shared clock fixture's day
PEOPLE = 60


@pytest.fixture(scope="session")
def records_db(tmp_path_factory):
    """(path, the first people with their ID numbers and query passwords)."""
    path = tmp_path_factory.mktemp("records") / "records.db"
    shown = generate(path, PEOPLE, seed=7, today=TODAY, show=PEOPLE)
    return path, shown


@pytest.fixture
def people(records_db):
    return records_db[1]


@pytest.fixture
def settings(settings, records_db):
    records = dataclasses.replace(settings.records, provider="sqlite", db=str(records_db[0]))
    hall = dataclasses.replace(settings.hall, public_url="http://hall.test:8080")
    return dataclasses.replace(settings, records=records, hall=hall)


@pytest.fixture
def kiosk2_token(hall) -> str:
    return hall.accounts.create_device("kiosk-2", "kiosk")


def kiosk(client, token: str, session: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    if session:
        headers["X-Citizen-Session"] = session
    return headers


def password_login(client, token: str, person) -> dict:
    r = client.post(
        "/api/v1/citizen/session",
        headers=kiosk(client, token),
        json={"password": {"id_number": person.id_number, "password": person.password}},
    )
    assert r.status_code == 201, r.get_json()
    return r.get_json()
