"""Content changes without a restart (§8.1.4, issue 9 defect 11): SIGHUP and the admin page
re-read the config, validated first; a bad file keeps the old content and the admin is told why."""

from __future__ import annotations

import html
import json
import re
import shutil
import signal
from pathlib import Path

import pytest
import requests

from queue_server.store import events as event_log
from queue_server.web import create_app
from tests.support.live_server import EXAMPLE, start_server
from tests.support.waiting import wait_for

from ..conftest import PASSWORD, add_staff

NEW_ENTRY = """
[[entries]]
id = "test-reload-01"
topic = "{topic}"
question = "大厅新增的夜间自助服务区几点开放？"
answer = "每天 7:00–22:00 开放。"
basis = "本大厅公告"
"""


def first_topic(faq: Path) -> str:
    return re.search(r'(?m)^code = "([^"]+)"', faq.read_text(encoding="utf-8")).group(1)


def add_faq_entry(faq: Path) -> None:
    faq.write_text(
        faq.read_text(encoding="utf-8") + NEW_ENTRY.format(topic=first_topic(faq)), encoding="utf-8"
    )


@pytest.fixture
def conf(tmp_path) -> Path:
    """The example hall config and its FAQ copied into a folder of their own."""
    folder = tmp_path / "conf"
    folder.mkdir()
    text = re.sub(r"(?m)^data_dir = .*$", 'data_dir = "data"', EXAMPLE.read_text(encoding="utf-8"))
    (folder / "hall.toml").write_text(text, encoding="utf-8")
    shutil.copy(EXAMPLE.parent / "faq.toml", folder / "faq.toml")
    return folder


@pytest.fixture
def app(conf, clock, password_hash):
    app = create_app(conf / "hall.toml", clock=clock, test_config={"TESTING": True})
    hall = app.extensions["hall"]
    add_staff(hall, clock, password_hash, ("admin1", "admin"), ("guide1", "guide"))
    yield app
    hall.close()


def logged_in(app, username: str):
    c = app.test_client()
    r = c.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.get_json()
    return c


def press_reload(client) -> str:
    """The admin page's button: the form with its CSRF token, then the page it leads to."""
    page = client.get("/admin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/admin/reload", data={"csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin#reload")
    return html.unescape(client.get("/admin").get_data(as_text=True))


def faq_ids(client, q: str) -> list[str]:
    return [e["id"] for e in client.get("/api/v1/faq", query_string={"q": q}).get_json()["entries"]]


def test_admin_reload_brings_new_faq_items_and_service_names(app, conf):
    admin = logged_in(app, "admin1")
    assert faq_ids(admin, "夜间自助") == []
    add_faq_entry(conf / "faq.toml")
    cfg = conf / "hall.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8")
        .replace('zh_CN = "社保卡", en', 'zh_CN = "社会保障卡", en')
        .replace('name = { zh_CN = "社保卡挂失"', 'name = { zh_CN = "社会保障卡挂失"'),
        encoding="utf-8",
    )
    page = press_reload(admin)
    assert "已重新加载配置" in page and "政策问答" in page
    assert faq_ids(admin, "夜间自助") == ["test-reload-01"]
    services = {s["code"]: s for s in admin.get("/api/v1/services").get_json()["services"]}
    assert services["card"]["name"]["zh_CN"] == "社会保障卡"  # QueueService sees the new Settings
    items = admin.get("/api/v1/items", query_string={"service": "card"}).get_json()["items"]
    assert "社会保障卡挂失" in {i["name"]["zh_CN"] for i in items}
    hall = app.extensions["hall"]
    reloaded = [e for e in event_log.after(hall.store.db, 0) if e["type"] == "config.reloaded"]
    assert len(reloaded) == 1 and "card" in reloaded[0]["data"]["services"]


@pytest.mark.parametrize(
    "breakage, reason",
    [
        (lambda t: t.replace('prefix = "C"', 'prefix = "B"'), "services[2].prefix"),
        (lambda t: t + "\n[hall\n", "not valid TOML"),
        (
            lambda t: t.replace('services = ["card"]\n', 'services = ["dental"]\n', 1),
            "unknown service 'dental'",
        ),
    ],
)
def test_a_bad_config_keeps_the_old_content_and_the_admin_sees_why(app, conf, breakage, reason):
    admin = logged_in(app, "admin1")
    add_faq_entry(conf / "faq.toml")  # would be loaded if the config were good
    cfg = conf / "hall.toml"
    cfg.write_text(breakage(cfg.read_text(encoding="utf-8")), encoding="utf-8")
    before = app.extensions["hall"].settings
    page = press_reload(admin)
    assert "新配置有误，未重新加载，仍使用原内容。原因：" in page and reason in page
    assert app.extensions["hall"].settings is before
    assert faq_ids(admin, "夜间自助") == []


