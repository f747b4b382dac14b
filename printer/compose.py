"""Layouts → blocks. The only place that decides what a ticket or statement says and in which order."""

from __future__ import annotations

import re

from .blocks import CELL_DOTS, QR, Block, Cut, Feed, Rule, Table, Text, cells, fits
from .layouts import StatementLayout, TicketLayout

_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+%?$")


def ticket_blocks(t: TicketLayout, width_dots: int) -> list[Block]:
    wide = width_dots >= 576
    if t.estimated_wait_min is None:
        wait = "预计等候时间：暂无法估计"
    elif t.estimated_wait_min == 0:
        wait = "无需等候，请留意叫号"
    else:
        wait = f"预计等候约 {t.estimated_wait_min} 分钟"
    blocks: list[Block] = [
        # Double size only when the name fits on one line: a lone wrapped character looks broken.
        Text(
            t.hall_name,
            size=2 if wide and fits(t.hall_name, 2, width_dots) else 1,
            bold=True,
            align="center",
        ),
        Rule(),
        Text(t.service_name, size=2, align="center"),
        Text(t.number, size=4 if wide else 3, bold=True, align="center"),
        *(
            [Text(f"预约 {t.appointment_at:%H:%M}", size=2, bold=True, align="center")]
            if t.appointment_at
            else []
        ),
        Text(f"您前面还有 {t.people_ahead} 人等候", align="center"),
        Text(wait, align="center"),
        Text(f"请到 {t.zone} {t.window_hint} 等候叫号", bold=True, align="center"),
        Rule(),
        QR(t.qr_payload),
        Text("微信/手机扫码查看排队进度", align="center"),
    ]
    blocks += [Text(f"温馨提示：{tip}" if i == 0 else tip) for i, tip in enumerate(t.tips[:2])]
    blocks.append(Text(f"取号时间：{t.issued_at:%Y-%m-%d %H:%M:%S}"))
    blocks.append(Text("过号请到导引台处理，当日有效"))
    blocks += [Text(line, align="center") for line in t.footer]
    blocks += [Feed(2), Cut()]
    return blocks


def fit_columns(rows: list[list[str]], available: int, gap: int = 1, short: int = 10) -> list[int]:
    """Column widths in cells: natural widths (header included), shrunk widest-first until the
    table fits `available`. Short values (dates, amounts: ≤ `short` cells) are never broken, so
    such a column only shrinks to its longest value, wrapping just its header; long free text
    (a company name) may shrink to 4 cells and wrap."""
    header, values = rows[0], rows[1:] or [[""] * len(rows[0])]
    widths = [max(cells(r[i]) for r in rows) for i in range(len(header))]
    longest = [max(cells(r[i]) for r in values) for i in range(len(header))]
    floor = [v if v <= short else 4 for v in longest]
    while sum(widths) + gap * (len(widths) - 1) > available:
        shrinkable = [i for i in range(len(widths)) if widths[i] > max(floor[i], 2)]
        if not shrinkable:
            break  # cannot fit without breaking amounts; the renderers still wrap in each column
        widest = max(shrinkable, key=widths.__getitem__)
        widths[widest] -= 1
    return widths


def _aligns(columns: list[str], rows: list[list[str]]) -> tuple[str, ...]:
    def numeric(i: int) -> bool:
        values = [r[i].strip() for r in rows if r[i].strip()]
        return bool(values) and all(_NUMBER.match(v) for v in values)

    return tuple("right" if numeric(i) else "left" for i in range(len(columns)))


def statement_blocks(s: StatementLayout, width_dots: int) -> list[Block]:
    """Header on the first part, the table split into parts, a page footer on each part.

    Parts are separated by a cut so each one can be handed over as a page; the column header is
    repeated on every part so a continued page still reads on its own.
    """
    rows = [[str(c) for c in r] + [""] * (len(s.columns) - len(r)) for r in s.rows]
    widths = tuple(fit_columns([list(s.columns)] + rows, width_dots // CELL_DOTS))
    aligns = _aligns(s.columns, rows)
    step = max(1, s.rows_per_part)
    chunks = [rows[i : i + step] for i in range(0, len(rows), step)] or [[]]
    blocks: list[Block] = []
    for n, chunk in enumerate(chunks, start=1):
        last = n == len(chunks)
        if n == 1:
            blocks += [
                Text(
                    s.title,
                    size=2 if fits(s.title, 2, width_dots) else 1,
                    bold=True,
                    align="center",
                ),
                Text(f"姓名：{s.name_masked}"),
                Text(f"证件号码：{s.id_masked}"),
                *[Text(line) for line in s.header],
                Rule(),
            ]
        else:
            blocks += [Text(f"{s.title}（续）", bold=True, align="center"), Rule()]
        blocks.append(Table(widths, aligns, tuple(tuple(r) for r in [list(s.columns)] + chunk)))
        if last:
            blocks.append(Rule())
            blocks += [Text(f"{label}：{value}", bold=True) for label, value in s.totals]
            blocks.append(Text(f"打印时间：{s.printed_at:%Y-%m-%d %H:%M:%S}"))
            blocks += [Text(line, align="center") for line in s.footer]
            if s.qr_payload:  # whoever holds the paper scans it to check it (§8.1.3)
                blocks.append(QR(s.qr_payload))
        page = f"第 {n} 页 / 共 {len(chunks)} 页"
        blocks.append(Rule())
        blocks.append(Text(page if last else f"{page}（续下页）", align="center"))
        blocks += [Feed(2), Cut()]
    return blocks
