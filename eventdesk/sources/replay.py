"""Replay a recorded event: JSON lines as X's filtered stream sends them, or pages.

Plain or gzip. Paced by the posts' created_at: real time, N times faster, or as fast as
possible. Resumes from a checkpoint: the line number, the byte offset, and a fingerprint of
the file's first 64 KiB, so a file replaced since is replayed from its start. A .gz cut off
or damaged part way gives every line before the damage, then one problem line.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eventdesk.errors import UserError
from eventdesk.sources.base import SourceChunk, SourceLine, SourceState
from eventdesk.sources.gzip_stream import DamagedReplay, GzipStream

_CREATED = re.compile(rb'"created_at"\s*:\s*"([^"]{10,40})"')
_READ_BATCH = 256  # lines read between yields to the event loop at max speed
_BLOCK = 1 << 20  # bytes read at once for chunks
_HEAD = 1 << 16  # bytes at the start of the file that a position's fingerprint covers
STDIN = "-"  # as a replay's path: standard input (a recorder piping its output in)
KEY_PREFIX = "replay:"  # of a replay's checkpoint key, the file's path after it

log = logging.getLogger(__name__)


def parse_speed(value: str | float | None) -> float | None:
    """'max' → None (no pacing); '1' → real time; '60' → sixty times faster."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "max"):
        return None
    try:
        speed = float(value)
    except ValueError:
        raise UserError(f"speed must be 'max' or a number, not {value!r}") from None
    if not speed > 0 or speed == float("inf"):
        raise UserError(f"speed must be 'max' or a positive number, not {value!r}")
    return speed


