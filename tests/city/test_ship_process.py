"""Real ``queue-server ship`` processes against a real PostgreSQL: the city's server stopped in
the middle of a shipment and started again; the shipper killed (-9) inside the transaction and
between the commit and the acknowledgement; two shippers of one hall at once. Each time the
city ends with every event of the hall exactly once (ids compared per hall)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg
import pytest

from queue_server.city import migrate
from queue_server.city.db import connect
from queue_server.city.shipper import ACK_DELAY_ENV
from queue_server.store import Store, shipping
from queue_server.store import events as event_log
from tests.city.halls import make_hall
from tests.conftest import EXAMPLE_CONFIG
from tests.support.waiting import wait_for

BIN = Path(sys.executable).with_name("queue-server")
HALL_ID = "h1"
FIRST_DAY = date(2026, 11, 23)


@pytest.fixture
def hall_db(tmp_path) -> Path:
    path = tmp_path / "hall.db"
    make_hall(path, FIRST_DAY, days=2, tickets=1200)
    return path


class Shipper:
    def __init__(self, tmp_path: Path, db: Path, dsn: str, name: str = "ship", **env):
        self.log = tmp_path / f"{name}.log"
        environ = {
            **os.environ,
            "HALLQUEUE_HALL_DATA_DIR": str(tmp_path / "data"),
            "HALLQUEUE_CITY_DSN": dsn,
            "HALLQUEUE_CITY_HALL_ID": HALL_ID,
            "HALLQUEUE_CITY_BATCH_SIZE": "400",
            "HALLQUEUE_CITY_POLL_S": "0.1",
            "HALLQUEUE_CITY_BACKOFF_INITIAL_S": "0.1",
            "HALLQUEUE_CITY_BACKOFF_MAX_S": "0.5",
            "HALLQUEUE_CITY_CONNECT_TIMEOUT_S": "1",
            **env,
        }
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [str(BIN), "ship", "--config", str(EXAMPLE_CONFIG), "--db", str(db)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=environ,
            )

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(15)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


def hall_ids(db: Path) -> list[int]:
    store = Store(db)
    try:
        return [r[0] for r in store.db.execute("SELECT id FROM events ORDER BY id")]
    finally:
        store.close()


def acked(db: Path) -> int:
    store = Store(db)
    try:
        return shipping.acked(store.db, HALL_ID)
    finally:
        store.close()


def city_ids(dsn: str) -> list[int]:
    try:
        with psycopg.connect(dsn, connect_timeout=2) as conn:
            rows = conn.execute(
                "SELECT event_id FROM events WHERE hall_id = %s ORDER BY event_id", [HALL_ID]
            ).fetchall()
    except psycopg.Error:
        return []
    return [r[0] for r in rows]


def caught_up(dsn: str, db: Path) -> bool:
    return city_ids(dsn) == hall_ids(db)


def more_events(db: Path, n: int) -> None:
    """The hall goes on working (here: notices) whatever the city does."""
    store = Store(db)
    try:
        with store.write() as conn:
            for i in range(n):
                event_log.append(conn, "notice.changed", "2026-11-24T16:00:00+08:00", {"notice": i})
    finally:
        store.close()


def shipper_waits_on_a_lock(dsn: str) -> bool:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'hallqueue-ship%%'"
            " AND wait_event_type = 'Lock'"
        ).fetchone()
    return row[0] > 0


def migrated(dsn: str) -> None:
    with connect(dsn) as conn:
        migrate.migrate(conn, FIRST_DAY)


def hold_mid_batch(dsn: str) -> psycopg.Connection:
    """A transaction that makes the shipper's next shipment wait after its events are inserted
    (at marking their days dirty): the shipment is then really in the middle."""
    conn = psycopg.connect(dsn)
    conn.execute("LOCK TABLE dirty_days IN EXCLUSIVE MODE")
    return conn


def test_the_city_stopped_mid_batch_and_started_again_loses_and_doubles_nothing(
    own_pg, hall_db, tmp_path
):
    dsn = own_pg.create_database("city")
    migrated(dsn)
    holder = hold_mid_batch(dsn)
    shipper = Shipper(tmp_path, hall_db, dsn)
    try:
        assert wait_for(lambda: shipper_waits_on_a_lock(dsn), timeout=60), (
            "timed out waiting for a shipment in progress"
        )
        own_pg.stop("fast")  # every session cut, the open shipment with them
        holder.close()
        more_events(hall_db, 500)  # the hall does not notice
        assert wait_for(lambda: shipper.text().count("trying again") >= 2, timeout=60), (
            "timed out waiting for retries"
        )
        assert shipper.proc.poll() is None
        own_pg.start()
        assert wait_for(lambda: caught_up(dsn, hall_db), timeout=60), (
            "timed out waiting for the shipper to catch up"
        )
        assert shipper.stop() == 0
    finally:
        if shipper.proc.poll() is None:
            shipper.kill()
    ids = hall_ids(hall_db)
    assert city_ids(dsn) == ids and len(ids) > 8000
    assert acked(hall_db) == ids[-1]
    assert "Traceback" not in shipper.text()


def test_killed_inside_the_transaction_the_shipment_is_rolled_back_and_sent_again(
    pg_cluster, hall_db, tmp_path
):
    dsn = pg_cluster.create_database("killed_in_txn")
    migrated(dsn)
    holder = hold_mid_batch(dsn)
    first = Shipper(tmp_path, hall_db, dsn, "first")
    assert wait_for(lambda: shipper_waits_on_a_lock(dsn), timeout=60), (
        "timed out waiting for a shipment in progress"
    )
    first.kill()
    holder.close()  # the orphaned shipment goes on, finds its client gone, rolls back
    assert wait_for(
        lambda: not shipper_waits_on_a_lock(dsn) and len(city_ids(dsn)) == 0, timeout=60
    ), "timed out waiting for the orphaned shipment to end"
    assert acked(hall_db) == 0
    second = Shipper(tmp_path, hall_db, dsn, "second")
    assert wait_for(lambda: caught_up(dsn, hall_db), timeout=60), (
        "timed out waiting for the second shipper to catch up"
    )
    assert second.stop() == 0
    ids = hall_ids(hall_db)
    assert city_ids(dsn) == ids and acked(hall_db) == ids[-1]


def test_killed_between_the_commit_and_the_acknowledgement_nothing_is_sent_twice(
    pg_cluster, hall_db, tmp_path
):
    dsn = pg_cluster.create_database("killed_before_ack")
    first = Shipper(tmp_path, hall_db, dsn, "first", **{ACK_DELAY_ENV: "60"})

    def committed() -> int:
        with psycopg.connect(dsn) as conn:
            row = conn.execute(
                "SELECT shipped_through FROM halls WHERE hall_id = %s", [HALL_ID]
            ).fetchone()
        return row[0] if row else 0

    def first_batch_committed() -> bool:
        try:
            return committed() > 0
        except psycopg.Error:  # the shipper has not created the tables yet
            return False

    assert wait_for(first_batch_committed, timeout=60), (
        "timed out waiting for the first shipment's commit"
    )
    first.kill()
    through = committed()
    assert through == 400 and acked(hall_db) == 0  # stored in the city, not acknowledged
    second = Shipper(tmp_path, hall_db, dsn, "second")
    assert wait_for(lambda: caught_up(dsn, hall_db), timeout=60), (
        "timed out waiting for the second shipper to catch up"
    )
    assert second.stop() == 0
    ids = hall_ids(hall_db)
    assert city_ids(dsn) == ids and acked(hall_db) == ids[-1]


def test_two_shippers_of_one_hall_store_each_event_once(pg_cluster, hall_db, tmp_path):
    dsn = pg_cluster.create_database("two_shippers")
    migrated(dsn)
    shippers = [Shipper(tmp_path, hall_db, dsn, f"ship{i}") for i in (1, 2)]
    try:

        def both_connected() -> bool:
            with psycopg.connect(dsn) as conn:
                n = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                    [f"hallqueue-ship {HALL_ID}"],
                ).fetchone()[0]
            return n == 2

        assert wait_for(both_connected, timeout=60), "timed out waiting for both shippers connected"
        more_events(hall_db, 300)  # while both run
        assert wait_for(lambda: caught_up(dsn, hall_db), timeout=60), (
            "timed out waiting for both to catch up"
        )
        more_events(hall_db, 300)
        assert wait_for(lambda: caught_up(dsn, hall_db), timeout=60), (
            "timed out waiting for both to catch up again"
        )
        assert [s.stop() for s in shippers] == [0, 0]
    finally:
        for s in shippers:
            if s.proc.poll() is None:
                s.kill()
    ids = hall_ids(hall_db)
    with psycopg.connect(dsn) as conn:
        total, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT event_id) FROM events WHERE hall_id = %s", [HALL_ID]
        ).fetchone()
    assert total == distinct == len(ids)
    assert city_ids(dsn) == ids
    for s in shippers:
        assert "Traceback" not in s.text()
