"""The live X source: the filtered stream, or polling search and mentions.

Lines are X's JSON as it arrived (a stream message), or one stream-style message per
post of a polled page, so the ingest reads both alike. The position is where to resume:
the newest post id known to be stored with everything before it (`since_id`), and one
per account for the mentions endpoint. After any gap, a search from that id fills it;
the storage drops what arrives twice.

Every failure becomes `state` and `reason` for the header, never an exception: a drop
reconnects with X's documented backoff, a 429 waits until X's reset time (or backs off
when X sends none), a stream refused at this access level falls back to polling. The
clock and sleep are injectable, so the tests never wait.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy

from eventdesk.config import EventConfig, XConfig
from eventdesk.secrets import Credentials, redact
from eventdesk.sources.base import SourceLine, SourceState
from eventdesk.sources.budget import ReadBudget
from eventdesk.sources.x_rules import event_tag, search_query, sync_rules
from eventdesk.sources.x_stream import StreamConnection, StreamEnd
from eventdesk.xapi import (
    FIELDS,
    PAGE_SIZE,
    RateGate,
    RateLimited,
    Refused,
    Unavailable,
    XProblem,
    call,
    post_id,
    read_client,
    tweet_lines,
)
from storage import Database

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[Any]]
SAVE_EVERY = 50  # stream posts counted between writes of the read budget


def network_wait(failures: int) -> float:
    """X's policy for network errors: back off linearly, 250 ms a time, up to 16 s."""
    return min(0.25 * failures, 16.0)


def http_wait(failures: int) -> float:
    """X's policy for HTTP errors: 5 s, doubling each time, up to 320 s."""
    return min(5.0 * 2 ** (failures - 1), 320.0)


def rate_wait(failures: int, reset: float | None, now: float) -> float:
    """After a 429: until X's reset time, else 1 minute doubling, up to 15 minutes."""
    if reset is not None:
        return max(reset - now, 0.0) + 1.0
    return min(60.0 * 2 ** (failures - 1), 900.0)


@dataclass(slots=True)
class Cursor:
    """Where reading resumes: the ids everything up to which is stored."""

    since_id: int | None = None
    mentions: dict[str, int] = field(default_factory=dict)  # user id → since_id

    @classmethod
    def load(cls, position: Any) -> Cursor:
        if not isinstance(position, dict):
            return cls()
        since = str(position.get("since_id"))
        found = position.get("mentions")
        mentions: dict[str, Any] = found if isinstance(found, dict) else {}
        return cls(
            int(since) if since.isdigit() else None,
            {k: int(v) for k, v in mentions.items() if str(v).isdigit()},
        )

    def position(self) -> dict[str, Any]:
        return {
            "since_id": str(self.since_id) if self.since_id else None,
            "mentions": {k: str(v) for k, v in self.mentions.items()},
        }

    def advance(self, newest: int) -> None:
        self.since_id = max(self.since_id or 0, newest) or None


