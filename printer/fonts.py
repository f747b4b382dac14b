"""Finding and loading the Simplified-Chinese font for raster mode (loaded once, then cached)."""

from __future__ import annotations

import os
from functools import lru_cache

from PIL import ImageFont

from .errors import FontNotFound

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
# Tried in order when no path is configured. Face 0 of NotoSansCJK-*.ttc is Japanese; the SC
# face is picked by name in _sc_face().
_CANDIDATES = (
    DEFAULT_FONT,
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)


def split_spec(spec: str) -> tuple[str, int | None]:
    """'path.ttc#2' → (path, 2); 'path' → (path, None)."""
    path, sep, index = spec.rpartition("#")
    if sep and index.isdigit():
        return path, int(index)
    return spec, None


def resolve(spec: str | None) -> tuple[str, int]:
    """The font file and face to use; FontNotFound naming the path(s) when there is none."""
    if spec is None:
        for candidate in _CANDIDATES:
            if os.path.isfile(candidate):
                return candidate, _sc_face(candidate)
        raise FontNotFound(
            f"找不到中文字体文件：{DEFAULT_FONT}。请安装 fonts-wqy-microhei，或在配置中设置字体路径",
            f"Chinese font not found: {DEFAULT_FONT}. Install fonts-wqy-microhei or set the font path in the config",
            detail="also tried: " + ", ".join(_CANDIDATES[1:]),
        )
    path, index = split_spec(spec)
    if not os.path.isfile(path):
        raise FontNotFound(
            f"找不到中文字体文件：{path}，请检查配置中的字体路径",
            f"Chinese font not found: {path}, check the font path in the config",
        )
    try:
        return path, index if index is not None else _sc_face(path)
    except OSError as exc:
        raise FontNotFound(
            f"无法读取字体文件：{path}", f"Cannot read the font file: {path}", detail=str(exc)
        ) from None


@lru_cache(maxsize=16)
def _sc_face(path: str) -> int:
    """In a collection, the first face named SC/GB (Simplified Chinese); else face 0."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    for index in range(16):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            break
        if family.endswith((" SC", " GB")) or "Micro Hei" in family:
            return index
    return 0


@lru_cache(maxsize=64)
def load(path: str, index: int, px: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, px, index=index)
    except OSError as exc:
        raise FontNotFound(
            f"无法读取字体文件：{path}", f"Cannot read the font file: {path}", detail=str(exc)
        ) from None
