"""Native mode: Chinese mode on, GB18030 text, GS ! sizes, QR by GS ( k."""

import pytest

from printer import render_ticket
from printer.blocks import cells
from tests.support import escpos_decode as d


@pytest.mark.parametrize("width", [384, 576])
def test_native_ticket_turns_chinese_mode_on_before_text_and_off_at_the_end(ticket, width):
    elements = d.decode(render_ticket(ticket, width, "native"))
    assert isinstance(elements[0], d.Init) and elements[1] == d.ChineseMode(True)
    assert elements[-2:] == [d.ChineseMode(False), d.Cut(partial=True, feed=0)]


@pytest.mark.parametrize("width, number_size", [(384, 3), (576, 4)])
def test_native_ticket_prints_number_big_bold_centred_and_service_in_chinese(
    ticket, width, number_size
):
    lines = d.lines(d.decode(render_ticket(ticket, width, "native")))
    [number] = [line for line in lines if line.text == "B012"]
    assert (number.width, number.height, number.bold, number.align) == (
        number_size,
        number_size,
        True,
        "center",
    )
    [service] = [line for line in lines if line.text == "养老保险"]
    assert service.chinese and service.width == 2 and service.align == "center"
    texts = [line.text for line in lines]
    assert "您前面还有 7 人等候" in texts
    assert "预计等候约 18 分钟" in texts
    assert "请到 B区 3-5号窗口 等候叫号" in texts
    assert "取号时间：2026-03-02 09:41:05" in texts
    assert "人社服务监督电话 12333" in texts


def test_native_ticket_keeps_full_width_punctuation(ticket):
    # python-escpos's text() turns lone full-width punctuation into '?': ours must not.
    joined = "".join(d.texts(d.decode(render_ticket(ticket, 576, "native"))))
    assert "请备好：身份证、社保卡。" in joined
    assert "过号后请到导引台重新排队！" in joined
    assert "?" not in joined


@pytest.mark.parametrize("width", [384, 576])
def test_native_ticket_qr_holds_the_status_url(ticket, width):
    [qr] = d.qr_codes(d.decode(render_ticket(ticket, width, "native")))
    assert qr.payload == ticket.qr_payload
    assert qr.model == 2 and qr.ec == "M" and 3 <= qr.module <= 8


@pytest.mark.parametrize("width", [384, 576])
def test_native_lines_fit_the_paper(ticket, width):
    for line in d.lines(d.decode(render_ticket(ticket, width, "native"))):
        assert cells(line.text) * 12 * line.width <= width, line


def test_native_ticket_is_small_enough_for_slow_serial_links(ticket):
    # The reason native mode exists: a raster ticket is tens of kB, ~49 s at 9600 baud.
    assert (
        len(render_ticket(ticket, 576, "native"))
        < 2000
        < len(render_ticket(ticket, 576, "raster")) / 10
    )


def test_native_ticket_says_no_wait_when_nobody_is_ahead(ticket):
    from dataclasses import replace

    texts = [
        line.text
        for line in d.lines(
            d.decode(
                render_ticket(replace(ticket, people_ahead=0, estimated_wait_min=0), 576, "native")
            )
        )
    ]
    assert "无需等候，请留意叫号" in texts
    assert not any("约 0 分钟" in t for t in texts)
