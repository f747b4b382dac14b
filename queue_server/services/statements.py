"""制式清单 that can be checked (§8.1.3): built from the provider's figures for the session's
person, stored as printed (append-only, sealed with the hall's secret) and answered at
``/v/<code>`` from what was stored — a forged code is unknown, an altered paper shows figures
other than the stored ones, an altered row fails its seal.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import Callable

from ..core import statements as rules
from ..core.idnumber import mask_id_number, mask_name
from ..core.insurance import month_of, month_text, parse_month, parse_year
from ..core.numbering import hall_day
from ..core.settings import Settings
from ..errors import InvalidField
from ..i18n import translate
from ..records import RecordsUnavailable
from ..store import Store
from ..store import statements as repo
from .citizen import CitizenService
from .common import audit, audit_session, iso

log = logging.getLogger(__name__)


def paper_label(msgid: str, **params) -> str:
    """The printed statement is an official paper: always in Chinese."""
    return translate(msgid, "zh_CN", **params)


class StatementService:
    def __init__(
        self,
        settings: Callable[[], Settings],
        store: Store,
        citizen: CitizenService,
        clock: Callable[[], datetime],
    ):
        self.settings = settings
        self.store = store
        self.citizen = citizen
        self.clock = clock

    @property
    def secret(self) -> bytes:
        return self.citizen.secret

    def create(self, kiosk: str, token: str | None, body: dict) -> dict:
        session = self.citizen.live(kiosk, token, "statement.create")
        now = self.clock()
        today = hall_day(now)
        kind = rules.check_kind(body.get("kind"))
        if kind == "contribution_certificate":
            last = parse_month(body["to"], "to") if body.get("to") is not None else month_of(today)
            first = parse_month(body["from"], "from") if body.get("from") is not None else last - 11
            first, last = rules.check_range(first, last, month_of(today))
        else:
            year = parse_year(body.get("year"), "year")
            if year > today.year:
                raise InvalidField("The year is in the future.", field="year")
            first, last = year * 12, min(year * 12 + 11, month_of(today))
        s = self.settings()
        code = rules.new_code()
        digest = rules.code_digest(rules.normalize_code(code))
        url = f"{s.hall.public_url.rstrip('/')}/v/{code}"
        expires = rules.expires_on(now, s.records.statement_days)
        provider = self.citizen.provider
        try:
            profile = self.citizen.checked_profile(session, today)
            months = provider.contributions(session.person, month_text(first), month_text(last))
            common = dict(
                label=paper_label,
                issuer=s.hall.name,
                name_masked=mask_name(profile.name),
                id_masked=mask_id_number(profile.id_number),
                printed_at=now,
                code=code,
                url=url,
                expires=expires,
            )
            if kind == "contribution_certificate":
                content = rules.contribution_certificate(
                    statuses=profile.statuses, months=months, first=first, last=last, **common
                )
            else:
                account = provider.account(session.person, today)
                year_row = next((y for y in account.years if y.year == year), None)
                benefits = provider.benefits(session.person, month_text(first), month_text(last))
                content = rules.annual_record(
                    year=year, months=months, account_year=year_row, benefits=benefits, **common
                )
        except RecordsUnavailable:
            with self.store.write() as db:
                audit_session(db, now, session, "statement.create", "unavailable", f"kind={kind}")
            raise
        with self.store.write() as db:
            statement_id = repo.insert(
                db,
                {
                    "code_hash": digest,
                    "kind": kind,
                    "printed_at": iso(now),
                    "expires_on": expires.isoformat(),
                    "kiosk": kiosk,
                    "id_hmac": session.id_hmac,
                    "content": rules.canonical(content).decode(),
                    "seal": rules.seal(self.secret, digest, content),
                },
            )
            detail = f"kind={kind};statement={statement_id};period={content['period']}"
            audit_session(db, now, session, "statement.create", "ok", detail)
        return {
            **content,
            "verification_code": code,
            "verify_url": url,
            "expires_on": expires.isoformat(),
        }

    def check(self, raw_code) -> dict:
        """``{"status": "genuine"|"expired"|"unknown"|"damaged", ...}``; for a genuine one the
        stored content (masked name and ID number, figures) and when it was printed."""
        code = rules.normalize_code(raw_code)
        if code is None:
            return {"status": "unknown"}
        digest = rules.code_digest(code)
        row = repo.by_code_hash(self.store.db, digest)
        if row is None:
            return {"status": "unknown"}
        now = self.clock()
        try:
            content = json.loads(row["content"])
        except ValueError:
            content = None
        if content is None or not rules.seal_matches(self.secret, digest, content, row["seal"]):
            status = "damaged"
            log.error("statement %d fails its seal: the stored row was altered", row["id"])
        elif rules.is_expired(date.fromisoformat(row["expires_on"]), hall_day(now)):
            status = "expired"
        else:
            status = "genuine"
        with self.store.write() as db:  # the person can learn that their paper was checked
            audit(
                db,
                now,
                "public",
                "public",
                "statement.check",
                "ok" if status == "genuine" else "refused",
                reason=None if status == "genuine" else status,
                id_hmac=row["id_hmac"],
                detail=f"statement={row['id']}",
            )
        out = {
            "status": status,
            "kind": row["kind"],
            "printed_at": row["printed_at"],
            "expires_on": row["expires_on"],
        }
        if status == "genuine":
            out["content"] = content
        return out
