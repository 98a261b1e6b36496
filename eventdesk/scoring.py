"""The ingest's CPU work: source lines → parsed posts, sorted into lanes, scored for
sentiment and urgency, as the plain rows storage writes.

A scoring process imports this module and what it needs, and every import delays its
first batch: nothing here may import the config model (pydantic), the database layer
(storage.db, aiosqlite), asyncio or the UI (a test checks). The process is started with
a `ScoringSpec`, the few plain values it needs of the event config.
"""

from __future__ import annotations

import gc
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import spawn
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import TYPE_CHECKING, Any, NamedTuple

from eventdesk.lanes import LaneRules, LaneSpec
from eventdesk.model import PostFields
from eventdesk.parse import read_line
from eventdesk.sentiment import SentimentScorer
from eventdesk.sources.base import SourceChunk
from eventdesk.urgency import UrgencyDetector, UrgencySettings
from storage.batch import store_prepared, writer_connection
from storage.rows import Reject, prepared, stored_time

if TYPE_CHECKING:
    from eventdesk.config import EventConfig

EXCERPT = 200  # characters of a rejected line kept for the operator
# X's longest post is 25,000 characters; its message, with the users and media it names,
# some tens of kB. A longer line is no message of X's, and scoring a 10 MB one took
# seconds and a gigabyte or more: it is rejected unread.
MAX_LINE = 1_000_000  # characters


@dataclass(frozen=True, slots=True)
class ScoringSpec:
    """What scoring needs of an event config, as plain values that pickle small."""

    lanes: LaneSpec
    urgency: UrgencySettings

    @classmethod
    def of(cls, config: EventConfig) -> ScoringSpec:
        return cls(LaneSpec.of(config), UrgencySettings.of(config.urgency))


@dataclass(slots=True)
class Processed:
    """One batch after parsing and scoring, ready to write."""

    posts: list[tuple[Any, ...]] = field(default_factory=list)  # storage's Prepared tuples
    post_lines: list[int] = field(default_factory=list)  # the line each post came from
    rejects: list[Reject] = field(default_factory=list)
    ignored: int = 0


class Processor:
    """Parse, sort into lanes, score sentiment and urgency. Pure CPU, no IO."""

    def __init__(self, config: EventConfig | ScoringSpec) -> None:
        spec = config if isinstance(config, ScoringSpec) else ScoringSpec.of(config)
        self.lanes = LaneRules(spec.lanes)
        self.sentiment = SentimentScorer()
        self.urgency = UrgencyDetector.from_config(spec.urgency)

    def process(self, lines: Lines) -> Processed:
        """Each line's posts as storage's plain `Prepared` tuples (made straight from
        the fields read, never through a `Post`), so the writer only runs SQL."""
        out = Processed()
        found = self._read(lines, out)
        fields = [item[0] for item in found]
        # One step at a time over the whole batch, not one post at a time through every
        # step: each step's code and tables (VADER's lexicon, the urgency rules) stay in
        # the processor's caches, which took about a quarter off a scoring process's CPU
        # per post on the benchmark's machine.
        lanes = list(map(self.lanes.flags, fields))
        scores = list(map(self.sentiment.scores, [f.text for f in fields]))
        check = self.urgency.check
        # A repost repeats someone else's words, already checked where they were first
        # posted; and our own accounts' posts (an appeal for a missing person, a road
        # shut after a crash) are the desk's own words, never an alarm for it.
        alarms = [
            None if f.repost_of_id or own else check(f.text)
            for f, (_, _, own) in zip(fields, lanes, strict=True)
        ]
        out.posts = [
            prepared(f, stored_time(f.created_at), raw, flags, scored, alarm)
            for (f, raw), flags, scored, alarm in zip(found, lanes, scores, alarms, strict=True)
        ]
        return out

    def _read(self, lines: Lines, out: Processed) -> list[tuple[PostFields, str]]:
        """The posts of `lines` as (fields, raw JSON), each post's line number added to
        `out.post_lines`, and the lines that hold none counted or rejected in `out`."""
        found: list[tuple[PostFields, str]] = []
        for number, text, problem in lines:
            if problem is not None:
                out.rejects.append(Reject(number, problem, text[:EXCERPT]))
                continue
            if len(text) > MAX_LINE:
                reason = f"line too long: {len(text):,} characters (X's messages are far shorter)"
                out.rejects.append(Reject(number, reason, text[:EXCERPT]))
                continue
            parsed = read_line(text)
            if parsed.ignored is not None and not parsed.posts and not parsed.problems:
                out.ignored += 1
                continue
            for reason in parsed.problems:
                out.rejects.append(Reject(number, reason, text[:EXCERPT]))
            found += parsed.posts
            out.post_lines += [number] * len(parsed.posts)
        return found


