"""The interface every source implements; the ingest cannot tell a replay from X."""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol


class SourceState(enum.StrEnum):
    """What the header shows about the source."""

    STARTING = "starting"
    LIVE = "live"
    REPLAY = "replay"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One message as it arrived, with where to resume after it.

    `number` is the 1-based line number (for a replay file) or message sequence;
    `position` is JSON-serialisable and goes into the checkpoint with the batch.
    """

    number: int
    text: str
    position: Any
    problem: str | None = None  # set when the line could not be read as UTF-8 text


@dataclass(frozen=True, slots=True)
class SourceChunk:
    """Many whole lines as raw bytes, read at once, with where to resume after them.

    `data` holds `count` lines numbered from `first`, each ending in a newline except
    perhaps the file's last one; they are decoded and split where they are parsed. A
    chunk with a `problem` stands for the one line `first` that could not be read.
    """

    first: int
    count: int
    data: bytes
    position: Any
    problem: str | None = None


class Source(Protocol):
    """A stream of raw X API v2 messages.

    `key` names the source in checkpoints (a replay file's absolute path, or the live
    stream of one event). `lines(resume)` yields messages after `resume`, a position a
    previous run committed, or from the start when it is None; it ends when the source
    is exhausted (a replay file) or closed. It never raises for bad content: a line that
    cannot be read is still yielded, with `problem` saying why, so the ingest can reject
    it with its line number. `state` and `lag_seconds` are for the dashboard.
    """

    key: str
    state: SourceState

    def lines(self, resume: Any = None) -> AsyncIterator[SourceLine]: ...

    @property
    def lag_seconds(self) -> float | None: ...

    async def close(self) -> None: ...


class ChunkedSource(Source, Protocol):
    """A source that can also hand over its lines in chunks of raw bytes (an unpaced
    replay file), so the ingest need not touch each line before it is parsed.

    `chunks(resume, size)` yields the same lines `lines(resume)` would, at most `size`
    to a chunk, or is None when this source must be read line by line (a paced replay).
    """

    def chunks(self, resume: Any, size: int) -> AsyncIterator[SourceChunk] | None: ...
