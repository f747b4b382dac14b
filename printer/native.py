"""Native text mode: Chinese mode on (FS &), GB18030 text, GS ! sizes, GS ( k QR.

We do not use python-escpos's text(): it sends GB18030 without FS & and replaces lone
full-width punctuation with '?'.
"""

from __future__ import annotations

from . import escpos_commands as cmd
from .blocks import (
    CELL_DOTS,
    QR,
    Block,
    Cut,
    Feed,
    Rule,
    Table,
    Text,
    cells,
    qr_ec_level,
    qr_module_dots,
    wrap_cells,
)


def _pad(text: str, width: int, how: str) -> str:
    space = " " * max(0, width - cells(text))
    return space + text if how == "right" else text + space


def render_blocks(blocks: list[Block], width_dots: int) -> bytes:
    per_line = width_dots // CELL_DOTS
    out = bytearray(cmd.INIT + cmd.CHINESE_ON)
    for i, b in enumerate(blocks):
        if isinstance(b, Text):
            out += cmd.align(b.align) + cmd.size(b.size) + cmd.bold(b.bold)
            for line in wrap_cells(b.text, per_line // b.size):
                out += line.encode("gb18030") + cmd.LF
            out += cmd.size(1) + cmd.bold(False)
        elif isinstance(b, Rule):
            out += cmd.align("left") + b"-" * per_line + cmd.LF
        elif isinstance(b, QR):
            out += (
                cmd.align("center")
                + cmd.qr(b.payload, qr_module_dots(width_dots), qr_ec_level())
                + cmd.LF
            )
            out += cmd.align("left")
        elif isinstance(b, Table):
            out += cmd.align("left")
            for r, row in enumerate(b.rows):
                header = b.header and r == 0
                wrapped = [wrap_cells(v, w) for v, w in zip(row, b.widths)]
                out += cmd.bold(header)
                for k in range(max(len(w) for w in wrapped)):
                    parts = [
                        _pad(w[k] if k < len(w) else "", width, "left" if header else how)
                        for w, width, how in zip(wrapped, b.widths, b.aligns)
                    ]
                    out += " ".join(parts).rstrip().encode("gb18030") + cmd.LF
                out += cmd.bold(False)
        elif isinstance(b, Feed):
            out += cmd.feed(b.lines)
        elif isinstance(b, Cut):
            if i == len(blocks) - 1:
                # Leave the printer as we found it: other software may print ASCII after us.
                out += cmd.CHINESE_OFF
            out += cmd.CUT
    if not blocks or not isinstance(blocks[-1], Cut):
        out += cmd.CHINESE_OFF
    return bytes(out)
