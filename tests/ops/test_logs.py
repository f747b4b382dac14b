"""Issue 17 #5: one log line per hall event with its public fields, to the journal under
systemd; no personal data in any log line of a realistic run (tickets, ledger entries with ID
numbers and phones, a citizen verifying and printing a statement, mistakes included)."""

from __future__ import annotations

import logging
import re
import socket
import struct
import uuid

import pytest
import requests

from queue_server import journal
from queue_server.records.demo_people import generate

from ..support.live_server import start_server

TIMEOUT = 10
LEDGER_PEOPLE = [
    ("欧阳明辉", "11010519491231002X", "13812345678"),
    ("阿依古丽·买买提", "650102199209147936", "010-62345678"),
]
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(scope="module")
def hall_run(tmp_path_factory):
    """A live server through a working morning; returns (log text, people, counts)."""
    work = tmp_path_factory.mktemp("logs")
    people = generate(work / "hall" / "data" / "records.db", 5, seed=1)
    srv = start_server(work / "hall")
    counts = {}
    try:
        srv.set_clock("2026-11-24T09:30:00+08:00")
        kiosk = {"Authorization": f"Bearer {srv.create_device('kiosk-1', 'kiosk')}"}
        srv.create_user("win1", "window")
        staff = srv.login("win1")
        assert staff.post(f"{srv.url}/api/v1/windows/3/open", json={}, timeout=TIMEOUT).ok
        for i, service in enumerate(["pension", "pension", "consult", "medical"]):
            r = requests.post(
                f"{srv.url}/api/v1/tickets",
                headers=kiosk,
                timeout=TIMEOUT,
                json={"service": service, "request_id": uuid.uuid4().hex},
            )
            assert r.status_code == 201, r.text
        for action in ("call-next", "finish", "call-next", "no-show"):
            r = staff.post(f"{srv.url}/api/v1/windows/3/{action}", json={}, timeout=TIMEOUT)
            assert r.status_code == 200, (action, r.text)
        for name, id_number, phone in LEDGER_PEOPLE:
            r = staff.post(
                f"{srv.url}/api/v1/ledger",
                timeout=TIMEOUT,
                json={
                    "name": name,
                    "id_number": id_number,
                    "phone": phone,
                    "form": "window",
                    "address": "示范市人民路 1 号",
                    "summary": f"{name}咨询养老保险关系转移接续",
                    "reply_class": "agreed",
                },
            )
            assert r.status_code == 201, r.text
            rid = r.json()["id"]
        bad = staff.post(
            f"{srv.url}/api/v1/ledger",
            timeout=TIMEOUT,
            json={
                "name": "欧阳明辉",
                "id_number": "110105194912310021",
                "phone": "13812345678",
                "form": "window",
                "summary": "证件号码输错",
                "reply_class": "agreed",
            },
        )
        assert bad.status_code == 422
        r = staff.patch(
            f"{srv.url}/api/v1/ledger/{rid}",
            timeout=TIMEOUT,
            json={"reply_method": "phone", "reply_content": "已电话告知阿依古丽·买买提转移流程"},
        )
        assert r.status_code == 200, r.text
        person = people[0]
        wrong = requests.post(
            f"{srv.url}/api/v1/citizen/session",
            headers=kiosk,
            timeout=TIMEOUT,
            json={"password": {"id_number": person.id_number, "password": "000000"}},
        )
        assert wrong.status_code in (401, 403, 422), wrong.text
        r = requests.post(
            f"{srv.url}/api/v1/citizen/session",
            headers=kiosk,
            timeout=TIMEOUT,
            json={"password": {"id_number": person.id_number, "password": person.password}},
        )
        assert r.status_code == 201, r.text
        session = {**kiosk, "X-Citizen-Session": r.json()["token"]}
        assert requests.get(
            f"{srv.url}/api/v1/citizen/profile", headers=session, timeout=TIMEOUT
        ).ok
        made = requests.post(
            f"{srv.url}/api/v1/citizen/statements",
            headers=session,
            timeout=TIMEOUT,
            json={"kind": "contribution_certificate"},
        )
        assert made.status_code in (200, 201), made.text
        events = requests.get(f"{srv.url}/api/v1/display/state", timeout=TIMEOUT).json()
        counts["last_event_id"] = events["last_event_id"]
    finally:
        srv.stop()
    return srv.log.read_text(encoding="utf-8"), people, counts


