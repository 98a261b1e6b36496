"""Recorded X traffic for the tests, and a guard that no test reaches the network.

Two cassette folders: tweepy's own recordings (shared data) and ours, written by hand
in the same format with invented data, for what tweepy never recorded (the stream, its
rules, 429, 503, a duplicate post). Both replay with record_mode "none": a request that
is not in the cassette fails the test.
"""

from __future__ import annotations

import ipaddress
import socket
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import vcr
from vcr.stubs import VCRHTTPResponse

from eventdesk.config import EventConfig, XConfig, parse_config
from tests.conftest import CASSETTES

OURS = Path(__file__).parent / "cassettes"
MATCH = ["method", "scheme", "host", "port", "path", "query"]
BEARER = "AAAAtest-bearer-7f3c9e1d5b"  # invented; only cassettes ever see it
NOW = 1_795_082_400.0  # 2026-11-19T10:00:00Z, three hours into the test event
RESET = 1_795_083_300  # the cassettes' x-rate-limit-reset, 15 minutes later

# The event the hand-made cassettes were written for: one account with a user id
# (polled through the mentions endpoint), one without (found by search).
EVENT = """
[event]
name = "Kingsmere Police 24"
timezone = "Europe/London"
start = 2026-11-19T07:00:00
end = 2026-11-20T07:00:00
hashtags = ["KP24", "polchat"]

[[accounts]]
handle = "KingsmerePolice"
name = "Kingsmere Police"
user_id = "1400000000000000001"

[[accounts]]
handle = "KingsmereAir"
name = "Kingsmere Air Support"
"""


def x_event(**settings: Any) -> EventConfig:
    """The cassettes' event with an [x] section."""
    return with_x(parse_config(tomllib.loads(EVENT)), **settings)


def recorder(folder: Path) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(folder),
        record_mode="none",  # never the network: a request not in the cassette fails
        match_on=MATCH,
        decode_compressed_response=True,
    )


shared = recorder(CASSETTES)
ours = recorder(OURS)


def _local(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection or name lookup beyond this machine raises at once."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def refuse(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not _local(host):
            raise OSError(f"test tried to reach the network: {address!r}")

    def connect(self: socket.socket, address: Any) -> Any:
        refuse(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        refuse(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        refuse((host,))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def eof_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A replayed response reports itself closed once its body is read, as http.client
    does when X ends a stream; vcrpy's stub otherwise never does, and tweepy would not
    call `on_closed`."""
    read = VCRHTTPResponse.read

    def read_then_close(self: VCRHTTPResponse, *args: Any, **kwargs: Any) -> bytes:
        data = read(self, *args, **kwargs)
        if self._content.tell() == len(self.recorded_response["body"]["string"]):
            self._closed = True
        return data

    monkeypatch.setattr(VCRHTTPResponse, "read", read_then_close)


def with_x(config: EventConfig, **settings: Any) -> EventConfig:
    """The config with an [x] section."""
    return config.model_copy(update={"x": XConfig(**settings)})


class FakeTime:
    """An injectable clock and sleep: sleeping moves the clock, nobody waits.

    Records each sleep with the source's state and reason at that moment, and closes
    the source once `stop(self)` holds, so a test of an endless source ends.
    """

    def __init__(self, stop: Callable[[FakeTime], bool] | None = None, start: float = NOW) -> None:
        self.now = start
        self.slept: list[float] = []
        self.seen: list[tuple[str, str | None]] = []
        self.stop = stop
        self.source: Any = None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if self.source is not None:
            self.seen.append((self.source.state.value, self.source.reason))
        self.now += max(seconds, 0.0)
        if self.stop is not None and self.stop(self) and self.source is not None:
            await self.source.close()

    @property
    def waits(self) -> list[float]:
        """The sleeps that waited at all (not the zero waits before a first call)."""
        return [round(s, 2) for s in self.slept if s > 0]
