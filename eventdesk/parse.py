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
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from eventdesk.model import Post, PostFields, moment

TWITTER_EPOCH_MS = 1288834974657  # ids since Nov 2010 carry their creation time
MAX_ID = 2**63 - 1
_HASHTAG = re.compile(r"(?<![\w&/])[#＃](\w*[^\W\d]\w*)")
_MENTION = re.compile(r"(?<![\w@])[@＠](\w{1,15})")
# X's own form of created_at, which is also the form the desk stores.
_X_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", re.ASCII)


@dataclass(slots=True)
class Parsed:
    """What one source line held: posts, per-post problems, or nothing for the desk.

    `posts` holds `Post`s from `parse_line`, and (PostFields, raw) pairs from `read_line`.
    """

    posts: list[Any] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: str | None = None  # why the line carries no post (keep-alive, error message)


def time_from_id(post_id: int) -> datetime:
    """The creation time encoded in a snowflake id."""
    return datetime.fromtimestamp(((post_id >> 22) + TWITTER_EPOCH_MS) / 1000, tz=UTC)


def _post_id(value: Any) -> int | None:
    if type(value) is str:  # as X sends every id: checked first, it is the common case
        if len(value) <= 19 and value.isdigit() and value.isascii():
            number = int(value)
            return number if 0 < number <= MAX_ID else None
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def _timestamp(value: Any) -> datetime | str | None:
    """`value` itself when it is a valid time in X's form (the stored form: no datetime
    made and formatted back, which cost about 5 µs a post), else the moment it names in
    UTC; None when it names none, or no time zone."""
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 24 and _X_TIME.fullmatch(value):
            datetime.fromisoformat(value)  # the digits make a real date and time
            return value
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


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
        hashtags if hashtags is not None else _found(_HASHTAG, "#＃", text),
        mentions if mentions is not None else _found(_MENTION, "@＠", text),
        urls,
        _int_metrics(metrics) if metrics else {},
        lang if isinstance(lang, str) else None,
    )


def _found(pattern: re.Pattern[str], marks: str, text: str) -> tuple[str, ...]:
    """`pattern`'s finds in `text`; none without one of the `marks` every find starts
    with (two `in` tests cost a tenth of a search that finds nothing)."""
    if marks[0] not in text and marks[1] not in text:
        return ()
    return tuple(pattern.findall(text))


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
    # A message starts with "{"; only a line that starts blank can be a keep-alive
    # (strip() would copy every whole line to find out).
    if (not line or line[0].isspace()) and not line.strip():
        return Parsed(ignored="keep-alive")
    try:
        message = _loads(line)
    except json.JSONDecodeError as exc:
        return Parsed(problems=[f"not JSON: {exc.msg} at column {exc.colno}"])
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
