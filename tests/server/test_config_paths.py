"""Relative paths in a config file mean "beside the config file", resolved once when it is loaded,
whatever the working directory of the process (issue 9, defect 2)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from kiosk.config import load_config
from queue_server.configfile import load_settings, resolve_paths
from queue_server.core.settings import setting
from tests.support.live_server import BIN, EXAMPLE, PASSWORD, free_port

KIOSK_EXAMPLE = EXAMPLE.parent / "kiosk.example.toml"


def hall_config(folder: Path, **keys: str) -> Path:
    """The example hall config copied into ``folder`` with some ``[hall]`` keys replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    for key, value in keys.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        assert n == 1, key
    path = folder / "hall.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_relative_paths_in_the_file_are_relative_to_its_folder(tmp_path, monkeypatch):
    cfg = hall_config(tmp_path / "etc", data_dir='"data"', faq_file='"../share/faq.toml"')
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace('segment_dir = ""', 'segment_dir = "clips"'),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path / "etc")  # a relative config path and a cwd that is not the repo
    s = load_settings("hall.toml", environ={})
    assert s.hall.data_dir == str(tmp_path / "etc" / "data")
    assert s.hall.faq_file == str(tmp_path / "share" / "faq.toml")
    assert s.voice.segment_dir == str(tmp_path / "etc" / "clips")


def test_defaults_and_empty_paths(tmp_path):
    cfg = hall_config(tmp_path / "etc")
    text = re.sub(r"(?m)^(data_dir|faq_file) = .*\n", "", cfg.read_text(encoding="utf-8"))
    cfg.write_text(text, encoding="utf-8")
    s = load_settings(cfg, environ={})
    assert s.hall.data_dir == str(tmp_path / "etc" / "var" / "hall")  # the default, beside the file
    assert s.hall.faq_file == str(tmp_path / "etc" / "faq.toml")
    assert s.voice.segment_dir == ""  # empty stays empty (engine espeak)


def test_relative_path_in_the_environment_is_relative_to_the_working_directory(
    tmp_path, monkeypatch
):
    cfg = hall_config(tmp_path / "etc")
    monkeypatch.chdir(tmp_path)
    s = load_settings(cfg, environ={"HALLQUEUE_HALL_DATA_DIR": "run/hall"})
    assert s.hall.data_dir == str(tmp_path / "run" / "hall")


def test_printer_url_settings_resolve_their_folder_only(tmp_path):
    @dataclass(frozen=True, kw_only=True)
    class Printers:
        a: str = setting(help="x", path="printer_url")
        b: str = setting(help="x", path="printer_url")
        c: str = setting(help="x", path="printer_url")
        d: str = setting(help="x", path="printer_url")

    p = resolve_paths(
        Printers(
            a="virtual://out/desk",
            b="file://lp0?x",
            c="tcp://10.0.0.9:9100",
            d="virtual:///abs/dir",
        ),
        tmp_path,
    )
    assert p.a == f"virtual://{tmp_path / 'out' / 'desk'}"
    assert p.b == f"file://{tmp_path / 'lp0'}?x"
    assert (p.c, p.d) == ("tcp://10.0.0.9:9100", "virtual:///abs/dir")


def test_the_example_configs_find_the_shipped_files_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(EXAMPLE, environ={})
    root = EXAMPLE.parent.parent
    assert s.hall.faq_file == str(EXAMPLE.parent / "faq.toml") and Path(s.hall.faq_file).is_file()
    assert s.hall.data_dir == str(root / "var" / "demo")
    k = load_config(KIOSK_EXAMPLE)
    assert k.printer_url == f"virtual://{root / 'var' / 'demo' / 'printer'}"


