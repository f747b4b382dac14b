"""ESC/POS bytes → a picture of the paper (black on white), for the virtual printer.

It interprets the command subset this package emits and skips anything else, so a demo never
fails on an odd byte. Tests use their own strict decoder (tests/support/escpos_decode.py).
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageOps

from . import fonts
from .raster import qr_image

_LINE_SPACING = 6
_CUT_GAP = 40


def _items(data: bytes) -> list[tuple]:
    """('text', str, w, h, bold, align) | ('image', L-image ink=255, align) | ('feed', dots) | ('cut',)"""
    items: list[tuple] = []
    align, bold, w, h, chinese = "left", False, 1, 1, False
    line, qr_data = bytearray(), b""
    i, n = 0, len(data)

    def flush(force: bool):
        nonlocal line
        if line or force:
            text = line.decode("gb18030" if chinese else "cp437", errors="replace")
            items.append(("text", text, w, h, bold, align))
        line = bytearray()

    while i < n:
        b = data[i]
        two = data[i : i + 2]
        if b == 0x0A:
            flush(True)
            i += 1
        elif two == b"\x1b@":
            align, bold, w, h, chinese = "left", False, 1, 1, False
            i += 2
        elif two == b"\x1ba" and i + 2 < n:
            align = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}.get(
                data[i + 2], "left"
            )
            i += 3
        elif two == b"\x1bE" and i + 2 < n:
            bold = bool(data[i + 2] & 1)
            i += 3
        elif two == b"\x1b!" and i + 2 < n:
            m = data[i + 2]
            bold, w, h = bool(m & 0x08), 2 if m & 0x20 else 1, 2 if m & 0x10 else 1
            i += 3
        elif two == b"\x1bd" and i + 2 < n:
            flush(False)
            items.append(("feed", data[i + 2] * 30))
            i += 3
        elif two == b"\x1d!" and i + 2 < n:
            w, h = (data[i + 2] >> 4) + 1, (data[i + 2] & 0x0F) + 1
            i += 3
        elif two == b"\x1dV" and i + 2 < n:
            flush(False)
            items.append(("cut",))
            i += 4 if data[i + 2] in (65, 66) else 3
        elif data[i : i + 3] == b"\x1dv0" and i + 7 < n:
            xb = int.from_bytes(data[i + 4 : i + 6], "little")
            rows = int.from_bytes(data[i + 6 : i + 8], "little")
            bits = data[i + 8 : i + 8 + xb * rows]
            img = Image.frombytes("1", (xb * 8, rows), bits).convert("L")
            items.append(("image", img, "left"))
            i += 8 + xb * rows
        elif data[i : i + 3] == b"\x1d(k" and i + 5 < n:
            size = int.from_bytes(data[i + 3 : i + 5], "little")
            body = data[i + 5 : i + 5 + size]
            if body[:2] == b"\x31\x50":
                qr_data = body[3:]
            elif body[:2] == b"\x31\x51":
                items.append(("image", qr_image(qr_data.decode("utf-8", "replace"), 5), align))
            i += 5 + size
        elif two == b"\x1c&":
            chinese = True
            i += 2
        elif two == b"\x1c.":
            chinese = False
            i += 2
        elif two == b"\x10\x04":
            i += 3
        elif b < 0x20:
            i += 1  # unknown control byte: skip rather than fail a demo
        else:
            line.append(b)
            i += 1
    flush(False)
    return items


def render(data: bytes, width_dots: int, font: str | None = None) -> Image.Image:
    items = _items(data)
    font_spec = None
    height = 0
    for it in items:
        if it[0] == "text":
            height += 24 * it[3] + _LINE_SPACING
        elif it[0] == "image":
            height += it[1].height
        elif it[0] == "feed":
            height += it[1]
        elif it[0] == "cut":
            height += _CUT_GAP
    paper = Image.new("L", (width_dots, max(height, 1)), 0)
    draw = ImageDraw.Draw(paper)
    y = 0
    for it in items:
        if it[0] == "text":
            _, text, w, h, bold, align = it
            if text:
                font_spec = font_spec or fonts.resolve(font)
                f = fonts.load(*font_spec, 24 * h)
                glyphs = Image.new(
                    "L", (max(1, int(f.getlength(text)) + 2), 24 * h + _LINE_SPACING), 0
                )
                ImageDraw.Draw(glyphs).text(
                    (0, 0), text, font=f, fill=255, stroke_width=1 if bold else 0, stroke_fill=255
                )
                if w != h:  # GS ! scales width and height independently
                    glyphs = glyphs.resize((glyphs.width * w // h, glyphs.height))
                paper.paste(glyphs, (_x(align, glyphs.width, width_dots), y))
            y += 24 * h + _LINE_SPACING
        elif it[0] == "image":
            img, align = it[1], it[2]
            paper.paste(
                img.crop((0, 0, min(img.width, width_dots), img.height)),
                (_x(align, img.width, width_dots), y),
            )
            y += img.height
        elif it[0] == "feed":
            y += it[1]
        elif it[0] == "cut":
            for x in range(0, width_dots, 16):  # dashed line where the cutter cuts
                draw.line((x, y + _CUT_GAP // 2, x + 8, y + _CUT_GAP // 2), fill=255, width=2)
            y += _CUT_GAP
    return ImageOps.invert(paper)


def _x(align: str, w: int, width: int) -> int:
    return {"left": 0, "center": (width - w) // 2, "right": width - w}[align] if w < width else 0
