"""The ``http`` records provider: a JSON client of the province's records system.

The contract the upstream must speak is in docs/records.md. Every call has one deadline
(``timeout_s``, connect + send + every read, retries included), so a citizen gets a clear 503
within it whatever the upstream does: down, slow, 500, garbage, or an answer about somebody
else. Reads are retried on a refused or dropped connection and on 502/503/504 while time is
left; ``verify`` never is (a retried password try would count twice upstream). After
``breaker_failures`` failures in a row the circuit opens: calls fail at once for
``breaker_reset_s``, then one trial call decides.

Log lines name the operation and what went wrong — never a URL, a reference or a person.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import ssl
import threading
import time
from datetime import date, datetime
from typing import Callable
from urllib.parse import quote, urlencode, urlsplit

from ..core.insurance import BENEFITS, INSURANCES, STAGES, STATES, STATUSES, parse_money
from .errors import NotVerified, RecordsUnavailable
from .provider import (
    Account,
    AccountYear,
    BenefitPayment,
    Case,
    CaseProgress,
    ContributionMonth,
    Credential,
    EsscCode,
    IdCard,
    InsuranceStatus,
    Person,
    Profile,
    QueryPassword,
    RecordsProvider,
)

log = logging.getLogger(__name__)

MAX_BODY = 4 * 1024 * 1024
RETRY_STATUSES = (502, 503, 504)
VERIFY_REASONS = ("unknown", "mismatch", "wrong_password", "qr_invalid", "qr_expired")


class _Retryable(Exception):
    pass


class Breaker:
    """Closed → (``failures`` in a row) → open for ``reset_s`` → half-open: one trial call."""

    def __init__(self, failures: int, reset_s: float, clock: Callable[[], float]):
        self.limit, self.reset_s, self.clock = failures, reset_s, clock
        self.count = 0
        self.open_until: float | None = None
        self.trial = False
        self._lock = threading.Lock()

    def admit(self) -> bool:
        with self._lock:
            if self.open_until is None:
                return True
            if self.clock() < self.open_until or self.trial:
                return False
            self.trial = True  # half-open: this caller tries, the others still fail fast
            return True

    def success(self) -> None:
        with self._lock:
            self.count, self.open_until, self.trial = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self.count += 1
            if self.trial or self.count >= self.limit:
                if self.open_until is None or self.trial:
                    log.warning(
                        "records upstream: circuit open for %.0f s after %d failures",
                        self.reset_s,
                        self.count,
                    )
                self.open_until = self.clock() + self.reset_s
            self.trial = False


class HttpProvider(RecordsProvider):
    kind = "http"

    def __init__(
        self,
        base_url: str,
        *,
        auth_header: str = "Authorization",
        auth_value: str = "",
        timeout_s: float = 2.5,
        retries: int = 1,
        breaker_failures: int = 5,
        breaker_reset_s: float = 30.0,
        ca_file: str = "",
        clock: Callable[[], float] = time.monotonic,
    ):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("records.base_url must be an http:// or https:// URL")
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.prefix = parts.path.rstrip("/")
        self.headers = {"Accept": "application/json", "User-Agent": "hallqueue-records/1"}
        if auth_value:
            self.headers[auth_header] = auth_value
        self.timeout_s, self.retries, self.clock = timeout_s, retries, clock
        self.breaker = Breaker(breaker_failures, breaker_reset_s, clock)
        self._ssl = ssl.create_default_context(cafile=ca_file or None) if self.https else None

    # --- transport ---------------------------------------------------------------------------

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        body: dict | None = None,
        query: dict | None = None,
        retry: bool = True,
        allow_404: bool = False,
    ):
        """The decoded JSON (None for an allowed 404), or RecordsUnavailable."""
        if not self.breaker.admit():
            raise RecordsUnavailable("circuit open")
        deadline = self.clock() + self.timeout_s
        url = self.prefix + path + (f"?{urlencode(query)}" if query else "")
        data = json.dumps(body).encode() if body is not None else None
        attempts = 1 + (self.retries if retry else 0)
        try:
            for attempt in range(attempts):
                try:
                    status, raw = self._attempt(method, url, data, deadline)
                except _Retryable as exc:
                    left = deadline - self.clock()
                    if attempt + 1 < attempts and left > 0.05:
                        time.sleep(min(0.1 * 2**attempt, left / 2))
                        continue
                    raise RecordsUnavailable(str(exc)) from None
                if (
                    status in RETRY_STATUSES
                    and attempt + 1 < attempts
                    and deadline - self.clock() > 0.05
                ):
                    continue
                decoded = self._decode(status, raw, allow_404)
                self.breaker.success()
                return decoded
            raise RecordsUnavailable("no attempt left")
        except RecordsUnavailable as exc:
            self.breaker.failure()
            log.warning("records upstream: %s failed: %s", operation, exc.why)
            raise

    def _attempt(self, method: str, url: str, data: bytes | None, deadline: float):
        left = deadline - self.clock()
        if left <= 0:
            raise RecordsUnavailable(f"no answer within {self.timeout_s:g} s")
        if self.https:
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=left, context=self._ssl
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=left)
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, url, body=data, headers=headers)
            sock = conn.sock
            sock.settimeout(max(deadline - self.clock(), 0.001))
            response = conn.getresponse()
            chunks, size = [], 0
            while True:
                left = deadline - self.clock()
                if left <= 0:
                    raise socket.timeout()
                sock.settimeout(left)  # every read within the one deadline, not per read
                chunk = response.read1(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BODY:
                    raise RecordsUnavailable("answer too large")
                chunks.append(chunk)
            return response.status, b"".join(chunks)
        except (socket.timeout, TimeoutError):
            raise RecordsUnavailable(f"no answer within {self.timeout_s:g} s") from None
        except ssl.SSLError as exc:  # before OSError, its base: a TLS failure is not retried
            raise RecordsUnavailable(f"TLS failed ({exc.reason})") from None
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, a bad status line
            raise _Retryable(f"connection failed ({type(exc).__name__})") from None
        finally:
            conn.close()

    @staticmethod
    def _decode(status: int, raw: bytes, allow_404: bool):
        if status == 404 and allow_404:
            return None
        if status in (401, 403):
            raise RecordsUnavailable(
                f"HTTP {status}: the upstream refused our credentials "
                "(records.auth_header / auth_value)"
            )
        if status != 200:
            raise RecordsUnavailable(f"HTTP {status}")
        try:
            decoded = json.loads(raw)
        except (ValueError, RecursionError):
            raise RecordsUnavailable("malformed JSON") from None
        if not isinstance(decoded, dict):
            raise RecordsUnavailable("malformed answer: not a JSON object")
        return decoded

    def _parsing(self, operation: str) -> "_Parsing":
        return _Parsing(operation, self.breaker)

    def _person_path(self, person: Person, what: str) -> str:
        return f"/persons/{quote(person.ref, safe='')}/{what}"

    def _read(self, operation: str, person: Person, query: dict | None = None) -> dict:
        found = self._call(operation, "GET", self._person_path(person, operation), query=query)
        if found.get("ref") != person.ref:
            self.breaker.failure()
            log.warning("records upstream: %s answered for another person; refused", operation)
            raise RecordsUnavailable("answer about another person")
        return found

    # --- the interface -----------------------------------------------------------------------

    def verify(self, credential: Credential, now: datetime) -> Person:
        if isinstance(credential, IdCard):
            body = {"method": "id_card", "id_number": credential.id_number, "name": credential.name}
        elif isinstance(credential, QueryPassword):
            body = {
                "method": "password",
                "id_number": credential.id_number,
                "password": credential.password,
            }
        elif isinstance(credential, EsscCode):
            body = {"method": "essc_qr", "code": credential.payload}
        else:
            raise NotVerified("unknown")
        found = self._call("verify", "POST", "/verify", body=body, retry=False)
        with self._parsing("verify"):
            if found["verified"] is False:
                reason = found.get("reason")
                raise NotVerified(reason if reason in VERIFY_REASONS else "unknown")
            if found["verified"] is not True:
                raise ValueError("verified must be true or false")
            p = found["person"]
            person = Person(_text(p["ref"]), _text(p["id_number"]), _text(p["name"]))
        asked = getattr(credential, "id_number", None)
        if asked is not None and person.id_number != asked:
            log.warning("records upstream: verify answered for another person; refused")
            raise RecordsUnavailable("answer about another person")
        return person

    def profile(self, person: Person, today: date) -> Profile:
        p = self._read("profile", person)
        with self._parsing("profile"):
            statuses = tuple(
                InsuranceStatus(
                    _one(s["insurance"], INSURANCES),
                    _one(s["status"], STATUSES),
                    _month_or_none(s.get("first_month")),
                    _count(s["months_paid"]),
                )
                for s in _list(p["statuses"])
            )
            return Profile(
                person.ref,
                _text(p["id_number"]),
                _text(p["name"]),
                _one(p["sex"], ("M", "F")),
                date.fromisoformat(p["birth_date"]),
                statuses,
                _month_or_none(p.get("first_month")),
                _text_or_none(p.get("employer")),
            )

    def contributions(self, person: Person, first: str, last: str) -> list[ContributionMonth]:
        found = self._read("contributions", person, {"from": first, "to": last})
        with self._parsing("contributions"):
            return [
                ContributionMonth(
                    _month(m["month"]),
                    _one(m["insurance"], INSURANCES),
                    parse_money(m["base"]),
                    parse_money(m["unit"]),
                    parse_money(m["personal"]),
                    _text(m["payer"]),
                    _one(m["state"], STATES),
                )
                for m in _list(found["months"])
            ]

    def account(self, person: Person, today: date) -> Account:
        found = self._read("account", person)
        with self._parsing("account"):
            years = tuple(
                AccountYear(
                    _count(y["year"]),
                    parse_money(y["opening"]),
                    parse_money(y["credits"]),
                    None if y.get("rate") is None else parse_money(y["rate"]),
                    parse_money(y["interest"]),
                    parse_money(y["closing"]),
                )
                for y in _list(found["years"])
            )
            return Account(person.ref, parse_money(found["balance"]), years)

    def benefits(self, person: Person, first: str, last: str) -> list[BenefitPayment]:
        found = self._read("benefits", person, {"from": first, "to": last})
        with self._parsing("benefits"):
            return [
                BenefitPayment(
                    _month(b["month"]), _one(b["kind"], BENEFITS), parse_money(b["amount"])
                )
                for b in _list(found["payments"])
            ]

    def cases(self, person: Person) -> list[Case]:
        found = self._read("cases", person)
        with self._parsing("cases"):
            return [
                Case(
                    _text(c["case_number"]),
                    _text(c["item"]),
                    date.fromisoformat(c["received_on"]),
                    _one(c["stage"], STAGES),
                    _stage_or_none(c.get("next_stage")),
                    _date_or_none(c.get("next_expected")),
                    _text_or_none(c.get("window")),
                )
                for c in _list(found["cases"])
            ]

    def case_progress(self, case_number: str, id_last4: str) -> CaseProgress | None:
        found = self._call(
            "case",
            "GET",
            f"/cases/{quote(case_number, safe='')}",
            query={"check": id_last4},
            allow_404=True,
        )
        if found is None:
            return None
        with self._parsing("case"):
            if found["case_number"] != case_number:
                raise ValueError("another case")
            return CaseProgress(
                case_number,
                _text(found["item"]),
                _one(found["stage"], STAGES),
                _stage_or_none(found.get("next_stage")),
                _date_or_none(found.get("next_expected")),
            )


# --- checking what came back ----------------------------------------------------------------


class _Parsing:
    """Any missing key, wrong type or unknown code in an answer → RecordsUnavailable (and a
    failure for the breaker: an upstream answering garbage is as good as down)."""

    def __init__(self, operation: str, breaker: Breaker):
        self.operation, self.breaker = operation, breaker

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if kind is not None and issubclass(kind, (KeyError, TypeError, ValueError, AttributeError)):
            log.warning("records upstream: %s answer malformed (%s)", self.operation, kind.__name__)
            self.breaker.failure()
            raise RecordsUnavailable("malformed answer") from None
        return False


def _text(value) -> str:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise ValueError("text expected")
    return value


def _text_or_none(value) -> str | None:
    return None if value is None else _text(value)


def _one(value, allowed):
    if value not in allowed:
        raise ValueError("unknown code")
    return value


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("count expected")
    return value


def _list(value) -> list:
    if not isinstance(value, list):
        raise ValueError("list expected")
    return value


def _month(value) -> str:
    if (
        not isinstance(value, str)
        or len(value) != 7
        or value[4] != "-"
        or not (value[:4] + value[5:]).isdigit()
        or not 1 <= int(value[5:]) <= 12
    ):
        raise ValueError("month expected")
    return value


def _month_or_none(value) -> str | None:
    return None if value is None else _month(value)


def _date_or_none(value) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _stage_or_none(value) -> str | None:
    return None if value is None else _one(value, STAGES)
