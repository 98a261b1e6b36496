"""One connection to X's filtered stream, read in a thread, heard in asyncio.

Why tweepy's StreamingClient in a thread rather than AsyncStreamingClient: it needs no
second HTTP stack (aiohttp) beside the requests one every other X call uses, and its
reads block only its own thread. Each `StreamConnection` makes exactly one connection
attempt: every handler that ends a connection also calls `disconnect()`, so tweepy's
own retry loop, which sleeps its thread and ignores X's rate-limit reset time, never
runs. The source decides when to reconnect, with backoff it can test.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

import requests
import tweepy

from eventdesk.secrets import Secret, redact

log = logging.getLogger(__name__)

EndKind = Literal["closed", "network", "http", "error", "stopped"]


@dataclass(frozen=True, slots=True)
class StreamEnd:
    """Why a connection ended: X closed it, the network failed, X answered `status`
    (with its headers), something unexpected happened, or we stopped it."""

    kind: EndKind
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class StreamEvent:
    kind: Literal["connected", "line", "ended"]
    data: bytes = b""
    end: StreamEnd | None = None


class _Client(tweepy.StreamingClient):
    """tweepy's stream client with handlers that report to a StreamConnection."""

    def __init__(self, bearer: Secret, connection: StreamConnection) -> None:
        super().__init__(bearer.reveal(), return_type=requests.Response, daemon=True)
        self._connection = connection
        self._headers: dict[str, str] = {}
        self.session.hooks["response"].append(self._note_headers)

    def _note_headers(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._headers = dict(response.headers)

    def on_connect(self) -> None:
        self._connection.push(StreamEvent("connected"))

    def on_data(self, raw_data: bytes) -> None:
        self._connection.push(StreamEvent("line", raw_data))

    def on_keep_alive(self) -> None:
        """X's blank line every 20 seconds: nothing for the desk."""

    def on_closed(self, response: requests.Response) -> None:
        self._connection.ended(StreamEnd("closed", detail="X closed the stream"))
        self.disconnect()

    def on_request_error(self, status_code: int) -> None:
        self._connection.ended(StreamEnd("http", status_code, dict(self._headers)))
        self.disconnect()

    def on_connection_error(self) -> None:
        self._connection.ended(StreamEnd("network", detail="connection lost or timed out"))
        self.disconnect()

    def on_exception(self, exception: Exception) -> None:
        detail = redact(f"{type(exception).__name__}: {exception}")[:200]
        self._connection.ended(StreamEnd("error", detail=" ".join(detail.split())))

    def on_disconnect(self) -> None:
        self._connection.finished()


class StreamConnection:
    """One attempt to connect to the filtered stream; its events arrive in order on
    `next()`, ending with one `ended` event."""

    def __init__(self, bearer: Secret, params: dict[str, Any]) -> None:
        self._bearer, self._params = bearer, params
        self._events: asyncio.Queue[StreamEvent] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._end: StreamEnd | None = None
        self._done = False
        self._lock = threading.Lock()
        self.client: _Client | None = None
        self.thread: threading.Thread | None = None

    def attach(self) -> _Client:
        """Bind to the running loop and make the client, without connecting (tests
        feed recorded lines to its handlers from here)."""
        self._loop = asyncio.get_running_loop()
        self.client = _Client(self._bearer, self)
        return self.client

    def start(self) -> None:
        self.thread = self.attach().filter(threaded=True, **self._params)

    def push(self, event: StreamEvent) -> None:
        """Called from the stream thread (or a test feeding recorded lines)."""
        if self._loop is None or self._done:
            return
        try:
            self._loop.call_soon_threadsafe(self._events.put_nowait, event)
        except RuntimeError:  # the loop has closed: nobody is listening any more
            self._done = True

    def ended(self, end: StreamEnd) -> None:
        with self._lock:
            if self._end is None:
                self._end = end

    def finished(self) -> None:
        with self._lock:
            end = self._end or StreamEnd("closed", detail="the stream ended")
        self.push(StreamEvent("ended", end=end))
        self._done = True

    @property
    def outcome(self) -> StreamEnd:
        """Why the connection ended (once it has)."""
        return self._end or StreamEnd("closed", detail="the stream ended")

    async def next(self) -> StreamEvent:
        return await self._events.get()

    def stop(self) -> None:
        """End the connection now; the thread may linger until its read returns."""
        self.ended(StreamEnd("stopped"))
        if self.client is not None:
            self.client.disconnect()
            # Closing the session's sockets also wakes a read blocked between X's
            # keep-alives, instead of waiting up to 20 seconds for the next one.
            self.client.session.close()
        if not self._done:
            self.push(StreamEvent("ended", end=self._end))
            self._done = True

    async def join(self, timeout: float = 2.0) -> None:
        if self.thread is not None and self.thread.is_alive():
            await asyncio.to_thread(self.thread.join, timeout)
