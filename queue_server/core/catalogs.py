"""Gettext .po catalogs read with the standard library: one loader for the server, the pages and
the kiosk (no compile step, no Babel at run time).

A catalog folder holds ``<lang>/LC_MESSAGES/<domain>.po``. Messages are English msgids with
``{placeholders}``; an untranslated or fuzzy entry falls back to the msgid, except in Uyghur,
which falls back to Chinese (a Uyghur reader is more likely to read Chinese than English).
"""

from __future__ import annotations

import gettext
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from .languages import DEFAULT

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


class CatalogError(ValueError):
    """A .po file that cannot be read: names the file and line."""


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: str  # the first form of a plural entry
    context: str | None = None
    plural: str | None = None
    forms: tuple[str, ...] = ()
    fuzzy: bool = False


def _unquote(text: str, where: str) -> str:
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise CatalogError(f"{where}: expected a quoted string")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(text: str, source: str = "<po>") -> list[Entry]:
    """Every entry of a .po text (the header's empty msgid included; obsolete ones not)."""
    entries: list[Entry] = []
    parts: dict = {}
    flags: set[str] = set()
    last = None

    def flush():
        nonlocal parts, flags, last
        if "msgid" not in parts:
            return  # flags read so far belong to the entry that comes
        if True:
            forms = tuple(v for k, v in sorted((k, v) for k, v in parts.items() if k[0] == "["))
            msgstr = parts.get("msgstr", forms[0] if forms else "")
            entries.append(
                Entry(
                    parts["msgid"],
                    msgstr,
                    parts.get("msgctxt"),
                    parts.get("msgid_plural"),
                    forms,
                    "fuzzy" in flags,
                )
            )
        parts, flags, last = {}, set(), None

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{source}:{n}"
        if not line:
            continue
        if line.startswith("#"):  # translator and flag comments; "#~" obsolete entries
            if "msgid" in parts:
                flush()
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith('"'):
            if last is None or last not in parts:
                raise CatalogError(f"{where}: a string outside an entry")
            parts[last] += _unquote(line, where)
            continue
        m = _KEYWORD.match(line)
        if not m:
            raise CatalogError(f"{where}: not a .po line: {line[:40]!r}")
        keyword, index, value = m.groups()
        if keyword == "msgctxt" or (keyword == "msgid" and "msgid" in parts):
            flush()  # the next entry begins
        last = f"[{int(index):03d}]" if index is not None else keyword
        parts[last] = _unquote(value, where)
    flush()
    return entries


class Translations(gettext.GNUTranslations):
    """gettext's own lookup over a parsed catalog: translated, non-fuzzy entries only."""

    def __init__(self, entries: list[Entry] = ()):
        super().__init__()
        self._catalog: dict = {}
        self.plural = lambda n: int(n != 1)
        for e in entries:
            if not e.msgid or e.fuzzy:
                continue
            key = e.msgid if e.context is None else f"{e.context}\x04{e.msgid}"
            if e.plural is not None:
                for i, form in enumerate(e.forms):
                    if form:
                        self._catalog[(key, i)] = form
            elif e.msgstr:
                self._catalog[key] = e.msgstr


class Catalogs:
    """The .po files of one gettext domain under ``folder``, read once per language."""

    def __init__(self, folder: Path, domain: str):
        self.folder = Path(folder)
        self.domain = domain
        self._cache: dict[str, Translations] = {}
        self._lock = threading.Lock()

    def path(self, lang: str) -> Path:
        return self.folder / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def entries(self, lang: str) -> list[Entry]:
        """The language's entries as written (untranslated ones too); [] without a file."""
        path = self.path(lang)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return parse_po(text, str(path))

    def translations(self, lang: str) -> Translations:
        with self._lock:
            found = self._cache.get(lang)
            if found is None:
                found = self._cache[lang] = Translations(self.entries(lang))
            return found

    def gettext(self, msgid: str, lang: str = DEFAULT) -> str:
        """The message in ``lang``; Uyghur falls back to Chinese, others to the msgid."""
        text = self.translations(lang).gettext(msgid)
        if text == msgid and lang == "ug":
            text = self.translations(DEFAULT).gettext(msgid)
        return text

    def translate(self, msgid: str, lang: str = DEFAULT, **params) -> str:
        """``gettext`` with its ``{placeholders}`` filled; a template that does not fit the
        parameters is returned unfilled rather than failing in front of a citizen."""
        text = self.gettext(msgid, lang)
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