class XSource:
    """X's filtered stream (or polling) for one event, behind the Source interface."""

    def __init__(
        self,
        config: EventConfig,
        credentials: Credentials,
        *,
        db: Database | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.config = config
        self.settings: XConfig = config.x or XConfig()
        self.key = "x:" + event_tag(config).removeprefix("eventdesk:").rstrip(":")
        self.mode = self.settings.mode
        self.state = SourceState.STARTING
        self.reason: str | None = None
        self.budget = ReadBudget(self.settings, db, clock=clock)
        self._bearer = credentials.bearer_token()
        self._client = read_client(self._bearer)
        self._clock, self._sleep = clock, sleep
        self._gates: dict[str, RateGate] = {}
        self._cursor = Cursor()
        self._number = 0
        self._fresh_at: float | None = None
        self._connection: StreamConnection | None = None
        self._closed = False
        # Accounts with a user id are polled through the mentions endpoint; the rest
        # are found by search.
        self._mention_ids = [a.user_id for a in config.accounts if a.user_id]
        self._poll_query = " OR ".join(
            [search_query(config, with_accounts=False)]
            + [f"@{a.handle} OR to:{a.handle}" for a in config.accounts if not a.user_id]
        )
        self._gap_query = search_query(config, with_accounts=True)

    # -- what the header shows -------------------------------------------------------

    @property
    def lag_seconds(self) -> float | None:
        """0 while the stream is connected; otherwise how old the newest complete read
        is (None before the first)."""
        if self._fresh_at is None:
            return None
        return max(self._clock() - self._fresh_at, 0.0)

    @property
    def status(self) -> str:
        """One line for the header: mode, state, reason and the read budget."""
        parts = [f"X {self.mode} {self.state.value}"]
        if self.reason:
            parts.append(self.reason)
        parts.append(self.budget.label + (" ⚠" if self.budget.warning else ""))
        return " · ".join(parts)

    def _set(self, state: SourceState, reason: str | None = None) -> None:
        if (state, reason) != (self.state, self.reason):
            log.info("X source %s%s", state.value, f": {reason}" if reason else "")
        self.state, self.reason = state, reason

    # -- the Source interface --------------------------------------------------------

    async def lines(self, resume: Any = None) -> AsyncIterator[SourceLine]:
        self._cursor = Cursor.load(resume)
        await self.budget.load()
        try:
            if self.mode == "stream":
                async for line in self._stream():
                    yield line
            if self.mode == "poll" and not self._closed:
                async for line in self._poll():
                    yield line
        except Exception as exc:  # a failure shows as the source's state, never a crash
            log.exception("X source failed")
            self._set(SourceState.FAILED, redact(f"{type(exc).__name__}: {exc}")[:200])
        finally:
            await self.budget.save()
            if self.state is not SourceState.FAILED:
                self._set(SourceState.STOPPED)

    async def close(self) -> None:
        self._closed = True
        if self._connection is not None:
            self._connection.stop()
            await self._connection.join()

    # -- lines -----------------------------------------------------------------------

    def _line(self, text: str, position: dict[str, Any]) -> SourceLine:
        self._number += 1
        return SourceLine(self._number, text, position)

    async def _round(
        self, items: AsyncIterator[tuple[int, str]], advance: Callable[[int], None]
    ) -> AsyncIterator[SourceLine]:
        """Yield a round of polled posts. Every line but the last carries the position
        before the round; only the last moves it on, so a crash part-way through a
        round resumes before it (and the storage drops the repeats)."""
        before = self._cursor.position()
        newest, held = 0, None
        try:
            async for number, text in items:
                newest = max(newest, number)
                if held is not None:
                    yield self._line(held, before)
                held = text
        except XProblem:
            if held is not None:
                yield self._line(held, before)
            raise
        if newest:
            advance(newest)
        if held is not None:
            yield self._line(held, self._cursor.position())

    async def _pages(
        self, endpoint: str, fetch: Callable[[str | None], Any], *, paginate: bool = True
    ) -> AsyncIterator[tuple[int, str]]:
        """Every post on every page of one query, spacing calls by its rate limit and
        stopping at the read cap."""
        gate = self._gates.setdefault(endpoint, RateGate())
        token: str | None = None
        while not self.budget.blocked:
            await self._sleep(gate.wait(self._clock()))
            response: requests.Response = await call(fetch, token)
            gate.note(response.headers)
            try:
                page = json.loads(response.text)
            except json.JSONDecodeError:
                raise Unavailable(f"{endpoint}: X sent a page that is not JSON") from None
            lines = tweet_lines(page)
            self.budget.add(len(lines))
            await self.budget.save()
            for item in lines:
                yield item
            meta = page.get("meta") if isinstance(page.get("meta"), dict) else {}
            token = meta.get("next_token")
            if not paginate or not token:
                return

    def _window(self, since_id: int | None) -> dict[str, Any]:
        """since_id when there is one; else, on a first start mid-event, the event's
        start (search reaches back 7 days), and nothing before the event otherwise."""
        if since_id:
            return {"since_id": since_id}
        now = datetime.fromtimestamp(self._clock(), UTC)
        start = self.config.event.start_utc
        if start >= now:
            return {}
        return {"start_time": max(start, now - timedelta(days=6, hours=23))}

    def _search(self, query: str) -> AsyncIterator[tuple[int, str]]:
        window = self._window(self._cursor.since_id)

        def fetch(token: str | None) -> requests.Response:
            return self._client.search_recent_tweets(
                query, max_results=PAGE_SIZE, next_token=token, **window, **FIELDS
            )

        return self._pages("search", fetch, paginate=bool(window))

    def _mentions(self, user_id: str, fallback: int | None) -> AsyncIterator[tuple[int, str]]:
        """`fallback`: where to start for an account not polled before (the search's
        since_id before this round, e.g. after a stream gave way to polling)."""
        window = self._window(self._cursor.mentions.get(user_id) or fallback)

        def fetch(token: str | None) -> requests.Response:
            return self._client.get_users_mentions(
                user_id, max_results=PAGE_SIZE, pagination_token=token, **window, **FIELDS
            )

        return self._pages("mentions", fetch, paginate=bool(window))

    def _advance_mentions(self, user_id: str) -> Callable[[int], None]:
        def advance(newest: int) -> None:
            self._cursor.mentions[user_id] = max(self._cursor.mentions.get(user_id, 0), newest)

        return advance

    # -- polling ---------------------------------------------------------------------

    async def _poll(self) -> AsyncIterator[SourceLine]:
        failures = 0
        while not self._closed:
            if self.budget.blocked:
                self._set(SourceState.FAILED, self._capped("polling"))
                await self._sleep(min(self.budget.seconds_to_next_day(), 3600.0))
                continue
            since = self._cursor.since_id
            try:
                async for line in self._round(self._search(self._poll_query), self._cursor.advance):
                    yield line
                for user_id in self._mention_ids:
                    async for line in self._round(
                        self._mentions(user_id, since), self._advance_mentions(user_id)
                    ):
                        yield line
            except Refused as exc:
                self._set(SourceState.FAILED, f"X refused polling: {exc}")
                return
            except (RateLimited, Unavailable) as exc:
                failures += 1
                delay = self._retry_delay(exc, failures)
                self._set(SourceState.RECONNECTING, f"{exc}; next poll in {delay:.0f}s")
            else:
                failures = 0
                delay = self.settings.poll_seconds
                self._fresh_at = self._clock()
                if self.budget.blocked:
                    continue
                warn = f"{self.budget.label} used" if self.budget.warning else None
                self._set(SourceState.LIVE, warn)
            await self._sleep(delay)

    def _capped(self, what: str) -> str:
        return (
            f"read cap reached ({self.budget.label}); {what} stopped (stop_at_cap = false reads on)"
        )

    def _retry_delay(self, exc: XProblem, failures: int) -> float:
        if isinstance(exc, RateLimited):
            return rate_wait(failures, exc.reset, self._clock())
        return http_wait(failures) if exc.status else network_wait(failures) or 0.25

    # -- the filtered stream ---------------------------------------------------------

    async def _prepare_stream(self) -> bool:
        """Sync the rules. False when the stream is not to be had (mode changed to poll,
        or failed); retries while X is busy or away."""
        failures = 0
        rules = tweepy.StreamingClient(self._bearer.reveal(), return_type=requests.Response)
        while not self._closed:
            try:
                await sync_rules(rules, self.config)
                return True
            except Refused as exc:
                return self._refused(exc.status, str(exc))
            except (RateLimited, Unavailable) as exc:
                failures += 1
                delay = self._retry_delay(exc, failures)
                self._set(SourceState.RECONNECTING, f"stream rules: {exc}; retry in {delay:.0f}s")
                await self._sleep(delay)
        return False

    def _refused(self, status: int | None, detail: str) -> bool:
        if status == 403:
            self.mode = "poll"
            self._set(SourceState.STARTING, "no stream at this access level (403); polling")
        else:
            self._set(SourceState.FAILED, f"X refused the stream: {detail}")
        return False

    async def _stream(self) -> AsyncIterator[SourceLine]:
        if not await self._prepare_stream():
            return
        failures = 0
        while not self._closed:
            if self.budget.blocked:
                self._set(SourceState.FAILED, self._capped("stream"))
                await self._sleep(min(self.budget.seconds_to_next_day(), 3600.0))
                continue
            connection = self._connection = StreamConnection(self._bearer, FIELDS)
            connection.start()
            end: StreamEnd | None = None
            try:
                async for line in self._connected(connection):
                    yield line
                    failures = 0
            except XProblem as exc:  # the backfill failed: drop and try again
                detail = f"backfill: {exc}"
                end = (
                    StreamEnd("http", exc.status, detail=detail)
                    if exc.status
                    else (StreamEnd("network", detail=detail))
                )
            finally:
                connection.stop()
                await connection.join()
            end = end or connection.outcome
            if self._closed:
                return
            if end.kind == "http" and end.status in (401, 403):
                self._refused(end.status, f"HTTP {end.status}")
                return
            failures += 1
            delay = self._stream_delay(end, failures)
            self._fresh_at = self._fresh_at or self._clock()
            self._set(SourceState.RECONNECTING, f"{_what(end)}; reconnecting in {delay:.0f}s")
            await self._sleep(delay)

    def _stream_delay(self, end: StreamEnd, failures: int) -> float:
        if end.kind == "http" and end.status == 429:
            reset = end.headers.get("x-rate-limit-reset")
            return rate_wait(failures, float(reset) if reset else None, self._clock())
        if end.kind in ("http", "error"):
            return http_wait(failures)
        return network_wait(failures)

    async def _connected(self, connection: StreamConnection) -> AsyncIterator[SourceLine]:
        """The lines of one connection; a gap since the last stored post is filled by
        search first."""
        unsaved = 0
        filling = False
        while True:
            event = await connection.next()
            if event.kind == "ended":
                connection.ended(event.end or StreamEnd("stopped"))
                return
            if event.kind == "connected":
                self._set(SourceState.LIVE)
                self._fresh_at = None
                if self._cursor.since_id:
                    filling = True
                    gap = self._search(self._gap_query)
                    async for line in self._round(gap, self._cursor.advance):
                        yield line
                    filling = False
                continue
            text, problem, number = _decode(event.data)
            if number:
                self.budget.add(1)
                unsaved += 1
                if not filling:
                    self._cursor.advance(number)
            yield (
                self._line(text, self._cursor.position())
                if problem is None
                else SourceLine(self._next_number(), text, None, problem)
            )
            if unsaved >= SAVE_EVERY:
                unsaved = 0
                await self.budget.save()
            if self.budget.blocked:
                await self.budget.save()
                return

    def _next_number(self) -> int:
        self._number += 1
        return self._number


def _decode(data: bytes) -> tuple[str, str | None, int]:
    """Text, a problem if it is not UTF-8, and the post id if it is a post."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", "backslashreplace"), f"not valid UTF-8 at byte {exc.start}", 0
    try:
        message = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return text, None, 0  # the ingest rejects it with its reason
    return text, None, post_id(message.get("data")) if isinstance(message, dict) else 0


def _what(end: StreamEnd) -> str:
    if end.kind == "http":
        return f"stream refused: HTTP {end.status}"
    if end.kind == "error":
        return f"stream failed: {end.detail}"
    return end.detail or "stream dropped"
