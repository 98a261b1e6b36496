"""The ingest pipeline: source lines → Posts with lanes, sentiment, urgency → SQLite.

Reading stays on the event loop. Parsing and scoring (the CPU work, in
`eventdesk.scoring`) run in a thread, and the loop writes each batch; or, when
`workers` > 0, in scoring processes that also store the batches they score, taking
turns. Either way batches are written strictly in source order, each in one
transaction with its checkpoint, so the stored posts and the checkpoint always agree
whatever moment the process dies.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from eventdesk.config import EventConfig
from eventdesk.scoring import (
    Processed,
    Processor,
    ScoringSpec,
    Stored,
    StoreSpec,
    Turns,
    process_batch,
    scoring_pool,
    store_in_worker,
)
from eventdesk.sources.base import Source, SourceChunk, SourceLine
from storage import Database
from storage.batch import WRITER_CACHE_MIB
from storage.checkpoints import DEFAULT_AUTOCHECKPOINT, WRITER_AUTOCHECKPOINT, Checkpointer
from storage.posts import checkpoint, write_prepared

log = logging.getLogger(__name__)


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
    ) -> None:
        self.db, self.config = db, config
        if batch_size is None:
            # Each batch sent to a worker process costs a round trip, and in a thread
            # each batch's scoring and writing take turns at the GIL and the caches:
            # 2,000 lines a batch rather than 500 cut the CPU per post by about a tenth
            # both ways. A live source fills batches slowly: flush_seconds bounds the wait.
            batch_size = 2000
        self.batch_size, self.flush_seconds = batch_size, flush_seconds
        self.workers = workers
        self.summary = IngestSummary()
        self._stopping = asyncio.Event()
        self._unqueued: list[tuple[asyncio.Future, Any, int]] = []

    def stop(self) -> None:
        self._stopping.set()

    async def run(self, source: Source) -> IngestSummary:
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        executor: Executor | None = None
        turns: Turns | None = None
        if self.workers > 0:
            # Each scoring process also stores the batches it scores, in source order:
            # batch n waits until batch n - 1 has committed (`Turns`). The desk's
            # process then only reads, hands out and counts.
            turns = Turns.make()
            store = StoreSpec(str(self.db.path), source.key, turns)
            # Plain values, not the config: the processes need not import pydantic.
            executor = scoring_pool(self.workers, ScoringSpec.of(self.config), store)
            pool = executor
            numbers = itertools.count()

            async def run_batch(batch: Any, position: Any) -> Stored | Processed:
                number = next(numbers)
                return await loop.run_in_executor(pool, store_in_worker, batch, number, position)
        else:
            local = await asyncio.to_thread(Processor, self.config)

            async def run_batch(batch: Any, position: Any) -> Stored | Processed:
                return await asyncio.to_thread(process_batch, local, batch)

        lines: asyncio.Queue[SourceLine | None] = asyncio.Queue(maxsize=self.batch_size * 4)
        batches: asyncio.Queue[tuple[asyncio.Future[Processed], Any] | None] = asyncio.Queue(
            maxsize=max(2, self.workers * 2)
        )
        # At 200k posts a 64 MiB page cache cut the writer's CPU per post by about a
        # sixth (index pages were being read back from the OS for every batch).
        await self.db.use_cache(WRITER_CACHE_MIB)
        # The log is copied back into the database by a thread of its own while the
        # batches commit, not inside a batch's turn (see storage.checkpoints).
        await self.db.autocheckpoint(WRITER_AUTOCHECKPOINT)
        checkpoints = Checkpointer(self.db.path)
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
        checkpoints.start()
        try:
            writer = tasks[-1]
            await asyncio.wait([writer, stopper], return_when=asyncio.FIRST_COMPLETED)
            if not writer.done():
                await self._stop_reading(source, tasks[:-1], writer, batches)
            for task in tasks:
                if task.done() and not task.cancelled() and task.exception():
                    raise task.exception()  # type: ignore[misc]
        finally:
            stopper.cancel()
            for task in tasks:
                task.cancel()
            if turns is not None:
                turns.end()  # no batch waiting for its turn is stored after this
            if executor is not None:
                executor.shutdown(cancel_futures=True)
            _let_go(batches)
            # Finished even if this task is cancelled meanwhile (the desk shutting down).
            await asyncio.shield(self._wind_up(checkpoints))
            self.summary.seconds = time.perf_counter() - started
        return self.summary

    async def _stop_reading(
        self, source: Source, readers: list[asyncio.Task], writer: asyncio.Task, out: asyncio.Queue
    ) -> None:
        """Stop reading; the writer ends after the batches already queued.

        A reader cancelled while it hands its end mark (None) on to a full queue never
        gives it, and the writer would wait for it for ever: an end mark is handed on
        here too, and the writer ends at the first it meets. Whatever is still handing
        something on once the writer has ended (or failed) is cancelled again.
        """
        await source.close()
        for reader in readers:
            reader.cancel()
        end = asyncio.ensure_future(out.put(None))
        await asyncio.wait([writer])
        end.cancel()
        for reader in readers:
            reader.cancel()
        await asyncio.wait([*readers, end])

    async def _wind_up(self, checkpoints: Checkpointer) -> None:
        await self._settle()
        await self._stop_checkpoints(checkpoints)

    async def _stop_checkpoints(self, checkpoints: Checkpointer) -> None:
        # In a thread: the last copy may wait for a reader (a dashboard) a moment. Then
        # the connection's commits copy the log back themselves again.
        await asyncio.to_thread(checkpoints.stop)
        await self.db.autocheckpoint(DEFAULT_AUTOCHECKPOINT)

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
                future = asyncio.ensure_future(run_batch(chunk, chunk.position))
                await self._hand_on(out, (future, chunk.position, chunk.count))
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
            # A line that could not be read has no position: resume after the last one.
            position = next((ln.position for ln in reversed(pending) if ln.position), None)
            future = asyncio.ensure_future(run_batch(payload, position))
            await self._hand_on(out, (future, position, len(payload)))
        await out.put(None)

    async def _write(self, key: str, inbox: asyncio.Queue) -> None:
        while (item := await inbox.get()) is not None:
            future, position, count = item
            batch = await future
            if isinstance(batch, Stored):  # a scoring process stored it
                inserted, duplicates, ignored, rejected = batch
            else:
                result = await write_prepared(
                    self.db, batch.posts, batch.rejects, source=key, position=position
                )
                inserted, duplicates = result.inserted, result.duplicates
                ignored, rejected = batch.ignored, len(batch.rejects)
            self._count(Stored(inserted, duplicates, ignored, rejected), count)

    def _count(self, stored: Stored, lines: int) -> None:
        summary = self.summary
        summary.lines += lines
        summary.ingested += stored.inserted
        summary.duplicates += stored.duplicates
        summary.ignored += stored.ignored
        summary.rejected += stored.rejected

    async def _hand_on(self, out: asyncio.Queue, item: tuple[asyncio.Future, Any, int]) -> None:
        """Queue a batch already handed to the scoring for the writer, in order."""
        try:
            await out.put(item)
        except asyncio.CancelledError:
            # Stopped while the queue was full. A scoring process may store this batch
            # all the same, in its turn: `_settle` counts it once the pool is shut down.
            self._unqueued.append(item)
            raise

    async def _settle(self) -> None:
        """Count the batches handed on but never queued (a stop), now that nothing runs:
        those a scoring process stored; the others were dropped whole."""
        items, self._unqueued = self._unqueued, []
        futures = [future for future, _, _ in items]
        if futures:
            await asyncio.wait(futures)
        for future, _, lines in items:
            if future.cancelled() or future.exception() is not None:
                continue  # never stored (TurnLost: its turn came after the stop)
            batch = future.result()
            if isinstance(batch, Stored):
                self._count(batch, lines)


def _let_go(batches: asyncio.Queue) -> None:
    """The batches left queued when a run ends early (a write failed, or a stop): none
    will be written, and each one's outcome (TurnLost, or cancelled) is taken as it
    comes, or asyncio reports every one of them as an error nobody retrieved."""
    while not batches.empty():
        item = batches.get_nowait()
        if item is not None:
            item[0].add_done_callback(_taken)


def _taken(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()
