"""The write-ahead log copied back beside the writers, on real SQLite files."""

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from eventdesk.ingest import Ingest
from eventdesk.sources.replay import ReplaySource
from storage import Database
from storage.batch import writer_connection
from storage.checkpoints import WRITER_AUTOCHECKPOINT, Checkpointer
from tests.conftest import times, tweet_line, write_lines

PAGE = 4096


def wal_database(path: Path) -> sqlite3.Connection:
    """A WAL database whose writer never copies its own log back."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)")
    return conn


def write_pages(conn: sqlite3.Connection, pages: int, commits: int = 1) -> None:
    for _ in range(commits):
        conn.executemany(
            "INSERT INTO t (body) VALUES (?)", [(b"x" * (PAGE - 200),)] * (pages // commits)
        )


@pytest.mark.parametrize("restart_frames", [100, 10**9])
def test_a_log_written_on_meanwhile_is_started_afresh_past_the_limit(tmp_path, restart_frames):
    # The log starts again from its head only when a writer begins with all of it
    # copied. A batch always in progress as the copy runs never sees that moment:
    # the restart makes one, waiting for that batch and copying the rest first.
    conn = wal_database(tmp_path / "w.db")
    checkpoints = Checkpointer(tmp_path / "w.db", interval=3600, restart_frames=restart_frames)
    checkpoints.start()  # its thread waits an hour: each pass is called by this test
    try:
        write_pages(conn, 300, commits=3)
        conn.execute("BEGIN IMMEDIATE")  # a batch is being written as the pass comes
        write_pages(conn, 10)
        passing = threading.Thread(target=checkpoints.pass_once)
        passing.start()
        passing.join(0.5)  # a plain copy is done by now; a restart waits for the batch
        conn.execute("COMMIT")
        passing.join()
        write_pages(conn, 10)  # the next batch
        logged_after, _ = checkpoints.pass_once()
    finally:
        checkpoints.stop()
    if restart_frames == 100:
        assert checkpoints.restarts == 1
        assert logged_after < 50  # only the last batch, written at the head of the log
    else:
        assert checkpoints.restarts == 0
        assert logged_after > 300  # the log grew on behind the copied pages
    assert checkpoints.largest >= 300
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 320


def test_stop_copies_the_rest_and_empties_the_log_file(tmp_path):
    path = tmp_path / "w.db"
    conn = wal_database(path)
    checkpoints = Checkpointer(path, interval=0.01, restart_frames=50)
    checkpoints.start()
    write_pages(conn, 400, commits=40)  # the thread copies and restarts meanwhile
    checkpoints.stop()
    assert Path(f"{path}-wal").stat().st_size == 0
    assert checkpoints.passes > 0
    # Every row is in the database file itself: a copy of it alone holds them all.
    conn.close()
    copy = tmp_path / "copy.db"
    copy.write_bytes(path.read_bytes())
    assert sqlite3.connect(copy).execute("SELECT count(*) FROM t").fetchone()[0] == 400


def test_stop_leaves_a_readers_log_in_place(tmp_path):
    path = tmp_path / "w.db"
    conn = wal_database(path)
    write_pages(conn, 20)
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 20  # a snapshot held
    checkpoints = Checkpointer(path, interval=3600)
    checkpoints.start()
    checkpoints.stop()  # waits its moment for the reader, then leaves the log be
    assert Path(f"{path}-wal").stat().st_size > 0
    reader.execute("COMMIT")
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 20


@pytest.mark.parametrize("workers", [0, 1])
async def test_an_ingest_leaves_the_log_copied_and_the_default_restored(
    tmp_path, db_path, config, workers
):
    t = times(30)
    lines = [tweet_line(f"#KP24 post {i}", at=t[i], hashtags=("KP24",)) for i in range(30)]
    replay = write_lines(tmp_path / "event.jsonl", lines)
    db = await Database.open(db_path)
    try:
        summary = await Ingest(db, config, workers=workers, batch_size=7).run(ReplaySource(replay))
        assert summary.ingested == 30
        assert Path(f"{db_path}-wal").stat().st_size == 0
        assert await db.scalar("PRAGMA wal_autocheckpoint") == 1000
    finally:
        await db.close()
    writer = writer_connection(db_path)
    assert writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WRITER_AUTOCHECKPOINT


def test_failing_passes_are_said_once_and_the_thread_goes_on(tmp_path, caplog, monkeypatch):
    path = tmp_path / "w.db"
    wal_database(path)
    checkpoints = Checkpointer(path, interval=0.01)
    outcomes = iter([sqlite3.OperationalError("disk I/O error")] * 5 + [None] * 3)
    calls = threading.Semaphore(0)

    def flaky_pass() -> tuple[int, int]:
        calls.release()
        outcome = next(outcomes, None)
        if outcome is not None:
            raise outcome
        return 0, 0

    monkeypatch.setattr(checkpoints, "pass_once", flaky_pass)
    with caplog.at_level("WARNING", logger="storage.checkpoints"):
        checkpoints.start()
        for _ in range(8):
            assert calls.acquire(timeout=10)
        checkpoints.stop()
    said = [record.getMessage() for record in caplog.records]
    assert said == [
        f"checkpoints of {path} failing: disk I/O error",
        f"checkpoints of {path} work again",
    ]


async def test_an_ingest_cancelled_twice_still_hands_the_copying_back(
    tmp_path, db_path, config
) -> None:
    # The desk shutting down asks the ingest to stop, then cancels it: the second
    # cancellation may land while the ingest is already stopping its checkpoints.
    t = times(200)
    lines = [tweet_line(f"#KP24 post {i}", at=t[i], hashtags=("KP24",)) for i in range(200)]
    replay = write_lines(tmp_path / "event.jsonl", lines)
    db = await Database.open(db_path)
    try:
        ingest = Ingest(db, config, batch_size=5, flush_seconds=0.01)
        run = asyncio.create_task(ingest.run(ReplaySource(replay, speed=60)))
        await asyncio.sleep(0.5)  # some batches stored, the replay going on for seconds
        # A dashboard reading: the checkpoints' last copy waits its second for it.
        reader = sqlite3.connect(db_path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM posts").fetchone()
        run.cancel()
        await asyncio.sleep(0.2)  # stopping: the last copy under way
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run
        reader.execute("COMMIT")
        reader.close()
        for _ in range(100):
            if await db.scalar("PRAGMA wal_autocheckpoint") == 1000 and not any(
                thread.name == "wal-checkpoints" for thread in threading.enumerate()
            ):
                break
            await asyncio.sleep(0.05)
        assert await db.scalar("PRAGMA wal_autocheckpoint") == 1000
        assert not any(thread.name == "wal-checkpoints" for thread in threading.enumerate())
    finally:
        await db.close()


def test_the_thread_looks_less_often_while_nothing_is_written(tmp_path):
    checkpoints = Checkpointer(tmp_path / "w.db", interval=0.1, idle_interval=1.6)
    # Each pass that finds the log as it was doubles the wait; a write brings it back.
    waits = [0.1]
    for _ in range(6):
        waits.append(checkpoints.next_wait(waits[-1], idle=True))
    assert waits == [0.1, 0.2, 0.4, 0.8, 1.6, 1.6, 1.6]
    assert checkpoints.next_wait(1.6, idle=False) == 0.1


def test_an_idle_log_is_looked_at_a_few_times_not_ten_a_second(tmp_path, monkeypatch):
    path = tmp_path / "w.db"
    conn = wal_database(path)
    write_pages(conn, 20)
    checkpoints = Checkpointer(path, interval=0.1, idle_interval=1.6)
    found: list[tuple[int, int]] = []
    real_pass = checkpoints.pass_once

    def recorded() -> tuple[int, int]:
        found.append(real_pass())
        return found[-1]

    monkeypatch.setattr(checkpoints, "pass_once", recorded)
    checkpoints.start()
    try:
        threading.Event().wait(3.2)  # 32 passes at 0.1 s; backing off, at most 7
        idle_passes = len(found)
        idle = found[-1]
        # Written again (the writer starts the log afresh, all of it having been copied):
        # the thread copies the new pages back by itself.
        write_pages(conn, 20)

        def copied_anew() -> bool:
            return found[-1] != idle and found[-1][0] == found[-1][1] > 0

        for _ in range(200):
            if copied_anew():
                break
            threading.Event().wait(0.05)
    finally:
        checkpoints.stop()
    assert 2 <= idle_passes <= 7
    assert copied_anew(), found[-3:]
