"""Policy Q&A (政策问答, standard §6.1) tables: topics and an FTS5 index of the entries.

The index uses the ``trigram`` tokenizer, which works for Chinese without a word segmenter
(any 3-character substring matches); ``initials`` holds the pinyin first letters of the question
and topic so a kiosk without a Chinese IME can search ``ylbx`` for 养老保险.
The content comes from the FAQ file and is replaced as a whole on load.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("hallqueue.faq")

COLUMNS = ("id", "topic", "position", "question", "answer", "basis", "initials")


@migrations()
def m001_faq(db):
    db["faq_topics"].create({"code": str, "position": int, "name": str}, pk="code")
    db.execute(
        "CREATE VIRTUAL TABLE faq_entries USING fts5("
        "id UNINDEXED, topic UNINDEXED, position UNINDEXED, question, answer, basis, initials, "
        "tokenize='trigram')"
    )


def replace_all(db: sqlite_utils.Database, topics: list[dict], entries: list[dict]) -> None:
    """Caller holds the write transaction: readers see the old set or the new one, never half."""
    db.execute("DELETE FROM faq_topics")
    db.execute("DELETE FROM faq_entries")
    db["faq_topics"].insert_all(topics)
    db.conn.executemany(
        f"INSERT INTO faq_entries ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
        [[e[c] for c in COLUMNS] for e in entries],
    )


def topics(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT code, name FROM faq_topics ORDER BY position"))


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def search(
    db: sqlite_utils.Database,
    *,
    text: str = "",
    initials: str = "",
    topic: str = "",
    limit: int = 50,
) -> list[dict]:
    """Entries matching Chinese ``text`` and/or pinyin ``initials``, optionally in one topic.

    Trigram MATCH needs at least 3 characters; shorter terms fall back to LIKE (a full scan of a
    few hundred rows, which is nothing).
    """
    where, params = [], []
    if text:
        if len(text) >= 3:
            where.append("faq_entries MATCH ?")
            params.append("{question answer basis} : " + _phrase(text))
        else:
            where.append("(question LIKE ? ESCAPE '\\' OR answer LIKE ? ESCAPE '\\')")
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like]
    if initials:
        if len(initials) >= 3:
            where.append("faq_entries MATCH ?")
            params.append("initials : " + _phrase(initials))
        else:
            where.append("initials LIKE ?")
            params.append("%" + initials + "%")
    if topic:
        where.append("topic = ?")
        params.append(topic)
    sql = "SELECT id, topic, question, answer, basis FROM faq_entries"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # Question hits first, then file order; rank alone would scatter a topic's entries.
    order = "CAST(position AS INTEGER)"
    if text and len(text) >= 3:
        order = "instr(question, ?) = 0, " + order
        params.append(text)
    sql += f" ORDER BY {order} LIMIT ?"
    params.append(limit)
    return list(db.query(sql, params))
