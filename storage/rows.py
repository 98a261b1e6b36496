"""A post as the ingest stores it: plain row values made from the fields read.

Pure functions of a post, no SQL (`storage.posts` writes what these make): a scoring
process builds its batches' rows with them without importing the database layer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson

from eventdesk.model import Lane, Post, PostFields, Urgency

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


_TEXT = 5  # where the text stands in Prepared.row

# Python's sqlite3 binds an int, a float or a str directly, and sends any other value
# (None, a bool) through its adapter registry first: a tuple built, a dict looked up,
# two attribute lookups that fail. With the nine such values of a typical post, that
# was about a third of its INSERT (8 µs a post of the writer's 25). So a row holds
# neither: flags are 0 or 1, and where a column has no value the row holds a stand-in
# its column can never hold otherwise, which the INSERT turns back into NULL
# (`NULLIF(?, stand-in)`, see storage.posts): '' for a number (ids are positive
# integers, scores are numbers) and the integer 0 for a text (SQLite never finds a
# text equal to an integer, so a text '0' is kept).
NO_NUMBER = ""
NO_TEXT = 0


class Prepared(NamedTuple):
    """A post reduced to the plain values storing it needs.

    Made where the post was scored, straight from the fields read, so that storing it
    (`storage.batch`) only runs SQL. The writer reads the fields by position, so a
    plain tuple of the same shape will do (the scoring makes those: cheaper than a
    named tuple).
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


# Prepared.row's lane columns by (hashtag, inbox, own): 0 or 1, never a bool.
_LANE_FLAGS = {lanes: tuple(map(int, lanes)) for lanes in _LANE_NAMES}


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
        NO_NUMBER if conversation_id is None else conversation_id,
        NO_TEXT if reply_user is None else reply_user,
        NO_NUMBER if reply_to_id is None else reply_to_id,
        NO_NUMBER if quote_of_id is None else quote_of_id,
        NO_NUMBER if repost_of_id is None else repost_of_id,
        _json_list(hashtags) if hashtags else "[]",
        _json_list(mentions) if mentions else "[]",
        _json_list(urls) if urls else "[]",
        orjson.dumps(metrics).decode() if metrics else "{}",
        NO_TEXT if lang is None else lang,
        *_LANE_FLAGS[lanes],
        *(scores or _NO_SCORES),
        *((1, urgency.category, urgency.reason) if urgency else _NOT_URGENT),
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


_NO_SCORES = (NO_NUMBER, NO_NUMBER, NO_NUMBER, NO_NUMBER)
_NOT_URGENT = (0, NO_TEXT, NO_TEXT)
