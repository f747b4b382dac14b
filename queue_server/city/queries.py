"""What the bureau's dashboard asks the city's database. The day's figures are those of
migrations/0002_derived.sql (one definition); a range adds days up here in SQL, weighting
means by their counts, and its 90th percentile wait is core's (derived.wait_p90). The §4.2
window requirement is core's one function."""

from __future__ import annotations

import hmac
from datetime import date, datetime

import psycopg
from psycopg.rows import dict_row

from ..core.settings import consulting_windows_required
from . import derived

SILENT_AFTER_S = 120  # no shipment (not even the idle heartbeat) for this long: the hall is lost

_LIVE = """
SELECT h.hall_id, h.name, h.waiting, h.windows, h.city_tier, h.insured_population,
       h.consulting_windows, h.windows_total,
       h.hall_last_id - h.shipped_through AS lag_events,
       extract(epoch FROM now() - h.shipped_at)::float8 AS since_shipment_s,  -- city clocks
       (SELECT extract(epoch FROM %(now)s - min(t.issued_at))::float8 FROM city_tickets t
         WHERE t.hall_id = h.hall_id AND t.day = %(today)s AND t.status = 'waiting')
         AS longest_wait_s
FROM halls h ORDER BY h.hall_id
"""

_FIGURES = """
SELECT h.hall_id, h.name,
       coalesce(sum(d.issued), 0) AS issued, coalesce(sum(d.called), 0) AS called,
       coalesce(sum(d.served), 0) AS served, coalesce(sum(d.no_show), 0) AS no_show,
       coalesce(sum(d.cancelled), 0) AS cancelled, coalesce(sum(d.expired), 0) AS expired,
       coalesce(sum(d.priority), 0) AS priority, coalesce(sum(d.appointment), 0) AS appointment,
       sum(d.wait_mean_s * d.wait_n) / nullif(sum(d.wait_n), 0) AS wait_mean_s,
       max(d.wait_max_s) AS wait_max_s,
       coalesce(sum(d.ratings), 0) AS ratings, coalesce(sum(d.bad_ratings), 0) AS bad_ratings,
       sum(d.rating_mean * d.ratings) / nullif(sum(d.ratings), 0) AS rating_mean,
       coalesce(sum(d.ledger_created), 0) AS ledger_created,
       coalesce(sum(d.ledger_answered), 0) AS ledger_answered
FROM halls h
LEFT JOIN city_daily d ON d.hall_id = h.hall_id AND d.day BETWEEN %(start)s AND %(end)s
GROUP BY h.hall_id, h.name ORDER BY h.hall_id
"""

_LEDGER = """
SELECT hall_id,
       coalesce(sum(open_count) FILTER (WHERE due_date < %(today)s), 0) AS overdue,
       coalesce(sum(open_count) FILTER (WHERE due_date = %(today)s), 0) AS due_today,
       coalesce(sum(open_count), 0) AS open
FROM ledger_due GROUP BY hall_id
"""

# Open follow-up items by the due date of their current step (city/followups.py): overdue
# when due before today, as core.followups.overdue says; the on-time rates are the hall's own
# report's, as the hall computed them (nothing is re-derived here).
_FOLLOWUPS = """
SELECT d.hall_id,
       coalesce(sum(d.open_count) FILTER (WHERE d.due_date < %(today)s), 0) AS overdue,
       coalesce(sum(d.open_count) FILTER (WHERE d.due_date = %(today)s), 0) AS due_today,
       coalesce(sum(d.open_count), 0) AS open,
       coalesce(sum(d.open_count) FILTER (WHERE d.stage = 'call'), 0) AS to_call,
       coalesce(sum(d.open_count) FILTER (WHERE d.stage <> 'call'), 0) AS to_rectify
FROM followup_due d GROUP BY d.hall_id
"""

_FOLLOWUP_REPORT = """
SELECT hall_id, day_from, day_to,
       (figures->'calls'->>'on_time_rate')::float8 AS call_on_time_rate,
       (figures->'rectifications'->>'on_time_rate')::float8 AS rectify_on_time_rate,
       (figures->>'items')::int AS items
FROM followup_report
"""

NO_FOLLOWUPS = {"overdue": 0, "due_today": 0, "open": 0, "to_call": 0, "to_rectify": 0}


def live(conn: psycopg.Connection, now: datetime) -> list[dict]:
    """Every hall now: waiting per service, open windows, the longest wait of those still
    waiting, how far its shipping lags, whether it has the §4.2 consulting windows, its
    overdue ledger replies and its 差评 follow-up (open, overdue, the 30 days' on-time rates)."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(_LIVE, {"now": now, "today": now.date()}).fetchall()
        ledger = {r["hall_id"]: r for r in cur.execute(_LEDGER, {"today": now.date()})}
        due = {r.pop("hall_id"): r for r in cur.execute(_FOLLOWUPS, {"today": now.date()})}
        report = {r.pop("hall_id"): r for r in cur.execute(_FOLLOWUP_REPORT)}
    for r in report.values():
        r["day_from"], r["day_to"] = r["day_from"].isoformat(), r["day_to"].isoformat()
    for row in rows:
        row["waiting_total"] = sum(row["waiting"].values())
        row["open_windows"] = sum(1 for s in row["windows"].values() if s == "open")
        since = row["since_shipment_s"]
        row["silent"] = since is None or since > SILENT_AFTER_S
        row |= section_4_2(row)
        row["ledger"] = ledger.get(row["hall_id"], {"overdue": 0, "due_today": 0, "open": 0})
        row["followups"] = due.get(row["hall_id"], NO_FOLLOWUPS) | {
            "report": report.get(row["hall_id"])
        }
    return rows


def section_4_2(hall: dict) -> dict:
    if hall["city_tier"] is None or hall["insured_population"] is None:
        return {"consulting_required": None, "consulting_short": False}
    need = consulting_windows_required(hall["city_tier"], hall["insured_population"])
    return {"consulting_required": need, "consulting_short": hall["consulting_windows"] < need}


def figures(conn: psycopg.Connection, start: date, end: date) -> list[dict]:
    """Each hall's figures over the days start…end (inclusive), side by side."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(_FIGURES, {"start": start, "end": end}).fetchall()
    p90 = derived.wait_p90(conn, None, start, end)
    for row in rows:
        row["bad_rate"] = row["bad_ratings"] / row["ratings"] if row["ratings"] else None
        row["wait_p90_s"] = p90.get(row["hall_id"])
    return rows


_NEARBY = """
SELECT hall_id, hall_key, waiting,
       extract(epoch FROM now() - shipped_at)::float8 AS since_shipment_s
FROM halls WHERE hall_id = %(asker)s OR hall_id = ANY(%(ids)s)
"""


def nearby(conn: psycopg.Connection, asker: str, key: str, ids: list[str]) -> list[dict] | None:
    """The live waiting per service of the halls ``ids``, for the hall ``asker`` whose shipper
    registered ``key``; None when the asker is unknown or its key is not the registered one.
    A hall silent for SILENT_AFTER_S has no figures (``live`` false): stale waits mislead."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(_NEARBY, {"asker": asker, "ids": ids}).fetchall()
    me = next((r for r in rows if r["hall_id"] == asker), None)
    if me is None or not me["hall_key"] or not hmac.compare_digest(me["hall_key"], key):
        return None
    out = []
    for row in rows:
        if row["hall_id"] not in ids:
            continue
        since = row["since_shipment_s"]
        live = since is not None and since <= SILENT_AFTER_S
        out.append(
            {"hall_id": row["hall_id"], "live": live, "waiting": row["waiting"] if live else {}}
        )
    return out
