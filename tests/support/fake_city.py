"""The city's nearby-halls answer at its real interface (HTTP JSON, as ``queue-server city
serve`` gives it) on a loopback port, for the hall's nearby tests; tests/city runs the real one.

with FakeCity({"demo-2": {"consult": 3}}) as city:   # hall id → waiting per service
    city.url; city.asked[-1]   # (path, Authorization) of the last question
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeCity:
    def __init__(self, waiting: dict[str, dict[str, int]]) -> None:
        self.answer = {
            "halls": [{"hall_id": h, "live": True, "waiting": w} for h, w in waiting.items()]
        }
        self.asked: list[tuple[str, str | None]] = []
        city = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                city.asked.append((self.path, self.headers.get("Authorization")))
                body = json.dumps(city.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/"

    def __enter__(self) -> "FakeCity":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
