"""Device URLs and the kiosk config keys idcard_reader / qr_scanner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.devices.errors import BadDeviceURL
from kiosk.devices.urls import parse_device_url

ROOT = Path(__file__).resolve().parents[3]


def test_none_and_empty_mean_no_device():
    for text in ("none", "", " NONE "):
        assert parse_device_url(text, "idcard").scheme == "none"
        assert parse_device_url(text, "scanner").scheme == "none"


def test_a_serial_reader_url_with_its_settings():
    url = parse_device_url(
        "serial:///dev/ttyUSB0?baudrate=57600&poll_ms=200&timeout_ms=800", "idcard"
    )
    assert (url.scheme, url.path, url.baud, url.poll_ms, url.timeout_ms) == (
        "serial",
        "/dev/ttyUSB0",
        57600,
        200,
        800,
    )


def test_baud_as_in_printer_urls_and_the_defaults_per_device():
    assert parse_device_url("serial:///dev/ttyS1?baud=9600", "idcard").baud == 9600
    assert parse_device_url("serial:///dev/ttyS1", "idcard").baud == 115200
    assert parse_device_url("serial:///dev/ttyACM0", "scanner").baud == 9600
    assert parse_device_url("serial://var/demo/idcard", "idcard").path == "var/demo/idcard"


def test_keyboard_is_for_the_scanner_only():
    assert parse_device_url("keyboard?gap_ms=300", "scanner").gap_ms == 300
    with pytest.raises(BadDeviceURL) as caught:
        parse_device_url("keyboard", "idcard")
    assert "身份证阅读器地址无效" in caught.value.message_zh
    assert "ID card reader" in caught.value.message_en


@pytest.mark.parametrize(
    "text, kind, says",
    [
        ("serial", "idcard", "串口路径"),
        ("serial:///dev/x?baudrate=12345", "idcard", "波特率 12345 不支持"),
        ("serial:///dev/x?poll_ms=10", "idcard", "poll_ms 应为 100–5000"),
        ("serial:///dev/x?baud=9600&baudrate=115200", "idcard", "不一致"),
        ("serial:///dev/x?poll_ms=300", "scanner", "不认识的参数 poll_ms"),
        ("tcp://10.0.0.9:9100", "scanner", "不支持的类型 'tcp'"),
        ("/dev/ttyUSB0", "idcard", "不支持的类型"),
    ],
)
def test_bad_urls_say_why_in_chinese_and_english(text, kind, says):
    with pytest.raises(BadDeviceURL) as caught:
        parse_device_url(text, kind)
    assert says in caught.value.message_zh and caught.value.message_en
    assert "examples:" in caught.value.detail


def test_the_config_keys_default_to_no_device_and_are_in_the_example_file():
    assert (KioskConfig().idcard_reader, KioskConfig().qr_scanner) == ("none", "none")
    cfg = load_config(ROOT / "config" / "kiosk.example.toml")
    assert (cfg.idcard_reader, cfg.qr_scanner) == ("none", "none")
    readme = (ROOT / "kiosk" / "README.md").read_text(encoding="utf-8")
    assert "idcard_reader" in readme and "qr_scanner" in readme


def test_a_bad_device_url_stops_the_kiosk_at_start_naming_the_key(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[kiosk]\nidcard_reader = "serial:///dev/ttyUSB0?baud=7"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="kiosk.idcard_reader: 身份证阅读器地址无效"):
        load_config(cfg)
    cfg.write_text(
        '[kiosk]\nqr_scanner = "keyboard"\nidcard_reader = "serial:///dev/ttyS0"\n',
        encoding="utf-8",
    )
    assert load_config(cfg).qr_scanner == "keyboard"


def test_the_device_package_needs_neither_kivy_nor_flask():
    probe = (
        "import sys, kiosk.devices, kiosk.devices.idcard, kiosk.devices.qrscanner, "
        "kiosk.devices.fakes; print(sorted(m for m in ('kivy', 'flask', 'serial') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"  # pyserial too: only a serial:// device imports it
