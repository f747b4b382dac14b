"""Raster text mode: blocks drawn with Pillow in a Simplified-Chinese font, sent as GS v 0.

Works on any ESC/POS printer (no Chinese font ROM needed). The canvas is drawn white-on-black
("L", ink = 255) so that packing to mode "1" directly gives ESC/POS bits (1 = black dot).
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
from PIL import Image, ImageDraw

from . import escpos_commands as cmd
from . import fonts
from .blocks import (
    CELL_DOTS,
    LINE_DOTS,
    QR,
    Block,
    Cut,
    Feed,
    Rule,
    Table,
    Text,
    qr_ec_level,
    qr_module_dots,
    wrap,
)

BAND_ROWS = 240  # rows per GS v 0: small enough for modest printer buffers
MARGIN = 0  # the 576/384 printable dots already sit inside the paper margins
_THRESHOLD = [0] * 128 + [255] * 128
_QR_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def _line_height(px: int) -> int:
    return px + px // 4


def _wrap_px(text: str, font, width: int) -> list[str]:
    # Most lines fit: one measurement. Otherwise add up cached per-character advances (measuring
    # every prefix is quadratic and was most of the render time).
    if font.getlength(text) <= width:
        return [text]
    advance = _advances(font)

    def measure(ch: str) -> float:
        w = advance.get(ch)
        if w is None:
            w = advance[ch] = font.getlength(ch)
        return w

    return wrap(text, width, measure)


_ADVANCES: dict[int, dict[str, float]] = {}


def _advances(font) -> dict[str, float]:
    return _ADVANCES.setdefault(id(font), {})  # fonts are cached for the process, so id() is stable


def qr_image(payload: str, module_dots: int, ec: str = "M") -> Image.Image:
    """The QR symbol with its 4-module quiet zone, ink = 255."""
    # A fixed mask: every mask pattern scans; choosing the "best" one evaluates all eight and was
    # a third of the ticket's render time.
    code = qrcode.QRCode(error_correction=_QR_EC[ec], box_size=1, border=4, mask_pattern=2)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    small = Image.frombytes("L", (n, n), bytes(255 if v else 0 for row in matrix for v in row))
    return small.resize((n * module_dots, n * module_dots), Image.NEAREST)


_PAD = 4  # room around a line image for the bold stroke


@lru_cache(maxsize=256)  # ≤ ~10 MB even if every entry were a full-width line
def _line_image(line: str, font, bold: bool, size: int) -> Image.Image:
    """One line of text as an ink mask. Cached: most of a ticket (hall name, hints, footers) is
    the same on every ticket, and drawing glyphs is the bulk of the render time."""
    height = _line_height(font.size) + 2 * _PAD
    img = Image.new("L", (int(font.getlength(line)) + 2 * _PAD + 2 * size + 2, height), 0)
    d = ImageDraw.Draw(img)
    if bold and size == 1:  # a 1-dot stroke clogs 24-dot glyphs; double-strike instead
        d.text((_PAD + 1, _PAD), line, font=font, fill=255)
        d.text((_PAD, _PAD), line, font=font, fill=255)
    else:
        d.text(
            (_PAD, _PAD),
            line,
            font=font,
            fill=255,
            stroke_width=size // 2 + 1 if bold else 0,
            stroke_fill=255,
        )
    return img


class _Canvas:
    """Two passes: collect draw operations with their heights, then draw on one image."""

    def __init__(self, width: int, font_spec: tuple[str, int]):
        self.width, self.font_spec = width, font_spec
        self.ops: list = []
        self.y = 0

    def font(self, size: int):
        return fonts.load(*self.font_spec, LINE_DOTS * size)

    def text(
        self,
        text: str,
        size: int,
        bold: bool,
        align: str,
        x0: int = MARGIN,
        width: int | None = None,
    ):
        font = self.font(size)
        width = width if width is not None else self.width - 2 * MARGIN
        for line in _wrap_px(text, font, width):
            w = font.getlength(line)
            x = {"left": x0, "center": x0 + (width - w) / 2, "right": x0 + width - w}[align]
            self.ops.append(("text", (round(x), self.y), line, font, bold, size))
            self.y += _line_height(LINE_DOTS * size)

    def draw(self) -> Image.Image:
        img = Image.new("L", (self.width, max(self.y, 1)), 0)
        d = ImageDraw.Draw(img)
        for op in self.ops:
            if op[0] == "text":
                _, (x, y), line, font, bold, size = op
                if line:
                    glyphs = _line_image(line, font, bold, size)
                    img.paste(255, (x - _PAD, y - _PAD), glyphs)  # ink only: neighbours stay intact
            elif op[0] == "rule":
                d.line((MARGIN, op[1], self.width - MARGIN, op[1]), fill=255, width=2)
            elif op[0] == "image":
                img.paste(op[2], op[1])
        return img


def render_images(
    blocks: list[Block], width_dots: int, font_spec: tuple[str, int]
) -> list[Image.Image]:
    """One image per part (parts end at a cut). Mode "1", 1 = black dot."""
    images, canvas = [], _Canvas(width_dots, font_spec)
    for b in blocks:
        if isinstance(b, Text):
            canvas.text(b.text, b.size, b.bold, b.align)
        elif isinstance(b, Rule):
            canvas.ops.append(("rule", canvas.y + LINE_DOTS // 2))
            canvas.y += LINE_DOTS
        elif isinstance(b, QR):
            q = qr_image(b.payload, qr_module_dots(width_dots), qr_ec_level())
            canvas.ops.append(("image", ((width_dots - q.width) // 2, canvas.y), q))
            canvas.y += q.height
        elif isinstance(b, Table):
            _table(canvas, b)
        elif isinstance(b, Feed):
            canvas.y += _line_height(LINE_DOTS) * b.lines
        elif isinstance(b, Cut):
            images.append(canvas.draw().point(_THRESHOLD, "1"))
            canvas = _Canvas(width_dots, font_spec)
    if canvas.ops or not images:
        images.append(canvas.draw().point(_THRESHOLD, "1"))
    return images


def _table(canvas: _Canvas, t: Table) -> None:
    # Columns sit on the 12-dot cell grid the widths were computed for; text wraps inside its column.
    font = canvas.font(1)
    xs, x = [], MARGIN
    for w in t.widths:
        xs.append(x)
        x += (w + 1) * CELL_DOTS
    scale = min(1.0, (canvas.width - 2 * MARGIN) / max(1, x - CELL_DOTS - MARGIN))
    for r, row in enumerate(t.rows):
        header = t.header and r == 0
        top, lines = canvas.y, 1
        for value, x0, w, how in zip(row, xs, t.widths, t.aligns):
            width = int(w * CELL_DOTS * scale)
            x0 = MARGIN + int((x0 - MARGIN) * scale)
            wrapped = _wrap_px(value, font, width)
            for k, line in enumerate(wrapped):
                lw = font.getlength(line)
                lx = x0 + width - lw if (how == "right" and not header) else x0
                canvas.ops.append(
                    ("text", (round(lx), top + k * _line_height(LINE_DOTS)), line, font, header, 1)
                )
            lines = max(lines, len(wrapped))
        canvas.y = top + lines * _line_height(LINE_DOTS)


def image_bytes(img: Image.Image) -> bytes:
    """GS v 0 in bands of at most BAND_ROWS rows."""
    width_bytes = (img.width + 7) // 8
    out = bytearray()
    for top in range(0, img.height, BAND_ROWS):
        band = img.crop((0, top, img.width, min(img.height, top + BAND_ROWS)))
        out += cmd.raster(band.tobytes(), width_bytes, band.height)
    return bytes(out)


def render_blocks(blocks: list[Block], width_dots: int, font_spec: tuple[str, int]) -> bytes:
    out = bytearray(cmd.INIT)
    for img in render_images(blocks, width_dots, font_spec):
        out += image_bytes(img) + cmd.CUT
    return bytes(out)
