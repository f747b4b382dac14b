"""The report API on a hand-made day through the real app: today live, the same day stored
after it closed, the roles, and the wait estimates recorded at issue."""

from __future__ import annotations

from ..conftest import login

DAY = "2026-11-24"


def summary(client, day_from=DAY, day_to=None):
    r = client.get(f"/api/v1/reports/summary?from={day_from}&to={day_to or day_from}")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def row(s, dim, key):
    return next(r for r in s[f"by_{dim}"] if r["key"] == key)


def check_the_small_day(s):
    t = s["totals"]
    assert (t["issued"], t["called"], t["served"], t["no_show"], t["cancelled"]) == (4, 3, 2, 1, 1)
    assert t["abandoned"] == 2 and t["abandon_rate"] == 0.5  # A002 never came, A003 left
    waits = (t["wait_mean_s"], t["wait_p50_s"], t["wait_p90_s"], t["wait_max_s"])
    assert waits == (420, 360, 600, 600)
    assert (t["service_n"], t["service_mean_s"], t["service_p90_s"]) == (2, 510, 720)
    assert t["priority"] == 1 and t["no_show_rate"] == 1 / 3
    assert row(s, "service", "consult")["issued"] == 3
    assert row(s, "service", "pension")["issued"] == 1
    assert row(s, "channel", "guide")["issued"] == 1 and row(s, "channel", "kiosk")["issued"] == 3
    assert row(s, "priority", "priority")["wait_mean_s"] == 360
    w1, w4 = row(s, "window", "1"), row(s, "window", "4")
    assert (w1["called"], w1["served"], w1["no_show"]) == (2, 1, 1)
    assert (w4["called"], w4["served"], w4["service_mean_s"]) == (1, 1, 720)
    if s["live"]:  # at 10:00: 08:30–09:00 closed, then open
        assert (w1["open_s"], w1["closed_s"], w1["paused_s"]) == (3600, 1800, 0)
    else:  # left open until the day closed: the rest of the opening hours open
        assert (w1["open_s"], w1["closed_s"]) == (7.5 * 3600 - 1800, 1800)
    assert row(s, "staff", "win1")["served"] == 1 and row(s, "staff", "win4")["served"] == 1
    assert row(s, "staff", "win1")["name"] == "win1"
    assert (t["ratings"], t["bad"], t["good_rate"]) == (2, 1, 0.5)
    assert t["bad_reasons"]["attitude"] == 1
    assert [b["ticket_number"] for b in s["bad_list"]] == ["B001"]
    assert row(s, "hour", "09")["issued"] == 4
    assert row(s, "service", "consult")["name"]["zh_CN"] == "咨询 / 查询打印"


def test_today_is_live_and_the_stored_day_gives_the_same_figures(
    small_day, supervisor_client, clock
):
    live = summary(supervisor_client)
    assert live["live"] is True
    check_the_small_day(live)
    clock.advance(days=1)  # Wednesday: Tuesday has closed and is read from report_days
    login(supervisor_client, "sup1")
    stored = summary(supervisor_client)
    assert stored["live"] is False
    check_the_small_day(stored)
    assert [d["day"] for d in stored["trend"]] == [DAY]
    assert stored["trend"][0]["issued"] == 4 and stored["trend"][0]["wait_p90_s"] == 600


def test_a_range_merges_days_and_keeps_a_trend(small_day, supervisor_client, hall, clock):
    clock.advance(days=1)
    login(supervisor_client, "sup1")
    hall.queue.set_window_state(1, "open", "win1")  # Wednesday 10:00
    hall.queue.issue("consult", "req-w-001")
    clock.advance(minutes=20)
    hall.queue.call_next(1, "win1")
    s = summary(supervisor_client, DAY, "2026-11-25")
    assert s["totals"]["issued"] == 5 and s["totals"]["wait_max_s"] == 1200
    assert [d["day"] for d in s["trend"]] == [DAY, "2026-11-25"]
    assert [d["issued"] for d in s["trend"]] == [4, 1]
    assert s["heatmap"]["weekdays"] == [1, 2] and s["heatmap"]["hours"] == ["09", "10"]
    assert s["heatmap"]["cells"] == [[4.0, 0.0], [0.0, 1.0]]


