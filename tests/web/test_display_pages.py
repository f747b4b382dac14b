"""The display pages and the announcement route through the real Flask app and SQLite."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from queue_server.configfile import load_settings
from queue_server.core.settings import Settings, SettingsError, VoiceSettings, build
from queue_server.web import create_app
from queue_server.i18n import translate
from queue_server.web.page_text import DISPLAY_TEXT, display_messages
from tests.conftest import EXAMPLE_CONFIG


def page_config(html: str) -> dict:
    m = re.search(r'<script id="page-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_the_board_is_chinese_and_loads_nothing_from_elsewhere(client, settings):
    r = client.get("/display", headers={"Accept-Language": "en-US"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert settings.hall.name in html
    assert "正在呼叫" in html and "最近叫号" in html
    for url in re.findall(r'(?:src|href)="([^"]*)"', html) + re.findall(r'url\("([^"]*)"\)', html):
        assert url.startswith("/") or url.startswith("data:") or url.startswith("?"), url
    cfg = page_config(html)
    assert cfg["voice"] == {"repeat": settings.voice.repeat, "chime": settings.voice.chime}
    assert [s["code"] for s in cfg["services"]] == [s.code for s in settings.services]


def test_every_script_style_and_sound_of_the_pages_is_served(client):
    for page in ("/display", "/display/window/3"):
        html = client.get(page).get_data(as_text=True)
        for url in re.findall(r'(?:src|href)="(/display/static/[^"]*)"', html):
            with client.get(url) as r:
                assert r.status_code == 200, url
    cfg = page_config(client.get("/display").get_data(as_text=True))
    with client.get(cfg["chime_url"]) as r:
        assert r.status_code == 200 and r.data[:4] == b"RIFF"


def test_the_board_can_show_one_zone_and_english(client):
    cfg = page_config(client.get("/display?zone=A区&lang=en").get_data(as_text=True))
    assert cfg["zone"] == "A区"
    assert cfg["t"]["now_calling"] == "Now calling"


def test_a_window_screen_names_its_window(client):
    html = client.get("/display/window/3").get_data(as_text=True)
    assert "3号窗口" in html and "养老保险窗口" in html


def test_an_unknown_window_screen_is_a_plain_chinese_404(client):
    r = client.get("/display/window/99")
    assert r.status_code == 404
    assert "没有" in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)


def test_the_status_page_shows_the_ticket_without_personal_data(app, hall, client):
    view, _ = hall.queue.issue(
        "pension", "req-status-001", channel="guide", priority_reason="pregnant"
    )
    html = client.get(f"/t/{view['id']}").get_data(as_text=True)
    assert view["number"] in html and "养老保险" in html
    cfg = page_config(html)
    assert set(cfg["ticket"]) == {
        "number",
        "service",
        "status",
        "ahead",
        "estimated_wait_s",
        "issued_at",
        "called_at",
        "window",
    }
    assert "pregnant" not in html and "guide" not in html


def test_the_status_page_speaks_english_to_an_english_phone(hall, client):
    view, _ = hall.queue.issue("card", "req-status-002")
    html = client.get(f"/t/{view['id']}", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert "Your number" in html and "Social security card" in html
    assert "您的号码" in client.get(f"/t/{view['id']}").get_data(as_text=True)


def test_an_unknown_ticket_gets_a_friendly_page(client):
    r = client.get("/t/not-a-ticket")
    assert r.status_code == 404
    assert "没有找到这张号票" in r.get_data(as_text=True)


def test_announcements_exist_only_for_calls_and_recalls(hall, client):
    hall.queue.set_window_state(3, "open")
    hall.queue.issue("pension", "req-ann-0001")
    issued = hall.store.db.execute("SELECT max(id) FROM events").fetchone()[0]
    r = client.get(f"/api/v1/announcements/{issued}.wav")
    assert r.status_code == 404
    assert r.get_json()["error"]["message"] == f"暂无事件 {issued} 的叫号语音。"
    assert client.get("/api/v1/announcements/abc.wav").status_code == 404
    assert client.get("/api/v1/announcements/999999.wav").status_code == 404
    hall.queue.call_next(3, "win1")
    called = hall.store.db.execute("SELECT max(id) FROM events").fetchone()[0]
    hall.queue.act(3, "recall", "win1")
    recalled = hall.store.db.execute("SELECT max(id) FROM events").fetchone()[0]
    with (
        client.get(f"/api/v1/announcements/{called}.wav") as a,
        client.get(f"/api/v1/announcements/{recalled}.wav") as b,
    ):
        assert a.status_code == b.status_code == 200
        assert a.data[:4] == b"RIFF" and a.data == b.data  # a recall says the same words


def test_a_broken_segment_pack_is_a_503_with_a_chinese_message(tmp_path, settings, clock):
    (tmp_path / "pack" / "zh_CN").mkdir(parents=True)
    s = dataclasses.replace(
        settings, voice=VoiceSettings(engine="segments", segment_dir=str(tmp_path / "pack"))
    )
    app = create_app(s, db_path=tmp_path / "pack.db", clock=clock)
    hall = app.extensions["hall"]
    try:
        hall.queue.set_window_state(3, "open")
        hall.queue.issue("pension", "req-pack-0001")
        hall.queue.call_next(3, "x")
        called = hall.store.db.execute("SELECT max(id) FROM events").fetchone()[0]
        r = app.test_client().get(f"/api/v1/announcements/{called}.wav")
        assert r.status_code == 503
        assert r.get_json()["error"]["message"] == "叫号语音生成失败，请查看服务器日志。"
    finally:
        hall.close()


def test_the_announcement_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/announcements/{event_id}.wav" in paths


def test_the_pages_texts_come_from_the_catalogs_in_every_language():
    zh, en, ug = (display_messages(lang) for lang in ("zh_CN", "en", "ug"))
    assert zh.keys() == en.keys() == ug.keys() == DISPLAY_TEXT.keys()
    assert zh["now_calling"] == "正在呼叫" and en["now_calling"] == "Now calling"
    # Uyghur has its own text for every key (a missing one would fall back to Chinese)
    untranslated = [k for k in ug if ug[k] == zh[k] or not re.search("[\u0600-\u06ff]", ug[k])]
    assert not untranslated
    for key, msgid in DISPLAY_TEXT.items():
        wanted = set(re.findall(r"\{(\w+)\}", msgid))
        assert all(set(re.findall(r"\{(\w+)\}", m[key])) == wanted for m in (zh, en, ug)), key


def test_the_static_catalog_copy_is_gone():
    static = Path(__file__).resolve().parents[2] / "queue_server/web/static/display"
    assert not (static / "i18n.json").exists()


def test_a_uyghur_phone_gets_the_status_page_in_uyghur_right_to_left(hall, client):
    view, _ = hall.queue.issue("card", "req-status-ug1")
    r = client.get(f"/t/{view['id']}", headers={"Accept-Language": "ug-CN,ug;q=0.9,zh;q=0.5"})
    html = r.get_data(as_text=True)
    assert '<html lang="ug" dir="rtl">' in html
    assert "نومۇرىڭىز" in html and "您的号码" not in html
    assert page_config(html)["t"] == display_messages("ug")
    # the switcher offers the hall's other languages, each named in itself
    assert 'href="?lang=zh_CN">中文<' in html and 'href="?lang=en">English<' in html


def test_the_status_page_and_the_api_negotiate_the_language_alike(hall, client):
    view, _ = hall.queue.issue("card", "req-status-ug2")
    for header, lang in (("fr, ug;q=0.5", "ug"), ("de", "zh_CN"), ("en;q=0.1, zh-CN", "zh_CN")):
        html = client.get(f"/t/{view['id']}", headers={"Accept-Language": header}).get_data(
            as_text=True
        )
        assert page_config(html)["lang"] == lang, header
        error = client.get("/api/v1/tickets/nope", headers={"Accept-Language": header})
        assert error.get_json()["error"]["message"] == translate("No such ticket.", lang)


def test_a_hall_screen_stays_chinese_whatever_the_browser_says(client):
    html = client.get("/display", headers={"Accept-Language": "ug"}).get_data(as_text=True)
    assert '<html lang="zh-CN" dir="ltr">' in html
    html = client.get("/display?lang=ug").get_data(as_text=True)
    assert '<html lang="ug" dir="rtl">' in html and "يېقىنقى چاقىرىقلار" in html


def test_the_display_font_is_served_and_covers_the_hall_text(client, settings):
    from fontTools.ttLib import TTFont

    with client.get("/display/fonts/hallsans.ttf") as r:
        assert r.status_code == 200 and r.mimetype == "font/ttf"
        data = r.data
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    text = settings.hall.name + "".join(display_messages("zh_CN").values()) + "号窗口等候人B012"
    missing = {ch for ch in text if ord(ch) > 0x20 and ord(ch) not in cmap}
    assert not missing
    assert len(list((Path(settings.hall.data_dir) / "fonts").glob("*.ttf"))) == 1


# --- settings ----------------------------------------------------------------------------------


def test_every_voice_setting_is_in_the_example_config():
    with open(EXAMPLE_CONFIG, "rb") as fh:
        example = tomllib.load(fh)["voice"]
    assert set(example) == {f.name for f in fields(VoiceSettings)}
    assert load_settings(EXAMPLE_CONFIG, environ={}).voice.languages[0] == "zh_CN"


@pytest.mark.parametrize(
    "voice, key",
    [
        ({"languages": ["fr"]}, "voice.languages"),
        ({"languages": []}, "voice.languages"),
        ({"engine": "segments"}, "voice.segment_dir"),
        ({"repeat": 0}, "voice.repeat"),
        ({"engine": "festival"}, "voice.engine"),
    ],
)
def test_bad_voice_settings_name_the_key(voice, key):
    with open(EXAMPLE_CONFIG, "rb") as fh:
        data = tomllib.load(fh)
    data["voice"] = voice
    with pytest.raises(SettingsError) as exc:
        build(Settings, data, "hall.toml")
    assert exc.value.key == key