def test_a_bad_faq_file_keeps_the_old_questions(app, conf):
    admin = logged_in(app, "admin1")
    known = faq_ids(admin, "ylbx")
    assert known
    (conf / "faq.toml").write_text(NEW_ENTRY.format(topic="nosuchtopic"), encoding="utf-8")
    page = press_reload(admin)
    assert "原因：" in page and "unknown topic 'nosuchtopic'" in page
    assert faq_ids(admin, "ylbx") == known
    (conf / "faq.toml").unlink()
    page = press_reload(admin)
    assert "file not found" in page and faq_ids(admin, "ylbx") == known


def test_removing_a_service_or_window_waits_for_a_restart(app, conf):
    admin = logged_in(app, "admin1")
    cfg = conf / "hall.toml"
    text = cfg.read_text(encoding="utf-8")
    gone = text.replace(
        '[[windows]]\nnumber = 2\nname = "综合咨询窗口"\nzone = "A区"\nroom = "101"\n'
        'services = ["consult"]\nkind = "consulting"\n',
        "",
    )
    assert gone != text
    cfg.write_text(gone.replace("windows = [1, 2]", "windows = [1]"), encoding="utf-8")
    page = press_reload(admin)
    assert "window 2 cannot be removed while the server runs" in page
    assert app.extensions["hall"].settings.window(2) is not None


def test_restart_only_settings_keep_their_running_values_and_say_so(app, conf):
    admin = logged_in(app, "admin1")
    cfg = conf / "hall.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8")
        .replace("port = 8080", "port = 8090")
        .replace('notice = "温馨提示', 'notice = "新公告：温馨提示'),
        encoding="utf-8",
    )
    page = press_reload(admin)
    assert "已重新加载配置" in page and "server.port 的修改需重启服务后才生效" in page
    s = app.extensions["hall"].settings
    assert s.server.port == 8080 and s.hall.notice.startswith("新公告")


def test_only_an_admin_with_the_form_token_can_reload(app):
    guide = logged_in(app, "guide1")
    assert guide.post("/admin/reload", data={}).status_code == 403
    admin = logged_in(app, "admin1")
    assert admin.post("/admin/reload", data={"csrf_token": "forged"}).status_code == 400
    assert app.extensions["hall"].last_reload is None
    anonymous = app.test_client()
    assert anonymous.post("/admin/reload").status_code == 302  # to the login page


# --- a real server and SIGHUP ----------------------------------------------------------------


@pytest.fixture
def live(tmp_path):
    srv = start_server(tmp_path)
    srv.create_user("admin1", "admin")
    yield srv
    srv.stop()


def test_sighup_reloads_a_real_server_and_a_bad_file_is_refused_with_a_reason(live):
    def found():
        r = requests.get(f"{live.url}/api/v1/faq", params={"q": "夜间自助"}, timeout=5)
        return [e["id"] for e in r.json()["entries"]]

    faq = live.workdir / "faq.toml"
    add_faq_entry(faq)
    assert found() == []
    live.proc.send_signal(signal.SIGHUP)
    assert wait_for(found, timeout=15) == ["test-reload-01"]

    good = live.config.read_text(encoding="utf-8")
    live.config.write_text(good.replace('prefix = "C"', 'prefix = "B"'), encoding="utf-8")
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("test-reload-01", "test-reload-02"),
        encoding="utf-8",
    )
    live.proc.send_signal(signal.SIGHUP)
    admin = live.login("admin1")

    def told():
        page = html.unescape(admin.get(f"{live.url}/admin", timeout=5).text)
        return "services[2].prefix" in page and page

    page = wait_for(told, timeout=15)
    assert page and "新配置有误，未重新加载，仍使用原内容" in page
    assert found() == ["test-reload-01"]  # the old content stays
    assert live.proc.poll() is None
    state = requests.get(f"{live.url}/api/v1/services", timeout=5).json()
    assert json.dumps(state)  # the server still answers