def _created_at(line: bytes) -> datetime | None:
    match = _CREATED.search(line)
    if not match:
        return None
    try:
        moment = datetime.fromisoformat(match.group(1).decode("ascii").replace("Z", "+00:00"))
    except (UnicodeDecodeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _problem(exc: Exception, number: int) -> str:
    """Why the file cannot be read after line `number`."""
    if isinstance(exc, DamagedReplay):
        return f"{exc} after line {number}"
    return f"cannot read the file after line {number}: {exc}"


class _Fingerprint:
    """A hash of the first bytes of the (decompressed) file, up to _HEAD, kept running as
    lines are read: each position says which file it was made on without reading the
    file again for every batch."""

    def __init__(self) -> None:
        self._hash = hashlib.blake2b(digest_size=16)
        self.size = 0
        self._hex: str | None = None

    def feed(self, data: bytes) -> None:
        """`data` are the next bytes of the file, straight after those fed before."""
        if self.size < _HEAD:
            data = data[: _HEAD - self.size]
            self._hash.update(data)
            self.size += len(data)
            self._hex = None

    def hex(self) -> str:
        if self._hex is None:
            self._hex = self._hash.hexdigest()
        return self._hex

    def position(self, line: int, offset: int) -> dict[str, Any]:
        """Where to resume after `line`, which ends at byte `offset`."""
        return {"line": line, "offset": offset, "head": self.hex(), "head_size": self.size}


def _skip_to(
    handle: io.BufferedReader, resume: Any, fingerprint: _Fingerprint
) -> tuple[int, int] | None:
    """Move `handle` to just after the line `resume` names: (its number, its offset),
    with the bytes before fed to `fingerprint`. None if the file is not the one `resume`
    was made on: it starts differently now, or is shorter (or breaks) before the offset."""
    if not isinstance(resume, dict):
        return 0, 0
    number, offset = int(resume.get("line", 0)), int(resume.get("offset", 0))
    try:
        if resume.get("head") is None:  # made before positions had a fingerprint
            return _skip_trusting(handle, number, offset, fingerprint)
        size = int(resume.get("head_size", 0))
        fingerprint.feed(start := handle.read(size))
        if len(start) < size or fingerprint.hex() != resume["head"]:
            return None
        if handle.seekable():
            fingerprint.feed(handle.read(max(0, min(offset, _HEAD) - size)))
            if os.fstat(handle.fileno()).st_size < offset:
                return None
            handle.seek(offset)
            return number, offset
        left = offset - size
        while left > 0:  # a .gz: read up to the offset
            data = handle.read(min(left, _BLOCK))
            if not data:
                return None
            fingerprint.feed(data)
            left -= len(data)
        return number, offset
    except DamagedReplay:
        return None


def _skip_trusting(
    handle: io.BufferedReader, number: int, offset: int, fingerprint: _Fingerprint
) -> tuple[int, int]:
    """`_skip_to` as it was before positions had a fingerprint: the file is taken to be
    the same; the positions after it get a fingerprint."""
    if offset and handle.seekable():
        fingerprint.feed(handle.read(min(offset, _HEAD)))
        handle.seek(offset)
        return number, offset
    offset = 0
    for _ in range(number):
        line = handle.readline()
        fingerprint.feed(line)
        offset += len(line)
    return number, offset


def _after_lines(data: bytes, count: int) -> int:
    """Where the first `count` whole lines of `data` end, or 0 if it holds fewer."""
    end = 0
    for _ in range(count):
        end = data.find(b"\n", end) + 1
        if end == 0:
            return 0
    return end


class ReplaySource:
    """A recorded event file played back as if it were the live stream."""

    def __init__(
        self,
        path: Path | str,
        *,
        speed: float | None = None,
        fast_until: datetime | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        """`speed` None plays as fast as possible; `fast_until` plays everything
        created before that moment at once, then paces (to jump to a time of day)."""
        self.path = Path("/dev/stdin") if str(path) == STDIN else Path(path)
        if not self.path.exists():
            raise UserError(f"{self.path}: no such replay file")
        if self.path.is_dir():
            raise UserError(f"{self.path}: is a folder, expected a replay file")
        self._regular = self.path.is_file()  # not a pipe, a FIFO or a terminal
        self.key = f"{KEY_PREFIX}{self.path.resolve()}"
        self.speed = speed
        self.fast_until = fast_until
        self.state = SourceState.STARTING
        self._clock, self._sleep = clock, sleep
        self._behind: float | None = None
        self._closed = False
        self._origin: tuple[datetime, float] | None = None
        self._latest: datetime | None = None

    @property
    def lag_seconds(self) -> float | None:
        """How far playback runs behind its schedule (0 when keeping up)."""
        return self._behind

    def event_time(self) -> datetime | None:
        """What time it is in the replayed event: the scheduler's clock in a replay, so
        run-of-show items fall due as the recorded day passes. None before any post."""
        if self._origin is None or self.speed is None:
            return self._latest
        created, wall = self._origin
        return created + timedelta(seconds=(self._clock() - wall) * self.speed)

    def _start(self, resume: Any) -> tuple[io.BufferedReader, int, int, _Fingerprint]:
        """The file open just after `resume` (at its start if `resume` was made on
        another file): the handle, the line number and offset there, the fingerprint.

        A pipe (a recorder's output, `-` for standard input) is read from its start
        whatever the checkpoint says: what it gives cannot be read twice, nor
        compared with what an earlier run read. Posts stored before count as
        duplicates."""
        handle, fingerprint = self._open(), _Fingerprint()
        if not self._regular:
            return handle, 0, 0, fingerprint
        try:
            at = _skip_to(handle, resume, fingerprint)
        except BaseException:
            handle.close()
            raise
        if at is not None:
            return handle, *at, fingerprint
        handle.close()
        log.warning(
            "%s is not the file its checkpoint was made on (it starts differently now, or "
            "is shorter): replaying it from the start; posts already stored count as "
            "duplicates",
            self.path,
        )
        return self._open(), 0, 0, _Fingerprint()

    def _open(self) -> io.BufferedReader:
        """The file opened once, decompressed if it is a .gz: its first bytes are
        looked at, never read off (a pipe gives each byte only once)."""
        try:
            handle = self.path.open("rb")
        except PermissionError:
            raise UserError(
                f"{self.path}: cannot read the replay file (permission denied)"
            ) from None
        try:
            if handle.peek(2)[:2] == b"\x1f\x8b":
                return io.BufferedReader(GzipStream(handle))
        except BaseException:
            handle.close()
            raise
        return handle

    async def lines(self, resume: Any = None) -> AsyncIterator[SourceLine]:
        handle, number, offset, fingerprint = self._start(resume)
        self.state = SourceState.REPLAY
        try:
            origin: tuple[datetime, float] | None = None
            since_yield = 0
            while not self._closed:
                try:
                    line = handle.readline()
                except (OSError, DamagedReplay) as exc:  # a truncated or corrupt .gz
                    yield SourceLine(number + 1, "", None, problem=_problem(exc, number))
                    break
                if not line:
                    break
                number += 1
                offset += len(line)
                if self.speed is not None:
                    origin = await self._pace(line, origin)
                since_yield += 1
                if since_yield >= _READ_BATCH:
                    since_yield = 0
                    await asyncio.sleep(0)
                fingerprint.feed(line)
                position = fingerprint.position(number, offset)
                try:
                    text, problem = line.decode("utf-8"), None
                except UnicodeDecodeError as exc:
                    text = line.decode("utf-8", "backslashreplace")
                    problem = f"not valid UTF-8 at byte {exc.start}"
                yield SourceLine(number, text, position, problem)
        finally:
            handle.close()
            self.state = SourceState.STOPPED

    def chunks(self, resume: Any, size: int) -> AsyncIterator[SourceChunk] | None:
        """The lines `lines(resume)` would yield, as raw bytes, at most `size` lines a
        chunk; None for a paced replay, which must look at each line's time."""
        if self.speed is not None:
            return None
        return self._chunks(resume, size)

    async def _chunks(self, resume: Any, size: int) -> AsyncIterator[SourceChunk]:
        handle, number, offset, fingerprint = self._start(resume)
        self.state = SourceState.REPLAY
        try:
            buffer = b""
            while not self._closed:
                failure: Exception | None = None
                try:
                    # read1: one read of the file, so what it gives is never lost to
                    # damage met by a further read (a .gz raises it on the next one).
                    block = handle.read1(_BLOCK)
                except (OSError, DamagedReplay) as exc:  # a truncated or corrupt .gz
                    block, failure = b"", exc
                buffer += block
                while buffer and not self._closed:
                    cut = _after_lines(buffer, size)
                    if cut == 0:  # fewer than `size` whole lines
                        if block:
                            break  # read more first
                        cut = len(buffer) if failure is None else buffer.rfind(b"\n") + 1
                        if cut == 0:
                            break  # only part of a line before the file broke
                    data, buffer = buffer[:cut], buffer[cut:]
                    count = data.count(b"\n") + (not data.endswith(b"\n"))
                    offset += len(data)
                    fingerprint.feed(data)
                    position = fingerprint.position(number + count, offset)
                    yield SourceChunk(number + 1, count, data, position)
                    number += count
                    await asyncio.sleep(0)
                if failure is not None:  # after the whole lines before it
                    yield SourceChunk(number + 1, 1, b"", None, _problem(failure, number))
                if not block:
                    break
        finally:
            handle.close()
            self.state = SourceState.STOPPED

    async def _pace(
        self, line: bytes, origin: tuple[datetime, float] | None
    ) -> tuple[datetime, float] | None:
        created = _created_at(line)
        if created is not None and (self._latest is None or created > self._latest):
            self._latest = created
        if created is None or self.speed is None:
            return origin
        if self.fast_until is not None and created < self.fast_until:
            self._behind = 0.0
            return None
        if origin is None:
            self._origin = (created, self._clock())
            return self._origin
        due = origin[1] + (created - origin[0]).total_seconds() / self.speed
        wait = due - self._clock()
        if wait > 0:
            self._behind = 0.0
            await self._sleep(wait)
        else:
            self._behind = -wait
        return origin

    async def close(self) -> None:
        self._closed = True
