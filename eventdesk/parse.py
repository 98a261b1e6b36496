"""X API v2 messages → Posts.

Accepts filtered-stream messages (`{"data": tweet, "includes": ..., "matching_rules": ...}`)
and response pages (`{"data": [tweets], "includes": ..., "meta": ...}`). Fields the request
did not ask for may be missing (tweepy's recorded search pages carry only id and text), so
created_at falls back to the time inside the post's id, and hashtags and mentions to the
text itself.

`read_line` gives each post's fields as plain values (`PostFields`), which the ingest
stores without ever building a `Post`; `parse_line` gives `Post`s made from those same
fields, so the two cannot read a line differently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from eventdesk import stream_message
from eventdesk.model import Post, PostFields, moment
from eventdesk.xvalues import MAX_ID, TWITTER_EPOCH_MS, hashtags_in, mentions_in, time_from_id
from eventdesk.xvalues import post_id as _post_id
from eventdesk.xvalues import timestamp as _timestamp

__all__ = [
    "MAX_ID",
    "TWITTER_EPOCH_MS",
    "Parsed",
    "parse_line",
    "read_any_line",
    "read_line",
    "time_from_id",
]


@dataclass(slots=True)
class Parsed:
    """What one source line held: posts, per-post problems, or nothing for the desk.

    `posts` holds `Post`s from `parse_line`, and (PostFields, raw) pairs from `read_line`.
    """

    posts: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: str | None = None  # why the line carries no post (keep-alive, error message)


def _tags(entities: dict[str, Any], key: str, name: str) -> tuple[str, ...] | None:
    items = entities.get(key)
    if type(items) is not list:  # parsed JSON: exact types, no subclasses
        return None
    found = []
    for item in items:
        if type(item) is dict and type(value := item.get(name)) is str:
            found.append(value)
    return tuple(found)


_INT = frozenset({int})


def _int_metrics(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    if set(map(type, value.values())) <= _INT:  # X's own: all counts (no bool: its type differs)
        return dict(value)
    return {k: v for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _opt_id(value: Any) -> int | None:
    return _post_id(value) if value is not None else None


def tweet_fields(tweet: Any, users: dict[str, dict[str, Any]]) -> PostFields | str:
    """One tweet object → its fields, or the reason it cannot be a post."""
    if not isinstance(tweet, dict):
        return "a tweet that is not a JSON object"
    get = tweet.get
    post_id = _post_id(get("id"))
    if post_id is None:
        return f"tweet without a valid id: {str(get('id'))[:40]!r}"
    text = get("text")
    if not isinstance(text, str):
        return f"tweet {post_id} has no text"
    entities = get("entities")
    # A long post's `text` is cut at about 280 characters; the whole of it is here.
    note = get("note_tweet")
    if isinstance(note, dict) and isinstance(note_text := note.get("text"), str) and note_text:
        text = note_text
        if isinstance(note.get("entities"), dict):
            entities = note["entities"]
    created = get("created_at")
    created_at = _timestamp(created) if created is not None else time_from_id(post_id)
    if created_at is None:
        return f"tweet {post_id} has a bad created_at: {str(created)[:40]!r}"
    author_id = get("author_id")
    if not isinstance(author_id, str):
        author_id = ""
    author = users.get(author_id, {})
    if type(entities) is not dict:
        entities = {}
    hashtags = _tags(entities, "hashtags", "tag")
    mentions = _tags(entities, "mentions", "username")
    urls = (
        (_tags(entities, "urls", "expanded_url") or _tags(entities, "urls", "url") or ())
        if "urls" in entities
        else ()
    )
    reply_to = quote_of = repost_of = None
    references = get("referenced_tweets")
    if references:
        seen: dict[str, int | None] = {}
        for ref in references:
            if isinstance(ref, dict) and isinstance(kind := ref.get("type"), str):
                seen.setdefault(kind, _opt_id(ref.get("id")))
        reply_to, quote_of = seen.get("replied_to"), seen.get("quoted")
        repost_of = seen.get("retweeted")
    reply_user = get("in_reply_to_user_id")
    metrics = get("public_metrics")
    lang = get("lang")
    return PostFields(
        post_id,
        created_at,
        author_id,
        _text(author.get("username")),
        _text(author.get("name")),
        text,
        _opt_id(get("conversation_id")),
        reply_user if isinstance(reply_user, str) else None,
        reply_to,
        quote_of,
        repost_of,
        hashtags if hashtags is not None else hashtags_in(text),
        mentions if mentions is not None else mentions_in(text),
        urls,
        _int_metrics(metrics) if metrics else {},
        lang if isinstance(lang, str) else None,
    )


def parse_tweet(tweet: Any, users: dict[str, dict[str, Any]], raw: str) -> Post | str:
    """One tweet object → a Post, or the reason it cannot be one."""
    fields = tweet_fields(tweet, users)
    return fields if isinstance(fields, str) else _post(fields, raw)


def _post(fields: PostFields, raw: str) -> Post:
    return Post(fields.id, moment(fields.created_at), *fields[2:], raw=raw)


def parse_line(line: str) -> Parsed:
    """Parse one source line (one stream message or one response page) into Posts."""
    parsed = read_line(line)
    parsed.posts = [_post(fields, raw) for fields, raw in parsed.posts]
    return parsed


def read_line(line: str) -> Parsed:
    """Read one source line into (PostFields, raw JSON) pairs, problems, or why it is
    ignored: `parse_line` without making the Posts."""
    # The everyday message (one tweet, the types X documents) decoded straight into
    # its fields; any other line is read the forgiving way.
    everyday = stream_message.fields(line)
    if everyday is not None:
        return Parsed(posts=[(everyday, line.rstrip("\r\n"))])
    return read_any_line(line)


def read_any_line(line: str) -> Parsed:
    """`read_line` for any line, whatever shape its message has: keep-alives, error
    messages, pages, odd types (an id sent as a number is read; a count sent as
    `true` is left out), and each thing that makes a post unreadable, said."""
    if line.startswith("\ufeff"):
        # A byte order mark, from a file saved by a Windows tool (or several such files
        # joined): the file's framing, not part of X's message, which is read as sent.
        return read_line(line[1:])
    # A message starts with "{"; only a line that starts blank can be a keep-alive
    # (strip() would copy every whole line to find out).
    if (not line or line[0].isspace()) and not line.strip():
        return Parsed(ignored="keep-alive")
    try:
        message = _loads(line)
    except json.JSONDecodeError as exc:
        # One of Python's messages ends in "at" already ("Invalid control character at").
        return Parsed(problems=[f"not JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}"])
    except RecursionError:
        return Parsed(problems=["not JSON: nested too deeply"])
    if not isinstance(message, dict):
        return Parsed(problems=["not a JSON object"])
    data = message.get("data")
    if data is None:
        if "errors" in message:
            return Parsed(ignored="error message from X")
        if "meta" in message:
            return Parsed(ignored="empty page")
        return Parsed(problems=["no 'data' in the message"])
    includes = message.get("includes")
    if not isinstance(includes, dict):
        includes = {}
    users = {
        user["id"]: user
        for user in includes.get("users") or ()
        if isinstance(user, dict) and isinstance(user.get("id"), str)
    }
    tweets = data if isinstance(data, list) else [data]
    result = Parsed()
    for tweet in tweets:
        fields = tweet_fields(tweet, users)
        if isinstance(fields, str):
            result.problems.append(fields)
            continue
        # A page's posts each keep only their own JSON; a stream message keeps the line.
        raw = line.rstrip("\r\n") if len(tweets) == 1 else _own_raw(tweet, message)
        result.posts.append((fields, raw))
    if not tweets:
        result.ignored = "empty page"
    return result


def _loads(line: str) -> Any:
    """orjson's answer where it has one (about 4x faster), else the standard library's:
    it also reads what orjson refuses but JSON allows (a lone surrogate escape, an
    integer past 64 bits) and says where a line is broken."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _own_raw(tweet: Any, message: dict[str, Any]) -> str:
    author = tweet.get("author_id") if isinstance(tweet, dict) else None
    users = [
        u
        for u in (message.get("includes") or {}).get("users") or ()
        if isinstance(u, dict) and u.get("id") == author
    ]
    own: dict[str, Any] = {"data": tweet}
    if users:
        own["includes"] = {"users": users}
    return json.dumps(own, ensure_ascii=False)