Lines = Sequence[tuple[int, str, str | None]]  # (number, text, why it could not be read)


def chunk_lines(chunk: SourceChunk) -> Lines:
    """A chunk's lines as the line path gives them: numbered, decoded, newline kept."""
    if chunk.problem is not None:
        return [(chunk.first, "", chunk.problem)]
    data = chunk.data
    try:
        texts = data.decode("utf-8").split("\n")  # no UTF-8 sequence holds a newline byte
    except UnicodeDecodeError:
        return [_decoded(chunk.first + index, line) for index, line in enumerate(_split(data))]
    last = texts.pop()  # after the final newline: empty, or a last line without one
    lines = [(chunk.first + index, text + "\n", None) for index, text in enumerate(texts)]
    if last:
        lines.append((chunk.first + len(texts), last, None))
    return lines


def _split(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    last = lines.pop()
    return [line + b"\n" for line in lines] + ([last] if last else [])


def _decoded(number: int, line: bytes) -> tuple[int, str, str | None]:
    try:
        return number, line.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return (
            number,
            line.decode("utf-8", "backslashreplace"),
            f"not valid UTF-8 at byte {exc.start}",
        )


def process_batch(processor: Processor, batch: Lines | SourceChunk) -> Processed:
    """Parse and score a batch of lines (or a chunk of them)."""
    return processor.process(chunk_lines(batch) if isinstance(batch, SourceChunk) else batch)


class Turns:
    """Whose turn it is to store a batch, across the scoring processes: batch n is
    stored once batch n - 1 has committed, so batches commit in source order (each
    with its checkpoint) whichever process scored them first."""

    WAIT = 0.5  # seconds between looks at whether the run has ended meanwhile

    def __init__(self, next_batch: Any, changed: Any, ended: Any) -> None:
        self._next, self._changed, self._ended = next_batch, changed, ended

    @classmethod
    def make(cls) -> Turns:
        context = _ScoringContext()
        return cls(context.Value("q", 0, lock=False), context.Condition(), context.Event())

    def __reduce__(self) -> Any:  # handed to the scoring processes as they start
        return Turns, (self._next, self._changed, self._ended)

    def wait(self, number: int, parent: int) -> None:
        """Until batch `number` may be stored. Raises `TurnLost` once the run has
        ended (a batch before it failed, or the ingest stopped) or the desk's process
        is gone: nothing after a batch that was not stored may be."""
        with self._changed:
            while self._next.value != number:
                self._check(parent)
                self._changed.wait(self.WAIT)
        self._check(parent)

    def done(self, number: int) -> None:
        """Batch `number` has committed: the next one's turn."""
        with self._changed:
            self._next.value = number + 1
            self._changed.notify_all()

    def end(self) -> None:
        """The run is over: a batch still waiting for its turn is not stored."""
        self._ended.set()
        with self._changed:
            self._changed.notify_all()

    def _check(self, parent: int) -> None:
        if self._ended.is_set():
            raise TurnLost("the ingest ended before this batch's turn")
        if os.getppid() != parent:
            raise TurnLost("the desk's process is gone")


class TurnLost(RuntimeError):
    """A batch that may no longer be stored."""


@dataclass(frozen=True, slots=True)
class StoreSpec:
    """Where and how a scoring process stores the batches it scores."""

    path: str  # the database, made and migrated by the desk's process
    source: str  # the checkpoint's key
    turns: Turns
    parent: int = field(default_factory=os.getpid)


class Stored(NamedTuple):
    """What became of a batch a scoring process stored."""

    inserted: int
    duplicates: int
    ignored: int
    rejected: int


_worker: Processor | None = None
_store: tuple[StoreSpec, sqlite3.Connection] | None = None


def init_worker(spec: ScoringSpec, store: StoreSpec | None = None) -> None:
    """Make this scoring process's Processor (the pool's initializer), and its own
    connection to store batches through. A process that stores ends by itself once
    the desk's process (`store.parent`) is gone."""
    global _worker, _store
    if store is not None:
        _end_when_orphaned(store.parent)
    _worker = Processor(spec)
    if store is not None:
        _store = store, writer_connection(store.path)
    # Everything built so far (modules, lexicon, rules) lives as long as the worker:
    # leave it out of the collector's full passes, which otherwise walk it again and
    # again while batches are parsed.
    gc.freeze()


PARENT_LOOK = 0.5  # seconds between a scoring process's looks at whether its parent lives
ORPHANED = 3  # a scoring process's exit status when it ended because its parent was gone


def _end_when_orphaned(parent: int) -> None:
    """End this process soon after the process `parent` is gone, idle or busy.

    A desk's process killed outright (SIGKILL, or any signal it does not handle) never
    shuts its pool down. An idle scoring process waits for work on the pool's queue,
    whose writing end every scoring process holds too, so it never reads an end of
    file there: it would wait for ever, holding the database and its -wal and -shm open.
    `Turns.wait` notices a dead parent, but only in a batch's turn. A process whose
    parent is gone is handed to another (pid 1 or a subreaper), so its parent's id
    changes; a thread looks for that and leaves with `os._exit`, without unwinding.

    Leaving in the middle of a batch is safe: each batch is stored in one transaction
    with its checkpoint. One that had not committed is rolled back by SQLite (the
    process's write lock goes with it), and the checkpoint that went with it was not
    committed either, so a restart reads that batch's lines again. A batch whose turn
    comes after the parent is gone is not stored at all: `Turns.wait` refuses it.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_LOOK)
        os._exit(ORPHANED)

    threading.Thread(target=watch, name="scoring-parent-watch", daemon=True).start()


def store_in_worker(batch: Lines | SourceChunk, number: int, position: Any) -> Stored:
    """Score batch `number` of the run, then store it in its turn, with `position`
    as the source's checkpoint (in a scoring process)."""
    assert _worker is not None and _store is not None, "worker not initialised for storing"
    spec, conn = _store
    # A batch makes no reference cycles (all it builds goes once it is stored): it
    # runs with the collector off, which otherwise passes over its hundred thousand
    # objects again and again. Switched back on, it looks at what the batch left.
    gc.disable()
    try:
        out = process_batch(_worker, batch)
        spec.turns.wait(number, spec.parent)
        result = store_prepared(conn, out.posts, out.rejects, source=spec.source, position=position)
        spec.turns.done(number)
        return Stored(result.inserted, result.duplicates, out.ignored, len(out.rejects))
    finally:
        gc.enable()


def scoring_pool(
    workers: int, spec: ScoringSpec, store: StoreSpec | None = None
) -> ProcessPoolExecutor:
    """`workers` scoring processes, each started with `init_worker(spec, store)`.

    Spawned, not forked: the desk's process runs threads (SQLite's, the event loop's
    helpers), which a fork would copy in the middle of whatever they were doing. Each
    ends by itself once this process is gone, however it went.
    """
    return ProcessPoolExecutor(
        workers, mp_context=_ScoringContext(), initializer=init_worker, initargs=(spec, store)
    )


_launching = threading.Lock()


class _ScoringProcess(SpawnProcess):
    """A spawned process that does not run the parent's `__main__` before its work.

    A spawned child first runs the parent's main script or module again (as
    `__mp_main__`), so that functions defined there can be unpickled. The `eventdesk`
    command, the benchmarks and most scripts import the config, storage and more at
    their top, which took as long again as the scoring module's own imports. Nothing a
    scoring process runs is defined in a `__main__`, so it is sent the usual start-up
    data without the main module's name or path.
    """

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        # The standard library reads that data from one function, looked up as
        # `spawn.get_preparation_data` while the process is launched; it is replaced
        # for that moment only, one launch at a time.
        #
        # The process starts with Ctrl-C's SIGINT blocked, as a blocked signal stays
        # blocked across the fork and exec: a terminal sends Ctrl-C to every process in
        # its foreground group, and a scoring process interrupted mid-import or mid-batch
        # broke the pool. Stopping is the desk's process's to do (it shuts the pool down).
        with _launching:
            usual = spawn.get_preparation_data
            spawn.get_preparation_data = _without_main(usual)  # type: ignore[assignment]
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                return SpawnProcess._Popen(process_obj)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                spawn.get_preparation_data = usual


def _without_main(usual: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    def preparation_data(name: str) -> dict[str, Any]:
        data = usual(name)
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
        return data

    return preparation_data


class _ScoringContext(SpawnContext):
    Process = _ScoringProcess
