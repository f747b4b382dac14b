"""Nearby halls (issue 18 item 4) end to end: two real halls ship to a throwaway PostgreSQL, a
real ``queue-server city serve`` answers the asking hall's refresher; a wrong key, a stopped
city and a city that never answers all leave the kiosk's list without hints."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import threading
import time

import pytest
import requests

from queue_server.core.settings import NearbyHall
from queue_server.hall import Hall
from queue_server.nearby import NearbyHalls
from tests.city.test_city_cli import BIN
from tests.city.test_shipper import city_settings, ship_all
from tests.support.live_server import free_port

NEIGHBOUR = NearbyHall(hall_id="demo-2", name={"zh_CN": "第二大厅", "en": "Hall 2"}, distance_km=2)


class Ticks:
    """A monotonic clock the test moves (the refresher's answers age by it)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def asking(settings, url: str):
    city = dataclasses.replace(
        settings.city, hall_id="demo-1", url=url, nearby=[NEIGHBOUR], nearby_min_waiting=4
    )
    return dataclasses.replace(settings, city=city)


def issue(hall, n: int, prefix: str) -> None:
    for i in range(n):
        hall.queue.issue("consult", f"{prefix}-{i:04d}")


@pytest.fixture
def city_server(city_dsn):
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN), "city", "serve", "--pg", city_dsn, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(url + "login", timeout=1)
            break
        except requests.ConnectionError:
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "the dashboard did not start"
            time.sleep(0.2)
    yield proc, url
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=20)
    proc.stdout.close()


@pytest.fixture
def two_halls(hall, settings, db_path, clock, tmp_path, city_dsn):
    """This hall (demo-1): 6 waiting for consult; demo-2: 2 waiting. Both shipped."""
    other_db = tmp_path / "other.db"
    other = Hall.open(settings, other_db, clock=clock)
    try:
        issue(other, 2, "other")
    finally:
        other.close()
    issue(hall, 6, "here")
    ship_all(city_settings(settings, city_dsn, hall_id="demo-2"), other_db)
    ship_all(city_settings(settings, city_dsn, hall_id="demo-1"), db_path)
    return hall


def test_the_hall_learns_a_nearby_halls_wait_from_the_city(two_halls, settings, clock, city_server):
    proc, url = city_server
    hall, ticks = two_halls, Ticks()
    nearby = NearbyHalls(lambda: asking(settings, url), hall.store, clock, ticks)
    assert nearby.refresh() is True
    listed = {s["code"]: s for s in nearby.annotate(hall.queue.services())}
    assert listed["consult"]["waiting"] == 6
    assert listed["consult"]["nearby"] == [
        {"hall_id": "demo-2", "name": NEIGHBOUR.name, "waiting": 2, "distance_km": 2}
    ]
    assert listed["pension"]["nearby"] == []  # nobody waits here: nothing to suggest
    assert nearby.for_service("consult", 3) == []  # under nearby_min_waiting
    assert nearby.for_service("consult", 4)[0]["waiting"] == 2

    # The city stopped: the last answer serves until it is three refresh periods old.
    proc.terminate()
    proc.wait(timeout=20)
    assert nearby.refresh() is False
    assert nearby.for_service("consult", 6) != []
    ticks.now += 3 * settings.city.nearby_refresh_s + 1
    assert nearby.for_service("consult", 6) == []


def test_a_hall_unknown_to_the_city_learns_nothing(
    two_halls, settings, clock, city_server, tmp_path
):
    _, url = city_server
    stranger = Hall.open(settings, tmp_path / "stranger.db", clock=clock)  # its own key
    try:
        nearby = NearbyHalls(lambda: asking(settings, url), stranger.store, clock)
        assert nearby.refresh() is False
        assert nearby.for_service("consult", 50) == []
    finally:
        stranger.close()
    r = requests.get(url + "api/nearby?hall=demo-2", headers={"Authorization": "Bearer demo-1:x"})
    assert r.status_code == 401 and r.json()["error"]["message"] != ""
    assert "waiting" not in r.text


def test_a_city_that_never_answers_costs_the_kiosk_nothing(hall, settings, clock):
    """The refresher waits out its timeout in the background while the service list, read from
    the cache, answers at once without hints."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
    s = asking(settings, url)
    s = dataclasses.replace(s, city=dataclasses.replace(s.city, nearby_timeout_s=1.0))
    issue(hall, 6, "here")
    nearby = NearbyHalls(lambda: s, hall.store, clock)
    answered = []
    refresher = threading.Thread(target=lambda: answered.append(nearby.refresh()))
    refresher.start()
    try:
        listed = nearby.annotate(hall.queue.services())
        assert [svc["nearby"] for svc in listed] == [[] for _ in listed]
    finally:
        refresher.join(timeout=30)
        silent.close()
    assert answered == [False]  # it gave up, it did not hang
