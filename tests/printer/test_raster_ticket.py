"""Raster mode: the ticket is one picture; we read it back like a person would (QR by pyzbar,
number and service name by comparing text lines with a rendering of the expected text)."""

import pytest

from printer import render_ticket
from tests.printer.conftest import FONT
from tests.support import escpos_decode as d

NUMBER_PX = {384: 72, 576: 96}  # size 3 on 58 mm, size 4 on 80 mm (24 dots per size step)
MATCH = 0.9  # exact text renders score 1.0; one wrong character ≤ 0.75


@pytest.mark.parametrize("width", [384, 576])
def test_raster_ticket_is_one_picture_of_the_paper_width_then_a_cut(ticket, width):
    elements = d.decode(render_ticket(ticket, width, "raster"))
    assert isinstance(elements[0], d.Init)
    [raster] = d.rasters(elements)
    assert raster.image.width == width
    assert all(rows <= 255 for rows in raster.band_rows) and raster.bands > 1
    assert isinstance(elements[-1], d.Cut)
    assert d.lines(elements) == []  # no native text in raster mode


@pytest.mark.parametrize("width", [384, 576])
def test_raster_ticket_qr_decodes_to_the_status_url(ticket, width):
    [raster] = d.rasters(d.decode(render_ticket(ticket, width, "raster")))
    assert d.decode_qr(raster.image) == [ticket.qr_payload]


@pytest.mark.parametrize("width", [384, 576])
def test_raster_ticket_shows_the_number_big_and_the_chinese_service_name(ticket, width):
    [raster] = d.rasters(d.decode(render_ticket(ticket, width, "raster")))
    px = NUMBER_PX[width]
    bold = px // 24 // 2 + 1
    assert d.best_match(raster.image, "B012", px, FONT, stroke=bold) >= MATCH
    assert d.best_match(raster.image, "养老保险", 48, FONT) >= MATCH
    # The comparison can tell a wrong number or service apart:
    assert d.best_match(raster.image, "B013", px, FONT, stroke=bold) < MATCH
    assert d.best_match(raster.image, "医疗保险", 48, FONT) < MATCH


def test_raster_ticket_number_is_centred(ticket):
    [raster] = d.rasters(d.decode(render_ticket(ticket, 576, "raster")))
    want = d.render_text("B012", 96, FONT, stroke=3)
    for top, bottom in d.ink_lines(raster.image):
        line = raster.image.crop((0, top, 576, bottom))
        if d.similarity(line, want) >= MATCH:
            left, _, right, _ = d._ink(line).getbbox()
            assert abs((left + right) / 2 - 288) <= 4
            break
    else:
        pytest.fail("number line not found")


def test_raster_ticket_says_when_there_is_no_wait_estimate(ticket):
    from dataclasses import replace

    [raster] = d.rasters(
        d.decode(render_ticket(replace(ticket, estimated_wait_min=None), 576, "raster"))
    )
    assert d.best_match(raster.image, "预计等候时间：暂无法估计", 24, FONT) >= MATCH
    assert d.best_match(raster.image, "预计等候约 0 分钟", 24, FONT) < MATCH
