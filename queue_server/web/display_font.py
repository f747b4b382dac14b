"""The display's Chinese font, served by the queue server so no TV depends on installed fonts.

Face 0 (WenQuanYi Micro Hei) of the Debian wqy-microhei collection is subset with fontTools to
GB2312 + ASCII + every character of the hall's configuration and the display catalog, and
cached as a TTF in ``<data_dir>/fonts/`` (a name with a hash of the character set, so a changed
configuration builds a new file). Building takes a few seconds of CPU, once, in a separate
process (so the server's threads keep answering calls meanwhile); it starts in the background
when a page is first opened. ``Hall.open`` builds the FontBuilder of a serving hall.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import threading
from pathlib import Path

from .page_text import every_display_text

log = logging.getLogger("hallqueue.display")

SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FAMILY = "HallSans"
PUNCTUATION = "：，。、；！？（）《》“”‘’…—·●○"


def display_text(settings) -> str:
    """Every character the display pages may show beyond GB2312: the hall's configuration
    and the pages' texts in every language."""
    parts = [settings.hall.name, settings.hall.notice]
    parts += [n for s in settings.services for n in s.name.values()]
    parts += [f"{w.name}{w.zone}{w.room}" for w in settings.windows]
    parts.append(every_display_text())
    return "".join(parts) + PUNCTUATION


def gb2312_chars() -> set[int]:
    chars = set(range(0x20, 0x7F))
    for b1 in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
        for b2 in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([b1, b2]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


class FontBuilder:
    def __init__(self, cache_dir: Path, extra_text: str, source: Path = SOURCE):
        self.source = source
        self.chars = sorted(gb2312_chars() | {ord(c) for c in extra_text if ord(c) >= 0x20})
        digest = hashlib.sha256(repr(self.chars).encode()).hexdigest()[:16]
        self.path = Path(cache_dir) / f"hallsans-{digest}.ttf"
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Build in the background if the cached file is missing."""
        if not self.path.exists() and not self._lock.locked():
            threading.Thread(target=self._safe_build, name="font-subset", daemon=True).start()

    def _safe_build(self) -> None:
        try:
            self.build()
        except Exception:
            log.exception("building the display font failed")

    def build(self) -> Path | None:
        """The cached TTF, built if needed; None when the source font is not installed."""
        with self._lock:
            if self.path.exists():
                return self.path
            if not self.source.exists():
                log.warning("%s is missing (apt-get install fonts-wqy-microhei)", self.source)
                return None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".part")
            text = "".join(map(chr, self.chars))
            proc = subprocess.run(
                [sys.executable, "-m", "queue_server.web.display_font", str(self.source), str(tmp)],
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=120,
                check=False,
            )
            if proc.returncode != 0 or not tmp.exists():
                log.error("font subsetting failed: %s", proc.stderr.decode(errors="replace")[-500:])
                return None
            tmp.replace(self.path)
            log.info("display font ready: %s (%d characters)", self.path, len(self.chars))
            return self.path


def subset_font(source: Path, out: Path, text: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = TTCollection(str(source)).fonts[0]
    options = subset.Options()
    options.layout_features = ["*"]
    options.hinting = False  # TVs scale text large; hints only add bytes
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.save(str(out))


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    subset_font(Path(sys.argv[1]), Path(sys.argv[2]), sys.stdin.buffer.read().decode("utf-8"))
