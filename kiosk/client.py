"""HTTP client for the queue server: timeouts, retries with the same request_id, and every
failure turned into a typed result (never an exception reaching the UI)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

import requests

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
    ok = False


Result = Ok | Failure


# The server's catalogs are zh_CN, en and ug; Accept-Language uses the BCP 47 tags.
LANGUAGE_TAGS = {"zh_CN": "zh-CN", "en": "en", "ug": "ug"}


class HallClient:
    """``language`` returns the kiosk's current UI language (zh_CN, en, ug) at each request, so
    the server's messages (e.g. why a ticket was refused) come in the citizen's language."""

    def __init__(self, base_url: str, token: str = "", *, timeout: float = 3.0, retries: int = 2,
                 retry_pause_s: float = 0.3, language: Callable[[], str] = lambda: "zh_CN"):
        self.base = base_url.rstrip("/")
        self.timeout, self.retries, self.retry_pause_s = timeout, retries, retry_pause_s
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.language = language

    def _call(self, method: str, path: str, *, json=None, params=None, retries: int = 0) -> Result:
        url = self.base + path
        headers = {"Accept-Language": LANGUAGE_TAGS.get(self.language(), "zh-CN")}
        for attempt in range(retries + 1):
            try:
                r = self.session.request(method, url, json=json, params=params, headers=headers,
                                         timeout=self.timeout)
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
                    except (ValueError, KeyError, TypeError, AttributeError):
                        message, code = "", ""
                    kind = "server" if r.status_code >= 500 else "rejected"
                    failure = Failure(kind, message, code, r.status_code)
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

    def items(self, service: str | None = None) -> Result:
        return self._call("GET", "/api/v1/items", params={"service": service} if service else None)

    def faq(self, q: str = "", topic: str = "") -> Result:
        return self._call("GET", "/api/v1/faq", params={"q": q, "topic": topic})

    def issue_ticket(self, service: str, request_id: str, priority_reason: str | None = None) -> Result:
        """Safe to retry: the server returns the same ticket for the same request_id."""
        body = {"service": service, "request_id": request_id}
        if priority_reason:
            body["priority_reason"] = priority_reason
        return self._call("POST", "/api/v1/tickets", json=body, retries=self.retries)

    def heartbeat(self, device_id: str, printer_word: str, detail: str = "") -> Result:
        return self._call("POST", f"/api/v1/devices/{device_id}/heartbeat",
                          json={"status": {"printer": printer_word, "detail": detail[:200]}})