@pytest.mark.e2e
def test_no_log_line_carries_an_id_number_a_name_or_a_phone(hall_run):
    text, people, _ = hall_run
    secrets = [v for row in LEDGER_PEOPLE for v in row] + ["110105194912310021"]
    secrets += [p.id_number for p in people] + [p.name for p in people] + ["欧阳", "阿依古丽"]
    found = [s for s in secrets if s in text]
    assert not found, found
    assert not ID_NUMBER.findall(text) and not MOBILE.findall(text)


@pytest.mark.e2e
def test_every_event_is_one_line_with_its_public_fields(hall_run):
    text, _, counts = hall_run
    lines = [line for line in text.splitlines() if "hallqueue.events: event " in line]
    ids = [int(re.search(r"event (\d+) ", line).group(1)) for line in lines]
    assert ids == sorted(set(ids)) and ids[-1] == counts["last_event_id"]
    issued = [line for line in lines if " ticket.issued " in line]
    assert len(issued) == 4
    assert re.search(
        r"ticket\.issued ticket_number=B001 ticket_service=pension "
        r"ticket_status=waiting",
        issued[0],
    ), issued[0]
    called = next(line for line in lines if " ticket.called " in line)
    assert "window_number=3" in called
    assert any(" ledger.changed " in line for line in lines)


def read_entry(datagram: bytes) -> dict[str, str]:
    """Decode the journal's native protocol (both the plain and the length-prefixed form)."""
    out, i = {}, 0
    while i < len(datagram):
        end = datagram.index(b"\n", i)
        line = datagram[i:end]
        if b"=" in line:
            key, _, value = line.partition(b"=")
            i = end + 1
        else:
            key = line
            size = struct.unpack("<Q", datagram[end + 1 : end + 9])[0]
            value = datagram[end + 9 : end + 9 + size]
            i = end + 9 + size + 1
        out[key.decode()] = value.decode()
    return out


def test_journal_entries_carry_the_hall_and_event_fields_and_keep_tracebacks_whole(tmp_path):
    path = str(tmp_path / "journal.sock")
    sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sink.bind(path)
    sink.settimeout(2)
    handler = journal.JournalHandler("hallqueue-server", path)
    handler.fields["HALL"] = "第一经办服务大厅"
    logger = logging.getLogger("hallqueue.test-journal")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        fields = journal.event_fields(
            {
                "id": 7,
                "type": "ticket.called",
                "data": {
                    "ticket": {"number": "B012", "service": "pension", "issued_at": "…"},
                    "window": {"number": 3, "name": "养老保险窗口"},
                    "waiting": {"pension": 4},
                },
            }
        )
        logger.info("%s", journal.event_line(fields), extra={"journal": fields})
        entry = read_entry(sink.recv(65536))
        assert entry["MESSAGE"] == (
            "hallqueue.test-journal: event 7 ticket.called "
            "ticket_number=B012 ticket_service=pension window_number=3"
        )
        assert (entry["HALL_EVENT"], entry["HALL_TICKET_NUMBER"], entry["HALL_WINDOW_NUMBER"]) == (
            "ticket.called",
            "B012",
            "3",
        )
        assert entry["HALL"] == "第一经办服务大厅" and entry["PRIORITY"] == "6"
        assert entry["SYSLOG_IDENTIFIER"] == "hallqueue-server"
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("it failed")
        entry = read_entry(sink.recv(65536))
        assert entry["PRIORITY"] == "3" and "Traceback" in entry["MESSAGE"]
        assert entry["MESSAGE"].endswith("ValueError: boom")
    finally:
        logger.removeHandler(handler)
        handler.close()
        sink.close()
