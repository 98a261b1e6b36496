"""The change feed sees commits from other connections and from its own."""

import asyncio
import time
from dataclasses import replace

import pytest

from storage import Database
from storage.db import DatabaseUnavailable
from storage.feed import ChangeFeed
from storage.posts import write_batch
from tests.test_storage import post


async def test_feed_hears_another_connections_commits(db_path) -> None:
    reader, writer = await Database.open(db_path), await Database.open(db_path)
    try:
        await write_batch(writer, [post(1)], source="t")
        feed = ChangeFeed(reader, interval=0.01)
        await feed.start_from_now()
        follow = feed.follow()
        pending = asyncio.ensure_future(follow.__anext__())
        await asyncio.sleep(0.05)
        assert not pending.done()  # nothing new yet, and no busy loop result
        await write_batch(writer, [post(2), post(3)], source="t")
        (change,) = await asyncio.wait_for(pending, 2)
        assert (change.kind, change.first_id, change.last_id, change.count) == ("posts", 2, 3, 2)
        await write_batch(reader, [replace(post(4))], source="t")  # its own connection
        (own,) = await asyncio.wait_for(follow.__anext__(), 2)
        assert own.first_id == 4
        await follow.aclose()
    finally:
        await reader.close()
        await writer.close()


async def test_a_read_cancelled_as_its_rows_arrive_does_not_freeze_the_connection(
    db_path,
) -> None:
    """A read whose task is cancelled in the moment between its result arriving and the
    task resuming keeps that result in the CancelledError's traceback (as a cancelled
    Textual worker does). The result must be rows, not a cursor holding its snapshot:
    otherwise every later read on the connection sees the database as it was then."""
    reader, writer = await Database.open(db_path), await Database.open(db_path)
    try:
        await write_batch(writer, [post(1), post(2)], source="t")
        feed = ChangeFeed(reader)
        await feed.start_from_now()
        before = await reader.data_version()
        read = asyncio.ensure_future(reader.fetchall("SELECT id FROM posts ORDER BY id"))
        await asyncio.sleep(0)  # the read is queued on aiosqlite's thread
        time.sleep(0.2)  # the loop stands still while the thread finishes it
        await asyncio.sleep(0)  # the loop hands the read its rows; it has not resumed
        read.cancel()
        with pytest.raises(asyncio.CancelledError) as kept:
            await read
        await write_batch(writer, [post(3)], source="t")
        assert await reader.data_version() != before
        assert [c.first_id for c in await feed.poll()] == [3]
        assert kept.value.__traceback__ is not None  # still held, as a worker's error is
    finally:
        await reader.close()
        await writer.close()


# Counts to ten billion: hours of work, unless SQLite is told to stop.
ENDLESS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) "
    "SELECT count(*) FROM n"
)


async def test_a_reader_stops_a_read_its_caller_gave_up_on(db_path) -> None:
    """A count superseded by the next key press is cancelled: on a reader connection
    SQLite stops it, and the next read is answered instead of waiting hours for it."""
    writer = await Database.open(db_path)
    reader = await Database.open_reader(db_path)
    try:
        await write_batch(writer, [post(1), post(2)], source="t")
        endless = asyncio.ensure_future(reader.scalar(ENDLESS))
        await asyncio.sleep(0.2)  # SQLite is counting in aiosqlite's thread
        endless.cancel()
        with pytest.raises(asyncio.CancelledError):
            await endless
        # A liveness bound, not a timing: without the stop this would wait for hours.
        ids = await asyncio.wait_for(reader.fetchall("SELECT id FROM posts ORDER BY id"), 60)
        assert [row["id"] for row in ids] == [1, 2]
        assert await reader.scalar("SELECT count(*) FROM posts") == 2  # later reads run whole
    finally:
        await reader.close()
        await writer.close()


async def test_a_reader_opens_only_a_database_that_exists(tmp_path) -> None:
    with pytest.raises(DatabaseUnavailable, match="no such database"):
        await Database.open_reader(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
