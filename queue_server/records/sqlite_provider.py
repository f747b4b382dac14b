"""The ``sqlite`` records provider: a records database of its own file (never the hall's),
opened read-only. ``queue-server demo-records`` fills one with fictitious people
(records/demo_people.py); a hall may also load an export of its own into the same schema.

Beside the database, ``<db>.key`` (0600) holds the key that the query passwords' MACs and the
demo e-SSC codes are made with: a copy of the database alone lets no one test passwords offline.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
import threading
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from ..core.insurance import PAYER_SELF, month_index, month_of, month_text
from . import essc
from .accrual import RateTable, Spell, account_years, credits_by_year, expand, statuses_from
from .errors import NotVerified, RecordsUnavailable
from .provider import (
    Account,
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

SCHEMA_VERSION = "1"


def create_schema(db: sqlite_utils.Database) -> None:
    """The records database's tables (months are indexes ``year * 12 + month - 1``)."""
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["employers"].create(
        {"id": int, "name": str, "injury_bp": int}, pk="id", not_null={"name", "injury_bp"}
    )
    db["people"].create(
        {
            "id": int,
            "id_number": str,
            "name": str,
            "sex": str,
            "birth_date": str,
            "nation": str,
            "pin_mac": str,
            "retired_month": int,
        },
        pk="id",
        not_null={"id_number", "name", "sex", "birth_date"},
    )
    # A spell: months [first, last] with one payer (employer_id NULL: flexible employment) and
    # one base; insurances as letters p m u i; state paid / arrears / back_paid.
    db["spells"].create(
        {
            "person_id": int,
            "first": int,
            "last": int,
            "employer_id": int,
            "base": int,
            "state": str,
            "insurances": str,
        },
        not_null={"person_id", "first", "last", "base", "state", "insurances"},
    )
    # unit_bp NULL: the employer's own rate (work injury, by industry class).
    db["rates"].create(
        {
            "insurance": str,
            "payer_kind": str,
            "first": int,
            "unit_bp": int,
            "personal_bp": int,
            "account_bp": int,
        }
    )
    db["interest_rates"].create({"year": int, "rate_bp": int}, pk="year")
    db["benefits"].create({"person_id": int, "kind": str, "first": int, "last": int, "amount": int})
    db["cases"].create(
        {
            "case_number": str,
            "person_id": int,
            "item": str,
            "received_on": str,
            "stage": str,
            "next_stage": str,
            "next_expected": str,
            "window": str,
        },
        pk="case_number",
    )


def create_indexes(db: sqlite_utils.Database) -> None:
    """After the bulk load (faster than keeping them up to date row by row)."""
    db["people"].create_index(["id_number"], unique=True)
    db["spells"].create_index(["person_id", "first"])
    db["benefits"].create_index(["person_id"])
    db["cases"].create_index(["person_id"])


def key_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.key")


def subkey(master: bytes, purpose: str) -> bytes:
    return hmac.new(master, purpose.encode(), hashlib.sha256).digest()


def pin_mac(key: bytes, id_number: str, pin: str) -> str:
    return hmac.new(key, f"{id_number}|{pin}".encode(), hashlib.sha256).hexdigest()


def same_name(a: str, b: str) -> bool:
    """Names as a card reader and the records system may write them (spaces, middle dots)."""

    def norm(s: str) -> str:
        return "".join(s.split()).replace("•", "·").replace("．", "·").replace("・", "·")

    return hmac.compare_digest(norm(a).encode(), norm(b).encode())


