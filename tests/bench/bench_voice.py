"""Voice cost (not collected by pytest). Run:

    .venv/bin/python tests/bench/bench_voice.py [--calls 100]

Prints:
  * in-process CPU per announcement (this process + its espeak-ng children) for numbers never
    heard before, zh_CN and zh_CN+ug: espeak-ng on the whole sentence (what each call cost
    before), then calls joined from phrases with an empty voice folder, with the folder of an
    earlier run, and in a process that has made calls already;
  * against a real `queue-server serve`: two bursts of N call-next (all windows): the server's
    CPU (with children) per call and the time from the last call-next answer until the server is
    idle (no CPU for 300 ms); then every call's WAV fetched twice as the display would.
Goal (issue 10): no espeak-ng run per call; the server idle right after a burst.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from queue_server.configfile import load_settings  # noqa: E402
from queue_server.core.settings import VoiceSettings  # noqa: E402
from queue_server.store import Store  # noqa: E402
from queue_server.voice import Announcer, templates  # noqa: E402
from queue_server.voice.espeak import synthesize  # noqa: E402
from tests.bench.figures import pct  # noqa: E402
from tests.support.live_server import EXAMPLE, start_server  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
WINDOWS = tuple(range(1, 10))


def cpu_here() -> float:
    """Seconds of CPU of this process (fine-grained) and of its espeak-ng children (10 ms ticks)."""
    t = os.times()
    return time.process_time() + t.children_user + t.children_system


def cpu_of(pid: int) -> float:
    """Seconds of CPU of a process and its waited-for children (/proc/<pid>/stat 14–17)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / TICK


def per_call_ms(calls: int, make) -> float:
    c0 = cpu_here()
    for i in range(calls):
        make(i)
    return (cpu_here() - c0) * 1000 / calls


def bench_in_process(calls: int) -> None:
    base = load_settings(EXAMPLE, environ={})
    for langs in (["zh_CN"], ["zh_CN", "ug"]):
        work = Path(tempfile.mkdtemp(prefix="bench-voice-"))
        hall = dataclasses.replace(base.hall, data_dir=str(work))
        settings = dataclasses.replace(base, hall=hall, voice=VoiceSettings(languages=langs))
        label = "+".join(langs)

        def whole_sentence(i: int) -> None:  # what every call cost before: espeak-ng per call
            for lang in langs:
                synthesize(templates.text(lang, f"B{i:03d}", WINDOWS[i % len(WINDOWS)]), lang)

        print(
            f"CPU per call, {label:<9} espeak-ng on the whole sentence (before): "
            f"{per_call_ms(calls, whole_sentence):6.1f} ms"
        )
        runs = (
            ("phrases, empty voice folder", 0),
            ("phrases, folder from a run", calls),
            ("phrases, same process", 2 * calls),
        )
        for run, offset in runs:
            if run != "phrases, same process":
                a = Announcer(settings, Store(work / "h.db"))
            ms = per_call_ms(
                calls, lambda i: a.wav_for(f"B{offset + i:03d}", WINDOWS[i % len(WINDOWS)])
            )
            print(f"CPU per call, {label:<9} {run:<43} {ms:6.1f} ms  (n={calls})")


def burst(srv, staff, calls: int) -> tuple[int, float, float, float]:
    cpu0 = cpu_of(srv.proc.pid)
    t0 = time.perf_counter()
    made = 0
    while made < calls:
        for n in WINDOWS:
            if (
                made < calls
                and staff.post(f"{srv.url}/api/v1/windows/{n}/call-next", json={}).status_code
                == 200
            ):
                made += 1
    burst_end = time.perf_counter()
    idle_at = wait_idle(srv.proc.pid)
    cpu = cpu_of(srv.proc.pid) - cpu0
    return made, burst_end - t0, max(0.0, idle_at - burst_end), cpu * 1000 / made


def bench_server(calls: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-voice-server-"))
    srv = start_server(work, env={"HALLQUEUE_VOICE_REPEAT": "1"})
    try:
        kiosk = requests.Session()
        kiosk.headers["Authorization"] = f"Bearer {srv.create_device('kiosk-1', 'kiosk')}"
        srv.create_user("win1", "window")
        staff = srv.login("win1")
        for n in WINDOWS:
            staff.post(f"{srv.url}/api/v1/windows/{n}/open", json={}).raise_for_status()
        for i in range(2 * calls + len(WINDOWS)):
            kiosk.post(
                f"{srv.url}/api/v1/tickets",
                json={
                    "service": ("consult", "pension", "medical")[i % 3],
                    "request_id": uuid.uuid4().hex,
                },
            ).raise_for_status()
        wait_idle(srv.proc.pid)
        for label in ("first burst of the hall's life", "next burst"):
            made, took, idle, cpu = burst(srv, staff, calls)
            print(
                f"{label}: {made} call-next in {took:5.2f} s; server idle {idle:5.2f} s after "
                f"the last answer; server CPU {cpu:5.1f} ms per call (call-next + voice)"
            )
        ids = called_event_ids(srv.db, calls)
        display = requests.Session()  # the display keeps its connection
        for label in ("first", "again"):
            took = []
            cpu0 = cpu_of(srv.proc.pid)
            for event_id in ids:
                t = time.perf_counter()
                r = display.get(f"{srv.url}/api/v1/announcements/{event_id}.wav", timeout=30)
                r.raise_for_status()
                took.append((time.perf_counter() - t) * 1000)
            cpu = cpu_of(srv.proc.pid) - cpu0
            print(
                f"WAV download after the burst ({label}): p50 {pct(took, 50):6.1f} ms  "
                f"p99 {pct(took, 99):6.1f} ms  server CPU {cpu * 1000 / len(ids):5.1f} ms per "
                f"download  n={len(ids)}"
            )
        size = sum(
            f.stat().st_size
            for f in (work / "data").rglob("*")
            if f.is_file() and "voice" in f.parts
        )
        print(f"voice folder on disk after {2 * calls} calls: {size / 1e6:6.2f} MB")
    finally:
        srv.stop()


def called_event_ids(db: Path, limit: int) -> list[int]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id FROM events WHERE type = 'ticket.called' ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
    return [r[0] for r in reversed(rows)]


def wait_idle(pid: int, quiet_s: float = 0.3, timeout: float = 60.0) -> float:
    """The moment the process last used CPU before staying quiet for ``quiet_s``."""
    deadline = time.perf_counter() + timeout
    last_cpu, last_busy = cpu_of(pid), time.perf_counter()
    while time.perf_counter() < deadline:
        time.sleep(0.05)
        cpu = cpu_of(pid)
        if cpu != last_cpu:
            last_cpu, last_busy = cpu, time.perf_counter()
        elif time.perf_counter() - last_busy >= quiet_s:
            return last_busy
    return time.perf_counter()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=100)
    args = ap.parse_args()
    bench_in_process(min(args.calls, 60))
    print()
    bench_server(args.calls)


if __name__ == "__main__":
    main()
