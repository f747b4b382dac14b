"""Report figures on hand-made days with answers worked out by hand: a transfer, a no-show then
reinstated, a ticket waiting across a window's pause, a day with no calls, cancellations, device
downtime and the percentiles of the wait histogram."""

from __future__ import annotations

from queue_server.core.reports import histogram
from queue_server.core.reports.figures import all_figures
from queue_server.core.reports.replay import Replayer
from queue_server.core.reports.tally import DayInput, tally_day

from .daybook import DAY, PERIODS, Daybook, at

WINDOWS = {
    1: ["consult"],
    3: ["pension", "consult"],
    4: ["pension"],
    5: ["pension"],
    6: ["medical"],
}
OPEN_HOURS_S = (3.5 + 4) * 3600


def run(book: Daybook, tickets: dict | None = None, ratings=(), until=None, **kw):
    rep = Replayer()
    rep.feed(book.events)
    inp = DayInput(DAY, PERIODS, WINDOWS, tickets or {}, ratings, **kw)
    day = tally_day(rep, inp, until)
    return day, {k: all_figures(t, 20 * 60) for k, t in day.tallies.items()}


def test_a_transfer_keeps_the_first_wait_and_counts_both_legs():
    book = (
        Daybook()
        .window("08:30", 1, "open")
        .window("08:30", 3, "open")
        .ticket("issued", "09:00", "A001", "consult")
        .ticket("called", "09:10", "A001", window=1)
        .ticket("started", "09:11", "A001", window=1)
        .ticket(
            "transferred",
            "09:15",
            "A001",
            "pension",
            window=1,
            from_service="consult",
            to_service="pension",
        )
        .ticket("called", "09:25", "A001", "pension", window=3)
        .ticket("finished", "09:40", "A001", "pension", window=3)
        .close()
    )
    _, f = run(book, {"A001": {"channel": "kiosk", "staff": "win3"}})
    total = f[("total", "")]
    assert (total["issued"], total["called"], total["served"], total["transferred"]) == (1, 2, 1, 1)
    assert total["wait_mean_s"] == 600 and total["wait_n"] == 1  # issue → first call only
    assert (total["rewait_n"], total["rewait_mean_s"]) == (1, 600)  # transfer → second call
    assert total["transfer_rate"] == 0.5 and total["abandoned"] == 0
    assert total["service_n"] == 2 and total["service_mean_s"] == (240 + 900) / 2
    assert f[("service", "consult")]["issued"] == 1 and f[("service", "pension")]["issued"] == 0
    assert f[("service", "consult")]["service_mean_s"] == 240  # start → transfer
    assert f[("service", "pension")]["service_mean_s"] == 900  # call → finish (no "start")
    w1, w3 = f[("window", "1")], f[("window", "3")]
    assert (w1["called"], w1["transferred"], w1["served"], w1["wait_mean_s"]) == (1, 1, 0, 600)
    assert (w3["called"], w3["served"], w3["wait_mean_s"], w3["service_mean_s"]) == (1, 1, 600, 900)
    staff = f[("staff", "win3")]  # the tickets table names who called it last
    assert (staff["called"], staff["served"]) == (1, 1)
    assert not any(dim == "staff" and key != "win3" for dim, key in f)


def test_a_no_show_then_reinstated_is_served_not_abandoned():
    book = (
        Daybook()
        .ticket("issued", "09:00", "B001", "pension")
        .ticket("called", "09:05", "B001", window=4)
        .ticket("no_show", "09:08", "B001", window=4)
        .ticket("reinstated", "09:20", "B001")
        .ticket("called", "09:30", "B001", window=5)
        .ticket("started", "09:31", "B001", window=5)
        .ticket("finished", "09:43", "B001", window=5)
        .close()
    )
    _, f = run(book, {"B001": {"staff": "win5"}})
    t = f[("total", "")]
    counts = (t["called"], t["no_show"], t["reinstated"], t["served"], t["abandoned"])
    assert counts == (2, 1, 1, 1, 0)
    assert t["no_show_rate"] == 0.5
    assert t["wait_mean_s"] == 300 and t["rewait_mean_s"] == 600
    assert t["service_mean_s"] == 720
    assert f[("window", "4")]["no_show"] == 1 and f[("window", "5")]["served"] == 1
    assert f[("staff", "win5")]["served"] == 1