class SqliteProvider(RecordsProvider):
    kind = "sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._rates: RateTable | None = None
        self._interest: dict[int, int] = {}
        self._keys: tuple[bytes, bytes] | None = None
        self._identity: tuple | None = None
        self._generation = 0

    # --- plumbing ----------------------------------------------------------------------------

    def _current(self) -> int:
        """The file's generation: a database generated again (demo-records) replaces the file,
        and with it the keys, rates and connections this provider holds."""
        try:
            st = self.path.stat()
        except OSError:
            raise RecordsUnavailable(f"records database {self.path} does not exist") from None
        identity = (st.st_ino, st.st_mtime_ns, st.st_size)
        with self._lock:
            if identity != self._identity:
                self._identity = identity
                self._generation += 1
                self._rates, self._interest, self._keys = None, {}, None
            return self._generation

    def _conn(self) -> sqlite3.Connection:
        generation = self._current()
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "generation", None) != generation:
            conn.close()
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)
            conn = None
        if conn is None:
            try:
                conn = sqlite3.connect(
                    f"file:{quote(str(self.path))}?mode=ro", uri=True, check_same_thread=False
                )
                conn.execute("PRAGMA query_only = ON")
            except sqlite3.Error as exc:
                raise RecordsUnavailable(f"records database cannot be opened: {exc}") from None
            self._local.conn = conn
            self._local.generation = generation
            with self._lock:
                self._all.append(conn)
        return conn

    def _query(self, sql: str, params=()) -> list[tuple]:
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as exc:  # a damaged or foreign file: the hall cannot answer
            raise RecordsUnavailable(f"records database: {exc}") from None

    def _tables(self) -> tuple[RateTable, dict[int, int]]:
        if self._rates is None:
            rows = self._query(
                "SELECT insurance, payer_kind, first, unit_bp, personal_bp, account_bp FROM rates"
            )
            self._interest = dict(self._query("SELECT year, rate_bp FROM interest_rates"))
            self._rates = RateTable(rows)
        return self._rates, self._interest

    def _key(self, purpose: str) -> bytes:
        self._current()
        if self._keys is None:
            try:
                master = bytes.fromhex(key_path(self.path).read_text().strip())
            except (OSError, ValueError) as exc:
                raise RecordsUnavailable(f"records key file unreadable: {exc}") from None
            self._keys = (subkey(master, "pin"), subkey(master, "essc"))
        return self._keys[0] if purpose == "pin" else self._keys[1]

    @staticmethod
    def _pid(person: Person) -> int:
        try:
            return int(person.ref)
        except ValueError:
            raise RecordsUnavailable("not a reference of this records database") from None

    def _spells(self, pid: int, first: int | None = None, last: int | None = None) -> list[Spell]:
        sql = (
            "SELECT s.first, s.last, coalesce(e.name, ?), coalesce(e.injury_bp, 0), s.base, "
            "s.state, s.insurances FROM spells s LEFT JOIN employers e ON e.id = s.employer_id "
            "WHERE s.person_id = ?"
        )
        params: list = [PAYER_SELF, pid]
        if first is not None:
            sql += " AND s.last >= ? AND s.first <= ?"
            params += [first, last]
        return [Spell(*r) for r in self._query(sql + " ORDER BY s.first", params)]

    # --- the interface -----------------------------------------------------------------------

    def verify(self, credential: Credential, now: datetime) -> Person:
        if isinstance(credential, EsscCode):
            pid = essc.verify(self._key("essc"), credential.payload, now)
            found = self._query("SELECT id, id_number, name FROM people WHERE id = ?", [pid])
            if not found:
                raise NotVerified("unknown")
            return Person(str(found[0][0]), found[0][1], found[0][2])
        found = self._query(
            "SELECT id, id_number, name, pin_mac FROM people WHERE id_number = ?",
            [credential.id_number],
        )
        if isinstance(credential, QueryPassword):
            key = self._key("pin")
            typed = pin_mac(key, credential.id_number, credential.password)
            stored = found[0][3] if found and found[0][3] else pin_mac(key, "-", "-")
            # The same work whether the person exists or not: replies cannot tell them apart.
            if not hmac.compare_digest(typed, stored) or not found:
                raise NotVerified("wrong_password" if found else "unknown")
        elif isinstance(credential, IdCard):
            if not found:
                raise NotVerified("unknown")
            if not same_name(found[0][2], credential.name):
                raise NotVerified("mismatch")
        else:
            raise NotVerified("unknown")
        return Person(str(found[0][0]), found[0][1], found[0][2])

    def profile(self, person: Person, today: date) -> Profile:
        pid = self._pid(person)
        found = self._query(
            "SELECT id_number, name, sex, birth_date, retired_month FROM people WHERE id = ?", [pid]
        )
        if not found:
            raise RecordsUnavailable("verified person missing from the records database")
        id_number, name, sex, birth, retired = found[0]
        parts = []
        for letter in "pmui":
            parts.append(
                f"min(CASE WHEN instr(insurances, '{letter}') THEN first END), "
                f"max(CASE WHEN instr(insurances, '{letter}') THEN last END), "
                f"sum(CASE WHEN instr(insurances, '{letter}') AND state != 'arrears' "
                f"THEN last - first + 1 ELSE 0 END)"
            )
        row = self._query(f"SELECT {', '.join(parts)} FROM spells WHERE person_id = ?", [pid])[0]
        spans = {}
        for i, insurance in enumerate(("pension", "medical", "unemployment", "injury")):
            if row[3 * i] is not None:
                spans[insurance] = (row[3 * i], row[3 * i + 1], row[3 * i + 2])
        statuses = tuple(
            InsuranceStatus(*s)
            for s in statuses_from(
                spans, retired is not None and retired <= month_of(today), month_of(today)
            )
        )
        last = self._query(
            "SELECT e.name FROM spells s LEFT JOIN employers e ON e.id = "
            "s.employer_id WHERE s.person_id = ? ORDER BY s.last DESC LIMIT 1",
            [pid],
        )
        first = min((s[0] for s in spans.values()), default=None)
        return Profile(
            str(pid),
            id_number,
            name,
            sex,
            date.fromisoformat(birth),
            statuses,
            month_text(first) if first is not None else None,
            last[0][0] if last else None,
        )

    def contributions(self, person: Person, first: str, last: str) -> list[ContributionMonth]:
        a, b = _month(first), _month(last)
        rates, _ = self._tables()
        return expand(self._spells(self._pid(person), a, b), rates, a, b)

    def account(self, person: Person, today: date) -> Account:
        rates, interest = self._tables()
        credits = credits_by_year(self._spells(self._pid(person)), rates)
        years = tuple(account_years(credits, interest, today.year))
        return Account(person.ref, years[-1].closing if years else 0, years)

    def benefits(self, person: Person, first: str, last: str) -> list[BenefitPayment]:
        a, b = _month(first), _month(last)
        rows = self._query(
            "SELECT kind, first, last, amount FROM benefits WHERE person_id = ? "
            "AND last >= ? AND first <= ? ORDER BY first",
            [self._pid(person), a, b],
        )
        return [
            BenefitPayment(month_text(m), kind, amount)
            for kind, start, end, amount in rows
            for m in range(max(start, a), min(end, b) + 1)
        ]

    def cases(self, person: Person) -> list[Case]:
        rows = self._query(
            "SELECT case_number, item, received_on, stage, next_stage, "
            "next_expected, window FROM cases WHERE person_id = ? "
            "ORDER BY received_on DESC",
            [self._pid(person)],
        )
        return [
            Case(
                n,
                item,
                date.fromisoformat(received),
                stage,
                nxt,
                date.fromisoformat(expected) if expected else None,
                window,
            )
            for n, item, received, stage, nxt, expected, window in rows
        ]

    def case_progress(self, case_number: str, id_last4: str) -> CaseProgress | None:
        rows = self._query(
            "SELECT c.case_number, c.item, c.stage, c.next_stage, c.next_expected, "
            "p.id_number FROM cases c JOIN people p ON p.id = c.person_id "
            "WHERE c.case_number = ?",
            [case_number],
        )
        if not rows or not hmac.compare_digest(rows[0][5][-4:].encode(), id_last4.encode()):
            return None
        n, item, stage, nxt, expected, _ = rows[0]
        return CaseProgress(n, item, stage, nxt, date.fromisoformat(expected) if expected else None)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _month(text: str) -> int:
    return month_index(int(text[:4]), int(text[5:7]))
