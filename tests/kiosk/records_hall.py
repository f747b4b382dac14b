"""A live queue server reading a demo records database (sqlite provider), its statements' QR
codes pointing at itself: the kiosk's citizen tests (flow and GUI) share it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from queue_server.records.demo_people import generate
from tests.support.live_server import LiveServer, free_port, start_server


def start_records_hall(work: Path, people: int = 40) -> LiveServer:
    db = work / "records.db"
    shown = generate(db, people, seed=3, show=5)
    port = free_port()
    srv = start_server(
        work / "srv",
        port=port,
        env={
            "HALLQUEUE_RECORDS_DB": str(db),
            "HALLQUEUE_HALL_PUBLIC_URL": f"http://127.0.0.1:{port}",
        },
    )
    srv.records_db, srv.people = db, shown
    return srv


def open_case(db: Path, id_number: str | None = None) -> tuple[str, str]:
    """(case number, applicant's ID number) of a case with a next stage."""
    where = "AND p.id_number = ?" if id_number else ""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT c.case_number, p.id_number FROM cases c JOIN people p ON p.id = c.person_id "
            f"WHERE c.next_stage IS NOT NULL {where} ORDER BY c.case_number LIMIT 1",
            [id_number] if id_number else [],
        ).fetchone()
