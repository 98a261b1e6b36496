"""The ingest pipeline: source lines → Posts with lanes, sentiment, urgency → SQLite.

Reading and writing stay on the event loop; parsing and scoring (the CPU work) run in
a thread, or in worker processes when `workers` > 0. Batches are written strictly in
source order, each in one transaction with its checkpoint, so the stored posts and the
checkpoint always agree whatever moment the process dies.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import marshal
import multiprocessing
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from eventdesk.config import EventConfig
from eventdesk.lanes import LaneRules
from eventdesk.model import PostFields
from eventdesk.parse import read_line
from eventdesk.sentiment import SentimentScorer
from eventdesk.sources.base import Source, SourceChunk, SourceLine
from eventdesk.urgency import UrgencyDetector
from storage import Database
from storage.posts import BatchResult, checkpoint, write_prepared
from storage.rows import Reject, prepared, stored_time

log = logging.getLogger(__name__)

EXCERPT = 200  # characters of a rejected line kept for the operator
WRITER_CACHE_MIB = 64  # SQLite page cache of the connection the ingest writes through


@dataclass(slots=True)
class Processed:
    """One batch after parsing and scoring, ready to write."""

    posts: list[tuple[Any, ...]] = field(default_factory=list)  # storage's Prepared tuples
    post_lines: list[int] = field(default_factory=list)  # the line each post came from
    rejects: list[Reject] = field(default_factory=list)
    ignored: int = 0
    position: Any = None


class Processor:
    """Parse, sort into lanes, score sentiment and urgency. Pure CPU, no IO."""

    def __init__(self, config: EventConfig) -> None:
        self.lanes = LaneRules(config)
        self.sentiment = SentimentScorer()
        self.urgency = UrgencyDetector.from_config(config.urgency)

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
        # posted.
        alarms = [None if f.repost_of_id else check(f.text) for f in fields]
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


_worker: Processor | None = None


def _init_worker(config: EventConfig) -> None:
    global _worker
    _worker = Processor(config)
    # Everything built so far (modules, lexicon, rules) lives as long as the worker:
    # leave it out of the collector's full passes, which otherwise walk it again and
    # again while batches are parsed.
    gc.freeze()


def _process_in_worker(batch: Lines | SourceChunk) -> bytes:
    assert _worker is not None, "worker not initialised"
    # A batch makes no reference cycles (all it builds goes when it is sent back), yet
    # the collector's passes over its hundred thousand objects cost a scoring process
    # about 3 us a post (0.32 s per 100k demo posts; 0.01 s with this): each batch
    # runs with the collector off. Switched back on, it looks at what the batch left
    # (the few cache entries kept, any cycle after all) at its next young pass.
    gc.disable()
    try:
        out = process_batch(_worker, batch)
        # The batch goes back as marshal's bytes: it is all tuples, lists, strings and
        # numbers, which marshal writes in about half the time pickle takes (pickle
        # also remembers every object it writes). Both ends run the same Python.
        rejects = [(r.line, r.reason, r.excerpt) for r in out.rejects]
        return marshal.dumps((out.posts, out.post_lines, rejects, out.ignored))
    finally:
        gc.enable()


def _unpack(data: bytes) -> Processed:
    posts, post_lines, rejects, ignored = marshal.loads(data)
    return Processed(posts, post_lines, [Reject(*r) for r in rejects], ignored)


@dataclass(slots=True)
class IngestSummary:
    """Counts of what became of every line: posts stored or duplicate, lines ignored or
    rejected (a page's bad post is one rejection on its line)."""

    ingested: int = 0
    duplicates: int = 0
    ignored: int = 0
    rejected: int = 0
    lines: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.ingested / self.seconds if self.seconds else 0.0
        return (
            f"ingested={self.ingested} duplicates={self.duplicates} ignored={self.ignored} "
            f"rejected={self.rejected} lines={self.lines} seconds={self.seconds:.2f} "
            f"rate={rate:.0f}/s"
        )


BatchHook = Callable[[Processed, BatchResult], Awaitable[None] | None]


class Ingest:
    """Runs one source into the database until the source ends or `stop()` is called."""

    def __init__(
        self,
        db: Database,
        config: EventConfig,
        *,
        batch_size: int | None = None,
        flush_seconds: float = 0.25,
        workers: int = 0,
        on_batch: BatchHook | None = None,
    ) -> None:
        self.db, self.config = db, config
        if batch_size is None:
            # Each batch sent to a worker process costs a round trip; 2,000 lines a
            # batch cut the CPU per post by about a tenth there, and made no difference
            # in a thread. A live source fills batches slowly: flush_seconds bounds the wait.
            batch_size = 2000 if workers > 0 else 500
        self.batch_size, self.flush_seconds = batch_size, flush_seconds
        self.workers = workers
        self.on_batch = on_batch
        self.summary = IngestSummary()
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self, source: Source) -> IngestSummary:
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        executor: Executor | None = None
        if self.workers > 0:
            executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.config,),
            )
            pool = executor

            async def run_batch(batch: Any) -> Processed:
                return _unpack(await loop.run_in_executor(pool, _process_in_worker, batch))
        else:
            local = await asyncio.to_thread(Processor, self.config)

            async def run_batch(batch: Any) -> Processed:
                return await asyncio.to_thread(process_batch, local, batch)

        lines: asyncio.Queue[SourceLine | None] = asyncio.Queue(maxsize=self.batch_size * 4)
        batches: asyncio.Queue[tuple[asyncio.Future[Processed], Any] | None] = asyncio.Queue(
            maxsize=max(2, self.workers * 2)
        )
        # At 200k posts a 64 MiB page cache cut the writer's CPU per post by about a
        # sixth (index pages were being read back from the OS for every batch).
        await self.db.use_cache(WRITER_CACHE_MIB)
        resume = await checkpoint(self.db, source.key)
        opener = getattr(source, "chunks", None)
        chunks = opener(resume, self.batch_size) if opener is not None else None
        if chunks is not None:
            # Chunks of raw bytes go to the scoring as they are read: nothing here
            # touches a line before it is parsed.
            tasks = [
                asyncio.create_task(self._chunks(chunks, batches, run_batch), name="ingest-read")
            ]
        else:
            tasks = [
                asyncio.create_task(self._read(source, resume, lines), name="ingest-read"),
                asyncio.create_task(self._batch(lines, batches, run_batch), name="ingest-batch"),
            ]
        tasks.append(asyncio.create_task(self._write(source.key, batches), name="ingest-write"))
        stopper = asyncio.create_task(self._stopping.wait())
        try:
            writer = tasks[-1]
            await asyncio.wait([writer, stopper], return_when=asyncio.FIRST_COMPLETED)
            if not writer.done():
                await source.close()
                tasks[0].cancel()
                await asyncio.wait(tasks)
            for task in tasks:
                if task.done() and not task.cancelled() and task.exception():
                    raise task.exception()  # type: ignore[misc]
        finally:
            stopper.cancel()
            for task in tasks:
                task.cancel()
            if executor is not None:
                executor.shutdown(cancel_futures=True)
            self.summary.seconds = time.perf_counter() - started
        return self.summary

    async def _read(self, source: Source, resume: Any, out: asyncio.Queue) -> None:
        try:
            async for line in source.lines(resume):
                await out.put(line)
        finally:
            await out.put(None)

    async def _chunks(
        self, chunks: AsyncIterator[SourceChunk], out: asyncio.Queue, run_batch
    ) -> None:
        try:
            async for chunk in chunks:
                future = asyncio.ensure_future(run_batch(chunk))
                await out.put((future, chunk.position, chunk.count))
        finally:
            await out.put(None)

    async def _batch(self, inbox: asyncio.Queue, out: asyncio.Queue, run_batch) -> None:
        done = False
        while not done:
            first = await inbox.get()
            if first is None:
                break
            pending = [first]
            deadline = time.monotonic() + self.flush_seconds
            while len(pending) < self.batch_size:
                try:
                    item = inbox.get_nowait()
                except asyncio.QueueEmpty:
                    wait = deadline - time.monotonic()
                    if wait <= 0:
                        break
                    try:
                        item = await asyncio.wait_for(inbox.get(), wait)
                    except TimeoutError:
                        break
                if item is None:
                    done = True
                    break
                pending.append(item)
            payload = [(line.number, line.text, line.problem) for line in pending]
            future = asyncio.ensure_future(run_batch(payload))
            # A line that could not be read has no position: resume after the last one.
            position = next((ln.position for ln in reversed(pending) if ln.position), None)
            await out.put((future, position, len(payload)))
        await out.put(None)

    async def _write(self, key: str, inbox: asyncio.Queue) -> None:
        while (item := await inbox.get()) is not None:
            future, position, count = item
            batch = await future
            batch.position = position
            result = await write_prepared(
                self.db, batch.posts, batch.rejects, source=key, position=position
            )
            summary = self.summary
            summary.lines += count
            summary.ingested += result.inserted
            summary.duplicates += result.duplicates
            summary.ignored += batch.ignored
            summary.rejected += len(batch.rejects)
            if self.on_batch is not None:
                outcome = self.on_batch(batch, result)
                if outcome is not None:
                    await outcome