def test_the_estimate_given_at_issue_is_kept_and_measured(small_day, supervisor_client, hall):
    est = {
        r["number"]: r["estimated_wait_s"]
        for r in hall.store.db.query("SELECT number, estimated_wait_s FROM tickets")
    }
    assert est["A001"] == 0 and est["B001"] == 0  # a free open window: no wait promised
    t = summary(supervisor_client)["totals"]
    assert t["est_n"] == 3
    # A001: 0 vs 300 s, B001: 0 vs 360 s, A002 promised est["A002"] and waited 600 s
    assert t["est_mae_s"] == round((300 + 360 + abs(est["A002"] - 600)) / 3, 1)


def test_roles(supervisor_client, guide_client, window_client, admin_client, client):
    assert summary(admin_client)["totals"]["issued"] == 0
    assert summary(supervisor_client)["totals"]["issued"] == 0
    for c, status in ((guide_client, 403), (window_client, 403), (client, 401)):
        assert c.get("/api/v1/reports/summary").status_code == status
        assert c.get("/api/v1/reports/export.xlsx").status_code == status
    assert supervisor_client.get("/admin/reports").status_code == 200
    assert guide_client.get("/admin/reports").status_code == 403
    assert supervisor_client.get("/admin").status_code == 403  # reports only, no administration
    assert supervisor_client.post("/api/v1/windows/1/open", json={}).status_code == 403


def test_bad_ranges_are_422_with_the_field(supervisor_client):
    r = supervisor_client.get("/api/v1/reports/summary?from=2026-11-25&to=2026-11-24")
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "from"
    r = supervisor_client.get("/api/v1/reports/summary?from=2010-01-01&to=2026-11-24")
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "to"
    r = supervisor_client.get("/api/v1/reports/summary?from=yesterday")
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "from"
    r = supervisor_client.get(f"/api/v1/reports/export.csv?from={DAY}&table=nope")
    assert r.status_code == 422 and r.get_json()["error"]["field"] == "table"


def test_the_day_keeper_stores_closed_days_a_few_at_a_time(small_day, hall, clock):
    clock.advance(days=3)  # Tuesday to Thursday have closed (Friday 10:00 now)
    assert hall.reports.catch_up(limit=2) == 2
    assert hall.reports.catch_up(limit=2) == 1
    assert hall.reports.catch_up() == 0
    stored = [r[0] for r in hall.store.db.execute("SELECT day FROM report_day_state ORDER BY day")]
    assert stored == ["2026-11-24", "2026-11-25", "2026-11-26"]


def test_appointments_in_the_report(small_day, supervisor_client, hall):
    with hall.store.write() as db:  # two bookings of Tuesday: one kept, one missed
        for n, status in ((1, "checked_in"), (2, "booked")):
            db.execute(
                "INSERT INTO appointments (id, code, service, day, slot_start, slot_end, status,"
                " source, id_hmac, id_masked, phone, phone_masked, phone_last4, created_at)"
                " VALUES (?, ?, 'pension', ?, ?, ?, ?, 'guide', 'h', 'm', 'p', 'pm', '0000', ?)",
                [
                    f"a{n}",
                    f"C{n}",
                    DAY,
                    f"{DAY}T09:00:00+08:00",
                    f"{DAY}T09:30:00+08:00",
                    status,
                    f"{DAY}T08:00:00+08:00",
                ],
            )
    a = summary(supervisor_client)["appointments"]
    assert (a["bookings"], a["checked_in"], a["no_show"], a["no_show_rate"]) == (2, 1, 1, 0.5)
    assert a["by_service"][0]["name"]["zh_CN"] == "养老保险"
    page = supervisor_client.get(f"/admin/reports?from={DAY}&to={DAY}").get_data(as_text=True)
    assert 'id="table-appointments"' in page and "50.0%" in page
