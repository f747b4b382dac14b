"""The staffing planner as a use case: a day profile from the hall's history (or typed in), the
plan from core.planner, and today's window schedule beside it (/admin/planner, ``queue-server
plan``)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Callable

from ..core.numbering import hall_day
from ..core.planner import Plan, groups, make_plan, open_hours, profile_from_history
from ..core.reports.replay import Replayer
from ..core.reports.timelines import overlap_s, state_intervals
from ..core.settings import Settings, consulting_windows_required
from ..core.simulator import Profile, SimWindow
from ..errors import InvalidField
from ..store import Store
from ..store import reports as repo
from .reports import ReportService

MAX_TARGET_MIN = 180
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|m|min|s)?\s*$")


def parse_target(text: str | None, default_min: float) -> float:
    """ "20m", "20", "1200s", "0.5h" → seconds (whole minutes when no unit is given)."""
    if text is None or text == "":
        return default_min * 60
    m = _DURATION.match(str(text).lower())
    if not m:
        raise InvalidField(
            "The target must be a duration such as 20m, 1200s or 0.5h.", field="target"
        )
    value = float(m.group(1)) * {"h": 3600, "s": 1}.get(m.group(2) or "m", 60)
    if not 60 <= value <= MAX_TARGET_MIN * 60:
        raise InvalidField(
            "The target must lie between 1 and {max} minutes.", field="target", max=MAX_TARGET_MIN
        )
    return value


class PlannerService:
    def __init__(
        self,
        settings: Callable[[], Settings],
        store: Store,
        reports: ReportService,
        clock: Callable[[], datetime],
    ):
        self._settings = settings
        self.store = store
        self.reports = reports
        self.clock = clock

    @property
    def settings(self) -> Settings:
        return self._settings()

    def windows(self) -> list[SimWindow]:
        return [SimWindow(w.number, tuple(w.services), w.kind) for w in self.settings.windows]

    def profile(
        self, day_from: date, day_to: date, typed: dict[str, dict[int, float]] | None = None
    ) -> tuple[Profile, int]:
        """The day profile of the range (mean tickets per hour over the days with tickets) and
        how many such days there were; ``typed``: service → hour → tickets, replacing the
        history's arrivals."""
        s = self.settings
        history = self.reports.history(day_from, day_to)
        defaults = {svc.code: svc.default_service_min * 60 for svc in s.services}
        prof = profile_from_history(
            history["arrivals"], history["service_seconds"], defaults, s.hall.opening_hours
        )
        days = len({r[0] for r in history["arrivals"]})
        if typed is not None:
            arrivals = {
                code: [float(typed.get(code, {}).get(h, 0)) for h in range(24)] for code in defaults
            }
            prof = Profile(arrivals, prof.service_s, prof.periods, prof.priority_share)
        return prof, days

    def min_open(self) -> dict[str, int]:
        """§4.2: the consulting windows the hall must keep open."""
        h = self.settings.hall
        need = consulting_windows_required(h.city_tier, h.insured_population)
        out = {}
        for g in groups(self.windows()):
            if g.kind == "consulting" and need > 0:
                out[g.key] = min(need, len(g.windows))
                need -= out[g.key]
        return out

    def plan(
        self,
        day_from: date,
        day_to: date,
        target_s: float,
        typed: dict[str, dict[int, float]] | None = None,
        seeds: tuple[int, ...] | None = None,
    ) -> dict:
        prof, days = self.profile(day_from, day_to, typed)
        kwargs = {"seeds": seeds} if seeds else {}
        result = make_plan(
            prof, self.windows(), self.settings.rules, target_s, min_open=self.min_open(), **kwargs
        )
        return self.view(result, prof, day_from, day_to, days)

    def view(self, plan: Plan, prof: Profile, day_from: date, day_to: date, days: int) -> dict:
        s = self.settings
        hours = open_hours(prof.periods)

        def mins(v):
            return None if v is None or v == float("inf") else round(v / 60, 1)

        return {
            "from": day_from.isoformat(),
            "to": day_to.isoformat(),
            "history_days": days,
            "target_s": plan.target_s,
            "met": plan.met,
            "trials": plan.trials,
            "window_hours": plan.window_hours,
            "tickets_per_day": round(sum(sum(v) for v in prof.arrivals.values()), 1),
            "arrivals": {code: [round(v, 1) for v in per] for code, per in prof.arrivals.items()},
            "hours": hours,
            "groups": [
                {
                    "key": g.key,
                    "services": list(g.services),
                    "kind": g.kind,
                    "windows": list(g.windows),
                    "names": [
                        s.service(c).name if s.service(c) else {"zh_CN": c} for c in g.services
                    ],
                }
                for g in plan.groups
            ],
            "plan": {str(h): plan.counts[h] for h in hours},
            "p90_by_hour_min": {str(h): mins(plan.outcome.by_hour.get(h)) for h in hours},
            "p90_by_service_min": {k: mins(v) for k, v in plan.outcome.by_service.items()},
            "not_called": plan.outcome.not_called,
            "short": [{"hour": h, "service": svc} for h, svc in plan.short],
            "today": self.today_schedule(plan, hours),
        }

    def today_schedule(self, plan: Plan, hours: list[int]) -> dict[str, dict[str, float | None]]:
        """Windows of each group open during each hour today (time-weighted, so a window open
        half the hour counts 0.5; the current hour so far), from today's window events; None
        for an hour still to come."""
        now = self.clock()
        day = hall_day(now)
        db = self.store.db
        with self.store.read():
            rep = Replayer(day)
            rep.feed(repo.day_events(db, day))
            start_states, _ = repo.last_state_before(db, day)
        day_start = datetime.combine(day, datetime.min.time(), now.tzinfo)
        of_window = {n: g.key for g in plan.groups for n in g.windows}
        out = {
            str(h): {
                g.key: (0.0 if day_start + timedelta(hours=h) < now else None) for g in plan.groups
            }
            for h in hours
        }
        for number, key in of_window.items():
            intervals = state_intervals(
                start_states.get(number, "closed"), rep.windows.get(number, []), day_start, now
            )
            for h in hours:
                begin = day_start + timedelta(hours=h)
                if begin >= now:
                    continue
                span = [(begin, min(begin + timedelta(hours=1), now))]
                opened = sum(overlap_s(a, b, span) for state, a, b in intervals if state == "open")
                length = (span[0][1] - span[0][0]).total_seconds()
                out[str(h)][key] = round(out[str(h)][key] + opened / length, 2)
        return out


