"""The citizen session at a kiosk and the records it may read (§6.3, §8.1.3, §8.6; DESIGN §5).

A kiosk proves a person (ID card, e-SSC code, or ID number + query password) through the records
provider and gets a token bound to itself; with it the kiosk reads that person's records, and
only theirs. Every verification attempt and every read is an audit row (records_audit) whose
only trace of the person is an HMAC of the ID number with the hall's secret. Nothing here logs a
personal field.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

from ..core import citizen as rules
from ..core.idnumber import mask_id_number, mask_name, validate_id_number
from ..core.insurance import money, month_of, month_text, parse_month, rate_text
from ..core.numbering import HALL_TZ, hall_day
from ..core.settings import Settings
from ..errors import InvalidField, NotFound, TooManyRequests, Unauthorized
from ..records import NotVerified, RecordsProvider, RecordsUnavailable
from ..records.provider import EsscCode, IdCard, Person, QueryPassword
from ..store import Store
from ..store import citizen as repo
from .common import audit, audit_session, hash_token, iso

log = logging.getLogger(__name__)

SESSION_ENDED = "Your session has ended; please verify your identity again."
REFUSED = {
    "password": "The ID number or query password is wrong.",
    "id_card": "This ID card could not be confirmed; please use another way or go to a window.",
    "essc_qr": "This code is not valid or has expired; refresh it in the app and scan again.",
}
CARD_EXPIRED = "This ID card is out of date; please use another way or go to a window."
ID_LOCKED = (
    "Too many wrong query passwords for this ID number today; please try again tomorrow "
    "or go to a window."
)
CASE_LOCKED = "Too many wrong checks for this case number today; please go to a window."
KIOSK_SLOWED = "Too many failed tries at this kiosk; please wait {seconds} seconds."
CASE_NOT_FOUND = "No case matches this number and check; please check both."
ONE_METHOD = "Send exactly one of id_card, essc_qr or password."
MAX_READ_MONTHS = 40 * 12
CODE_MEMORY = timedelta(minutes=30)  # longer than any e-SSC code lives (essc.MAX_LIFETIME_S)


class CitizenSessionEnded(Unauthorized):
    code = "citizen_session_ended"


class NotVerifiedError(Unauthorized):
    code = "not_verified"


def hall_secret(settings: Settings) -> bytes:
    """records.secret, or one generated once into data_dir/records_secret (0600)."""
    if settings.records.secret:
        return settings.records.secret.encode()
    path = Path(settings.hall.data_dir) / "records_secret"
    if not path.exists():
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
            path.parent.chmod(0o700)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


# --- the sealed reference --------------------------------------------------------------------
# The provider's reference to the person is stored encrypted with a key derived from the token,
# which only the kiosk holds (the row keeps the token's hash): HMAC-SHA256 as a keystream and a
# tag (encrypt-then-MAC; one key per session, used once).


def _key(secret: bytes, token: str) -> bytes:
    return hmac.new(secret, b"seal|" + token.encode(), hashlib.sha256).digest()


def _stream(key: bytes, n: int) -> bytes:
    blocks = (
        hmac.new(key, b"ks" + i.to_bytes(4, "big"), hashlib.sha256).digest()
        for i in range(math.ceil(n / 32))
    )
    return b"".join(blocks)[:n]


def seal_ref(secret: bytes, token: str, ref: str) -> str:
    key, data = _key(secret, token), ref.encode()
    ct = bytes(a ^ b for a, b in zip(data, _stream(key, len(data))))
    tag = hmac.new(key, b"tag" + ct, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(ct + tag).decode()


def open_ref(secret: bytes, token: str, sealed: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
    except ValueError:
        return None
    key, ct, tag = _key(secret, token), raw[:-16], raw[-16:]
    if not hmac.compare_digest(tag, hmac.new(key, b"tag" + ct, hashlib.sha256).digest()[:16]):
        return None
    return bytes(a ^ b for a, b in zip(ct, _stream(key, len(ct)))).decode()


@dataclass(frozen=True)
class LiveSession:
    kiosk: str
    method: str
    id_hmac: str
    person: Person  # ref only: the provider's handle (no number, no name)


def _obj(body: dict, key: str) -> dict:
    value = body.get(key)
    if not isinstance(value, dict):
        raise InvalidField("{field} must be an object.", field=key)
    return value


def _id_number(data: dict, field: str) -> str:
    value = data.get("id_number")
    if not isinstance(value, str):
        raise InvalidField("{field} is required.", field=field)
    return validate_id_number(value)  # InvalidIdNumber → 422 with its own words


class CitizenService:
    def __init__(
        self,
        settings: Callable[[], Settings],
        store: Store,
        provider: RecordsProvider,
        clock: Callable[[], datetime],
        secret: bytes,
    ):
        self.settings = settings  # read at each use: limits follow a config reload
        self.store = store
        self.provider = provider
        self.clock = clock
        self.secret = secret

    @property
    def policy(self) -> rules.CitizenPolicy:
        return rules.policy_from(self.settings().records)

    def id_hmac(self, id_number: str) -> str:
        return rules.id_digest(self.secret, id_number)

    # --- starting a session ------------------------------------------------------------------

    def _credential(self, body: dict, today: date):
        """(method, credential, id_hmac or None, card in date) from the request body."""
        given = [m for m in rules.METHODS if m in body]
        if len(given) != 1:
            raise InvalidField(ONE_METHOD, field="method")
        method = given[0]
        if method == "essc_qr":
            code = body["essc_qr"]
            if not isinstance(code, str) or not 1 <= len(code) <= 200:
                raise InvalidField("{field} must be text.", field="essc_qr")
            return method, EsscCode(code.strip()), None, True
        data = _obj(body, method)
        number = _id_number(data, f"{method}.id_number")
        if method == "password":
            password = rules.parse_password(data.get("password"))
            return method, QueryPassword(number, password), self.id_hmac(number), True
        name = data.get("name")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 40:
            raise InvalidField("{field} is required.", field="id_card.name")
        valid_from = (
            rules.parse_card_date(data["valid_from"], "id_card.valid_from")
            if data.get("valid_from") is not None
            else None
        )
        valid_to = rules.parse_card_date(data.get("valid_to"), "id_card.valid_to")
        in_date = rules.card_in_date(valid_from, valid_to, today)
        return method, IdCard(number, name.strip()), self.id_hmac(number), in_date

    def start(self, kiosk: str, body: dict) -> dict:
        now = self.clock()
        today = hall_day(now)
        policy = self.policy
        with self.store.write() as db:  # whoever stands at the kiosk now, the last one is gone
            repo.delete_stale_sessions(db, iso(now - policy.absolute), iso(now - policy.idle))
            repo.forget_locks_before(db, today.isoformat())  # yesterday's tries no longer count
            for old in repo.delete_kiosk_sessions(db, kiosk):
                _audit_ended(db, now, kiosk, old, "replaced")
        try:
            method, credential, digest, in_date = self._credential(body, today)
        except InvalidField:
            with self.store.write() as db:
                audit(db, now, kiosk, "kiosk", "verify", "refused", reason="invalid_input")
            raise
        self._check_kiosk(kiosk, now, method, digest)
        tried = self._count_password_try(kiosk, now, digest) if method == "password" else 0
        if not in_date:
            self._failed(kiosk, now, method, digest, "card_out_of_date")
            raise InvalidField(CARD_EXPIRED, field="id_card.valid_to")
        used = _code_digest(credential.payload) if method == "essc_qr" else None
        if used and repo.code_used(self.store.db, used):
            self._failed(kiosk, now, method, digest, "qr_reused")
            raise NotVerifiedError(REFUSED[method])
        try:
            person = self.provider.verify(credential, now)
        except NotVerified as exc:
            self._failed(kiosk, now, method, digest, exc.reason)
            error = NotVerifiedError(REFUSED[method])
            if method == "password":  # the kiosk says how many tries are left today
                error.extra = {"tries_left": max(0, policy.password_tries - tried)}
            raise error from None
        except RecordsUnavailable:
            with self.store.write() as db:
                if method == "password":  # not the citizen's fault: the try does not count
                    self._uncount(db, digest, today)
                audit(
                    db, now, kiosk, "kiosk", "verify", "unavailable", method=method, id_hmac=digest
                )
            raise
        found = self.id_hmac(person.id_number)
        if digest is not None and found != digest:
            log.warning("records provider confirmed another person than asked; refused")
            with self.store.write() as db:
                audit(
                    db,
                    now,
                    kiosk,
                    "kiosk",
                    "verify",
                    "unavailable",
                    method=method,
                    reason="other_person",
                    id_hmac=digest,
                )
            raise RecordsUnavailable("verify answered for another person")
        token = secrets.token_urlsafe(32)
        with self.store.write() as db:
            if method == "password":
                repo.clear_lock(db, digest)
            if used:
                repo.use_code(db, used, iso(now), iso(now - CODE_MEMORY))
            repo.delete_kiosk_sessions(db, kiosk)  # a parallel start on this kiosk loses
            repo.insert_session(
                db,
                {
                    "id_hash": hash_token(token),
                    "kiosk": kiosk,
                    "method": method,
                    "id_hmac": found,
                    "sealed": seal_ref(self.secret, token, person.ref),
                    "created_at": iso(now),
                    "last_seen_at": iso(now),
                },
            )
            audit(db, now, kiosk, "kiosk", "verify", "ok", method=method, id_hmac=found)
        return {
            "token": token,
            "method": method,
            "expires_at": iso(rules.session_expires_at(now, now, policy)),
            "idle_s": int(policy.idle.total_seconds()),
            "max_s": int(policy.absolute.total_seconds()),
            "person": {
                "name_masked": mask_name(person.name),
                "id_number_masked": mask_id_number(person.id_number),
            },
        }

    def _check_kiosk(
        self,
        key: str,
        now: datetime,
        method: str | None,
        digest: str | None,
        *,
        actor: str | None = None,
        actor_kind: str = "kiosk",
        action: str = "verify",
    ) -> None:
        """Refuse while this kiosk (or staff member: ``key``) is slowed after failures."""
        row = repo.get_kiosk_failures(self.store.db, key)
        last = datetime.fromisoformat(row["last_at"]) if row else None
        wait = rules.kiosk_retry_at(row["failures"] if row else 0, last, now, self.policy)
        if wait is not None:
            seconds = max(1, math.ceil((wait - now).total_seconds()))
            with self.store.write() as db:
                audit(
                    db,
                    now,
                    actor or key,
                    actor_kind,
                    action,
                    "throttled",
                    method=method,
                    id_hmac=digest,
                    detail=f"wait={seconds}s",
                )
            error = TooManyRequests(KIOSK_SLOWED, seconds=seconds)
            error.retry_after = seconds
            raise error

    def _count_password_try(self, kiosk: str, now: datetime, digest: str) -> int:
        """Refuse a locked ID number; otherwise count this try before checking it, so parallel
        tries cannot slip past the limit (it is taken back when the password is right). Returns
        the tries counted today, this one included."""
        today = hall_day(now)
        with self.store.write() as db:
            row = repo.get_lock(db, digest)
            failures = rules.failures_today(
                row["day"] if row else None, row["failures"] if row else 0, today
            )
            if rules.subject_locked(failures, self.policy):
                audit(
                    db, now, kiosk, "kiosk", "verify", "locked", method="password", id_hmac=digest
                )
                locked = True
            else:
                repo.save_lock(db, digest, today.isoformat(), failures + 1, iso(now))
                locked = False
        if locked:
            error = TooManyRequests(ID_LOCKED)
            error.retry_after = _seconds_to_midnight(now)
            error.extra = {"tries_left": 0}
            raise error
        return failures + 1

    @staticmethod
    def _uncount(db, subject: str, today: date) -> None:
        row = repo.get_lock(db, subject)
        if row and row["day"] == today.isoformat():
            repo.save_lock(db, subject, row["day"], max(0, row["failures"] - 1), row["last_at"])

    def _failed(
        self, kiosk: str, now: datetime, method: str, digest: str | None, reason: str
    ) -> None:
        with self.store.write() as db:
            self._kiosk_failure(db, kiosk, now)
            audit(
                db,
                now,
                kiosk,
                "kiosk",
                "verify",
                "refused",
                method=method,
                reason=reason,
                id_hmac=digest,
            )

    def _kiosk_failure(self, db, actor: str, now: datetime) -> None:
        row = repo.get_kiosk_failures(db, actor)
        last = datetime.fromisoformat(row["last_at"]) if row else None
        count = 0 if rules.kiosk_counts_restart(last, now, self.policy) else row["failures"]
        repo.save_kiosk_failures(db, actor, count + 1, iso(now))

    # --- the live session --------------------------------------------------------------------

    def end(self, kiosk: str, token: str | None) -> None:
        """DELETE: the session ends (an unknown or ended one is not an error: it is gone)."""
        if not token or len(token) > 100:
            return
        now = self.clock()
        with self.store.write() as db:
            row = repo.get_session(db, hash_token(token))
            if row is None or row["kiosk"] != kiosk:
                return
            repo.delete_session(db, row["id_hash"])
            _audit_ended(db, now, kiosk, row, "ended")

    def live(self, kiosk: str, token: str | None, action: str) -> LiveSession:
        """The session of this token on this kiosk, touched; otherwise CitizenSessionEnded.
        A token shown by another kiosk is ended at once (it was copied)."""
        if not token or len(token) > 100:
            raise CitizenSessionEnded(SESSION_ENDED)
        now = self.clock()
        key = hash_token(token)
        with self.store.write() as db:
            row = repo.get_session(db, key)
            reason = None
            if row is None:
                reason = "unknown"
            elif row["kiosk"] != kiosk:
                reason = "other_kiosk"
            else:
                reason = rules.session_end_reason(
                    datetime.fromisoformat(row["created_at"]),
                    datetime.fromisoformat(row["last_seen_at"]),
                    now,
                    self.policy,
                )
            ref = open_ref(self.secret, token, row["sealed"]) if row and not reason else None
            if row and not reason and ref is None:
                reason = "unsealable"
            if reason:
                if row is not None:
                    repo.delete_session(db, key)
                audit(
                    db,
                    now,
                    kiosk,
                    "kiosk",
                    action,
                    "refused",
                    reason=f"session_{reason}",
                    id_hmac=row["id_hmac"] if row else None,
                )
            else:
                repo.touch_session(db, key, iso(now))
        if reason:
            raise CitizenSessionEnded(SESSION_ENDED)
        return LiveSession(kiosk, row["method"], row["id_hmac"], Person(ref, "", ""))

    # --- reads -------------------------------------------------------------------------------

    def read(self, kiosk: str, token: str | None, what: str, args: dict) -> dict:
        """One of core.citizen.READS for the session's person, audited."""
        action = f"read.{what}"
        session = self.live(kiosk, token, action)
        now = self.clock()
        today = hall_day(now)
        first, last = (
            self._range(args, today) if what in ("contributions", "benefits") else (None, None)
        )
        detail = f"from={month_text(first)};to={month_text(last)}" if first is not None else None
        try:
            data = getattr(self, f"_{what}")(session, today, first, last)
        except RecordsUnavailable:
            with self.store.write() as db:
                audit_session(db, now, session, action, "unavailable", detail)
            raise
        # No audit row, no data: a failed write (full disk) answers 503 and shows nothing.
        with self.store.write() as db:
            audit_session(db, now, session, action, "ok", detail)
        return data

    def _range(self, args: dict, today: date) -> tuple[int, int]:
        """``from``/``to`` as YYYY-MM; by default the last twelve months."""
        this = month_of(today)
        last = parse_month(args["to"], "to") if args.get("to") is not None else this
        first = parse_month(args["from"], "from") if args.get("from") is not None else last - 11
        if last < first:
            raise InvalidField("The last month is before the first.", field="to")
        if last - first + 1 > MAX_READ_MONTHS:
            raise InvalidField(
                "At most {months} months at a time.", field="from", months=MAX_READ_MONTHS
            )
        return first, min(last, this)

    def checked_profile(self, session: LiveSession, today: date):
        """The provider's profile, refused when it is about someone else than was verified."""
        profile = self.provider.profile(session.person, today)
        if not hmac.compare_digest(self.id_hmac(profile.id_number), session.id_hmac):
            log.warning("records provider answered a profile for another person; refused")
            raise RecordsUnavailable("profile of another person")
        return profile

    def _profile(self, session: LiveSession, today: date, *_) -> dict:
        p = self.checked_profile(session, today)
        return {
            "name_masked": mask_name(p.name),
            "id_number_masked": mask_id_number(p.id_number),
            "sex": p.sex,
            "birth_year": p.birth_date.year,  # the full date would unmask the number
            "first_month": p.first_month,
            "employer": p.employer,
            "statuses": [
                {
                    "insurance": s.insurance,
                    "status": s.status,
                    "first_month": s.first_month,
                    "months_paid": s.months_paid,
                }
                for s in p.statuses
            ],
        }

    def _contributions(self, session: LiveSession, today: date, first: int, last: int) -> dict:
        months = self.provider.contributions(session.person, month_text(first), month_text(last))
        totals: dict[str, dict] = {}
        for m in months:
            t = totals.setdefault(m.insurance, {"months": 0, "unit": 0, "personal": 0, "owed": 0})
            if m.state == "arrears":
                t["owed"] += m.unit + m.personal
            else:
                t["months"] += 1
                t["unit"] += m.unit
                t["personal"] += m.personal
        return {
            "from": month_text(first),
            "to": month_text(last),
            "months": [
                {
                    "month": m.month,
                    "insurance": m.insurance,
                    "base": money(m.base),
                    "unit": money(m.unit),
                    "personal": money(m.personal),
                    "payer": m.payer,
                    "state": m.state,
                }
                for m in months
            ],
            "totals": {
                k: {
                    "months": v["months"],
                    "unit": money(v["unit"]),
                    "personal": money(v["personal"]),
                    "owed": money(v["owed"]),
                }
                for k, v in totals.items()
            },
        }

    def _account(self, session: LiveSession, today: date, *_) -> dict:
        account = self.provider.account(session.person, today)
        return {
            "as_of": today.isoformat(),
            "balance": money(account.balance),
            "years": [
                {
                    "year": y.year,
                    "opening": money(y.opening),
                    "credits": money(y.credits),
                    "rate": rate_text(y.rate_bp) or None,
                    "interest": money(y.interest),
                    "closing": money(y.closing),
                }
                for y in account.years
            ],
        }

    def _benefits(self, session: LiveSession, today: date, first: int, last: int) -> dict:
        payments = self.provider.benefits(session.person, month_text(first), month_text(last))
        return {
            "from": month_text(first),
            "to": month_text(last),
            "payments": [
                {"month": b.month, "kind": b.kind, "amount": money(b.amount)} for b in payments
            ],
        }

    def _cases(self, session: LiveSession, today: date, *_) -> dict:
        return {
            "cases": [
                {
                    "case_number": c.case_number,
                    "item": c.item,
                    "received_on": c.received_on.isoformat(),
                    "stage": c.stage,
                    "next_stage": c.next_stage,
                    "next_expected": c.next_expected.isoformat() if c.next_expected else None,
                    "window": c.window,
                }
                for c in self.provider.cases(session.person)
            ]
        }

    # --- progress without verification (§8.1.2) ----------------------------------------------

    def progress(self, actor: str, actor_kind: str, case_number, check) -> dict:
        """Stage and next stage of a case whose applicant's ID number ends in ``check``; nothing
        personal. Throttled like passwords: per case number per day, and per kiosk."""
        number = rules.parse_case_number(case_number)
        last4 = rules.parse_case_check(check)
        now = self.clock()
        today = hall_day(now)
        subject = rules.subject_digest(self.secret, "case", number)
        # A kiosk's failed checks slow its identity checks too (device ids have no colon).
        throttle_key = actor if actor_kind == "kiosk" else f"{actor_kind}:{actor}"
        self._check_kiosk(
            throttle_key,
            now,
            None,
            None,
            actor=actor,
            actor_kind=actor_kind,
            action="case.progress",
        )
        with self.store.write() as db:
            row = repo.get_lock(db, subject)
            failures = rules.failures_today(
                row["day"] if row else None, row["failures"] if row else 0, today
            )
            locked = rules.subject_locked(failures, self.policy)
            if locked:
                audit(db, now, actor, actor_kind, "case.progress", "locked")
            else:
                repo.save_lock(db, subject, today.isoformat(), failures + 1, iso(now))
        if locked:
            error = TooManyRequests(CASE_LOCKED)
            error.retry_after = _seconds_to_midnight(now)
            raise error
        try:
            found = self.provider.case_progress(number, last4)
        except RecordsUnavailable:
            with self.store.write() as db:
                self._uncount(db, subject, today)
                audit(db, now, actor, actor_kind, "case.progress", "unavailable")
            raise
        with self.store.write() as db:
            if found is None:
                self._kiosk_failure(db, throttle_key, now)
                audit(db, now, actor, actor_kind, "case.progress", "refused", reason="no_match")
            else:
                repo.clear_lock(db, subject)
                audit(db, now, actor, actor_kind, "case.progress", "ok")
        if found is None:
            raise NotFound(CASE_NOT_FOUND)
        return {
            "case_number": found.case_number,
            "stage": found.stage,
            "next_stage": found.next_stage,
            "next_expected": found.next_expected.isoformat() if found.next_expected else None,
        }


def _code_digest(payload: str) -> str:
    return hashlib.sha256(b"essc|" + payload.encode()).hexdigest()


def _seconds_to_midnight(now: datetime) -> int:
    local = now.astimezone(HALL_TZ)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int(86400 - (local - midnight).total_seconds()))


def _audit_ended(db, now: datetime, kiosk: str, session: dict, reason: str) -> None:
    """The audit row of a session that ended: by the citizen ("ended") or by the next
    verification at the same kiosk ("replaced")."""
    audit(
        db,
        now,
        kiosk,
        "kiosk",
        "session.end",
        "ended",
        method=session["method"],
        reason=reason,
        id_hmac=session["id_hmac"],
    )
