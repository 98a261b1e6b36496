"""The stream's everyday message, decoded straight into the fields the desk reads.

Nearly every line the ingest reads is one filtered-stream message: a tweet, its author
in `includes.users`, and fields of the types X documents. msgspec decodes such a line
into the typed structs below, checking each type as it goes and passing over the
fields the desk never reads (matching rules, edit history, ...) without making Python
objects of them. That took the parse of a demo post from about 24 µs to about 12.

Anything else is not this shape, and `fields` answers None: a page of tweets, an
error message, a value of an unexpected type (an id sent as a number, a count sent as
`true`), an id or a time that does not read, broken JSON. `eventdesk.parse` then
reads the line its own forgiving way, and says what is wrong with it. Where both read
a line, they must give the same fields: a test holds them to it on every line of a
demo replay, with its odd lines, and on the parse's tricky cases.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from eventdesk.model import PostFields
from eventdesk.xvalues import hashtags_in, mentions_in, post_id, time_from_id, timestamp


class _Entity(msgspec.Struct):
    """A hashtag, mention or url: only the values the desk reads."""

    tag: str | None = None
    username: str | None = None
    expanded_url: str | None = None
    url: str | None = None


class _Entities(msgspec.Struct):
    hashtags: list[_Entity] | None = None
    mentions: list[_Entity] | None = None
    urls: list[_Entity] | None = None


class _Note(msgspec.Struct):
    """A long post's whole text (`text` is cut at about 280 characters)."""

    text: str | None = None
    entities: _Entities | None = None


class _Reference(msgspec.Struct):
    type: str | None = None
    id: str | None = None


# A count that surely reads as an int the forgiving way too: orjson reads one past 64
# bits as a float, which that reader leaves out. A line with a larger one is left to it.
_Count = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]


class _Tweet(msgspec.Struct):
    id: str
    text: str
    created_at: str | None = None
    author_id: str | None = None
    conversation_id: str | None = None
    in_reply_to_user_id: str | None = None
    referenced_tweets: list[_Reference] | None = None
    entities: _Entities | None = None
    note_tweet: _Note | None = None
    public_metrics: dict[str, _Count] | None = None
    lang: str | None = None


class _User(msgspec.Struct):
    id: str
    username: str | None = None
    name: str | None = None


class _Includes(msgspec.Struct):
    users: list[_User] | None = None


class _Message(msgspec.Struct):
    data: _Tweet
    includes: _Includes | None = None


_decode = msgspec.json.Decoder(_Message).decode


def fields(line: str) -> PostFields | None:
    """The fields of the one tweet `line` holds, or None when the line is not the
    everyday message."""
    try:
        message = _decode(line)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    tweet = message.data
    number = post_id(tweet.id)
    if number is None:
        return None
    text = tweet.text
    entities = tweet.entities
    note = tweet.note_tweet
    if note is not None and note.text:
        text = note.text
        if note.entities is not None:
            entities = note.entities
    created = tweet.created_at
    created_at = time_from_id(number) if created is None else timestamp(created)
    if created_at is None:
        return None
    author_id = tweet.author_id or ""
    username = name = ""
    includes = message.includes
    if includes is not None and includes.users:
        # As the parse's own reading: the last entry of an id counts.
        author = {user.id: user for user in includes.users}.get(author_id)
        if author is not None:
            username, name = author.username or "", author.name or ""
    hashtags = mentions = None
    urls: tuple[str, ...] = ()
    if entities is not None:
        if entities.hashtags is not None:
            hashtags = tuple(e.tag for e in entities.hashtags if e.tag is not None)
        if entities.mentions is not None:
            mentions = tuple(e.username for e in entities.mentions if e.username is not None)
        if entities.urls:
            urls = tuple(e.expanded_url for e in entities.urls if e.expanded_url is not None)
            if not urls:
                urls = tuple(e.url for e in entities.urls if e.url is not None)
    reply_to = quote_of = repost_of = None
    if tweet.referenced_tweets:
        seen: dict[str, int | None] = {}
        for ref in tweet.referenced_tweets:
            if ref.type is not None and ref.type not in seen:
                seen[ref.type] = None if ref.id is None else post_id(ref.id)
        reply_to, quote_of = seen.get("replied_to"), seen.get("quoted")
        repost_of = seen.get("retweeted")
    conversation = tweet.conversation_id
    return PostFields(
        number,
        created_at,
        author_id,
        username,
        name,
        text,
        None if conversation is None else post_id(conversation),
        tweet.in_reply_to_user_id,
        reply_to,
        quote_of,
        repost_of,
        hashtags if hashtags is not None else hashtags_in(text),
        mentions if mentions is not None else mentions_in(text),
        urls,
        tweet.public_metrics or {},
        tweet.lang,
    )