def format_plan(p: dict, settings: Settings) -> str:
    """The plan as a table for a terminal (``queue-server plan``), Chinese then English."""

    def name(code: str) -> str:
        svc = settings.service(code)
        return svc.name["zh_CN"] if svc else code

    target = round(p["target_s"] / 60, 1)
    lines = [
        f"窗口配置测算 / staffing plan — 历史 / history {p['from']} … {p['to']}"
        f"（{p['history_days']} 天有取号 / days with tickets），每天约 / about "
        f"{p['tickets_per_day']} 张号 / tickets a day",
        f"目标 / target: 90% 等候 ≤ {target} 分钟 / minutes — "
        + ("达到 / met" if p["met"] else "未达到 / NOT met")
        + f"；{p['window_hours']} 窗口·小时 / window-hours；{p['trials']} 次模拟 / trials",
        "",
    ]
    for g in p["groups"]:
        kind = "（绿色通道 / priority）" if g["kind"] == "priority" else ""
        lines.append(
            f"  {g['key']}: {' + '.join(name(c) for c in g['services'])}{kind}，"
            f"窗口 / windows {', '.join(map(str, g['windows']))}"
        )
    lines.append("")
    keys = [g["key"] for g in p["groups"]]
    width = max(8, *(len(k) for k in keys))
    lines.append("时段/hour  " + "  ".join(k.rjust(width) for k in keys) + "  p90(分/min)")
    for h in p["hours"]:
        hk = str(h)

        def today(v):
            return "—" if v is None else f"{v:.1f}"

        cells = "  ".join(
            f"{p['plan'][hk][k]} ({today(p['today'][hk][k])})".rjust(width) for k in keys
        )
        p90 = p["p90_by_hour_min"][hk]
        lines.append(f"{h:02d}:00     {cells}  {'—' if p90 is None else p90}")
    lines.append(
        "括号内为今天该时段实际平均开放窗口数 / in brackets: windows open on average "
        "in that hour today"
    )
    for s in p["short"]:
        lines.append(
            f"即使全部开放仍超过目标的 85% / above 85 % of the target even with every "
            f"window open: {s['hour']:02d}:00 {name(s['service'])}"
        )
    return "\n".join(lines)
