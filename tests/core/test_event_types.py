"""One event vocabulary: what the pages listen for is what the server emits (issue 9, item 15)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from queue_server.core.events import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[2] / "queue_server"
STATIC = ROOT / "web" / "static"
FAMILIES = {t.split(".")[0] for t in EVENT_TYPES}
FILE_SUFFIXES = {"js", "css", "wav", "json", "html", "png", "ttf", "woff2", "static", "font"}
LITERAL = re.compile(r"""["']([a-z]+)\.([a-z_]*)["']""")


def js_event_names() -> dict[str, set[str]]:
    """Event-like string literals in the pages' scripts, by file (file names left out)."""
    found: dict[str, set[str]] = {}
    for path in STATIC.rglob("*.js"):
        for family, name in LITERAL.findall(path.read_text(encoding="utf-8")):
            if name in FILE_SUFFIXES:
                continue
            found.setdefault(path.name, set()).add(f"{family}.{name}")
    return found


def server_event_literals() -> set[str]:
    """String constants of the server's Python code that name an event of a known family."""
    out = set()
    for path in ROOT.rglob("*.py"):
        if path.name == "events.py" and path.parent.name == "core":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        audit_actions = {
            id(c)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "record"
            for c in ast.walk(call)
        }  # audit.record(..., "ledger.view_full", ...)
        for node in ast.walk(tree):
            if id(node) in audit_actions:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                m = re.fullmatch(r"([a-z]+)\.([a-z_]+)", node.value)
                if m and m.group(1) in FAMILIES:
                    out.add(node.value)
    return out


def test_every_event_the_pages_listen_for_is_a_declared_type():
    names = js_event_names()
    assert names, "no event names found in the pages' scripts"
    for file, found in names.items():
        for name in found:
            if name.endswith("."):  # a prefix test such as ev.type.startsWith("ticket.")
                assert name[:-1] in FAMILIES, (file, name)
            else:
                assert name in EVENT_TYPES, (
                    f"{file} listens for {name!r}, which the server never sends"
                )


SERVED = re.compile(r'<script id="event-types" type="application/json">(.*?)</script>', re.S)


def test_the_pages_are_served_the_declared_types_and_copy_none(client):
    for path in ("/login", "/display", "/display/window/3"):  # staff and hall page bases
        html = client.get(path).get_data(as_text=True)
        assert json.loads(SERVED.search(html).group(1)) == list(EVENT_TYPES), path
    for path in (STATIC / "staff" / "staff.js", STATIC / "display" / "stream.js"):
        script = path.read_text(encoding="utf-8")
        assert 'getElementById("event-types")' in script, path.name
        assert '"day.closed",' not in script, path.name  # no copied list beside it


def test_every_declared_type_is_emitted_by_the_server_and_nothing_else_is():
    literals = server_event_literals()
    assert set(EVENT_TYPES) <= literals, set(EVENT_TYPES) - literals
    assert literals <= set(EVENT_TYPES), literals - set(EVENT_TYPES)


def read_stream(client, want: set[str], last_event_id: int = 0) -> list[dict]:
    """Read the SSE stream from ``last_event_id`` until every wanted type has arrived."""
    got: list[dict] = []
    r = client.get(f"/api/v1/events?last_event_id={last_event_id}", buffered=False)
    try:
        buf = ""
        for chunk in r.response:
            buf += chunk.decode() if isinstance(chunk, bytes) else chunk
            while "\n\n" in buf:
                block, buf = buf.split("\n\n", 1)
                data = [line[6:] for line in block.splitlines() if line.startswith("data: ")]
                if data:
                    got.append(json.loads(data[0]))
            if want <= {e["type"] for e in got}:
                break
    finally:
        r.close()
    return got


def test_the_event_stream_carries_ledger_changes_and_ratings(app, hall, window_client, client):
    r = window_client.post(
        "/api/v1/ledger",
        json={
            "name": "张三",
            "id_number": "11010519491231002X",
            "phone": "13812345678",
            "form": "window",
            "summary": "咨询养老保险关系转移接续",
            "reply_class": "agreed",
        },
    )
    assert r.status_code == 201, r.get_json()
    record_id = r.get_json()["id"]
    r = window_client.patch(
        f"/api/v1/ledger/{record_id}",
        json={"reply_method": "phone", "reply_content": "已电话告知所需材料。"},
    )
    assert r.status_code == 200, r.get_json()
    hall.queue.set_window_state(1, "open", "win1")
    ticket, _ = hall.queue.issue("consult", "req-events-1")
    hall.queue.call_next(1, "win1")
    hall.queue.act(1, "finish", "win1")
    token = hall.accounts.create_device("eval-1", "evaluator")
    r = client.post(
        "/api/v1/evaluations",
        json={"ticket_id": ticket["id"], "level": 4},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.get_json()

    events = read_stream(client, {"ledger.changed", "evaluation.recorded"})
    ledger = [e for e in events if e["type"] == "ledger.changed"]
    assert [e["data"]["ledger"]["action"] for e in ledger] == ["created", "answered"]
    assert all(e["data"]["ledger"]["id"] == record_id for e in ledger)
    # The stream is public: no personal data in a ledger event.
    assert "张三" not in json.dumps(ledger, ensure_ascii=False)
    assert "13812345678" not in json.dumps(ledger) and "1101051949" not in json.dumps(ledger)
    rating = [e for e in events if e["type"] == "evaluation.recorded"]
    assert rating and rating[0]["data"]["evaluation"]["level"] == 4
