"""Writing ingested batches and reading posts back. The rows written are made in
`storage.rows`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventdesk.model import Post
from storage.db import Database
from storage.rows import (
    _TEXT,
    NO_NUMBER,
    NO_TEXT,
    Prepared,
    Reject,
    prepare,
    storable,
    utc_text,
)


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


async def write_batch(
    db: Database,
    posts: Sequence[Post],
    rejects: Sequence[Reject] = (),
    *,
    source: str,
    position: Any = None,
) -> BatchResult:
    """Store a batch, its rejects and the source's checkpoint in one transaction.

    A post whose id is already stored (or repeated in the batch) counts as a duplicate
    and is left as it was. Because the checkpoint commits with the batch, a process
    killed at any moment resumes exactly after the last stored batch.
    """
    return await write_prepared(
        db, [prepare(post) for post in posts], rejects, source=source, position=position
    )


async def write_prepared(
    db: Database,
    posts: Sequence[Prepared],
    rejects: Sequence[Reject] = (),
    *,
    source: str,
    position: Any = None,
) -> BatchResult:
    """`write_batch` for posts already prepared (by a worker process)."""
    now = utc_text(datetime.now(UTC))
    unique: dict[int, Any] = {}
    for post in posts:
        unique.setdefault(post[0], post)
    async with db.transaction() as tx:
        fresh = list(unique.values())
        if fresh:
            known = await _stored(tx, list(unique))
            fresh = [post for post in fresh if post[0] not in known]
        if fresh:
            # Fields by position (see Prepared): id, row, raw, tags, minute, lanes, ...
            await tx.executemany(_INSERT_POST, (stored_row(p, now) for p in fresh))
            # The search index (schema 9): one statement for the batch, not a trigger.
            await tx.executemany(
                "INSERT INTO posts_fts (rowid, text) VALUES (?, ?)",
                ((p[0], p[1][_TEXT]) for p in fresh),
            )
            await tx.executemany(
                "INSERT OR IGNORE INTO post_hashtags (tag, post_id) VALUES (?, ?)",
                ((tag, p[0]) for p in fresh for tag in p[3]),
            )
            await _link_answers(tx, fresh)
            await _add_minute_stats(tx, fresh)
            ids = [p[0] for p in fresh]
            await tx.execute(
                "INSERT INTO changes (kind, first_id, last_id, count, at) VALUES (?, ?, ?, ?, ?)",
                ("posts", min(ids), max(ids), len(fresh), now),
            )
        if rejects:
            await tx.executemany(
                "INSERT OR IGNORE INTO rejects (source, line, reason, excerpt, at) "
                "VALUES (?, ?, ?, ?, ?)",
                ((source, r.line, r.reason, storable(r.excerpt), now) for r in rejects),
            )
        if position is not None:
            await tx.execute(
                "INSERT INTO checkpoints (source, position, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (source) DO UPDATE SET position = excluded.position, "
                "updated_at = excluded.updated_at",
                (source, json.dumps(position), now),
            )
    return BatchResult(inserted=len(fresh), duplicates=len(posts) - len(fresh))


async def _stored(tx: Any, ids: Sequence[int]) -> set[int]:
    """Which of `ids` are stored already."""
    known: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = await tx.fetchall(f"SELECT id FROM posts WHERE id IN ({marks})", chunk)
        known.update(row[0] for row in rows)
    return known


async def _add_minute_stats(tx: Any, fresh: Sequence[Prepared]) -> None:
    totals: dict[tuple[str, str], list[float]] = {}
    for _, _, _, _, minute, lanes, compound, _, _ in fresh:
        for lane in lanes:
            entry = totals.setdefault((minute, lane), [0, 0.0])
            entry[0] += 1
            entry[1] += compound
    if totals:
        await tx.executemany(
            "INSERT INTO minute_stats (minute, lane, posts, compound_sum) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (minute, lane) DO UPDATE SET posts = posts + excluded.posts, "
            "compound_sum = compound_sum + excluded.compound_sum",
            [(minute, lane, n, total) for (minute, lane), (n, total) in totals.items()],
        )


async def _link_answers(tx: Any, fresh: Sequence[Prepared]) -> None:
    """Mark inbox posts we replied to, whichever of the two arrived first."""
    ours = [(p[0], p[7]) for p in fresh if p[7]]  # (our reply, the post it answers)
    if ours:
        await tx.executemany(
            "UPDATE posts SET answered_by = ? WHERE id = ? AND answered_by IS NULL", ours
        )
    inbox = [p[0] for p in fresh if p[8]]
    answered: list[tuple[int, int]] = []
    for start in range(0, len(inbox), 500):
        # Only the few inbox posts with a reply of ours already stored are updated
        # (an UPDATE per inbox post rewrote every one of their rows).
        chunk = inbox[start : start + 500]
        answered += await tx.fetchall(
            "SELECT min(id), reply_to_id FROM posts WHERE in_own AND reply_to_id IN "
            f"({','.join('?' * len(chunk))}) GROUP BY reply_to_id",
            chunk,
        )
    if answered:
        await tx.executemany("UPDATE posts SET answered_by = ? WHERE id = ?", answered)


async def checkpoint(db: Database, source: str) -> Any:
    """The last committed position of `source`, or None if it never ran."""
    value = await db.scalar("SELECT position FROM checkpoints WHERE source = ?", (source,))
    return None if value is None else json.loads(value)


async def rejects(db: Database, limit: int | None = None) -> list[dict[str, Any]]:
    """Rejected lines, oldest first."""
    sql = "SELECT source, line, reason, excerpt, at FROM rejects ORDER BY id"
    rows = await db.fetchall(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
    return [dict(row) for row in rows]


@dataclass(frozen=True, slots=True)
class PostFilter:
    """Which posts an export or a query wants. Times are UTC text as stored."""

    since: str | None = None
    until: str | None = None
    hashtag: str | None = None


async def iter_posts(db: Database, where: PostFilter, batch: int = 2000):
    """Yield post rows (as dicts, JSON columns decoded) in created_at order."""
    clauses, params = [], []
    if where.since:
        clauses.append("created_at >= ?")
        params.append(where.since)
    if where.until:
        clauses.append("created_at < ?")
        params.append(where.until)
    if where.hashtag:
        clauses.append("id IN (SELECT post_id FROM post_hashtags WHERE tag = ?)")
        params.append(where.hashtag.lstrip("#").lower())
    sql = f"SELECT {_POST_COLUMNS} FROM posts"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    last: tuple[str, int] = ("", -1)
    while True:
        page = await db.fetchall(
            sql + (" AND " if clauses else " WHERE ") + "(created_at, id) > (?, ?) "
            "ORDER BY created_at, id LIMIT ?",
            (*params, *last, batch),
        )
        for row in page:
            item = dict(row)
            for key in ("hashtags", "mentions", "urls", "metrics"):
                item[key] = json.loads(item[key])
            yield item
        if len(page) < batch:
            return
        last = (page[-1]["created_at"], page[-1]["id"])


async def counts(db: Database) -> dict[str, int]:
    """Posts stored, per lane, urgent, and rejects: for summaries and tests."""
    row = (
        await db.fetchall(
            "SELECT count(*) AS posts, coalesce(sum(in_hashtag), 0) AS hashtag, "
            "coalesce(sum(in_inbox), 0) AS inbox, coalesce(sum(in_own), 0) AS own, "
            "coalesce(sum(urgent), 0) AS urgent FROM posts"
        )
    )[0]
    result = dict(row)
    result["rejects"] = int(await db.scalar("SELECT count(*) FROM rejects"))
    return result
