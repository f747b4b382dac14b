"""The hall's side of nearby halls (issue 18 item 4, docs/city.md): a background refresher asks
the bureau's dashboard (``[city] url``) for the live waits of the halls ``[city] nearby``
names, with a short timeout, and keeps the last answer. Requests only read that cache, so a
slow or absent city costs the kiosk nothing: it shows no hint. An answer older than three
refresh periods is forgotten (stale waits would send people to a queue that is not there).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime
from typing import Callable
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from .core import nearby as rule
from .core.settings import Settings
from .store import Store

log = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 256 * 1024
STALE_PERIODS = 3


class NearbyHalls:
    def __init__(
        self,
        settings: Callable[[], Settings],
        store: Store,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._settings, self._store, self._clock = settings, store, clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._waits: dict[str, dict[str, int]] = {}
        self._at: float | None = None  # monotonic time of the last good answer
        self._failing = False

    def refresh(self) -> bool:
        """Ask the city once; True when it answered. A failure keeps the last answer, which
        then ages out."""
        city = self._settings().city
        if not city.url or not city.nearby or not city.hall_id:
            with self._lock:
                self._waits, self._at = {}, None
            return False
        try:
            waits = self._ask(city)
        except Exception as exc:  # network, HTTP status, bad JSON: the same for the kiosk
            if not self._failing:  # one line per outage, not one per refresh
                log.warning("asking the city for nearby halls' waits failed: %s", exc)
            self._failing = True
            return False
        if self._failing:
            log.info("the city answers about nearby halls again")
        self._failing = False
        with self._lock:
            self._waits, self._at = waits, self._monotonic()
        return True

    def _ask(self, city) -> dict[str, dict[str, int]]:
        from .city.hallkey import hall_key  # no psycopg: city/hallkey.py is plain SQLite

        query = urlencode([("hall", h.hall_id) for h in city.nearby if h.hall_id != city.hall_id])
        request = Request(
            f"{city.url.rstrip('/')}/api/nearby?{query}",
            headers={
                "Authorization": f"Bearer {city.hall_id}:{hall_key(self._store, self._clock)}",
                "Accept": "application/json",
            },
        )
        with urlopen(request, timeout=city.nearby_timeout_s) as response:
            body = json.loads(response.read(MAX_ANSWER_BYTES))
        waits = {}
        for hall in body["halls"]:
            if hall.get("live") and isinstance(hall.get("waiting"), dict):
                waits[str(hall["hall_id"])] = {
                    str(code): n
                    for code, n in hall["waiting"].items()
                    if isinstance(n, int) and not isinstance(n, bool) and n >= 0
                }
        return waits

    def run(self, stopping: threading.Event) -> threading.Thread:
        """The refresher thread, ended by ``stopping`` (Hall.close joins it)."""

        def loop() -> None:
            while True:
                self.refresh()
                if stopping.wait(self._settings().city.nearby_refresh_s):
                    return

        worker = threading.Thread(target=loop, name="nearby-halls", daemon=True)
        worker.start()
        return worker

    def for_service(self, service: str, waiting_here: int) -> list[dict]:
        """The halls worth naming to someone facing ``waiting_here`` people for ``service``."""
        city = self._settings().city
        with self._lock:
            waits, at = self._waits, self._at
        if at is None or self._monotonic() - at > STALE_PERIODS * city.nearby_refresh_s:
            return []
        return rule.suggestions(
            service, waiting_here, city.nearby, waits, city.nearby_min_waiting, city.hall_id
        )

    def annotate(self, services: list[dict]) -> list[dict]:
        """The kiosk's service list, each with its ``nearby`` suggestions (often none)."""
        return [s | {"nearby": self.for_service(s["code"], s["waiting"])} for s in services]
