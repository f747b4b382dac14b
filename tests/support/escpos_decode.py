"""A strict decoder for the ESC/POS subset printer/ emits: bytes → what the paper would show.

    elements = decode(data)
    lines(elements)        -> [TextLine(text, align, bold, width, height, chinese)]
    rasters(elements)      -> [Raster(image, bands)]   adjacent GS v 0 bands merged; image is
                                                         mode "L", black ink on white paper
    qr_codes(elements)     -> [QRCode(payload, module, ec, model)]
    cuts(elements)         -> [Cut(partial, feed)]
    decode_qr(image)       -> payloads found by pyzbar in a picture

Anything outside the subset, a byte >= 0x80 outside Chinese mode (FS &), invalid GB18030, or
text left without LF raises DecodeError: a printer would print garbage there, so a test should
fail. Written from the ESC/POS manual, independently of printer/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageChops


class DecodeError(ValueError):
    pass


@dataclass
class Init:
    pass


@dataclass
class ChineseMode:
    on: bool


@dataclass
class StatusQuery:
    n: int


@dataclass
class TextLine:
    text: str
    align: str = "left"
    bold: bool = False
    width: int = 1
    height: int = 1
    chinese: bool = False


@dataclass
class Raster:
    image: Image.Image  # "L", 0 = black dot, 255 = paper
    bands: int = 1
    band_rows: list[int] = field(default_factory=list)


@dataclass
class QRCode:
    payload: str
    module: int
    ec: str
    model: int


@dataclass
class Feed:
    lines: int


@dataclass
class Cut:
    partial: bool
    feed: int = 0


_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}


def decode(data: bytes) -> list:
    out: list = []
    align, bold, w, h, chinese = "left", False, 1, 1, False
    qr = {"model": None, "module": 3, "ec": "L", "data": None}
    text = bytearray()
    i, n = 0, len(data)

    def need(k: int) -> bytes:
        if i + k > n:
            raise DecodeError(f"truncated command at offset {i}: {data[i : i + 8]!r}")
        return data[i : i + k]

    while i < n:
        b = data[i]
        if b == 0x0A:
            try:
                s = bytes(text).decode("gb18030" if chinese else "ascii")
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"undecodable text before offset {i}: {bytes(text)!r}: {exc}"
                ) from None
            out.append(TextLine(s, align, bold, w, h, chinese))
            text.clear()
            i += 1
            continue
        if b >= 0x20 and b != 0x7F:
            if b >= 0x80 and not chinese:
                raise DecodeError(
                    f"byte 0x{b:02X} at offset {i} outside Chinese mode (FS & missing)"
                )
            text.append(b)
            i += 1
            continue
        if text:
            raise DecodeError(f"command at offset {i} in the middle of a text line {bytes(text)!r}")
        cmd = need(2)
        if cmd == b"\x1b@":
            out.append(Init())
            align, bold, w, h, chinese = "left", False, 1, 1, False
            i += 2
        elif cmd == b"\x1ba":
            v = need(3)[2]
            if v not in _ALIGN:
                raise DecodeError(f"ESC a {v}")
            align = _ALIGN[v]
            i += 3
        elif cmd == b"\x1bE":
            bold = bool(need(3)[2] & 1)
            i += 3
        elif cmd == b"\x1b!":
            v = need(3)[2]
            bold, w, h = bool(v & 0x08), 2 if v & 0x20 else 1, 2 if v & 0x10 else 1
            i += 3
        elif cmd == b"\x1bd":
            out.append(Feed(need(3)[2]))
            i += 3
        elif cmd == b"\x1d!":
            v = need(3)[2]
            w, h = (v >> 4) + 1, (v & 0x0F) + 1
            if w > 8 or h > 8:
                raise DecodeError(f"GS ! 0x{v:02X}: size out of range")
            i += 3
        elif cmd == b"\x1dV":
            m = need(3)[2]
            if m in (0, 48, 1, 49):
                out.append(Cut(partial=m in (1, 49)))
                i += 3
            elif m in (65, 66):
                out.append(Cut(partial=m == 66, feed=need(4)[3]))
                i += 4
            else:
                raise DecodeError(f"GS V {m}")
        elif cmd == b"\x1dv":
            head = need(8)
            if head[2] != 0x30 or head[3] not in (0, 48):
                raise DecodeError(
                    f"GS v {head[2:4]!r}: only GS v 0 with normal density is expected"
                )
            xb, rows = int.from_bytes(head[4:6], "little"), int.from_bytes(head[6:8], "little")
            i += 8
            bits = need(xb * rows)
            i += xb * rows
            # mode "1" bit 1 = white in PIL, 1 = black dot in ESC/POS: invert for a picture of paper.
            band = ImageChops.invert(Image.frombytes("1", (xb * 8, rows), bits)).convert("L")
            if out and isinstance(out[-1], Raster) and out[-1].image.width == band.width:
                prev = out[-1]
                merged = Image.new("L", (band.width, prev.image.height + rows), 255)
                merged.paste(prev.image, (0, 0))
                merged.paste(band, (0, prev.image.height))
                prev.image, prev.bands = merged, prev.bands + 1
                prev.band_rows.append(rows)
            else:
                out.append(Raster(band, 1, [rows]))
        elif cmd == b"\x1d(":
            head = need(5)
            if head[2:3] != b"k":
                raise DecodeError(f"GS ( {head[2:3]!r}")
            size = int.from_bytes(head[3:5], "little")
            i += 5
            body = need(size)
            i += size
            if body[0] != 49:
                raise DecodeError(f"GS ( k cn={body[0]}: only QR (49) is expected")
            fn = body[1]
            if fn == 65:
                qr["model"] = {49: 1, 50: 2, 51: 0}[body[2]]
            elif fn == 67:
                qr["module"] = body[2]
            elif fn == 69:
                qr["ec"] = _EC[body[2]]
            elif fn == 80:
                qr["data"] = bytes(body[3:])
            elif fn == 81:
                if qr["data"] is None:
                    raise DecodeError("QR print without stored data")
                out.append(QRCode(qr["data"].decode("utf-8"), qr["module"], qr["ec"], qr["model"]))
            else:
                raise DecodeError(f"GS ( k fn={fn}")
        elif cmd == b"\x1c&":
            chinese = True
            out.append(ChineseMode(True))
            i += 2
        elif cmd == b"\x1c.":
            chinese = False
            out.append(ChineseMode(False))
            i += 2
        elif cmd == b"\x10\x04":
            out.append(StatusQuery(need(3)[2]))
            i += 3
        else:
            raise DecodeError(f"unexpected bytes at offset {i}: {data[i : i + 6]!r}")
    if text:
        raise DecodeError(f"text without LF at the end (never printed): {bytes(text)!r}")
    return out


def lines(elements) -> list[TextLine]:
    return [e for e in elements if isinstance(e, TextLine)]


def texts(elements) -> list[str]:
    return [e.text for e in lines(elements)]


def rasters(elements) -> list[Raster]:
    return [e for e in elements if isinstance(e, Raster)]


def qr_codes(elements) -> list[QRCode]:
    return [e for e in elements if isinstance(e, QRCode)]


def cuts(elements) -> list[Cut]:
    return [e for e in elements if isinstance(e, Cut)]


def decode_qr(image: Image.Image) -> list[str]:
    from pyzbar.pyzbar import ZBarSymbol, decode as zbar

    return [r.data.decode("utf-8") for r in zbar(image.convert("L"), symbols=[ZBarSymbol.QRCODE])]


# -- finding text in a raster (no OCR: compare a text line against a rendering of the expected text)


def ink_lines(image: Image.Image) -> list[tuple[int, int]]:
    """(top, bottom) of each run of rows that hold ink, top to bottom."""
    inverted = ImageChops.invert(image.convert("L"))
    runs, top = [], None
    for y in range(image.height):
        has_ink = inverted.crop((0, y, image.width, y + 1)).getbbox() is not None
        if has_ink and top is None:
            top = y
        elif not has_ink and top is not None:
            runs.append((top, y))
            top = None
    if top is not None:
        runs.append((top, image.height))
    return runs


def _ink(img: Image.Image) -> Image.Image:
    """Mode "1" with ink = 1, thresholded like a thermal head (dark half of the grey scale)."""
    return ImageChops.invert(img.convert("L")).point(lambda v: 255 if v >= 128 else 0, "1")


def _ink_crop(img: Image.Image) -> Image.Image | None:
    ink = _ink(img)
    box = ink.getbbox()
    return ink.crop(box) if box else None


def similarity(a: Image.Image, b: Image.Image) -> float:
    """Intersection over union of the ink of two pictures, after scaling b onto a's ink box."""
    a, b = _ink_crop(a), _ink_crop(b)
    if a is None or b is None:
        return 0.0
    if abs(a.width - b.width) > 0.15 * max(a.width, b.width) or abs(
        a.height - b.height
    ) > 0.15 * max(a.height, b.height):
        return 0.0  # a different number of characters: not the same text
    ink_a, ink_b = a, b.resize(a.size)
    both = ImageChops.logical_and(ink_a, ink_b).histogram()[255]
    either = ImageChops.logical_or(ink_a, ink_b).histogram()[255]
    return both / either if either else 0.0


def render_text(text: str, px: int, font_path: str, index: int = 0, stroke: int = 0) -> Image.Image:
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, px, index=index)
    img = Image.new("L", (int(font.getlength(text)) + 4 * px, px * 2), 255)
    ImageDraw.Draw(img).text(
        (px, px // 4), text, font=font, fill=0, stroke_width=stroke, stroke_fill=0
    )
    return img


def best_match(
    image: Image.Image, text: str, px: int, font_path: str, index: int = 0, stroke: int = 0
) -> float:
    """The best similarity between any ink line of `image` and `text` rendered at `px`."""
    want = render_text(text, px, font_path, index, stroke)
    return max(
        (similarity(image.crop((0, t, image.width, b)), want) for t, b in ink_lines(image)),
        default=0.0,
    )
