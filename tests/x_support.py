"""Recorded X traffic for the tests, and a guard that no test reaches the network.

Two cassette folders: tweepy's own recordings (shared data) and ours, written by hand
in the same format with invented data, for what tweepy never recorded (the stream, its
rules, 429, 503, a duplicate post). Both replay with record_mode "none": a request that
is not in the cassette fails the test.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import pytest
import vcr
from vcr.stubs import VCRHTTPResponse

from eventdesk.config import EventConfig, XConfig
from tests.conftest import CASSETTES

OURS = Path(__file__).parent / "cassettes"
MATCH = ["method", "scheme", "host", "port", "path", "query"]
BEARER = "AAAAtest-bearer-7f3c9e1d5b"  # invented; only cassettes ever see it


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
    """An injectable clock and sleep: sleeping moves the clock, nobody waits."""

    def __init__(self, start: float = 1_763_539_200.0) -> None:  # 2025-11-19T08:00Z
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)
