"""The desk's own nouns: a Post as ingested, its lanes, its sentiment and urgency."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


class Lane(enum.StrEnum):
    """Where a post belongs on the desk. A post can be in several lanes at once."""

    HASHTAG = "hashtag"  # carries one of the event's tracked hashtags
    INBOX = "inbox"  # a reply to, or a mention of, one of our accounts
    OWN = "own"  # written by one of our accounts


@dataclass(frozen=True, slots=True)
class Sentiment:
    """VADER's scores for a post's original text, and the label at the ±0.05 thresholds."""

    compound: float
    pos: float
    neu: float
    neg: float

    @property
    def label(self) -> str:
        if self.compound >= 0.05:
            return "positive"
        if self.compound <= -0.05:
            return "negative"
        return "neutral"


@dataclass(frozen=True, slots=True)
class Urgency:
    """Why a post may mean a risk to life or a crime in progress."""

    category: str  # e.g. "Life at risk"
    reason: str  # what matched, quoted from the text


class PostFields(NamedTuple):
    """A post's fields as read from X, before the desk sorts and scores it: `Post`'s
    first fields, in its order, as a plain tuple (the ingest stores these without
    making a `Post`).

    `created_at` is X's own text where it is already in the stored form, UTC to the
    millisecond ('2026-11-19T07:00:02.000Z'), else the moment as a timezone-aware
    datetime.
    """

    id: int
    created_at: datetime | str
    author_id: str
    author_username: str
    author_name: str
    text: str
    conversation_id: int | None
    in_reply_to_user_id: str | None
    reply_to_id: int | None
    quote_of_id: int | None
    repost_of_id: int | None
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    urls: tuple[str, ...]
    metrics: dict[str, int]
    lang: str | None


def moment(created_at: datetime | str) -> datetime:
    """A PostFields' created_at as a datetime, whichever form it was read in."""
    if isinstance(created_at, str):  # X's form, UTC
        return datetime.fromisoformat(created_at)
    return created_at


@dataclass(slots=True)
class Post:
    """One post (tweet) as received from X, parsed into the fields the desk uses.

    `raw` is the exact JSON text it arrived in; every other field is derived from it.
    Text, names and usernames are stored exactly as received: showing them safely is
    the display's job.
    """

    id: int
    created_at: datetime  # timezone-aware, UTC
    author_id: str
    author_username: str
    author_name: str
    text: str
    conversation_id: int | None = None
    in_reply_to_user_id: str | None = None
    reply_to_id: int | None = None  # the post this one replies to
    quote_of_id: int | None = None
    repost_of_id: int | None = None
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()  # usernames, without '@'
    urls: tuple[str, ...] = ()
    metrics: dict[str, int] = field(default_factory=dict)
    lang: str | None = None
    raw: str = ""
    lanes: frozenset[Lane] = frozenset()
    sentiment: Sentiment | None = None
    urgency: Urgency | None = None
