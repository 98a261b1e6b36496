"""Posts read from X per day: the read budget survives restarts."""

from __future__ import annotations

from storage.db import Database


async def add_reads(db: Database, day: str, posts: int) -> None:
    """Count `posts` more read on `day` ('YYYY-MM-DD', UTC)."""
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO x_reads (day, posts) VALUES (?, ?) "
            "ON CONFLICT (day) DO UPDATE SET posts = posts + excluded.posts",
            (day, posts),
        )


async def reads_between(db: Database, first: str, last: str) -> int:
    """Posts read from day `first` to day `last`, both included."""
    total = await db.scalar(
        "SELECT coalesce(sum(posts), 0) FROM x_reads WHERE day BETWEEN ? AND ?", (first, last)
    )
    return int(total)