def test_kiosk_paths_file_relative_to_its_folder_flags_to_the_working_directory(
    tmp_path, monkeypatch
):
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "kiosk.toml").write_text(
        '[kiosk]\ntoken_file = "kiosk.token"\nlog_file = "log/kiosk.log"\n'
        'printer_url = "virtual://out?x"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    k = load_config(etc / "kiosk.toml")
    assert k.token_file == str(etc / "kiosk.token")
    assert k.log_file == str(etc / "log" / "kiosk.log")
    assert k.printer_url == f"virtual://{etc / 'out'}?x"
    k = load_config(etc / "kiosk.toml", token_file="t.token", printer_url="file://spool/lp0")
    assert k.token_file == str(tmp_path / "t.token")
    assert k.printer_url == f"file://{tmp_path / 'spool' / 'lp0'}"
    k = load_config(etc / "kiosk.toml", printer_url="tcp://10.0.0.5:9100")
    assert k.printer_url == "tcp://10.0.0.5:9100"


# --- a real server, started from another folder ----------------------------------------------


@pytest.fixture
def served_elsewhere(tmp_path):
    """`queue-server serve --config ../conf/hall.toml` with data_dir "var/hall", run from a
    folder that is neither the repository nor the config's: the operator's situation."""
    conf = tmp_path / "conf"
    cfg = hall_config(conf, data_dir='"var/hall"', issue_outside_hours="true")
    shutil.copy(EXAMPLE.parent / "faq.toml", conf / "faq.toml")
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    rel = os.path.relpath(cfg, cwd)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HALLQUEUE_")}

    def cli(*args, stdin=None):
        return subprocess.run(
            [str(BIN), *args, "--config", rel],
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    cli("create-user", "win1", "--role", "window", "--password-stdin", stdin=PASSWORD + "\n")
    token = cli("create-device", "kiosk-1", "--kind", "kiosk").strip().splitlines()[-1]
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN), "serve", "--config", rel, "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        try:
            if requests.get(f"{url}/api/v1/hall", timeout=1).ok:
                break
        except requests.RequestException:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
    yield {"url": url, "token": token, "conf": conf, "cwd": cwd}
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def test_a_call_is_heard_and_the_display_font_served_when_run_from_another_folder(served_elsewhere):
    url, conf, cwd = served_elsewhere["url"], served_elsewhere["conf"], served_elsewhere["cwd"]
    staff = requests.Session()
    staff.post(
        f"{url}/api/v1/auth/login", json={"username": "win1", "password": PASSWORD}, timeout=5
    ).raise_for_status()
    staff.post(f"{url}/api/v1/windows/1/open", json={}, timeout=5).raise_for_status()
    r = requests.post(
        f"{url}/api/v1/tickets",
        json={"service": "consult", "request_id": uuid.uuid4().hex},
        headers={"Authorization": f"Bearer {served_elsewhere['token']}"},
        timeout=5,
    )
    assert r.status_code == 201, r.text
    call = staff.post(f"{url}/api/v1/windows/1/call-next", json={}, timeout=5)
    assert call.status_code == 200 and call.json()["number"] == r.json()["number"]
    event_id = requests.get(f"{url}/api/v1/display/state", timeout=5).json()["last_event_id"]

    wav = requests.get(f"{url}/api/v1/announcements/{event_id}.wav", timeout=30)
    assert wav.status_code == 200, wav.text
    assert wav.content[:4] == b"RIFF" and wav.content[8:12] == b"WAVE"
    font = requests.get(f"{url}/display/fonts/hallsans.ttf", timeout=60)
    assert font.status_code == 200, font.text
    assert font.content[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    # Everything landed beside the config, nothing in the working directory.
    assert (conf / "var" / "hall" / "hall.db").is_file()
    assert list((conf / "var" / "hall" / "voice").rglob("*.wav"))  # the phrases of the call
    assert list((conf / "var" / "hall" / "fonts").glob("*.ttf"))
    assert list(cwd.iterdir()) == []
    faq = requests.get(f"{url}/api/v1/faq", params={"q": "ylbx"}, timeout=5).json()
    assert faq["entries"], "the FAQ beside the config was not found"
