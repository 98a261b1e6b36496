"""The change feed sees commits from other connections and from its own."""

import asyncio
from dataclasses import replace

from storage import Database
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
