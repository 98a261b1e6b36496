"""Calling X's API v2 through tweepy from asyncio, with failures sorted for the caller.

tweepy's Client is synchronous (requests), so each call runs in a worker thread and the
event loop never blocks. tweepy's own `wait_on_rate_limit` is off: it would sleep that
thread, and retry at once when X sends no reset time. Instead a failure comes back as
one of three errors the caller can act on: `Refused` (retrying will not help),
`RateLimited` (wait until `reset`, or back off), `Unavailable` (5xx or the network).
Their messages are plain, short, and never hold a credential.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import tweepy

from eventdesk.secrets import Secret, redact

# What the ingest needs (eventdesk/parse.py): the author, what a post replies to or
# quotes, who it replies to, and the whole text of a long post.
TWEET_FIELDS = ("author_id", "conversation_id", "created_at", "entities", "in_reply_to_user_id",
                "lang", "note_tweet", "public_metrics", "referenced_tweets")  # fmt: skip
EXPANSIONS = ("author_id", "referenced_tweets.id", "in_reply_to_user_id")
USER_FIELDS = ("name", "username")
FIELDS: dict[str, Any] = {
    "tweet_fields": list(TWEET_FIELDS),
    "expansions": list(EXPANSIONS),
    "user_fields": list(USER_FIELDS),
}
PAGE_SIZE = 100  # the most search and mentions return per page


class XProblem(Exception):
    """A call to X that did not succeed; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(redact(message))
        self.status = status


class Refused(XProblem):
    """X said no (400, 401, 403, 404): the same call will not work later."""


class RateLimited(XProblem):
    """429. `reset` is X's x-rate-limit-reset (epoch seconds), None when it sent none."""

    def __init__(self, message: str, reset: float | None) -> None:
        super().__init__(message, 429)
        self.reset = reset


class Unavailable(XProblem):
    """A 5xx or a network failure: worth trying again after a pause."""


@dataclass(slots=True)
class RateGate:
    """One endpoint's rate-limit window, from the headers of its last answer.

    `wait(now)` spreads the calls left in the window evenly until it resets, so a poll
    never spends the window early and then stalls.
    """

    remaining: int | None = None
    reset: float | None = None

    def note(self, headers: Mapping[str, str]) -> None:
        try:
            self.remaining = int(headers["x-rate-limit-remaining"])
            self.reset = float(headers["x-rate-limit-reset"])
        except (KeyError, ValueError):
            return

    def wait(self, now: float) -> float:
        if self.remaining is None or self.reset is None or self.reset <= now:
            return 0.0
        if self.remaining <= 0:
            return self.reset - now + 1
        return (self.reset - now) / (self.remaining + 1)


def reset_time(headers: Mapping[str, str]) -> float | None:
    try:
        return float(headers["x-rate-limit-reset"])
    except (KeyError, ValueError):
        return None


def describe(exc: tweepy.HTTPException) -> str:
    """'403 Forbidden: <X's message>' on one line."""
    response = exc.response
    status = getattr(response, "status_code", None) or getattr(response, "status", "?")
    reason = getattr(response, "reason", "") or ""
    detail = "; ".join(str(m) for m in exc.api_messages)
    text = f"{status} {reason}".strip() + (f": {detail}" if detail else "")
    return " ".join(text.split())[:300]


async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one tweepy call in a thread; its failures become Refused, RateLimited or
    Unavailable."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except tweepy.TooManyRequests as exc:
        raise RateLimited(describe(exc), reset_time(exc.response.headers)) from None
    except tweepy.TwitterServerError as exc:
        raise Unavailable(describe(exc), exc.response.status_code) from None
    except tweepy.HTTPException as exc:
        raise Refused(describe(exc), exc.response.status_code) from None
    except requests.RequestException as exc:
        raise Unavailable(f"network: {type(exc).__name__}") from None


def read_client(bearer: Secret) -> tweepy.Client:
    """An app-only client for reading; answers come back as requests.Response so the
    JSON stays exactly as X sent it and the rate-limit headers stay readable."""
    return tweepy.Client(bearer.reveal(), return_type=requests.Response, wait_on_rate_limit=False)


def tweet_lines(page: Mapping[str, Any]) -> list[tuple[int, str]]:
    """A response page → one stream-style message per post, with its id.

    Each message carries the post and the users and posts it refers to, as the
    filtered stream sends them, so the ingest reads polled and streamed posts alike.
    """
    data = page.get("data")
    if not isinstance(data, list):
        return []
    found = page.get("includes")
    includes: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    users = {u.get("id"): u for u in includes.get("users") or () if isinstance(u, Mapping)}
    tweets = {t.get("id"): t for t in includes.get("tweets") or () if isinstance(t, Mapping)}
    lines = []
    for tweet in data:
        if not isinstance(tweet, Mapping):
            lines.append((0, json.dumps({"data": tweet}, ensure_ascii=False)))
            continue
        wanted_users = dict.fromkeys((tweet.get("author_id"), tweet.get("in_reply_to_user_id")))
        refs = tweet.get("referenced_tweets") or ()
        wanted_tweets = dict.fromkeys(r.get("id") for r in refs if isinstance(r, Mapping))
        own: dict[str, Any] = {}
        if found := [users[u] for u in wanted_users if u in users]:
            own["users"] = found
        if found := [tweets[t] for t in wanted_tweets if t in tweets]:
            own["tweets"] = found
        message: dict[str, Any] = {"data": tweet}
        if own:
            message["includes"] = own
        lines.append((post_id(tweet), json.dumps(message, ensure_ascii=False)))
    return lines


def post_id(tweet: Any) -> int:
    """A post's id as a number, 0 when it has none we can read."""
    value = tweet.get("id") if isinstance(tweet, Mapping) else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        return int(value)
    return 0
