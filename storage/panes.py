"""Queries behind the dashboard's panes: windows of a lane, counts, positions, detail.

A pane never holds a whole event: it asks for the rows it shows, by offset, and for its
total. Posts are ordered newest first, except the inbox, which can put unanswered
posts first, oldest waiting at the top.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from storage import audit
from storage.db import Database

LANES = ("hashtag", "inbox", "own")
SEARCH_CAP = 5000  # a search counts at most this many matches (then shows "5,000+")
_WORD = re.compile(r"\w+")
SENTIMENTS = ("positive", "neutral", "negative")

ROW_COLUMNS = (
    "posts.id, posts.created_at, posts.author_username, posts.author_name, posts.text, "
    "posts.sentiment_compound, posts.urgent, posts.in_hashtag, posts.in_inbox, posts.in_own, "
    "posts.answered_by, posts.reply_to_id, posts.conversation_id, "
    # The operators' marks on a row, each one indexed lookup: flagged, handed off and
    # not done, and who holds a live claim ("is replying").
    "EXISTS (SELECT 1 FROM flags WHERE flags.post_id = posts.id) AS flagged, "
    "EXISTS (SELECT 1 FROM assignments a WHERE a.post_id = posts.id AND a.state != 'done') "
    "AS assigned, (SELECT c.operator || ' is ' || CASE c.purpose WHEN 'reply' THEN 'replying' "
    "ELSE 'handing off' END FROM claims c WHERE c.post_id = posts.id "
    "AND c.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) AS claimed"
)
# A search walks the full-text index in id order and joins each match to its post, so
# a window of the newest 120 matches stops after 120 (a subquery of all matches would
# collect every one of them first: seconds for a common word at a million posts).
_SEARCHED = "posts_fts JOIN posts ON posts.id = posts_fts.rowid"


@dataclass(frozen=True, slots=True)
class PaneQuery:
    """What one pane shows: a lane and its filters."""

    lane: str = "hashtag"
    sentiment: str | None = None  # 'positive' | 'neutral' | 'negative'
    urgent_only: bool = False
    account: str | None = None  # our handle: posts by it or to it
    search: str | None = None  # words that must all appear in the text
    waiting_first: bool = False  # inbox: unanswered first, oldest waiting first
    flagged_only: bool = False  # posts with a standing flag
    queue: tuple[str, ...] = ()  # "my queue": handed off, not done, to one of these

    def __post_init__(self) -> None:
        if self.lane not in LANES:
            raise ValueError(f"unknown lane {self.lane!r}")
        if self.sentiment is not None and self.sentiment not in SENTIMENTS:
            raise ValueError(f"unknown sentiment {self.sentiment!r}")

    @property
    def table(self) -> str:
        """The FROM clause: the posts, or the search index joined to them."""
        return _SEARCHED if fts_terms(self.search or "") else "posts"

    @property
    def key(self) -> str:
        """The id column to order and compare by (the index's own, when searching)."""
        return "posts_fts.rowid" if fts_terms(self.search or "") else "posts.id"

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = [f"posts.in_{self.lane}"], []
        if self.sentiment == "positive":
            clauses.append("sentiment_compound >= 0.05")
        elif self.sentiment == "negative":
            clauses.append("sentiment_compound <= -0.05")
        elif self.sentiment == "neutral":
            clauses.append("sentiment_compound > -0.05 AND sentiment_compound < 0.05")
        if self.urgent_only:
            clauses.append("urgent")
        # The few flagged or handed-off posts, looked up by id: an EXISTS per post
        # walked the whole lane (1.4 s for a window of a million posts, none flagged).
        if self.flagged_only:
            clauses.append("posts.id IN (SELECT post_id FROM flags)")
        if self.queue:
            marks = ", ".join("?" * len(self.queue))
            clauses.append(
                "posts.id IN (SELECT a.post_id FROM assignments a WHERE a.state != 'done' "
                f"AND (a.to_operator IN ({marks}) OR a.to_team IN ({marks})))"
            )
            params += [*self.queue, *self.queue]
        if self.account:
            clauses.append("(lower(author_username) = ? OR mentions LIKE ? ESCAPE '\\')")
            handle = self.account.lstrip("@").lower()
            params += [handle, f'%"{_like(handle)}"%']
        terms = fts_terms(self.search or "")
        if terms:
            clauses.append("posts_fts MATCH ?")
            params.append(terms)
        for word in (self.search or "").split():
            if not _WORD.search(word):  # punctuation only: the index has no such token
                clauses.append("posts.text LIKE ? ESCAPE '\\'")
                params.append(f"%{_like(word)}%")
        return " AND ".join(clauses), params

    @property
    def plain_lane(self) -> bool:
        """No filter: the lane's count can come from the per-minute totals."""
        return not (
            self.sentiment or self.urgent_only or self.account or self.search
            or self.flagged_only or self.queue
        )  # fmt: skip

    @property
    def newest_first(self) -> bool:
        return not (self.lane == "inbox" and self.waiting_first)


def fts_terms(search: str) -> str:
    """The operator's words as an FTS5 query: every word must appear (the index stems
    English, so "bike" finds "bikes"); a word ending in `*` matches as a prefix. Each
    word is quoted, so nothing typed can be read as FTS5 syntax."""
    terms = []
    for word in search.split():
        parts = _WORD.findall(word)
        for index, part in enumerate(parts):
            prefix = "*" if word.endswith("*") and index == len(parts) - 1 else ""
            terms.append('"' + part.replace('"', '""') + '"' + prefix)
    return " ".join(terms)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def decode(row: Any) -> dict[str, Any]:
    return dict(row)


async def count(
    db: Database,
    query: PaneQuery,
    *,
    after_id: int | None = None,
    upto_id: int | None = None,
) -> tuple[int, int | None]:
    """How many posts the pane has (only those with id > `after_id`, and id <= `upto_id`,
    when given), and the highest id among them: a live pane adds new arrivals instead of
    recounting millions. A whole lane is counted from the per-minute totals; a search
    counts up to SEARCH_CAP + 1."""
    where, params = query.where()
    table, key = query.table, query.key
    if after_id is not None:
        where += f" AND {key} > ?"
        params.append(after_id)
    if upto_id is not None:
        where += f" AND {key} <= ?"
        params.append(upto_id)
    if after_id is None and query.plain_lane:
        # The lane's total from the per-minute totals, less any posts above `upto_id`
        # (a few at most): a lane of a million posts is never scanned.
        total_sql = "(SELECT coalesce(sum(posts), 0) FROM minute_stats WHERE lane = ?)"
        total_params: list[Any] = [query.lane]
        if upto_id is not None:
            total_sql += f" - (SELECT count(*) FROM posts WHERE in_{query.lane} AND id > ?)"
            total_params.append(upto_id)
    elif query.search:
        total_sql = (
            f"(SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} "
            f"ORDER BY {key} DESC LIMIT ?))"
        )
        total_params = [*params, SEARCH_CAP + 1]
    else:
        total_sql, total_params = f"(SELECT count(*) FROM {table} WHERE {where})", params
    # One statement, so the total and the newest id are read at the same moment
    # (between two statements a batch could commit, and its posts be counted twice).
    newest_sql = f"SELECT {key} FROM {table} WHERE {where} ORDER BY {key} DESC LIMIT 1"
    rows = await db.fetchall(f"SELECT ({newest_sql}), {total_sql}", (*params, *total_params))
    newest, total = rows[0]
    return int(total or 0), newest


async def window(db: Database, query: PaneQuery, offset: int, limit: int) -> list[dict[str, Any]]:
    """Rows `offset` .. `offset + limit` of the pane, in its order."""
    where, params = query.where()
    key = query.key
    select = f"SELECT {ROW_COLUMNS} FROM {query.table} WHERE {where}"
    if not (query.lane == "inbox" and query.waiting_first):
        rows = await db.fetchall(
            f"{select} ORDER BY {key} DESC LIMIT ? OFFSET ?", (*params, limit, offset)
        )
        return [decode(row) for row in rows]
    # Unanswered (oldest first), then answered (newest first): two index walks instead
    # of sorting the whole inbox on every window.
    found = await db.fetchall(
        f"{select} AND posts.answered_by IS NULL ORDER BY {key} LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    if len(found) < limit:
        # Where the answered posts begin: right after these, unless the window lies
        # wholly past the unanswered ones. Only then are they counted (tens of ms over
        # a big inbox, on every window, held every read behind it).
        waiting = offset + len(found)
        if not found and offset:
            waiting = int(
                await db.scalar(
                    f"SELECT count(*) FROM {query.table} WHERE {where} "
                    "AND posts.answered_by IS NULL",
                    params,
                )
            )
        found += await db.fetchall(
            f"{select} AND posts.answered_by IS NOT NULL ORDER BY {key} DESC LIMIT ? OFFSET ?",
            (*params, limit - len(found), max(0, offset - waiting)),
        )
    return [decode(row) for row in found]


async def position(db: Database, query: PaneQuery, post: dict[str, Any]) -> int:
    """How many rows of the pane come before `post` (its index in the pane)."""
    where, params = query.where()
    key = query.key
    if query.lane == "inbox" and query.waiting_first:
        if post["answered_by"] is None:
            before = f"posts.answered_by IS NULL AND {key} < ?"
        else:
            before = f"(posts.answered_by IS NULL OR {key} > ?)"
    else:
        before = f"{key} > ?"
    sql = f"SELECT count(*) FROM {query.table} WHERE {where} AND {before}"
    return int(await db.scalar(sql, (*params, post["id"])))


async def post(db: Database, post_id: int) -> dict[str, Any] | None:
    """Everything stored about one post."""
    rows = await db.fetchall("SELECT * FROM posts WHERE id = ?", (post_id,))
    if not rows:
        return None
    item = dict(rows[0])
    for key in ("hashtags", "mentions", "urls", "metrics"):
        item[key] = json.loads(item[key])
    return item


async def conversation(
    db: Database, item: dict[str, Any], limit: int = 200
) -> list[dict[str, Any]]:
    """The post's thread: its root, the post it answers, siblings and replies, by time."""
    root = item["conversation_id"] or item["id"]
    rows = await db.fetchall(
        f"SELECT {ROW_COLUMNS} FROM posts WHERE conversation_id = ? OR id = ? OR id = ? "
        "ORDER BY id LIMIT ?",
        (root, root, item["reply_to_id"] or -1, limit),
    )
    return [decode(row) for row in rows]


async def actions_on(db: Database, post_id: int) -> list[dict[str, Any]]:
    """What operators did to a post, oldest first, from the audit log."""
    rows = await db.fetchall(
        "SELECT at, operator, kind, after FROM audit WHERE post_id = ? ORDER BY seq", (post_id,)
    )
    return [
        {"at": row["at"], "operator": row["operator"], "kind": row["kind"],
         "detail": json.loads(row["after"] or "{}")}
        for row in rows
    ]  # fmt: skip


async def claim_on(db: Database, post_id: int) -> str | None:
    """'mj is replying' while someone holds a live claim on the post."""
    value = await db.scalar(
        "SELECT operator || ' is ' || CASE purpose WHEN 'reply' THEN 'replying' "
        "ELSE 'handing off' END FROM claims WHERE post_id = ? "
        "AND expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        (post_id,),
    )
    return str(value) if value is not None else None


async def latest_time(db: Database) -> str | None:
    """The newest post's created_at: the event clock of a replay."""
    return await db.scalar("SELECT max(created_at) FROM posts")


async def latest_source(db: Database) -> str | None:
    """The key of the source whose checkpoint was written last: what feeds the posts."""
    return await db.scalar("SELECT source FROM checkpoints ORDER BY updated_at DESC LIMIT 1")


async def rates(db: Database, since: str) -> dict[str, int]:
    """Posts per lane created in the minutes from `since` (UTC text) on."""
    rows = await db.fetchall(
        "SELECT lane, sum(posts) AS n FROM minute_stats WHERE minute >= ? GROUP BY lane",
        (since[:16],),
    )
    counts = {lane: 0 for lane in LANES}
    counts.update({row["lane"]: row["n"] for row in rows})
    return counts


async def sentiment_series(
    db: Database, since: str, bucket_minutes: int, lane: str = "hashtag"
) -> list[tuple[int, float, int]]:
    """Mean compound score of a lane's posts per bucket of minutes since `since`."""
    rows = await db.fetchall(
        "SELECT CAST((julianday(minute) - julianday(?)) * 1440 / ? AS INTEGER) AS bucket, "
        "sum(compound_sum) / sum(posts) AS mean, sum(posts) AS n FROM minute_stats "
        "WHERE minute >= ? AND lane = ? GROUP BY bucket ORDER BY bucket",
        (since[:16], bucket_minutes, since[:16], lane),
    )
    return [(row["bucket"], row["mean"], row["n"]) for row in rows]


async def unacknowledged_urgent(db: Database, limit: int = 20) -> list[dict[str, Any]]:
    """Urgent posts nobody has acknowledged yet, oldest first."""
    rows = await db.fetchall(
        f"SELECT {ROW_COLUMNS}, urgent_category, urgent_reason FROM posts WHERE urgent AND NOT "
        "EXISTS (SELECT 1 FROM actions a WHERE a.post_id = posts.id AND a.kind = 'ack') "
        "ORDER BY id LIMIT ?",
        (limit,),
    )
    return [decode(row) for row in rows]


async def acknowledge(db: Database, post_id: int, operator: str, at: str) -> bool:
    """Record that `operator` saw the urgent post. False if someone already had."""
    async with db.transaction() as tx:
        done = await tx.fetchall(
            "SELECT 1 FROM actions WHERE post_id = ? AND kind = 'ack'", (post_id,)
        )
        if done:
            return False
        await tx.execute(
            "INSERT INTO actions (at, operator, kind, post_id) VALUES (?, ?, 'ack', ?)",
            (at, operator, post_id),
        )
        # The dashboard reads acks from `actions`; the audit log chains them too.
        await audit.append(
            tx, at=at, operator=operator, kind="ack", target=f"post:{post_id}",
            post_id=post_id, after={"acknowledged": True}, change="actions",
        )  # fmt: skip
    return True
