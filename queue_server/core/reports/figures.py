"""The figures of a tally: rates, means, percentiles — each defined here once.

Durations are seconds; rates are fractions (0–1) or None when their denominator is 0.
"""

from __future__ import annotations

from ..evaluation import BAD_LEVELS, LEVELS, REASONS
from . import histogram
from .tally import Tally


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def queue_figures(t: Tally, wait_threshold_s: float) -> dict:
    """Tickets and their times (§9.2 服务时限)."""
    over = histogram.over(t.wait_hist, wait_threshold_s) if t.wait_n else 0
    mean_wait = ratio(t.wait_sum, t.wait_n)
    est_mean_wait = ratio(t.est_wait, t.est_n)
    mae = ratio(t.est_abs, t.est_n)
    return {
        "issued": t.issued,
        "called": t.called,
        "served": t.served,
        "waiting": t.waiting,
        "no_show": t.no_show,
        "reinstated": t.reinstated,
        "transferred": t.transferred,
        "cancelled": t.cancelled,
        "expired": t.expired,
        "abandoned": t.abandoned,
        "priority": t.priority,
        "appointment": t.appointment,
        "no_show_rate": ratio(t.no_show, t.called),
        "transfer_rate": ratio(t.transferred, t.called),
        "cancel_rate": ratio(t.cancelled, t.issued),
        "abandon_rate": ratio(t.abandoned, t.issued),
        "wait_n": t.wait_n,
        "wait_mean_s": _round(mean_wait),
        "wait_p50_s": histogram.percentile(t.wait_hist, 0.5, t.wait_max),
        "wait_p90_s": histogram.percentile(t.wait_hist, 0.9, t.wait_max),
        "wait_max_s": _round(t.wait_max) if t.wait_n else None,
        "wait_over": over,
        "wait_over_rate": ratio(over, t.wait_n),
        "rewait_n": t.rewait_n,
        "rewait_mean_s": _round(ratio(t.rewait_sum, t.rewait_n)),
        "service_n": t.service_n,
        "service_mean_s": _round(ratio(t.service_sum, t.service_n)),
        "service_p90_s": histogram.percentile(t.service_hist, 0.9, t.service_max),
        "service_max_s": _round(t.service_max) if t.service_n else None,
        "est_n": t.est_n,
        "est_mae_s": _round(mae),
        "est_bias_s": _round(ratio(t.est_err, t.est_n)),
        "est_mean_wait_s": _round(est_mean_wait),
        "est_mae_share": ratio(mae, est_mean_wait) if mae is not None else None,
    }


def window_figures(t: Tally) -> dict:
    """Opening hours spent open, paused, closed (§8.6), and troubles of devices."""
    hours = t.open_s + t.paused_s + t.closed_s
    return {
        "open_s": round(t.open_s),
        "paused_s": round(t.paused_s),
        "closed_s": round(t.closed_s),
        "open_share": ratio(t.open_s, hours),
        "absences": t.absences,
    }


def device_figures(t: Tally) -> dict:
    return {"down_s": round(t.down_s), "alerts": t.alerts}


def rating_figures(t: Tally) -> dict:
    """好差评: counts per level, 差评 (1–2) and their reasons, 好评率 = not 差评 / all, 满意率 =
    4–5 / all (§9.2 evaluation content as reasons)."""
    counts = {str(level): getattr(t, f"r{level}") for level in sorted(LEVELS, reverse=True)}
    total = sum(counts.values())
    bad = sum(counts[str(level)] for level in BAD_LEVELS)
    return {
        "ratings": total,
        "rating_counts": counts,
        "bad": bad,
        "good_rate": ratio(total - bad, total),
        "satisfied_rate": ratio(counts["5"] + counts["4"], total),
        "mean_level": _round(ratio(sum(int(k) * v for k, v in counts.items()), total), 2),
        "bad_reasons": {code: getattr(t, f"bad_{code}") for code in REASONS},
    }


def all_figures(t: Tally, wait_threshold_s: float) -> dict:
    return (
        queue_figures(t, wait_threshold_s)
        | window_figures(t)
        | device_figures(t)
        | rating_figures(t)
    )
