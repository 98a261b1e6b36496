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
