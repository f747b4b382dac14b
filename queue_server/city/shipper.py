"""``queue-server ship``: the hall's event log to the city's PostgreSQL, exactly once.

One shipment: read the events after the position (the last acknowledged id), mask them
(``outbound``), and in one PostgreSQL transaction lock the hall's row in ``halls``, COPY the
events above its ``shipped_through`` into ``events`` (should one be there already: through a
staging table and ``INSERT … ON CONFLICT DO NOTHING``), mark their (hall, day) pairs dirty
and raise ``shipped_through``. Only after the commit is the acknowledgement written to the
hall's SQLite (``city_shipping``).

Why nothing is lost or doubled:
- a shipment that fails (the city's server stops mid-batch) rolls back whole; the position
  stays and the same events go again after the back-off;
- killed between the city's commit and the acknowledgement: on reconnecting, the shipper takes
  the city's ``shipped_through`` as its position (and acknowledges it);
- two shippers of one hall: the row lock makes them take turns, and each stores only what is
  above ``shipped_through`` — the unique (hall_id, event_id, day) index is the last guard.

Beside the events go counts only: the open ledger records per due date, and the 差评
follow-up's open items and on-time rates (``followups``), each replaced whole per hall.

The hall never waits for the city: the shipper is its own process and only reads the log.
``HALLQUEUE_CITY_ACK_DELAY_S`` (tests only) sleeps between the commit and the
acknowledgement, so a test can kill the process exactly there.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from datetime import date, datetime
from typing import Callable

import psycopg
from psycopg.types.json import Jsonb
from psycopg.types.string import BytesBinaryDumper

from ..core.numbering import HALL_TZ
from ..core.settings import Settings
from ..errors import StorageUnavailable
from ..store import Store, shipping
from ..store import events as event_log
from . import hallkey, migrate
from .db import connect
from .errors import CityError
from .followups import FollowupCounts
from .outbound import outbound_utf8

log = logging.getLogger(__name__)
ACK_DELAY_ENV = "HALLQUEUE_CITY_ACK_DELAY_S"
IDLE_HEARTBEAT_S = 30.0  # an idle hall still tells the city it is there (the dashboard's lag)


def backoff_delay(failures: int, initial: float, cap: float, rand=random.random) -> float:
    """Capped exponential back-off with jitter: halls that lost the city at the same moment do
    not all come back at the same moment."""
    return min(cap, initial * 2 ** min(failures, 30)) * (0.5 + rand() / 2)


# The data column goes as binary jsonb: its version byte, then the JSON text as the hall stored
# it (outbound_utf8). Declared bytea, the C dumper passes those bytes through as they are; a
# jsonb dumper would parse and re-encode each text in Python.
_COPY_TYPES = ["text", "int8", "date", "timestamptz", "text", "bytea"]
_JSONB_V1 = b"\x01"


class Shipper:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        clock: Callable[[], datetime] = lambda: datetime.now(HALL_TZ),
    ):
        self.settings = settings
        self.city = settings.city
        if not self.city.dsn or not self.city.hall_id:
            raise CityError("city.dsn and city.hall_id must be set to ship (docs/city.md)")
        self.hall_id = self.city.hall_id
        self.store = store
        self.clock = clock
        self.conn: psycopg.Connection | None = None
        self.position = 0  # events up to this id are in the city
        self._partitions: set[str] = set()
        self._last_heartbeat = 0.0
        self._send_ledger = True
        self.followups = FollowupCounts(store, clock)
        self._followups_sent: tuple | None = None  # what the city has of them (None: unknown)
        self._followups_seen: tuple | None = None
        self._followups_at = float("-inf")

    # --- the connection ---------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection:
        conn = connect(self.city.dsn, self.city.connect_timeout_s, f"hallqueue-ship {self.hall_id}")
        try:
            migrate.migrate(conn, self.clock().date())
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS ship_stage (LIKE events) ON COMMIT DELETE ROWS"
            )
            # bytea's C dumper: by default a Python subclass (psycopg's Binary wrapper) dumps it
            conn.adapters.register_dumper(bytes, BytesBinaryDumper)
            self._register(conn)
        except BaseException:
            conn.close()
            raise
        self._partitions = set()
        self._send_ledger = True
        self._followups_sent = None
        return conn

    def _register(self, conn: psycopg.Connection) -> None:
        """The hall's row (its name and §4.2 figures), and the position from the city."""
        s = self.settings
        consulting = sum(1 for w in s.windows if w.kind == "consulting")
        row = conn.execute(
            "INSERT INTO halls (hall_id, hall_key, name, city_tier, insured_population,"
            " consulting_windows, windows_total) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (hall_id) DO UPDATE SET name = excluded.name,"
            " hall_key = excluded.hall_key,"
            " city_tier = excluded.city_tier, insured_population = excluded.insured_population,"
            " consulting_windows = excluded.consulting_windows,"
            " windows_total = excluded.windows_total"
            " WHERE halls.hall_key IS NULL OR halls.hall_key = excluded.hall_key"
            " RETURNING shipped_through",
            [
                self.hall_id,
                self._hall_key(),
                s.hall.name,
                s.hall.city_tier,
                s.hall.insured_population,
                consulting,
                len(s.windows),
            ],
        ).fetchone()
        if row is None:
            raise CityError(
                f"another hall's database ships under the hall id {self.hall_id!r}: give this "
                "hall its own [city] hall_id (docs/city.md)"
            )
        through = row[0]
        acked = shipping.acked(self.store.db, self.hall_id)
        newest = event_log.last_id(self.store.db)
        if through > newest:
            log.error(
                "the city has events of hall %s up to %d but this hall's log ends at %d: was "
                "the hall's database restored from a backup? New events with ids up to %d "
                "will not reach the city (docs/city.md)",
                self.hall_id,
                through,
                newest,
                through,
            )
        elif through < acked:
            log.warning(
                "the city has events of hall %s up to %d only, %d were acknowledged: "
                "shipping again from %d",
                self.hall_id,
                through,
                acked,
                through,
            )
        self.position = through
        if through != acked:
            self._acknowledge(through)

    def _hall_key(self) -> str:
        return hallkey.hall_key(self.store, self.clock)

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None

    # --- one shipment -----------------------------------------------------------------------

    def ship_batch(self) -> int:
        """Ship the next batch; return how many events it held (0 = caught up)."""
        if self.conn is None:
            self.conn = self._connect()
        conn = self.conn
        rows = shipping.raw_after(self.store.db, self.position, self.city.batch_size)
        newest = event_log.last_id(self.store.db)
        followups = self._followup_state(busy=bool(rows))
        if not rows:
            if (
                time.monotonic() - self._last_heartbeat > IDLE_HEARTBEAT_S
                or self._send_ledger
                or followups != self._followups_sent
            ):
                with conn.transaction():
                    self._hall_row(conn, None, newest, None, {})
                    self._ledger(conn)
                    self._followups(conn, followups)
                self._last_heartbeat = time.monotonic()
            return 0
        out, closed, waiting, windows, ledger_changed = self._prepare(rows)
        days = {r[2] for r in out}
        self._partitions = migrate.ensure_partitions(conn, days, self._partitions)
        last = rows[-1][0]
        with conn.transaction():
            through = conn.execute(
                "SELECT shipped_through FROM halls WHERE hall_id = %s FOR UPDATE", [self.hall_id]
            ).fetchone()[0]
            fresh = [r for r in out if r[1] > through]
            if fresh:
                self._store(conn, fresh)
                conn.execute(
                    "INSERT INTO dirty_days (hall_id, day) SELECT %s, unnest(%s::date[])"
                    " ON CONFLICT (hall_id, day)"
                    " DO UPDATE SET version = nextval('dirty_days_version')",
                    [self.hall_id, sorted({r[2] for r in fresh} | closed)],
                )
            if not fresh:  # another shipper of this hall was first: its state is newer
                waiting, windows = None, {}
            last_at = rows[-1][2] if fresh else None
            self._hall_row(conn, max(last, through), newest, waiting, windows, last_at)
            if ledger_changed or self._send_ledger:
                self._ledger(conn)
            if followups != self._followups_sent:
                self._followups(conn, followups)
        self._last_heartbeat = time.monotonic()
        delay = float(os.environ.get(ACK_DELAY_ENV) or 0)
        if delay:
            time.sleep(delay)
        self.position = max(last, through)
        self._acknowledge(self.position)
        return len(rows)

    def _store(self, conn: psycopg.Connection, rows: list[tuple]) -> None:
        """Above ``shipped_through`` nothing of this hall is stored yet, so the rows go straight
        in with COPY. Should one be there all the same (a city's database put back from an
        older copy), the rows go through the staging table and ON CONFLICT DO NOTHING."""
        try:
            with conn.transaction():  # a savepoint: a failed COPY leaves the shipment usable
                self._copy(conn, "events", rows)
        except psycopg.errors.UniqueViolation:
            log.warning(
                "hall %s: some events were in the city already; skipping them", self.hall_id
            )
            self._copy(conn, "ship_stage", rows)
            conn.execute("INSERT INTO events SELECT * FROM ship_stage ON CONFLICT DO NOTHING")

    @staticmethod
    def _copy(conn: psycopg.Connection, table: str, rows: list[tuple]) -> None:
        # Binary COPY: the server parses no dates or times (twice the rows per second of text).
        with conn.cursor().copy(
            f"COPY {table} (hall_id, event_id, day, at, type, data) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(_COPY_TYPES)
            for row in rows:
                copy.write_row(row)

    def _prepare(self, rows: list[tuple]):
        """The masked rows to copy, the days closed by a ``day.closed`` in the batch (stored
        under the next day, it changes the closed day's derived rows), and the live state
        the batch ends with."""
        out: list[tuple] = []
        closed: set[date] = set()
        waiting: dict | None = None  # None: no event of the batch says (an empty dict does)
        windows: dict = {}
        ledger_changed = False
        day_of: dict[str, date] = {}
        for event_id, type_, at, data in rows:
            # A time written in the hall's own offset is on its own date: that is kept per
            # (date, offset) and the zone consulted once for each; any other time each time.
            moment = datetime.fromisoformat(at)
            key = at[:10] + at[-6:]
            day = day_of.get(key)
            if day is None:
                local = moment.astimezone(HALL_TZ)
                day = local.date()
                if local.utcoffset() == moment.utcoffset():
                    day_of[key] = day
            out.append(
                (self.hall_id, event_id, day, moment, type_, _JSONB_V1 + outbound_utf8(data))
            )
            if type_ == "window.changed":
                window = json.loads(data).get("window") or {}
                if "number" in window:
                    windows[str(window["number"])] = window.get("state")
            elif type_ == "day.closed":
                day_closed = json.loads(data).get("day")
                if day_closed:
                    closed.add(date.fromisoformat(day_closed))
            elif type_ == "ledger.changed":
                ledger_changed = True
        for _, _, _, data in reversed(rows):
            if b'"waiting":' in data:
                waiting = json.loads(data).get("waiting")
                break
        return out, closed, waiting, windows, ledger_changed

    def _hall_row(self, conn, through, newest, waiting, windows, last_at=None) -> None:
        conn.execute(
            "UPDATE halls SET shipped_through = greatest(shipped_through, coalesce(%s, 0)),"
            " hall_last_id = %s, shipped_at = now(),"
            " last_event_at = coalesce(%s::timestamptz, last_event_at),"
            " waiting = coalesce(%s::jsonb, waiting),"
            " windows = windows || %s::jsonb WHERE hall_id = %s",
            [
                through,
                newest,
                last_at,
                None if waiting is None else json.dumps(waiting),
                json.dumps(windows),
                self.hall_id,
            ],
        )

    def _ledger(self, conn) -> None:
        """Open ledger records per due date, replaced whole (counts only)."""
        counts = shipping.ledger_due(self.store.db)
        conn.execute("DELETE FROM ledger_due WHERE hall_id = %s", [self.hall_id])
        if counts:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO ledger_due VALUES (%s, %s, %s, %s)",
                    [(self.hall_id, due, n, p or 0) for due, n, p in counts],
                )
        self._send_ledger = False

    def _followup_state(self, busy: bool) -> tuple:
        """Follow-up items change without an event, so they are looked at each time the log
        is (every poll when idle); while catching up, at most once per poll interval (a few
        ms each at a hall with thousands of items: not per batch)."""
        now = time.monotonic()
        if not busy or now - self._followups_at >= self.city.poll_s:
            self._followups_seen, self._followups_at = self.followups.state(), now
        return self._followups_seen

    def _followups(self, conn, state: tuple) -> None:
        """The 差评 follow-up's counts (city/followups.py), replaced whole."""
        due, first, last, report = state
        conn.execute("DELETE FROM followup_due WHERE hall_id = %s", [self.hall_id])
        if due:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO followup_due VALUES (%s, %s, %s, %s)",
                    [(self.hall_id, stage, day, n) for stage, day, n in due],
                )
        conn.execute(
            "INSERT INTO followup_report VALUES (%s, %s, %s, %s) ON CONFLICT (hall_id)"
            " DO UPDATE SET day_from = excluded.day_from, day_to = excluded.day_to,"
            " figures = excluded.figures",
            [self.hall_id, first, last, Jsonb(report)],
        )
        self._followups_sent = state  # a failed commit reconnects, and _connect forgets it

    def _acknowledge(self, event_id: int) -> None:
        with self.store.write() as db:
            shipping.acknowledge(db, self.hall_id, event_id, self.clock().isoformat())

    # --- the loop ---------------------------------------------------------------------------

    def run(self, stop: threading.Event, once: bool = False) -> int:
        """Ship until ``stop`` is set (or, ``once``, until caught up). Failures of the city or
        of the hall's disk wait a capped exponential back-off and try again."""
        failures = 0
        while not stop.is_set():
            try:
                shipped = self.ship_batch()
            except (psycopg.Error, CityError, StorageUnavailable) as exc:
                self.close()
                delay = backoff_delay(
                    failures, self.city.backoff_initial_s, self.city.backoff_max_s
                )
                failures += 1
                log.warning(
                    "shipping to the city failed (%s: %s); trying again in %.1f s",
                    type(exc).__name__,
                    str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                    delay,
                )
                stop.wait(delay)
                continue
            if failures:
                log.info("shipping to the city again, from event %d", self.position)
                failures = 0
            if shipped == 0:
                if once:
                    break
                stop.wait(self.city.poll_s)
        self.close()
        return 0
