"""Pure functions: layout (data) → ESC/POS bytes for one printer width and text mode."""

from __future__ import annotations

from . import fonts, native, raster
from .blocks import Block
from .compose import statement_blocks, ticket_blocks
from .errors import BadPrinterSetting
from .layouts import StatementLayout, TicketLayout

MODES = ("raster", "native")
WIDTHS = {58: 384, 80: 576}  # paper width (mm) → printable dots at 203 dpi


def width_dots_for(width_mm: int) -> int:
    try:
        return WIDTHS[int(width_mm)]
    except (KeyError, ValueError, TypeError):
        raise BadPrinterSetting(
            f"不支持的纸宽 {width_mm} 毫米，可用 58 或 80",
            f"Unsupported paper width {width_mm} mm, use 58 or 80",
        ) from None


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise BadPrinterSetting(
            f"不支持的打印模式 {mode!r}，可用 raster 或 native",
            f"Unsupported print mode {mode!r}, use raster or native",
        )
    return mode


def render_blocks(
    blocks: list[Block], width_dots: int, mode: str = "raster", font: str | None = None
) -> bytes:
    if check_mode(mode) == "native":
        return native.render_blocks(blocks, width_dots)
    return raster.render_blocks(blocks, width_dots, fonts.resolve(font))


def render_ticket(
    layout: TicketLayout, width_dots: int = 576, mode: str = "raster", font: str | None = None
) -> bytes:
    return render_blocks(ticket_blocks(layout, width_dots), width_dots, mode, font)


def render_statement(
    layout: StatementLayout, width_dots: int = 576, mode: str = "raster", font: str | None = None
) -> bytes:
    return render_blocks(statement_blocks(layout, width_dots), width_dots, mode, font)
