"""The bureau's dashboard (Flask test client, real PostgreSQL fed by the real shipper): the
bureau role only, every hall's live state, the figures side by side and their XLSX, §4.2,
bad input and a city database that is down answered in words."""

from __future__ import annotations

import io

import psycopg
import pytest
from openpyxl import load_workbook

from queue_server.city import derived
from queue_server.city.accounts import save_user
from queue_server.city.dashboard import create_city_app
from queue_server.city.db import connect
from queue_server.core.settings import consulting_windows_required
from tests.city.test_shipper import HALL_ID, city_settings, ship_all

PASSWORD = "bureau-pass-2026"


@pytest.fixture
def city(morning, settings, db_path, city_dsn) -> str:
    ship_all(city_settings(settings, city_dsn), db_path)
    with connect(city_dsn) as conn:
        derived.refresh_all(conn)
        save_user(conn, "bureau1", PASSWORD, "bureau", "王科长")
    return city_dsn


def _app(dsn, clock):
    return create_city_app(dsn, clock=clock, secret_key="test", test_config={"TESTING": True})


@pytest.fixture
def bureau(city, clock):
    c = _app(city, clock).test_client()
    r = c.post("/api/login", json={"username": "bureau1", "password": PASSWORD})
    assert r.status_code == 200, r.get_json()
    return c


def test_anonymous_readers_are_sent_to_the_login_or_answered_401(city, clock):
    c = _app(city, clock).test_client()
    r = c.get("/figures?from=2026-11-24")
    assert r.status_code == 302 and "/login?next=/figures" in r.headers["Location"]
    r = c.get("/api/live")
    assert r.status_code == 401 and r.get_json()["error"]["message"] == "请先登录。"


def test_a_wrong_password_is_refused_in_words(city, clock):
    c = _app(city, clock).test_client()
    r = c.post("/api/login", json={"username": "bureau1", "password": "guess-guess-1"})
    assert r.status_code == 401
    assert r.get_json()["error"]["message"] != "Wrong user name or password."  # Chinese
    r = c.post("/api/login", json={"username": "nobody", "password": PASSWORD})
    assert r.status_code == 401
    assert c.get("/api/live").status_code == 401


def test_a_role_other_than_bureau_is_forbidden(city, clock):
    c = _app(city, clock).test_client()
    with c.session_transaction() as s:
        s["role"] = "window"
    r = c.get("/api/live")
    assert r.status_code == 403 and r.get_json()["error"]["message"] == "本页面仅供市局使用。"


def test_the_live_state_of_the_hall(bureau, settings):
    (hall,) = bureau.get("/api/live").get_json()["halls"]
    assert hall["hall_id"] == HALL_ID and hall["name"] == settings.hall.name
    assert hall["waiting_total"] == 0 and hall["open_windows"] == 1
    assert hall["lag_events"] == 0 and hall["silent"] is False
    assert hall["ledger"] == {"hall_id": HALL_ID, "overdue": 0, "due_today": 0, "open": 1}
    need = consulting_windows_required(settings.hall.city_tier, settings.hall.insured_population)
    assert (hall["consulting_required"], hall["consulting_short"]) == (need, False)


def test_a_hall_short_of_consulting_windows_is_marked(bureau, city):
    with psycopg.connect(city) as conn:
        conn.execute("UPDATE halls SET insured_population = 2000000")
    (hall,) = bureau.get("/api/live").get_json()["halls"]
    assert hall["consulting_required"] == consulting_windows_required("large", 2_000_000) > 2
    assert hall["consulting_short"] is True
    page = bureau.get("/").get_data(as_text=True)
    assert "不足" in page and "咨询窗口（§4.2）" in page


def test_the_days_figures_side_by_side(bureau):
    body = bureau.get("/api/figures?from=2026-11-24&to=2026-11-24").get_json()
    (row,) = body["halls"]
    picked = {k: row[k] for k in ("issued", "served", "cancelled", "ratings", "bad_ratings")}
    assert picked == {"issued": 5, "served": 4, "cancelled": 1, "ratings": 4, "bad_ratings": 1}
    assert row["rating_mean"] == 3.75 and row["wait_max_s"] == 25 * 60
    assert row["wait_p90_s"] == 25 * 60  # waits 4, 11, 18, 25 min: the 4th by nearest rank
    empty = bureau.get("/api/figures?from=2026-10-01&to=2026-10-31").get_json()["halls"]
    assert empty[0]["issued"] == 0 and empty[0]["wait_mean_s"] is None


def test_the_xlsx_export_has_chinese_headers_and_the_figures(bureau, settings):
    r = bureau.get("/figures.xlsx?from=2026-11-24&to=2026-11-24")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.data)).active
    header, row = [c.value for c in ws[1]], [c.value for c in ws[2]]
    assert header[:3] == ["大厅", "取号数", "办结数"] and "差评数" in header
    assert row[0] == settings.hall.name and row[1] == 5 and row[2] == 4
    assert row[header.index("最长等候（分钟）")] == 25.0


@pytest.mark.parametrize(
    "query, words",
    [
        ("from=24-11-2026", "日期格式为 YYYY-MM-DD。"),
        ("from=2026-11-24&to=2026-11-01", "开始日期晚于结束日期。"),
        ("from=2020-01-01&to=2026-01-01", "最多选择 366 天。"),
    ],
)
def test_a_bad_range_is_answered_in_words(bureau, query, words):
    r = bureau.get(f"/api/figures?{query}")
    assert r.status_code == 422 and r.get_json()["error"]["message"] == words
    page = bureau.get(f"/figures?{query}")
    assert page.status_code == 422 and words in page.get_data(as_text=True)


def test_the_city_database_down_is_a_503_in_words(clock):
    c = _app("postgresql://nobody@127.0.0.1:1/none", clock).test_client()
    with c.session_transaction() as s:
        s["role"] = "bureau"
    r = c.get("/api/live")
    assert r.status_code == 503
    assert r.get_json()["error"]["message"] == "暂时无法连接市级数据库，请稍后再试。"
    assert c.get("/").status_code == 503


def test_pages_carry_a_content_security_policy(bureau):
    r = bureau.get("/")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_failed_logins_are_slowed_down_per_name_and_address(city, clock):
    c = _app(city, clock).test_client()
    for _ in range(5):
        r = c.post("/api/login", json={"username": "bureau1", "password": "guess-guess-1"})
        assert r.status_code == 401
    r = c.post("/api/login", json={"username": "bureau1", "password": PASSWORD})
    assert r.status_code == 429  # even the right password waits
    assert r.get_json()["error"]["message"] == "登录失败次数过多，请 30 秒后再试。"
    other = c.post("/api/login", json={"username": "bureau2", "password": "guess-guess-1"})
    assert other.status_code == 401  # another name is not held up
    clock.advance(seconds=31)
    r = c.post("/api/login", json={"username": "bureau1", "password": PASSWORD})
    assert r.status_code == 200
