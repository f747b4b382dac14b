"""GET /api/v1/services and the ticket's status page name nearby halls with shorter queues
(issue 18 item 4) from the city's last answer. The city is a stand-in at its real interface
(HTTP JSON, as ``queue-server city serve`` answers; tests/city/test_nearby.py uses the real
one); with no answer there is no hint and nothing else changes."""

from __future__ import annotations

import dataclasses

import pytest

from queue_server.city.hallkey import HALL_KEY
from queue_server.core.settings import NearbyHall
from queue_server.store import hall_state
from queue_server.web import create_app

from ..support.fake_city import FakeCity

NEIGHBOUR = NearbyHall(
    hall_id="demo-2",
    name={"zh_CN": "示范市第二大厅", "en": "Demo Hall 2", "ug": "ئىككىنچى زال"},
    distance_km=2.0,
)


@pytest.fixture
def city():
    with FakeCity({"demo-2": {"consult": 3}}) as fake:
        yield fake


def nearby_app(settings, db_path, clock, url):
    c = dataclasses.replace(
        settings.city, hall_id="demo-1", url=url, nearby=[NEIGHBOUR], nearby_min_waiting=5
    )
    s = dataclasses.replace(settings, city=c)
    return create_app(s, db_path=db_path, clock=clock, test_config={"TESTING": True})


@pytest.fixture
def busy_hall(settings, db_path, clock, city):
    app = nearby_app(settings, db_path, clock, city.url)
    hall = app.extensions["hall"]
    tickets = [hall.queue.issue("consult", f"req-{i:04d}")[0] for i in range(8)]
    assert hall.nearby.refresh() is True
    yield app, tickets
    hall.close()


def test_a_long_queue_names_the_nearby_hall_in_the_service_list(busy_hall, city):
    app, _ = busy_hall
    listed = {
        s["code"]: s for s in app.test_client().get("/api/v1/services").get_json()["services"]
    }
    assert listed["consult"]["waiting"] == 8
    assert listed["consult"]["nearby"] == [
        {"hall_id": "demo-2", "name": NEIGHBOUR.name, "waiting": 3, "distance_km": 2.0}
    ]
    assert listed["pension"]["nearby"] == []  # short here: nothing said
    path, auth = city.asked[-1]
    assert path == "/api/nearby?hall=demo-2"
    key = hall_state.get(app.extensions["hall"].store.db, HALL_KEY)
    assert auth == f"Bearer demo-1:{key}" and key


def test_the_ticket_page_says_it_in_the_readers_language(busy_hall):
    app, tickets = busy_hall
    c = app.test_client()
    last = tickets[-1]["id"]  # 7 ahead of it, 3 waiting there
    page = c.get(f"/t/{last}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "示范市第二大厅 同类业务等候 3 人（约 2 公里）" in page
    page = c.get(f"/t/{last}?lang=en").get_data(as_text=True)
    assert "Demo Hall 2: 3 waiting for the same service (about 2 km)" in page
    first = tickets[0]["id"]  # nobody ahead: no reason to go elsewhere
    assert 'id="st-nearby"' not in c.get(f"/t/{first}").get_data(as_text=True)


def test_without_an_answer_from_the_city_nothing_is_said(settings, db_path, clock):
    app = nearby_app(settings, db_path, clock, "http://127.0.0.1:9/")  # nobody listens there
    hall = app.extensions["hall"]
    try:
        tickets = [hall.queue.issue("consult", f"req-{i:04d}")[0] for i in range(8)]
        assert hall.nearby.refresh() is False
        c = app.test_client()
        r = c.get("/api/v1/services")
        assert r.status_code == 200
        assert all(s["nearby"] == [] for s in r.get_json()["services"])
        assert 'id="st-nearby"' not in c.get(f"/t/{tickets[-1]['id']}").get_data(as_text=True)
    finally:
        hall.close()
