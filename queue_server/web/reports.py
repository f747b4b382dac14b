"""Supervision (§9): the report pages and exports, and the 差评 follow-up.

Pages: /admin/reports (a day, today live, or any range), /admin/followups, /admin/planner —
admin and the read-only ``supervisor`` role. API: /api/v1/reports/summary and
/api/v1/reports/export.{csv,xlsx}; /api/v1/followups for the guide (overdue items) and the
supervisor (calls, findings, rectifications).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, Response, jsonify, render_template, request

from ..core.numbering import hall_day
from ..core.reports.tables import TABLE_NAMES, TABLES, WEEKDAYS, cell
from ..errors import InvalidField
from ..i18n import local_name, translate
from ..services.report_files import rendered, to_csv, to_xlsx
from . import charts
from .auth import require, staff_name
from .context import hall, json_body, language, page_services
from .ledger import caller_role, query_date
from .staff import _template_globals, page

bp = Blueprint("reports", __name__)
bp.context_processor(_template_globals)  # the staff pages' texts, user, CSRF token, language

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _(msgid: str, **params) -> str:
    return translate(msgid, language(), **params)


def _range() -> tuple[date, date]:
    today = hall_day(hall().clock())
    day_to = query_date("to") or query_date("from") or today
    day_from = query_date("from") or day_to
    hall().reports.check_range(day_from, day_to)
    return day_from, day_to


# --- API -------------------------------------------------------------------------------------


@bp.get("/api/v1/reports/summary")
@require("supervisor")
def summary():
    day_from, day_to = _range()
    return jsonify(hall().reports.summary(day_from, day_to))


def _export(fmt: str, body: bytes, mime: str, day_from: date, day_to: date, what: str):
    hall().reports.record_export(staff_name(), caller_role(), fmt, day_from, day_to, what)
    name = f"report-{day_from:%Y%m%d}-{day_to:%Y%m%d}"
    return Response(
        body,
        mimetype=mime,
        headers={
            "Content-Disposition": f"attachment; filename={name}{'-' + what if fmt == 'csv' else ''}"
            f".{fmt}",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/api/v1/reports/export.xlsx")
@require("supervisor")
def export_xlsx():
    day_from, day_to = _range()
    s = hall().reports.summary(day_from, day_to, bad_limit=100_000)
    return _export("xlsx", to_xlsx(s, language()), XLSX, day_from, day_to, "all")


@bp.get("/api/v1/reports/export.csv")
@require("supervisor")
def export_csv():
    day_from, day_to = _range()
    name = request.args.get("table", "overview")
    if name not in TABLE_NAMES:
        raise InvalidField("Unknown table {table}.", field="table", table=name[:40])
    s = hall().reports.summary(day_from, day_to, bad_limit=100_000)
    return _export(
        "csv", to_csv(s, name, language()), "text/csv; charset=utf-8", day_from, day_to, name
    )


@bp.get("/api/v1/followups")
@require("guide", "supervisor")
def followups():
    return jsonify(hall().followups.list(request.args.get("status", "open")))


@bp.get("/api/v1/followups/<sqlint:item_id>")
@require("supervisor")
def followup(item_id):
    return jsonify(hall().followups.get_full(item_id, staff_name(), caller_role()))


@bp.post("/api/v1/followups/<sqlint:item_id>/<any(call, finding, rectification):action>")
@require("supervisor")
def followup_step(item_id, action):
    svc = hall().followups
    act = {
        "call": svc.record_call,
        "finding": svc.record_finding,
        "rectification": svc.record_rectification,
    }[action]
    return jsonify(act(item_id, json_body(), staff_name()))


# --- pages -----------------------------------------------------------------------------------

SHORTCUTS = ("Today", "Yesterday", "Last 7 days", "This month", "Last month", "This year")


def _shortcuts(today: date) -> list[tuple[str, date, date]]:
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    yesterday = today - timedelta(days=1)
    spans = [
        (today, today),
        (yesterday, yesterday),
        (today - timedelta(days=6), today),
        (month, today),
        (last_month_end.replace(day=1), last_month_end),
        (today.replace(month=1, day=1), today),
    ]
    return [(label, a, b) for label, (a, b) in zip(SHORTCUTS, spans)]


def _fmt(value, kind: str) -> str:
    value = cell(value, kind)
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind in ("min", "num"):
        return f"{value:.1f}"
    if kind == "hours":
        return f"{value:.2f}"
    if kind == "int" and isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


def _tables(s: dict) -> dict:
    lang = language()
    out = {}
    for t in TABLES:
        cols, rows = rendered(t, s, lang)
        out[t.name] = {
            "title": _(t.title),
            "columns": [h for _, h, _ in cols],
            "numeric": [k not in ("text", "date", "time") for _, _, k in cols],
            "rows": [
                [_fmt(r.get(f), r.get("kind", "text") if k == "by_row" else k) for f, _, k in cols]
                for r in rows
            ],
        }
    return out


def _charts(s: dict) -> dict:
    lang = language()
    target = s["settings"]["target_p90_min"]

    def mins(v):
        return None if v is None else round(v / 60, 1)

    out = {}
    hours = s["by_hour"]
    out["hourly"] = charts.bars_and_line(
        [f"{h['key']}" for h in hours],
        [h["issued"] for h in hours],
        [mins(h["wait_p90_s"]) for h in hours],
        _("Tickets issued and 90th percentile wait by hour"),
        _("Issued"),
        _("90th percentile wait (min)"),
        target,
    )
    if len(s["trend"]) > 1:
        trend = s["trend"]
        out["trend"] = charts.bars_and_line(
            [t["day"][5:] for t in trend],
            [t["issued"] for t in trend],
            [mins(t["wait_p90_s"]) for t in trend],
            _("Tickets issued and 90th percentile wait by day"),
            _("Issued"),
            _("90th percentile wait (min)"),
            target,
        )
    h = s["heatmap"]
    if h["cells"]:
        out["heatmap"] = charts.heatmap(
            [_(WEEKDAYS[w]) for w in h["weekdays"]],
            h["hours"],
            h["cells"],
            _("Arrivals by hour and weekday"),
            _("Mean tickets issued per day"),
        )
    counts = s["totals"]["rating_counts"]
    if s["totals"]["ratings"]:
        from ..core.reports.tables import LEVEL_NAMES

        out["ratings"] = charts.hbars(
            [_(LEVEL_NAMES[int(k)]) for k in counts],
            list(counts.values()),
            _("Ratings by level"),
            ["#2e7d32", "#66bb6a", "#9e9d24", "#ef6c00", "#c62828"],
        )
    services = [r for r in s["by_service"] if r["issued"]]
    if services:
        out["services"] = charts.hbars(
            [local_name(r["name"], lang) for r in services],
            [mins(r["wait_mean_s"]) or 0 for r in services],
            _("Mean wait by service (min)"),
        )
    return out


@bp.get("/admin/reports")
@page("supervisor")
def reports_page():
    day_from, day_to = _range()
    s = hall().reports.summary(day_from, day_to)
    today = hall_day(hall().clock())
    query = f"from={day_from.isoformat()}&to={day_to.isoformat()}"
    return render_template(
        "staff/reports.html",
        s=s,
        tables=_tables(s),
        charts=_charts(s),
        day_from=day_from,
        day_to=day_to,
        single_day=day_from == day_to,
        query=query,
        shortcuts=[(_(label), a, b) for label, a, b in _shortcuts(today)],
        csv_tables=[(t.name, _(t.title)) for t in TABLES],
    )


@bp.get("/admin/followups")
@page("supervisor")
def followups_page():
    from ..core.followups import FINDINGS
    from ..core.reports.tables import REASON_NAMES

    return render_template(
        "staff/followups.html",
        findings=list(FINDINGS),
        page_data={"reasons": {k: _(v) for k, v in REASON_NAMES.items()}, "manage": True},
    )


_TYPED = re.compile(r"^a\.([a-z][a-z0-9_]{0,31})\.(\d{1,2})$")


def _typed_profile() -> dict[str, dict[int, float]] | None:
    """Arrivals typed into the planner's form: a.<service>.<hour>=tickets."""
    typed: dict[str, dict[int, float]] = {}
    for name, value in request.args.items():
        m = _TYPED.match(name)
        if not m or hall().settings.service(m.group(1)) is None or int(m.group(2)) > 23:
            continue
        try:
            n = float(value or 0)
        except ValueError:
            raise InvalidField("Arrivals must be numbers.", field=name[:40]) from None
        if not 0 <= n <= 1000:
            raise InvalidField("Arrivals must be numbers.", field=name[:40])
        typed.setdefault(m.group(1), {})[int(m.group(2))] = n
    return typed or None


@bp.get("/admin/planner")
@page("supervisor")
def planner_page():
    from ..services.planner import parse_target

    today = hall_day(hall().clock())
    day_to = query_date("to") or today - timedelta(days=1)
    day_from = query_date("from") or day_to - timedelta(days=27)
    hall().reports.check_range(day_from, day_to)
    target = parse_target(request.args.get("target"), hall().settings.reports.target_p90_min)
    result = hall().planner.plan(day_from, day_to, target, _typed_profile())
    lang = language()
    labels = {
        g["key"]: " + ".join(local_name(n, lang) for n in g["names"])
        + (f" ({_('Priority window')})" if g["kind"] == "priority" else "")
        for g in result["groups"]
    }
    services = [(svc["code"], svc["name"]) for svc in page_services(lang)]
    return render_template(
        "staff/planner.html",
        p=result,
        labels=labels,
        services=services,
        day_from=day_from,
        day_to=day_to,
        target_min=round(target / 60, 1),
    )
