"""Writing ingested batches and reading posts back."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from eventdesk.model import Lane, Post, PostFields, Urgency
from storage.db import Database

_SURROGATE = re.compile("[\ud800-\udfff]")


def utc_text(moment: datetime) -> str:
    """The one timestamp format in the database: UTC, milliseconds, 'Z' (as X writes it)."""
    # 'YYYY-MM-DDTHH:MM:SS.mmm+00:00' cut before the offset: a third of strftime's cost.
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:23] + "Z"


def stored_time(created_at: datetime | str) -> str:
    """A PostFields' created_at as stored: X's own text is already in the stored form
    (the parse checked it), a datetime is formatted."""
    return created_at if isinstance(created_at, str) else utc_text(created_at)


def _json_list(values: Sequence[str]) -> str:
    """A JSON array of storable strings (compact, UTF-8 as written)."""
    if not values:  # most posts mention nobody and link nothing
        return "[]"
    return orjson.dumps([storable(value) for value in values]).decode()


def storable(text: str) -> str:
    """`text`, unchanged unless it holds a lone surrogate, which UTF-8 cannot store.

    JSON may escape half a surrogate pair (`"\\ud83d"`); that post's `raw` column keeps
    the escape exactly, and its text columns show U+FFFD in its place.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


@dataclass(frozen=True, slots=True)
class Reject:
    """A source line that could not become a post, and why."""

    line: int
    reason: str
    excerpt: str


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
_INSERT_POST = (
    f"INSERT INTO posts ({_POST_COLUMNS}) VALUES ({', '.join('?' * 28)}) "
    "ON CONFLICT (id) DO NOTHING"
)


_TEXT = 5  # where the text stands in Prepared.row


class Prepared(NamedTuple):
    """A post reduced to the plain values storing it needs.

    Made where the post was scored (a worker process, when there are workers): a tuple
    of strings and numbers is cheap to send back, and the writer only runs SQL. The
    writer reads the fields by position, so a plain tuple of the same shape will do (a
    worker sends those: unpickling a named tuple costs five times as much).
    """

    id: int
    row: tuple[Any, ...]  # the posts columns up to, not including, raw and ingested_at
    raw: str  # storable
    tags: tuple[str, ...]  # lower-cased, unique
    minute: str  # 'YYYY-MM-DDTHH:MM', UTC
    lanes: tuple[str, ...]
    compound: float
    answers: int | None  # ours, replying to this post id
    inbox: bool


def prepare(post: Post) -> Prepared:
    lanes, sentiment = post.lanes, post.sentiment
    return Prepared._make(
        prepared(
            post,
            utc_text(post.created_at),
            post.raw,
            (Lane.HASHTAG in lanes, Lane.INBOX in lanes, Lane.OWN in lanes),
            (sentiment.compound, sentiment.pos, sentiment.neu, sentiment.neg)
            if sentiment
            else None,
            post.urgency,
        )
    )


# Prepared.lanes by (hashtag, inbox, own): the lanes' names in sorted order.
_LANE_NAMES = {
    (hashtag, inbox, own): tuple(
        sorted(lane.value for lane, on in zip(Lane, (hashtag, inbox, own), strict=True) if on)
    )
    for hashtag in (False, True)
    for inbox in (False, True)
    for own in (False, True)
}


def prepared(
    post: Post | PostFields,
    created: str,
    raw: str,
    lanes: tuple[bool, bool, bool],
    scores: tuple[float, float, float, float] | None,
    urgency: Urgency | None,
) -> tuple[Any, ...]:
    """`prepare` from a post's fields as read, its created_at as stored (`utc_text`),
    its raw JSON, whether it is in the hashtag, inbox and own lanes, its sentiment
    (compound, pos, neu, neg) and urgency: a plain tuple of Prepared's shape, which is
    all a worker process sends back."""
    # The fields unpacked once, not read one attribute at a time; and text already
    # ASCII (most of it) is storable as it is, without a call to find that out.
    (
        post_id,
        _,
        author_id,
        username,
        name,
        text,
        conversation_id,
        reply_user,
        reply_to_id,
        quote_of_id,
        repost_of_id,
        hashtags,
        mentions,
        urls,
        metrics,
        lang,
    ) = post if isinstance(post, PostFields) else _fields(post)
    row = (
        post_id,
        created,
        author_id if author_id.isascii() else storable(author_id),
        username if username.isascii() else storable(username),
        name if name.isascii() else storable(name),
        text if text.isascii() else storable(text),
        conversation_id,
        reply_user,
        reply_to_id,
        quote_of_id,
        repost_of_id,
        _json_list(hashtags) if hashtags else "[]",
        _json_list(mentions) if mentions else "[]",
        _json_list(urls) if urls else "[]",
        orjson.dumps(metrics).decode() if metrics else "{}",
        lang,
        *lanes,
        *(scores or _NO_SCORES),
        urgency is not None,
        urgency.category if urgency else None,
        urgency.reason if urgency else None,
    )
    if not hashtags:
        tags: tuple[str, ...] = ()
    elif len(hashtags) == 1:
        tag = hashtags[0].lower()
        tags = (tag if tag.isascii() else storable(tag),)
    else:
        tags = tuple(dict.fromkeys(storable(tag.lower()) for tag in hashtags))
    return (
        post_id,
        row,
        raw if raw.isascii() else storable(raw),
        tags,
        created[:16],
        _LANE_NAMES[lanes],
        scores[0] if scores else 0.0,
        reply_to_id if lanes[2] else None,
        lanes[1],
    )


def _fields(post: Post) -> PostFields:
    """A Post's first fields, as the parse reads them."""
    return PostFields(
        post.id,
        post.created_at,
        post.author_id,
        post.author_username,
        post.author_name,
        post.text,
        post.conversation_id,
        post.in_reply_to_user_id,
        post.reply_to_id,
        post.quote_of_id,
        post.repost_of_id,
        post.hashtags,
        post.mentions,
        post.urls,
        post.metrics,
        post.lang,
    )


_NO_SCORES = (None, None, None, None)


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
