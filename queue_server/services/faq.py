"""Policy Q&A (政策问答, standard §6.1, §8.1.1): loads the hall's FAQ file into the store and
answers searches in Chinese text or pinyin initials.

The file is TOML (config/faq.toml): ``[[topics]]`` with code and name per language, and
``[[entries]]`` with id, topic, question, answer and basis (the law or regulation cited).
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from ..errors import InvalidField
from ..store import Store
from ..store import faq as repo

log = logging.getLogger(__name__)

MAX_QUERY = 40
_INITIALS_QUERY = re.compile(r"^[A-Za-z]+$")


class FaqFileError(Exception):
    """The FAQ file is unreadable or malformed; the message names the file and the entry."""


class FaqMissing(FaqFileError):
    """The configured FAQ file does not exist."""


def pinyin_initials(text: str) -> str:
    """First letters of the Chinese characters in ``text`` (others dropped): 养老保险 → ylbx."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


def parse_faq(data: dict, source: str) -> tuple[list[dict], list[dict]]:
    topics, entries, codes, ids = [], [], {}, set()
    for i, t in enumerate(data.get("topics", [])):
        code, name = t.get("code"), t.get("name")
        if not isinstance(code, str) or not isinstance(name, dict) or "zh_CN" not in name:
            raise FaqFileError(f"{source}: topics[{i}] needs a code and name.zh_CN")
        codes[code] = name
        topics.append({"code": code, "position": i, "name": json.dumps(name, ensure_ascii=False)})
    for i, e in enumerate(data.get("entries", [])):
        missing = [
            k
            for k in ("id", "topic", "question", "answer")
            if not isinstance(e.get(k), str) or not e[k]
        ]
        if missing:
            raise FaqFileError(f"{source}: entries[{i}] lacks {', '.join(missing)}")
        if e["topic"] not in codes:
            raise FaqFileError(f"{source}: entries[{i}] ({e['id']}): unknown topic {e['topic']!r}")
        if e["id"] in ids:
            raise FaqFileError(f"{source}: entries[{i}]: duplicate id {e['id']!r}")
        ids.add(e["id"])
        entries.append(
            {
                "id": e["id"],
                "topic": e["topic"],
                "position": i,
                "question": e["question"],
                "answer": e["answer"],
                "basis": e.get("basis", ""),
                # Question and topic name: `ylbx` finds every 养老保险 question, `sbk` the card ones.
                "initials": pinyin_initials(e["question"])
                + " "
                + pinyin_initials(codes[e["topic"]]["zh_CN"]),
            }
        )
    return topics, entries


def read_faq(path: Path | None) -> tuple[list[dict], list[dict]]:
    """Parse the FAQ file (raises FaqFileError); no file configured → empty. A configured file
    that is missing is an error too: the caller decides whether that may leave the Q&A empty."""
    if path is None:
        return [], []
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise FaqMissing(f"{path}: file not found") from None
    except OSError as exc:
        raise FaqFileError(f"{path}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise FaqFileError(f"{path}: not valid TOML ({exc})") from None
    return parse_faq(data, str(path))


class FaqService:
    def __init__(self, store: Store, path: Path | None):
        self.store = store
        self.path = path

    def load(self) -> int:
        """Replace the stored Q&A with the file's; a missing file leaves the Q&A empty (logged)."""
        try:
            content = read_faq(self.path)
        except FaqMissing:
            log.warning("FAQ file %s not found: the policy Q&A is empty", self.path)
            content = [], []
        return self.install(*content)

    def install(self, topics: list[dict], entries: list[dict]) -> int:
        """Swap in parsed content (read_faq) in one transaction: searches see old or new, whole."""
        with self.store.write() as db:
            repo.replace_all(db, topics, entries)
        return len(entries)

    def search(self, q: str = "", topic: str = "") -> dict:
        q = " ".join((q or "").split())
        if len(q) > MAX_QUERY:
            raise InvalidField("{field} is too long.", field="q")
        db = self.store.db
        topics = [{"code": t["code"], "name": json.loads(t["name"])} for t in repo.topics(db)]
        if topic and topic not in {t["code"] for t in topics}:
            raise InvalidField("Unknown topic {topic}.", field="topic", topic=topic[:40])
        if _INITIALS_QUERY.match(q):
            rows = repo.search(db, initials=q.lower(), topic=topic)
        else:
            rows = repo.search(db, text=q, topic=topic)
        return {"topics": topics, "entries": rows}
