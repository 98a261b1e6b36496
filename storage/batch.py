"""Storing one ingested batch: a single transaction of plain sqlite3 calls.

The desk's own connection runs it in aiosqlite's thread (`storage.posts.write_prepared`,
through `Database.run_sync`); a scoring process that writes the batch it scored runs
it on a connection of its own (`eventdesk.scoring`). So nothing here imports aiosqlite
or `storage.db`: a scoring process imports this module at its start.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.checkpoints import WRITER_AUTOCHECKPOINT
from storage.rows import _TEXT, NO_NUMBER, NO_TEXT, Reject, storable, utc_text

BUSY_TIMEOUT_MS = 5000  # how long every connection of the desk waits for another writer
WRITER_CACHE_MIB = 64  # SQLite page cache of a connection the ingest writes through


@dataclass(frozen=True, slots=True)
class BatchResult:
    inserted: int
    duplicates: int


_POST_COLUMNS = (
    "id, created_at, author_id, author_username, author_name, text, conversation_id, "
    "in_reply_to_user_id, reply_to_id, quote_of_id, repost_of_id, hashtags, mentions, urls, "
    "metrics, lang, in_hashtag, in_inbox, in_own, sentiment_compound, sentiment_pos, "
    "sentiment_neu, sentiment_neg, urgent, urgent_category, urgent_reason, raw, ingested_at"
)
# Columns that may be NULL, and the stand-in a row holds for it (see storage.rows).
_NULLABLE = {
    "conversation_id": NO_NUMBER,
    "in_reply_to_user_id": NO_TEXT,
    "reply_to_id": NO_NUMBER,
    "quote_of_id": NO_NUMBER,
    "repost_of_id": NO_NUMBER,
    "lang": NO_TEXT,
    "sentiment_compound": NO_NUMBER,
    "sentiment_pos": NO_NUMBER,
    "sentiment_neu": NO_NUMBER,
    "sentiment_neg": NO_NUMBER,
    "urgent_category": NO_TEXT,
    "urgent_reason": NO_TEXT,
}
_INSERT_POST = (
    f"INSERT INTO posts ({_POST_COLUMNS}) VALUES ("
    + ", ".join(
        f"NULLIF(?, {_NULLABLE[column]!r})" if column in _NULLABLE else "?"
        for column in _POST_COLUMNS.split(", ")
    )
    + ") ON CONFLICT (id) DO NOTHING"
)


def stored_row(post: Sequence[Any], now: str) -> tuple[Any, ...]:
    """A prepared post's whole row for `_INSERT_POST`, ingested at `now`."""
    return (*post[1], post[2], now)  # Prepared's row and raw, by position


