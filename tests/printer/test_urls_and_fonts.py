"""Configuration: printer URLs, widths, modes and the Chinese font, with messages for people."""

import pytest

from printer import BadPrinterSetting, BadPrinterURL, FontNotFound, open_printer
from printer import fonts
from printer.blocks import wrap_cells
from printer.urls import parse_url


@pytest.mark.parametrize(
    "url, expected",
    [
        ("tcp://192.168.1.50:9100", dict(scheme="tcp", host="192.168.1.50", port=9100)),
        ("tcp://printer-3", dict(scheme="tcp", host="printer-3", port=9100)),
        (
            "serial:///dev/ttyUSB0?baud=115200&flow=rtscts",
            dict(scheme="serial", path="/dev/ttyUSB0", baud=115200, flow="rtscts"),
        ),
        ("serial:///dev/ttyS1", dict(scheme="serial", path="/dev/ttyS1", baud=9600, flow="none")),
        ("usb://04b8:0202", dict(scheme="usb", vendor_id=0x04B8, product_id=0x0202)),
        ("file:///dev/usb/lp0", dict(scheme="file", path="/dev/usb/lp0")),
        ("virtual:///var/demo/printer", dict(scheme="virtual", path="/var/demo/printer")),
        ("virtual://var/demo/printer", dict(scheme="virtual", path="var/demo/printer")),
    ],
)
def test_printer_urls_are_understood(url, expected):
    parsed = parse_url(url)
    assert {k: getattr(parsed, k) for k in expected} == expected


@pytest.mark.parametrize(
    "url",
    [
        "192.168.1.50",
        "lpt://x",
        "tcp://",
        "tcp://host:99999",
        "tcp://host:abc",
        "tcp://host/path",
        "serial://",
        "serial:///dev/ttyUSB0?baud=12345",
        "serial:///dev/ttyUSB0?flow=magic",
        "serial:///dev/ttyUSB0?speed=9600",
        "usb://epson",
        "usb://04b8",
        "usb://zzzz:0202",
        "file://",
    ],
)
def test_bad_urls_raise_a_message_in_chinese_and_english(url):
    with pytest.raises(BadPrinterURL) as caught:
        open_printer(url)
    assert caught.value.message_zh.startswith("打印机地址无效")
    assert caught.value.message_en.startswith("Invalid printer URL")
    assert url in caught.value.message_zh and url in caught.value.message_en


@pytest.mark.parametrize("kwargs", [dict(width_mm=76), dict(mode="graphics")])
def test_unsupported_width_or_mode_is_refused(tmp_path, kwargs):
    with pytest.raises(BadPrinterSetting):
        open_printer(f"virtual://{tmp_path}", **kwargs)


def test_missing_font_is_named_in_the_error_at_open_time(tmp_path):
    missing = tmp_path / "no-such-font.ttc"
    with pytest.raises(FontNotFound) as caught:
        open_printer(f"virtual://{tmp_path}", font_path=str(missing))
    assert str(missing) in caught.value.message_zh and str(missing) in caught.value.message_en


def test_native_mode_needs_no_font(tmp_path):
    open_printer(f"virtual://{tmp_path}", mode="native", font_path=str(tmp_path / "none.ttf"))


def test_default_font_is_wenquanyi_micro_hei():
    path, index = fonts.resolve(None)
    assert path == fonts.DEFAULT_FONT
    assert fonts.load(path, index, 24).getname()[0] == "WenQuanYi Micro Hei"


def test_noto_cjk_collection_uses_the_simplified_chinese_face():
    noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    try:
        path, index = fonts.resolve(noto)
    except FontNotFound:
        pytest.skip("fonts-noto-cjk not installed")
    assert fonts.load(path, index, 24).getname()[0].endswith(" SC")


def test_explicit_face_index_is_honoured():
    path, index = fonts.resolve(fonts.DEFAULT_FONT + "#1")
    assert fonts.load(path, index, 24).getname()[0] == "WenQuanYi Micro Hei Mono"


def test_closing_punctuation_never_starts_a_line():
    lines = wrap_cells("温馨提示：请备好：身份证、社保卡。", 32)
    assert all(line[0] not in "，。、：；！？）" for line in lines)
    assert wrap_cells("一二三四五。", 10) == ["一二三四", "五。"]
