"""Copying the write-ahead log back into the database while an ingest writes.

SQLite's own way is the automatic checkpoint: the connection whose commit takes the
log past 1,000 pages copies it back into the database file there and then, with an
fsync, before its commit returns. An ingest's batch of 2,000 posts writes about 800
pages, so nearly every batch paid for a checkpoint inside its turn, and the batches
are stored one at a time: on the benchmark's two cores the scoring processes then
waited for the disk.

During an ingest the writers' automatic checkpoint is set far out of the way
(`WRITER_AUTOCHECKPOINT`, a backstop only) and a `Checkpointer` thread in the desk's
process, on a connection of its own, copies the log back every `interval` seconds
while the batches go on committing. SQLite lets a checkpoint run beside a writer.

The log only starts again from its beginning when a writer finds all of it copied
and no reader in it, which a checkpoint running beside the writers may never leave
behind; so once the log holds `restart_frames` pages the thread asks for a restart
instead, which waits (at most `RESTART_WAIT_MS`) for the writer of the moment and makes
the next one start the log afresh. The log file stays within a few tens of MiB.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

WRITER_AUTOCHECKPOINT = 32768  # pages (128 MiB): only if the thread below falls behind
DEFAULT_AUTOCHECKPOINT = 1000  # pages: SQLite's own default, for every other time
RESTART_WAIT_MS = 1000  # a restart waits this long for the writer and readers of the moment


class Checkpointer:
    """A thread that keeps the write-ahead log of the database at `path` copied back.

    `start()` once, `stop()` once; `stop()` waits for the thread, then copies what is
    left and empties the log file when no one is reading from it.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        interval: float = 0.1,
        restart_frames: int = 8192,
        idle_interval: float = 1.6,
    ) -> None:
        self.path, self.interval, self.restart_frames = Path(path), interval, restart_frames
        # A live desk's ingest runs for a day, mostly with nothing to copy: while passes
        # find nothing new, the thread looks half as often each time, down to this.
        self.idle_interval = max(idle_interval, interval)
        self.passes = self.restarts = 0
        self.largest = 0  # the most pages the log held at a pass
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: sqlite3.Connection | None = None

    def start(self) -> None:
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.execute(f"PRAGMA busy_timeout = {RESTART_WAIT_MS}")
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()

    def pass_once(self) -> tuple[int, int]:
        """Copy back what the log holds, and restart the log once it has grown past
        `restart_frames`: (pages in the log, pages copied) as the first copy found."""
        assert self._conn is not None, "start() the checkpointer first"
        _, logged, copied = self._checkpoint("PASSIVE")
        self.passes += 1
        self.largest = max(self.largest, logged)
        if logged >= self.restart_frames:
            busy, _, _ = self._checkpoint("RESTART")
            self.restarts += not busy
        return logged, copied

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._thread.join()
            self._thread = None
        if self._conn is not None:
            try:
                # Nothing writes now: copy the rest and empty the file, unless a reader
                # (a dashboard) is inside the log, in which case it is copied later.
                self._checkpoint("TRUNCATE")
            except sqlite3.Error as exc:
                log.warning("final checkpoint of %s failed: %s", self.path, exc)
            self._conn.close()
            self._conn = None

    def next_wait(self, wait: float, idle: bool) -> float:
        """Seconds to the next pass after one that waited `wait` and found the log as it
        was (`idle`): longer while nothing is written, back at once when it is."""
        return min(wait * 2, self.idle_interval) if idle else self.interval

    def _run(self) -> None:
        failing = False
        wait, last = self.interval, None
        while not self._stopping.wait(wait):
            try:
                found = self.pass_once()
            except sqlite3.Error as exc:
                # A failed pass loses nothing: the pages stay in the log for the next
                # one, and the writers' backstop checkpoint bounds the log meanwhile.
                # Said once, not ten times a second, until a pass succeeds again.
                if not failing:
                    log.warning("checkpoints of %s failing: %s", self.path, exc)
                failing = True
            else:
                if failing:
                    log.warning("checkpoints of %s work again", self.path)
                failing = False
                # All of the log copied, and no page written since the pass before.
                wait = self.next_wait(wait, found == last and found[0] == found[1])
                last = found

    def _checkpoint(self, mode: str) -> tuple[int, int, int]:
        assert self._conn is not None
        busy, logged, copied = self._conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return busy, logged, copied