def test_a_ticket_waiting_across_a_pause_and_the_pause_is_listed():
    book = (
        Daybook()
        .window("08:30", 6, "open")
        .window("09:00", 6, "paused")
        .ticket("issued", "09:00", "C001", "medical")
        .window("09:40", 6, "open")
        .ticket("called", "09:45", "C001", window=6)
        .ticket("finished", "09:55", "C001", window=6)
        .close()
    )
    day, f = run(book)
    assert f[("total", "")]["wait_mean_s"] == 45 * 60  # the pause is part of the wait
    w6 = f[("window", "6")]
    assert w6["paused_s"] == 40 * 60
    assert w6["open_s"] == OPEN_HOURS_S - 40 * 60
    assert w6["closed_s"] == 0 and w6["absences"] == 1
    (gone,) = day.absences  # §8.6: paused 40 min while C001 waited
    assert (gone.window, gone.state, gone.start, gone.end, gone.waiting) == (
        6,
        "paused",
        at("09:00"),
        at("09:40"),
        1,
    )
    assert f[("window", "1")]["closed_s"] == OPEN_HOURS_S  # never opened, nobody waited for it
    assert f[("window", "1")]["absences"] == 0


def test_a_day_with_no_calls():
    book = (
        Daybook()
        .window("09:00", 4, "open")
        .window("09:10", 4, "closed")
        .ticket("issued", "10:00", "B001", "pension")
        .ticket("issued", "10:05", "B002", "pension")
        .close()
    )
    day, f = run(book)
    t = f[("total", "")]
    assert (t["issued"], t["called"], t["served"], t["expired"], t["abandoned"]) == (2, 0, 0, 2, 2)
    assert t["abandon_rate"] == 1.0 and t["no_show_rate"] is None
    assert t["wait_n"] == 0 and t["wait_mean_s"] is None and t["wait_p90_s"] is None
    assert t["wait_max_s"] is None and t["wait_over_rate"] is None
    # Window 4 opened, then closed at 09:10 and stayed closed while B001/B002 waited (§8.6);
    # windows 3 and 5 were not staffed that day: their hours show it, the list does not.
    gone = [(a.window, a.start, a.end) for a in day.absences]
    assert gone == [(4, at("09:10"), at("12:00")), (4, at("13:30"), at("17:30"))]
    assert f[("window", "3")]["closed_s"] == OPEN_HOURS_S and f[("window", "3")]["absences"] == 0


def test_cancellations_count_as_abandoned_only_when_the_citizen_left():
    book = (
        Daybook()
        .ticket("issued", "09:00", "D001", "consult")
        .ticket("issued", "09:01", "D002", "consult")
        .ticket("cancelled", "09:20", "D001", reason="left")
        .ticket("cancelled", "09:21", "D002", reason="duplicate")
        .close()
    )
    _, f = run(book)
    t = f[("total", "")]
    assert (t["cancelled"], t["abandoned"], t["expired"]) == (2, 1, 0)
    assert t["cancel_rate"] == 1.0 and t["abandon_rate"] == 0.5


def test_a_live_day_counts_tickets_still_waiting_and_time_until_now():
    book = (
        Daybook()
        .window("08:30", 1, "open")
        .ticket("issued", "09:00", "A001", "consult")
        .ticket("issued", "09:05", "A002", "consult")
        .ticket("called", "09:06", "A001", window=1)
    )
    _, f = run(book, until=at("10:00"))
    t = f[("total", "")]
    assert (t["waiting"], t["called"], t["expired"], t["abandoned"]) == (1, 1, 0, 0)
    assert f[("window", "1")]["open_s"] == 90 * 60  # 08:30 → now


def test_wait_percentiles_and_the_threshold():
    book = Daybook().window("08:30", 1, "open")
    for i in range(10):  # waits of 1, 2, … 10 minutes
        n = f"A{i + 1:03d}"
        book.ticket("issued", "09:00", n, "consult")
        book.ticket("called", f"09:{i + 1:02d}", n, window=1)
    _, f = run(book.close())
    t = f[("total", "")]
    waits = (t["wait_mean_s"], t["wait_p50_s"], t["wait_p90_s"], t["wait_max_s"])
    assert waits == (330, 300, 540, 600)
    assert all_figures(run(book)[0].tallies[("total", "")], 8 * 60)["wait_over"] == 2


