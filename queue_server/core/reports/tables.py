"""Every table of a report, laid out once for the pages, the XLSX and the CSV exports.

A column is (field, header, kind); headers and the words in cells are catalog msgids the caller
translates (``tr``), names per language come through ``name``. Kinds: text, int, min (seconds
shown as minutes), hours (seconds shown as hours), pct (a 0–1 fraction), num (a decimal),
date, time (an ISO time shown as YYYY-MM-DD HH:MM).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..vocabulary import RATING_LEVELS, RATING_REASONS, REPLY_CLASSES, reply_class_label

CHANNEL_NAMES = {
    "kiosk": "Kiosk",
    "guide": "Guide desk",
    "window": "Window",
    "appointment": "Appointment",
    "mobile": "Mobile phone",
}
PRIORITY_NAMES = {"priority": "Priority (green channel)", "normal": "Regular"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
STATE_NAMES = {"closed": "Closed", "paused": "Paused", "open": "Open"}
LEVEL_NAMES = RATING_LEVELS  # core.vocabulary's labels
REASON_NAMES = RATING_REASONS
REPLY_CLASS_NAMES = {code: label for code, (label, _) in REPLY_CLASSES.items()}


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[tuple[str, str, str], ...]
    rows: Callable[[dict, Callable, Callable], list[dict]]


def _queue_cols(first: tuple) -> tuple:
    return first + (
        ("issued", "Issued", "int"),
        ("served", "Served", "int"),
        ("wait_mean_s", "Mean wait", "min"),
        ("wait_p50_s", "Median wait", "min"),
        ("wait_p90_s", "90th percentile wait", "min"),
        ("wait_max_s", "Longest wait", "min"),
        ("wait_over", "Waits over the threshold", "int"),
        ("service_mean_s", "Mean service time", "min"),
        ("service_p90_s", "90th percentile service time", "min"),
        ("no_show_rate", "No-show rate", "pct"),
        ("transfer_rate", "Transfer rate", "pct"),
        ("cancel_rate", "Cancel rate", "pct"),
        ("abandon_rate", "Abandonment rate", "pct"),
        ("est_mae_s", "Estimate error (MAE)", "min"),
    )


def _dim(dim: str, label: Callable[[dict, Callable, Callable], str]):
    def rows(s: dict, tr, name) -> list[dict]:
        return [dict(r, label=label(r, tr, name)) for r in s[f"by_{dim}"]]

    return rows


OVERVIEW = (  # (figure, field of the totals, kind)
    ("Tickets issued", "issued", "int"),
    ("Tickets served", "served", "int"),
    ("Waiting now", "waiting", "int"),
    ("Mean wait", "wait_mean_s", "min"),
    ("Median wait", "wait_p50_s", "min"),
    ("90th percentile wait", "wait_p90_s", "min"),
    ("Longest wait", "wait_max_s", "min"),
    ("Waits over the threshold", "wait_over", "int"),
    ("Share of waits over the threshold", "wait_over_rate", "pct"),
    ("Mean service time", "service_mean_s", "min"),
    ("90th percentile service time", "service_p90_s", "min"),
    ("No-show rate", "no_show_rate", "pct"),
    ("Transfer rate", "transfer_rate", "pct"),
    ("Cancel rate", "cancel_rate", "pct"),
    ("Abandonment rate", "abandon_rate", "pct"),
    ("Priority tickets", "priority", "int"),
    ("Appointment tickets", "appointment", "int"),
    ("Ratings", "ratings", "int"),
    ("Good rating rate", "good_rate", "pct"),
    ("Satisfied rate", "satisfied_rate", "pct"),
    ("Estimate error (MAE)", "est_mae_s", "min"),
    ("Estimate error / mean wait", "est_mae_share", "pct"),
    ("Window absences (§8.6)", "absences", "int"),
    ("Device downtime", "down_s", "hours"),
)


def _overview(s: dict, tr, name) -> list[dict]:
    t = s["totals"]
    return [{"label": tr(k), "value": t[field], "kind": kind} for k, field, kind in OVERVIEW]


def _trend(s: dict, tr, name) -> list[dict]:
    return [dict(r, weekday_name=tr(WEEKDAYS[r["weekday"]])) for r in s["trend"]]


def _heatmap(s: dict, tr, name) -> list[dict]:
    h = s["heatmap"]
    return [
        {
            "weekday_name": tr(WEEKDAYS[w]),
            **{f"h{hour}": cell for hour, cell in zip(h["hours"], row)},
        }
        for w, row in zip(h["weekdays"], h["cells"])
    ]


def heatmap_columns(s: dict) -> tuple:
    return (("weekday_name", "Weekday", "text"),) + tuple(
        (f"h{h}", f"{h}:00", "num") for h in s["heatmap"]["hours"]
    )


def _absences(s: dict, tr, name) -> list[dict]:
    return [dict(a, state_name=tr(STATE_NAMES.get(a["state"], a["state"]))) for a in s["absences"]]


def _ratings(s: dict, tr, name) -> list[dict]:
    t = s["totals"]
    total = t["ratings"]
    return [
        {
            "level": lv,
            "level_name": tr(LEVEL_NAMES[lv]),
            "count": t["rating_counts"][str(lv)],
            "share": t["rating_counts"][str(lv)] / total if total else None,
        }
        for lv in sorted(RATING_LEVELS, reverse=True)
    ]


def _reasons(s: dict, tr, name) -> list[dict]:
    return [
        {"reason": tr(REASON_NAMES[code]), "count": n}
        for code, n in s["totals"]["bad_reasons"].items()
    ]


def _bad_list(s: dict, tr, name) -> list[dict]:
    return [
        dict(
            b,
            reasons_text="、".join(tr(REASON_NAMES.get(r, r)) for r in b["reasons"]),
            service_name=name(_service_name(s, b["service"])),
        )
        for b in s["bad_list"]
    ]


def _service_name(s: dict, code: str) -> dict:
    found = next((r for r in s["by_service"] if r["key"] == code), None)
    return found["name"] if found else {"zh_CN": code or ""}


def _ledger(s: dict, tr, name) -> list[dict]:
    led = s["ledger"]
    out = [
        dict(
            c,
            label=reply_class_label(c["reply_class"], tr)
            if c["reply_class"] in REPLY_CLASSES
            else tr(c["reply_class"]),
        )
        for c in led["by_class"]
    ]
    return out + [dict(led, label=tr("All"))]


def _followups(s: dict, tr, name) -> list[dict]:
    f = s.get("followups")
    if not f:
        return []
    return [
        dict(f["calls"], label=tr("Call back (回访)")),
        dict(f["rectifications"], label=tr("Rectification (整改)")),
    ]


def _appointments(s: dict, tr, name) -> list[dict]:
    a = s.get("appointments") or {"by_service": []}
    rows = [dict(r, label=name(r["name"])) for r in a["by_service"]]
    return rows + ([dict(a, label=tr("All"))] if a["by_service"] else [])


def _estimates(s: dict, tr, name) -> list[dict]:
    rows = [dict(s["totals"], label=tr("All"))]
    rows += [dict(r, label=name(r["name"])) for r in s["by_service"] if r["est_n"]]
    rows += [dict(r, label=f"{r['key']}:00") for r in s["by_hour"] if r["est_n"]]
    return rows


_DEADLINE_COLS = (
    ("items", "Items", "int"),
    ("on_time", "On time", "int"),
    ("late", "Late", "int"),
    ("overdue", "Overdue (open)", "int"),
    ("pending", "Not yet due", "int"),
    ("on_time_rate", "On-time rate", "pct"),
)

TABLES: tuple[Table, ...] = (
    Table(
        "overview",
        "Overview",
        (("label", "Figure", "text"), ("value", "Value", "by_row")),
        _overview,
    ),
    Table(
        "by_service",
        "By service",
        _queue_cols((("label", "Service", "text"),)),
        _dim("service", lambda r, tr, name: name(r["name"])),
    ),
    Table(
        "by_window",
        "By window",
        (
            ("key", "Window", "text"),
            ("name", "Window name", "text"),
            ("called", "Calls", "int"),
            ("served", "Served", "int"),
            ("wait_mean_s", "Mean wait", "min"),
            ("service_mean_s", "Mean service time", "min"),
            ("service_p90_s", "90th percentile service time", "min"),
            ("no_show", "No-shows", "int"),
            ("transferred", "Transfers", "int"),
            ("open_s", "Hours open", "hours"),
            ("paused_s", "Hours paused", "hours"),
            ("closed_s", "Hours closed", "hours"),
            ("open_share", "Open share of opening hours", "pct"),
            ("absences", "Absences (§8.6)", "int"),
            ("ratings", "Ratings", "int"),
            ("bad", "Bad ratings", "int"),
            ("good_rate", "Good rating rate", "pct"),
        ),
        _dim("window", lambda r, tr, name: r["key"]),
    ),
    Table(
        "by_staff",
        "By staff member",
        (
            ("key", "User name", "text"),
            ("label", "Staff member", "text"),
            ("called", "Calls", "int"),
            ("served", "Served", "int"),
            ("service_mean_s", "Mean service time", "min"),
            ("service_p90_s", "90th percentile service time", "min"),
            ("no_show", "No-shows", "int"),
            ("ratings", "Ratings", "int"),
            ("bad", "Bad ratings", "int"),
            ("good_rate", "Good rating rate", "pct"),
            ("mean_level", "Mean rating", "num"),
        ),
        _dim("staff", lambda r, tr, name: r["name"]),
    ),
    Table(
        "by_channel",
        "By channel",
        _queue_cols((("label", "Channel", "text"),)),
        _dim("channel", lambda r, tr, name: tr(CHANNEL_NAMES.get(r["key"], r["key"]))),
    ),
    Table(
        "by_hour",
        "By hour of day",
        _queue_cols((("label", "Hour", "text"),)),
        _dim("hour", lambda r, tr, name: f"{r['key']}:00"),
    ),
    Table(
        "by_priority",
        "Priority tickets",
        _queue_cols((("label", "Queue", "text"),)),
        _dim("priority", lambda r, tr, name: tr(PRIORITY_NAMES.get(r["key"], r["key"]))),
    ),
    Table(
        "trend",
        "Day by day",
        (
            ("day", "Date", "date"),
            ("weekday_name", "Weekday", "text"),
            ("issued", "Issued", "int"),
            ("served", "Served", "int"),
            ("wait_mean_s", "Mean wait", "min"),
            ("wait_p90_s", "90th percentile wait", "min"),
            ("wait_over_rate", "Share of waits over the threshold", "pct"),
            ("no_show_rate", "No-show rate", "pct"),
            ("abandon_rate", "Abandonment rate", "pct"),
            ("service_mean_s", "Mean service time", "min"),
            ("est_mae_s", "Estimate error (MAE)", "min"),
            ("good_rate", "Good rating rate", "pct"),
        ),
        _trend,
    ),
    Table("heatmap", "Arrivals by hour and weekday (mean tickets per day)", (), _heatmap),
    Table(
        "absences",
        "Windows closed or paused while citizens waited (§8.6)",
        (
            ("day", "Date", "date"),
            ("window", "Window", "int"),
            ("state_name", "State", "text"),
            ("start", "Began", "time"),
            ("end", "Ended", "time"),
            ("minutes", "Minutes", "num"),
            ("waiting", "Tickets waiting", "int"),
        ),
        _absences,
    ),
    Table(
        "ratings",
        "Ratings by level",
        (
            ("level", "Level", "int"),
            ("level_name", "Rating", "text"),
            ("count", "Count", "int"),
            ("share", "Share", "pct"),
        ),
        _ratings,
    ),
    Table(
        "bad_reasons",
        "Reasons given with bad ratings (§9.2)",
        (("reason", "Reason given", "text"), ("count", "Count", "int")),
        _reasons,
    ),
    Table(
        "bad_list",
        "Bad ratings (差评)",
        (
            ("day", "Date", "date"),
            ("created_at", "Time", "time"),
            ("ticket_number", "Ticket", "text"),
            ("service_name", "Service", "text"),
            ("window", "Window", "int"),
            ("staff_name", "Staff member", "text"),
            ("level", "Level", "int"),
            ("reasons_text", "Reasons", "text"),
            ("comment", "Comment", "text"),
        ),
        _bad_list,
    ),
    Table(
        "appointments",
        "Appointments (预约)",
        (
            ("label", "Service", "text"),
            ("bookings", "Bookings", "int"),
            ("checked_in", "Checked in on time", "int"),
            ("late", "Checked in late", "int"),
            ("no_show", "No-shows", "int"),
            ("cancelled", "Cancelled", "int"),
            ("no_show_rate", "No-show rate", "pct"),
        ),
        _appointments,
    ),
    Table(
        "ledger",
        "Consultation replies on time (§8.2)",
        (("label", "Reply class", "text"),) + _DEADLINE_COLS,
        _ledger,
    ),
    Table(
        "followups",
        "Bad-rating follow-up on time",
        (("label", "Step", "text"),) + _DEADLINE_COLS,
        _followups,
    ),
    Table(
        "devices",
        "Device downtime in opening hours",
        (
            ("key", "Device", "text"),
            ("name", "Device name", "text"),
            ("down_s", "Hours down", "hours"),
            ("alerts", "Alerts", "int"),
        ),
        _dim("device", lambda r, tr, name: r["name"]),
    ),
    Table(
        "estimates",
        "Wait estimates against actual waits",
        (
            ("label", "Scope", "text"),
            ("est_n", "Tickets", "int"),
            ("est_mae_s", "Estimate error (MAE)", "min"),
            ("est_mean_wait_s", "Mean wait", "min"),
            ("est_mae_share", "Estimate error / mean wait", "pct"),
            ("est_bias_s", "Mean estimate − wait", "min"),
        ),
        _estimates,
    ),
)
TABLE_NAMES = tuple(t.name for t in TABLES)


def table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


def columns(t: Table, s: dict) -> tuple:
    return heatmap_columns(s) if t.name == "heatmap" else t.columns


def cell(value, kind: str):
    """A cell's value in its unit (minutes, hours, fraction…); None stays empty."""
    if value is None or value == "":
        return None
    if kind == "min":
        return round(value / 60, 2)
    if kind == "hours":
        return round(value / 3600, 2)
    if kind == "time":
        return value.replace("T", " ")[:16]
    return value
