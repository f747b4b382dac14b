"""check-config warns about settings that are valid but wrong for a real hall (issue 9, defect 6);
the example ships safe values and the demo sets its own."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from queue_server.configfile import check_config, load_settings
from queue_server.core.hazards import hazards, unreachable_host
from queue_server.core.settings import SettingsError
from queue_server.demo import demo_env

from ..conftest import EXAMPLE_CONFIG

QS = [sys.executable, "-m", "queue_server"]
BASE = EXAMPLE_CONFIG.read_text(encoding="utf-8")


def config(tmp_path: Path, **keys: str) -> Path:
    text = BASE
    for key, value in keys.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        assert n == 1, key
    path = tmp_path / "hall.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "faq.toml").write_text(
        (EXAMPLE_CONFIG.parent / "faq.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return path


def check_cli(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*QS, "check-config", "--config", str(path)], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://127.0.0.1:8080", "loopback"),
        ("http://127.3.4.5", "loopback"),
        ("http://localhost:8080", "loopback"),
        ("http://[::1]:8080/", "loopback"),
        ("http://0.0.0.0:8080", "unspecified"),
        ("http://hall-server.example:8080", "placeholder"),
        ("https://queue.example.com", "placeholder"),
        ("http://192.0.2.10", "placeholder"),
        ("ftp://10.0.0.2", "scheme"),
        ("10.0.0.2:8080", "scheme"),
        ("http://192.168.1.20:8080", None),
        ("https://hall.sz-si.gov.cn", None),
        ("http://10.8.0.3", None),
    ],
)
def test_which_public_urls_phones_cannot_open(url, why):
    assert unreachable_host(url) == why


def test_loopback_url_and_issuing_outside_hours_are_warned_in_both_languages(tmp_path):
    path = config(tmp_path, public_url='"http://127.0.0.1:8080"', issue_outside_hours="true")
    out = check_cli(path)
    assert out.returncode == 0, out.stderr  # warnings do not change the exit code
    assert "hall.public_url: http://127.0.0.1:8080 是本机回环地址" in out.stdout
    assert "is a loopback address" in out.stdout
    assert "hall.issue_outside_hours: 为 true：营业时间外" in out.stdout
    assert "tickets are issued outside opening hours" in out.stdout
    assert "2 条警告" in out.stdout and "2 warning(s)" in out.stdout


def test_a_real_hall_config_has_no_warnings(tmp_path):
    out = check_cli(config(tmp_path, public_url='"http://192.168.10.5:8080"'))
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stdout and "警告" not in out.stdout


def test_the_example_ships_safe_values_and_its_placeholder_is_flagged():
    s = load_settings(EXAMPLE_CONFIG, environ={})
    assert s.hall.issue_outside_hours is False
    assert [h.key for h in hazards(s)] == ["hall.public_url"]
    out = check_cli(EXAMPLE_CONFIG)
    assert out.returncode == 0 and "是示例占位地址" in out.stdout


def test_the_demo_sets_its_own_values_over_the_safe_example():
    url = "http://127.0.0.1:8080"
    s = load_settings(EXAMPLE_CONFIG, environ=demo_env(url))
    assert s.hall.issue_outside_hours is True and s.hall.public_url == url


def test_the_faq_file_is_checked_too(tmp_path):
    path = config(tmp_path)
    (tmp_path / "faq.toml").write_text(
        '[[topics]]\ncode="a"\nname={zh_CN="甲"}\n[[entries]]\nid="x"\n'
        'topic="b"\nquestion="q"\nanswer="a"\n',
        encoding="utf-8",
    )
    with pytest.raises(SettingsError, match=r"unknown topic 'b'"):
        check_config(path, environ={})
    out = check_cli(path)
    assert out.returncode == 1 and "hall.faq_file" in out.stderr and "Traceback" not in out.stderr
    (tmp_path / "faq.toml").unlink()
    out = check_cli(path)
    assert out.returncode == 0 and "政策问答将为空" in out.stdout
