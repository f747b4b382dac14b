"""python -m printer, run as the operator would run it (a separate process, the venv's python)."""

import subprocess
import sys

import pytest
from PIL import Image

from tests.printer.conftest import ROOT
from tests.support import escpos_decode as d
from tests.support.fake_printer import closed_port


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "printer", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_status_ok_prints_the_word_and_exits_0(fake):
    result = run("status", "--printer", fake.tcp_url)
    assert (result.returncode, result.stdout.strip()) == (0, "ok")


@pytest.mark.parametrize(
    "state, word",
    [
        ("near_end", "paper_near_end"),
        ("paper_out", "paper_out"),
        ("cover_open", "cover_open"),
        ("silent", "offline"),
    ],
)
def test_status_not_ok_exits_1_with_the_word_and_the_problem_in_chinese_then_english(
    fake, state, word
):
    fake.state = state
    result = run("status", "--printer", fake.tcp_url, "--timeout", "0.5")
    assert result.returncode == 1
    assert result.stdout.strip() == word
    zh, en = result.stderr.splitlines()[:2]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en.isascii()


def test_status_of_a_refused_connection_is_offline():
    result = run("status", "--printer", f"tcp://127.0.0.1:{closed_port()}")
    assert (result.returncode, result.stdout.strip()) == (1, "offline")
    assert "打印机未连接" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["status", "test-page"])
def test_bad_url_exits_2_with_a_clear_message_and_no_traceback(command):
    result = run(command, "--printer", "192.168.1.50:9100")
    assert result.returncode == 2
    assert "打印机地址无效" in result.stderr and "Invalid printer URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_font_exits_2_naming_the_path(tmp_path):
    result = run(
        "test-page", "--printer", f"virtual://{tmp_path}", "--font", "/opt/fonts/missing.ttc"
    )
    assert result.returncode == 2 and "/opt/fonts/missing.ttc" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("mode", ["raster", "native"])
def test_test_page_prints_a001_with_the_test_qr_to_a_network_printer(fake, mode):
    result = run("test-page", "--printer", fake.tcp_url, "--width", "58", "--mode", mode)
    assert result.returncode == 0, result.stderr
    elements = d.decode(fake.job_bytes())
    if mode == "native":
        assert "A001" in d.texts(elements) and "测试业务" in d.texts(elements)
        assert [q.payload for q in d.qr_codes(elements)] == ["TEST-PAGE"]
    else:
        [raster] = d.rasters(elements)
        assert raster.image.width == 384 and d.decode_qr(raster.image) == ["TEST-PAGE"]
    assert len(d.cuts(elements)) == 1


def test_test_page_on_paper_out_exits_1_and_prints_nothing(fake):
    fake.state = "paper_out"
    result = run("test-page", "--printer", fake.tcp_url)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "打印机缺纸，请联系导引台工作人员",
        "The printer is out of paper, please ask the guide desk staff",
    ]
    assert fake.job_bytes() == b""


def test_test_page_with_paper_near_end_prints_and_exits_3(fake):
    fake.state = "near_end"
    result = run("test-page", "--printer", fake.tcp_url, "--mode", "native")
    assert result.returncode == 3
    assert "A001" in d.texts(d.decode(fake.job_bytes()))
    assert "即将用完" in result.stderr


def test_test_page_to_the_virtual_printer_writes_a_picture(tmp_path):
    result = run("test-page", "--printer", f"virtual://{tmp_path}", "--width", "80")
    assert result.returncode == 0, result.stderr
    [png] = tmp_path.glob("*.png")
    with Image.open(png) as picture:
        assert picture.width == 576 and d.decode_qr(picture) == ["TEST-PAGE"]
    assert png.with_suffix(".bin").exists()


def test_unknown_width_is_a_usage_error():
    result = run("test-page", "--printer", "tcp://127.0.0.1:9100", "--width", "76")
    assert result.returncode == 2 and "Traceback" not in result.stderr
