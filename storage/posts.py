"""Writing ingested batches and reading posts back. The rows written are made in
`storage.rows`, and stored by `storage.batch`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from eventdesk.model import Post
from storage.batch import _INSERT_POST, _POST_COLUMNS, BatchResult, store_prepared, stored_row
from storage.db import Database
from storage.rows import Prepared, Reject, prepare, utc_text

__all__ = [
    "_INSERT_POST",
    "BatchResult",
    "PostFilter",
    "Reject",
    "checkpoint",
    "counts",
    "iter_posts",
    "rejects",
    "stored_row",
    "utc_text",
    "write_batch",
    "write_prepared",
]


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
    """`write_batch` for posts already prepared (by the scoring): `store_prepared`,
    run whole on the database's connection."""
    result = await db.run_sync(store_prepared, posts, rejects, source=source, position=position)
    return cast(BatchResult, result)


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
