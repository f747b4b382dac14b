"""Display and voice timing (not collected by pytest). Run:

    .venv/bin/python tests/bench/bench_display.py [--calls 100]

Prints, over N calls against a real `queue-server serve` with /display open in headless Chromium:
  * call-next returning → the called number in the display page's DOM (p50/p99; goal p99 ≤ 200 ms),
  * call-next returning → the announcement WAV fully downloaded (the display's first request),
  * announcement rendering in-process: cold (espeak-ng run) and cached, zh_CN and zh_CN+ug
    (goal ≤ 100 ms cold).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from queue_server.configfile import load_settings  # noqa: E402
from tests.bench.figures import pct  # noqa: E402
from tests.support.browser import chromium  # noqa: E402
from queue_server.core.settings import VoiceSettings  # noqa: E402
from queue_server.store import Store  # noqa: E402
from queue_server.voice import Announcer  # noqa: E402
from tests.support.live_server import EXAMPLE, start_server  # noqa: E402

WINDOWS = (3, 4, 5, 11)

# Records when each number first appears as the current call (epoch ms, same clock as Python's).
OBSERVER = """
window.__seen = {};
const target = document.getElementById('hero-number');
new MutationObserver(() => {
  const n = target.textContent;
  if (!(n in window.__seen)) window.__seen[n] = performance.timeOrigin + performance.now();
}).observe(target, {childList: true, characterData: true, subtree: true});
"""


def line(name: str, values: list[float]) -> str:
    return (
        f"{name:<48} n={len(values):<4} p50={pct(values, 50):7.1f} ms  p99={pct(values, 99):7.1f} ms  "
        f"max={max(values):7.1f} ms"
    )


def bench_dom(calls: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-display-"))
    srv = start_server(work, env={"HALLQUEUE_VOICE_REPEAT": "1"})
    try:
        requests.get(f"{srv.url}/display/fonts/hallsans.ttf", timeout=60)
        kiosk = requests.Session()
        kiosk.headers["Authorization"] = f"Bearer {srv.create_device('kiosk-1', 'kiosk')}"
        srv.create_user("win1", "window")
        staff = srv.login("win1")
        for n in WINDOWS:
            staff.post(f"{srv.url}/api/v1/windows/{n}/open", json={}).raise_for_status()
        for _ in range(calls):
            kiosk.post(
                f"{srv.url}/api/v1/tickets",
                json={"service": "pension", "request_id": uuid.uuid4().hex},
            ).raise_for_status()
        dom, wav = [], []
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{srv.url}/display")
            # a function, not a string to eval: the page's CSP forbids eval
            page.wait_for_function("() => document.querySelectorAll('#windows li').length > 0")
            page.evaluate(OBSERVER)
            for i in range(calls):
                window = WINDOWS[i % len(WINDOWS)]
                r = staff.post(f"{srv.url}/api/v1/windows/{window}/call-next", json={})
                returned = time.time() * 1000
                number = r.json()["number"]
                seen = page.wait_for_function(
                    f"window.__seen[{number!r}]", timeout=5000
                ).json_value()
                dom.append(max(0.0, seen - returned))
                event_id = requests.get(f"{srv.url}/api/v1/display/state", timeout=5).json()[
                    "last_event_id"
                ]
                t0 = time.time() * 1000
                a = requests.get(f"{srv.url}/api/v1/announcements/{event_id}.wav", timeout=10)
                a.raise_for_status()
                wav.append(time.time() * 1000 - t0)
            browser.close()
        print(line("call-next returned → number in display DOM", dom))
        print(line("announcement WAV download right after the call", wav))
    finally:
        srv.stop()


def bench_render(n: int) -> None:
    base = load_settings(EXAMPLE, environ={})
    for langs in (["zh_CN"], ["zh_CN", "ug"]):
        work = Path(tempfile.mkdtemp(prefix="bench-voice-"))
        settings = dataclasses.replace(
            base,
            hall=dataclasses.replace(base.hall, data_dir=str(work)),
            voice=VoiceSettings(languages=langs),
        )
        a = Announcer(settings, Store(work / "h.db"))
        cold, cached = [], []
        for i in range(n):
            t0 = time.perf_counter()
            a.wav_for(f"B{i:03d}", 1 + i % 11)
            cold.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            a.wav_for(f"B{i:03d}", 1 + i % 11)
            cached.append((time.perf_counter() - t0) * 1000)
        label = "+".join(langs)
        print(line(f"announcement render cold ({label}, espeak-ng)", cold))
        print(line(f"announcement render cached ({label})", cached))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=100)
    args = ap.parse_args()
    bench_render(30)
    bench_dom(args.calls)


if __name__ == "__main__":
    main()
