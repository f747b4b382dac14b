"""Statements (制式清单): header on the first part, parts with page footers, columns that fit."""

import pytest

from printer import render_statement
from printer.blocks import cells
from tests.printer.conftest import FONT, long_statement
from tests.support import escpos_decode as d


def test_long_native_statement_continues_over_two_parts(statement):
    elements = d.decode(render_statement(statement, 576, "native"))
    texts = d.texts(elements)
    assert len(d.cuts(elements)) == 2
    assert (
        texts.count("职工养老保险个人缴费明细") == 1 and "职工养老保险个人缴费明细（续）" in texts
    )
    assert "第 1 页 / 共 2 页（续下页）" in texts and "第 2 页 / 共 2 页" in texts
    # Header (masked identity) only at the top of the first part.
    assert (
        texts.index("姓名：张*")
        < texts.index("证件号码：110105********1234")
        < texts.index("第 1 页 / 共 2 页（续下页）")
    )
    assert texts.count("姓名：张*") == 1
    # Every row is there, once, in order, and the totals come after the last one.
    periods = [t.split()[0] for t in texts if t[:4].isdigit() and t[4] == "-"]
    assert periods == [f"{2023 + k // 12}-{k % 12 + 1:02d}" for k in range(30)]
    assert texts.index("合计月数：30") > texts.index(
        next(t for t in texts if t.startswith("2025-06"))
    )
    assert texts.index("个人缴费合计：15,600.00") > texts.index("第 1 页 / 共 2 页（续下页）")


@pytest.mark.parametrize("width", [384, 576])
def test_statement_table_fits_the_width_and_keeps_amounts_right_aligned(statement, width):
    lines = d.lines(d.decode(render_statement(statement, width, "native")))
    for line in lines:
        assert cells(line.text) * 12 * line.width <= width, line.text
    rows = [line.text for line in lines if line.text[:4].isdigit()]
    assert len(rows) == 30
    # Dates and amounts are never broken, and amounts end at the same column.
    assert all(r.split()[:3] == [r[:7], "6,500.00", "520.00"] for r in rows)
    assert len({r.index("520.00") for r in rows}) == 1
    if width == 384:
        # On 58 mm the company name wraps inside its column rather than pushing past the edge.
        assert not any("北京某某科技有限公司" in r for r in rows)


def test_short_statement_is_one_part_without_continuation():
    elements = d.decode(render_statement(long_statement(rows=5, rows_per_part=20), 576, "native"))
    assert len(d.cuts(elements)) == 1
    assert "第 1 页 / 共 1 页" in d.texts(elements)


def test_raster_statement_is_one_picture_per_part(statement):
    elements = d.decode(render_statement(statement, 576, "raster"))
    first, second = d.rasters(elements)
    assert len(d.cuts(elements)) == 2
    assert d.best_match(first.image, "职工养老保险个人缴费明细", 48, FONT, stroke=2) >= 0.9
    assert d.best_match(second.image, "职工养老保险个人缴费明细", 48, FONT, stroke=2) < 0.9
    assert d.best_match(first.image, "第 1 页 / 共 2 页（续下页）", 24, FONT) >= 0.9
    assert d.best_match(second.image, "第 2 页 / 共 2 页", 24, FONT) >= 0.9


def test_very_long_statement_has_no_length_limit():
    elements = d.decode(render_statement(long_statement(rows=400, rows_per_part=40), 384, "native"))
    assert len(d.cuts(elements)) == 10
    assert "第 10 页 / 共 10 页" in d.texts(elements)


def test_statement_header_lines_and_its_qr_code_on_the_last_part():
    """The issuer and period under the identity; the /v/<code> URL as a QR code after the
    footer of the last part only (whoever holds the paper scans it to check it)."""
    import dataclasses

    url = "http://hall.test/v/7K3QD-M9X2P-ABCDE-FGHJ0"
    s = dataclasses.replace(
        long_statement(rows=30, rows_per_part=20),
        qr_payload=url,
        header=["出具机构：示范大厅", "缴费期间：2023-01～2025-06"],
    )
    native = d.decode(render_statement(s, 576, "native"))
    texts = d.texts(native)
    assert (
        texts.index("证件号码：110105********1234")
        < texts.index("出具机构：示范大厅")
        < texts.index("缴费期间：2023-01～2025-06")
        < texts.index("第 1 页 / 共 2 页（续下页）")
    )
    assert [q.payload for q in d.qr_codes(native)] == [url]
    first, second = d.rasters(d.decode(render_statement(s, 576, "raster")))
    assert d.decode_qr(first.image) == [] and d.decode_qr(second.image) == [url]


def test_statement_without_a_qr_payload_prints_no_qr_code(statement):
    assert d.qr_codes(d.decode(render_statement(statement, 576, "native"))) == []
