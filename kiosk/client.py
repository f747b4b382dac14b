"""HTTP client for the queue server: timeouts, retries with the same request_id, and every
failure turned into a typed result (never an exception reaching the UI)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote

import requests

from queue_server.core.languages import TAGS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ok:
    data: Any
    status: int = 200
    ok = True


@dataclass(frozen=True)
class Failure:
    """kind: offline (no answer), rejected (4xx: the server said no, message for people), server (5xx)."""

    kind: str
    message: str = ""
    code: str = ""
    status: int = 0
    details: dict = field(default_factory=dict)  # the error's other fields (tries_left, field)
    ok = False


Result = Ok | Failure


CITIZEN_HEADER = "X-Citizen-Session"
# The server's catalogs are zh_CN, en and ug; Accept-Language uses their BCP 47 tags.
LANGUAGE_TAGS = TAGS


class HallClient:
    """``language`` returns the kiosk's current UI language (zh_CN, en, ug) at each request, so
    the server's messages (e.g. why a ticket was refused) come in the citizen's language."""

    def __init__(
        self,
        base_url: str,
        token: str = "",
        *,
        timeout: float = 3.0,
        retries: int = 2,
        retry_pause_s: float = 0.3,
        language: Callable[[], str] = lambda: "zh_CN",
    ):
        self.base = base_url.rstrip("/")
        self.timeout, self.retries, self.retry_pause_s = timeout, retries, retry_pause_s
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.language = language

    def _call(
        self,
        method: str,
        path: str,
        *,
        json=None,
        params=None,
        retries: int = 0,
        headers: dict | None = None,
    ) -> Result:
        url = self.base + path
        headers = {
            "Accept-Language": LANGUAGE_TAGS.get(self.language(), "zh-CN"),
            **(headers or {}),
        }
        for attempt in range(retries + 1):
            try:
                r = self.session.request(
                    method, url, json=json, params=params, headers=headers, timeout=self.timeout
                )
            except requests.RequestException as exc:
                failure = Failure("offline", str(exc)[:200])
            else:
                if r.status_code < 400:
                    try:
                        return Ok(r.json() if r.content else None, r.status_code)
                    except ValueError:
                        failure = Failure("server", "not JSON", status=r.status_code)
                else:
                    try:
                        err = r.json()["error"]
                        message, code = str(err.get("message", "")), str(err.get("code", ""))
                        details = {k: v for k, v in err.items() if k not in ("message", "code")}
                    except (ValueError, KeyError, TypeError, AttributeError):
                        message, code, details = "", "", {}
                    kind = "server" if r.status_code >= 500 else "rejected"
                    failure = Failure(kind, message, code, r.status_code, details)
                    if kind == "rejected":
                        return failure
            log.warning("%s %s failed (%s), attempt %d", method, path, failure.kind, attempt + 1)
            if attempt < retries:
                time.sleep(self.retry_pause_s)
        return failure

    def hall(self) -> Result:
        return self._call("GET", "/api/v1/hall")

    def services(self) -> Result:
        return self._call("GET", "/api/v1/services")

    def windows(self) -> Result:
        """The hall's windows (the ticket says where its service is handled)."""
        return self._call("GET", "/api/v1/windows")

    def items(self, service: str | None = None) -> Result:
        return self._call("GET", "/api/v1/items", params={"service": service} if service else None)

    def faq(self, q: str = "", topic: str = "") -> Result:
        return self._call("GET", "/api/v1/faq", params={"q": q, "topic": topic})

    def issue_ticket(
        self, service: str, request_id: str, priority_reason: str | None = None
    ) -> Result:
        """Safe to retry: the server returns the same ticket for the same request_id."""
        body = {"service": service, "request_id": request_id}
        if priority_reason:
            body["priority_reason"] = priority_reason
        return self._call("POST", "/api/v1/tickets", json=body, retries=self.retries)

    def check_in(self, body: dict) -> Result:
        """A booking's check-in. Retried: the body's request_id makes a retry after a lost
        answer get the same ticket back (200), so it is printed; a booking gets one ticket."""
        return self._call("POST", "/api/v1/appointments/check-in", json=body, retries=self.retries)

    def heartbeat(
        self, device_id: str, printer_word: str, detail: str = "", devices: dict | None = None
    ) -> Result:
        """``devices``: the other devices' status words (idcard_reader, qr_scanner)."""
        status = {"printer": printer_word, "detail": detail[:200], **(devices or {})}
        return self._call("POST", f"/api/v1/devices/{device_id}/heartbeat", json={"status": status})

    # ---- personal records (§8.1.3): the citizen session's token travels in its own header ----
    def start_session(self, body: dict) -> Result:
        """Never retried: a query-password try counts on the server."""
        return self._call("POST", "/api/v1/citizen/session", json=body)

    def end_session(self, token: str) -> Result:
        return self._call(
            "DELETE",
            "/api/v1/citizen/session",
            json={},
            retries=self.retries,
            headers={CITIZEN_HEADER: token},
        )

    def citizen(self, token: str, what: str, params: dict | None = None) -> Result:
        """GET /api/v1/citizen/<what> (profile, contributions, account, benefits, cases)."""
        return self._call(
            "GET",
            f"/api/v1/citizen/{what}",
            params=params,
            retries=1,
            headers={CITIZEN_HEADER: token},
        )

    def statement(self, token: str, body: dict) -> Result:
        """Not retried: each answer is a new statement with its own verification code."""
        return self._call(
            "POST", "/api/v1/citizen/statements", json=body, headers={CITIZEN_HEADER: token}
        )

    def case_progress(self, case_number: str, check: str) -> Result:
        return self._call(
            "GET", f"/api/v1/cases/{quote(case_number, safe='')}", params={"check": check}
        )