def writer_connection(path: str | Path) -> sqlite3.Connection:
    """A connection of a scoring process's own to write its batches through (the
    database exists, in WAL mode, made by the desk's process)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_MIB * 1024}")
    # The desk's process copies the log back meanwhile (storage.checkpoints).
    conn.execute(f"PRAGMA wal_autocheckpoint = {WRITER_AUTOCHECKPOINT}")
    return conn


def store_prepared(
    conn: sqlite3.Connection,
    posts: Sequence[tuple[Any, ...]],  # Prepared, or plain tuples of its shape
    rejects: Sequence[Reject] = (),
    *,
    source: str,
    position: Any = None,
) -> BatchResult:
    """Store a batch of prepared posts, its rejects and the source's checkpoint in one
    transaction (`BEGIN IMMEDIATE` … `COMMIT`, `ROLLBACK` if anything fails).

    A post whose id is already stored (or repeated in the batch) counts as a duplicate
    and is left as it was. Because the checkpoint commits with the batch, a process
    killed at any moment resumes exactly after the last stored batch.
    """
    now = utc_text(datetime.now(UTC))
    unique: dict[int, Any] = {}
    for post in posts:
        unique.setdefault(post[0], post)
    conn.execute("BEGIN IMMEDIATE")
    try:
        fresh = list(unique.values())
        if fresh:
            known = _stored(conn, list(unique))
            fresh = [post for post in fresh if post[0] not in known]
        if fresh:
            # Fields by position (see Prepared): id, row, raw, tags, minute, lanes, ...
            conn.executemany(_INSERT_POST, (stored_row(p, now) for p in fresh))
            # The search index (schema 9): one statement for the batch, not a trigger.
            conn.executemany(
                "INSERT INTO posts_fts (rowid, text) VALUES (?, ?)",
                ((p[0], p[1][_TEXT]) for p in fresh),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO post_hashtags (tag, post_id) VALUES (?, ?)",
                ((tag, p[0]) for p in fresh for tag in p[3]),
            )
            _link_answers(conn, fresh)
            _add_minute_stats(conn, fresh)
            ids = [p[0] for p in fresh]
            conn.execute(
                "INSERT INTO changes (kind, first_id, last_id, count, at) VALUES (?, ?, ?, ?, ?)",
                ("posts", min(ids), max(ids), len(fresh), now),
            )
        if rejects:
            conn.executemany(
                "INSERT OR IGNORE INTO rejects (source, line, reason, excerpt, at) "
                "VALUES (?, ?, ?, ?, ?)",
                ((source, r.line, r.reason, storable(r.excerpt), now) for r in rejects),
            )
        if position is not None:
            conn.execute(
                "INSERT INTO checkpoints (source, position, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (source) DO UPDATE SET position = excluded.position, "
                "updated_at = excluded.updated_at",
                (source, json.dumps(position), now),
            )
    except BaseException:
        # Some errors (a full disk, I/O) end the transaction themselves: rolling back
        # again would hide the error that says what went wrong.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return BatchResult(inserted=len(fresh), duplicates=len(posts) - len(fresh))


def _stored(conn: sqlite3.Connection, ids: Sequence[int]) -> set[int]:
    """Which of `ids` are stored already."""
    known: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT id FROM posts WHERE id IN ({marks})", chunk)
        known.update(row[0] for row in rows)
    return known


def _add_minute_stats(conn: sqlite3.Connection, fresh: Sequence[tuple[Any, ...]]) -> None:
    totals: dict[tuple[str, str], list[float]] = {}
    for _, _, _, _, minute, lanes, compound, _, _ in fresh:
        for lane in lanes:
            entry = totals.setdefault((minute, lane), [0, 0.0])
            entry[0] += 1
            entry[1] += compound
    if totals:
        conn.executemany(
            "INSERT INTO minute_stats (minute, lane, posts, compound_sum) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (minute, lane) DO UPDATE SET posts = posts + excluded.posts, "
            "compound_sum = compound_sum + excluded.compound_sum",
            [(minute, lane, n, total) for (minute, lane), (n, total) in totals.items()],
        )


def _link_answers(conn: sqlite3.Connection, fresh: Sequence[tuple[Any, ...]]) -> None:
    """Mark inbox posts we replied to, whichever of the two arrived first."""
    ours = [(p[0], p[7]) for p in fresh if p[7]]  # (our reply, the post it answers)
    if ours:
        conn.executemany(
            "UPDATE posts SET answered_by = ? WHERE id = ? AND answered_by IS NULL", ours
        )
    inbox = [p[0] for p in fresh if p[8]]
    answered: list[tuple[int, int]] = []
    for start in range(0, len(inbox), 500):
        # Only the few inbox posts with a reply of ours already stored are updated
        # (an UPDATE per inbox post rewrote every one of their rows).
        chunk = inbox[start : start + 500]
        answered += conn.execute(
            "SELECT min(id), reply_to_id FROM posts WHERE in_own AND reply_to_id IN "
            f"({','.join('?' * len(chunk))}) GROUP BY reply_to_id",
            chunk,
        ).fetchall()
    if answered:
        conn.executemany("UPDATE posts SET answered_by = ? WHERE id = ?", answered)