def test_estimate_errors_against_the_actual_waits():
    book = (
        Daybook()
        .window("08:30", 1, "open")
        .ticket("issued", "09:00", "A001", "consult")
        .ticket("called", "09:10", "A001", window=1)
        .ticket("issued", "09:00", "A002", "consult")
        .ticket("called", "09:20", "A002", window=1)
        .ticket("issued", "09:00", "A003", "consult")
        .close()
    )
    _, f = run(
        book,
        {
            "A001": {"estimated_wait_s": 300},
            "A002": {"estimated_wait_s": 1500},
            "A003": {"estimated_wait_s": 0},
        },
    )
    t = f[("total", "")]
    # |300 − 600| and |1500 − 1200|; A003 never called, so no actual wait to compare
    assert (t["est_n"], t["est_mae_s"], t["est_bias_s"], t["est_mean_wait_s"]) == (2, 300, 0, 900)
    assert t["est_mae_share"] == 300 / 900


def test_device_downtime_counts_only_opening_hours_and_real_trouble():
    book = (
        Daybook()
        .device("alert", "08:00", "kiosk-1", "silent")
        .device("recovered", "09:00", "kiosk-1", "silent")
        .device("alert", "10:00", "kiosk-1", "printer", printer="paper_near_end")
        .device("alert", "10:10", "kiosk-1", "printer", printer="paper_out")
        .device("recovered", "10:30", "kiosk-1", "printer", printer="ok")
        .device("alert", "17:00", "kiosk-2", "silent")
        .close()
    )
    _, f = run(book, device_start={"kiosk-3": (True, False)})
    assert f[("device", "kiosk-1")]["down_s"] == 30 * 60 + 20 * 60  # 08:30–09:00, 10:10–10:30
    assert f[("device", "kiosk-1")]["alerts"] == 3
    assert f[("device", "kiosk-2")]["down_s"] == 30 * 60  # silent from 17:00 to closing
    assert f[("device", "kiosk-3")]["down_s"] == OPEN_HOURS_S  # down all day, no event
    assert f[("total", "")]["down_s"] == (50 + 30) * 60 + OPEN_HOURS_S


def test_ratings_by_level_with_reasons():
    ratings = [
        {"level": 5, "window": 1, "staff": "a", "service": "consult"},
        {"level": 4, "window": 1, "staff": "a", "service": "consult"},
        {
            "level": 1,
            "reasons": ["attitude", "time_limit"],
            "window": 3,
            "staff": "b",
            "service": "pension",
        },
    ]
    _, f = run(Daybook(), ratings=ratings)
    t = f[("total", "")]
    assert t["rating_counts"] == {"5": 1, "4": 1, "3": 0, "2": 0, "1": 1}
    assert (t["ratings"], t["bad"], t["good_rate"], t["satisfied_rate"]) == (3, 1, 2 / 3, 2 / 3)
    assert t["bad_reasons"]["attitude"] == 1 and t["bad_reasons"]["language"] == 0
    assert f[("staff", "b")]["bad"] == 1 and f[("window", "1")]["good_rate"] == 1.0


def test_a_tally_survives_its_stored_row():
    book = (
        Daybook()
        .ticket("issued", "09:00", "A001", "consult")
        .ticket("called", "09:07:30", "A001", window=1)
        .ticket("finished", "09:20", "A001", window=1)
    )
    day, _ = run(book.close())
    from queue_server.core.reports.tally import Tally

    for tally in day.tallies.values():
        assert Tally.from_row(tally.row()) == tally


def test_histogram_edges():
    h = 0
    for s in (0, 15, 16, 1800, 1801, 50000):
        h = histogram.add(h, s)
    cs = histogram.counts(h)
    assert cs[0] == 1 and cs[1] == 1 and cs[2] == 1  # 0 | (0, 15] | (15, 30]
    assert histogram.percentile(h, 1.0, 50000) == 50000  # above the last edge: the maximum
    assert histogram.over(h, 1800) == 2 and histogram.over(h, 15) == 4
    assert histogram.decode(histogram.encode(h)) == h


def test_bookings_by_what_became_of_them():
    from queue_server.core.reports.bookings import booking_figures

    rows = [
        ("pension", "checked_in", True),
        ("pension", "late", True),
        ("pension", "booked", True),  # the slot ended and nobody came: a no-show
        ("pension", "booked", False),  # still to come
        ("card", "no_show", True),
        ("card", "cancelled", False),
    ]
    f = booking_figures(rows)
    assert (
        f["bookings"],
        f["checked_in"],
        f["late"],
        f["no_show"],
        f["booked"],
        f["cancelled"],
    ) == (6, 1, 1, 2, 1, 1)
    assert f["no_show_rate"] == 2 / 4
    by = {r["key"]: r for r in f["by_service"]}
    assert by["pension"]["no_show_rate"] == 1 / 3 and by["card"]["no_show_rate"] == 1.0
