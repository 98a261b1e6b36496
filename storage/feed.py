"""The change feed: how a dashboard hears that another process committed something.

Every writer appends a row to `changes` in the same transaction as its data. A reader
polls `PRAGMA data_version` (a cheap counter that moves only when another connection
commits) and, when it moves, reads the change rows after the last one it saw. No busy
loop: an idle desk costs one tiny pragma per interval.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True, slots=True)
class Change:
    """One committed write: what kind, which ids, how many rows."""

    seq: int
    kind: str
    first_id: int | None
    last_id: int | None
    count: int


class ChangeFeed:
    """Follows the `changes` table of one database."""

    def __init__(self, db: Database, *, interval: float = 0.2) -> None:
        self.db = db
        self.interval = interval
        self.last_seq = 0
        self._seen: tuple[int, int] | None = None

    async def start_from_now(self) -> None:
        """Skip everything already committed (the reader loads current state itself)."""
        self.last_seq = int(await self.db.scalar("SELECT coalesce(max(seq), 0) FROM changes"))

    async def poll(self) -> list[Change]:
        """Changes committed since the last poll (by any connection, this one included)."""
        rows = await self.db.fetchall(
            "SELECT seq, kind, first_id, last_id, count FROM changes WHERE seq > ? ORDER BY seq",
            (self.last_seq,),
        )
        if rows:
            self.last_seq = rows[-1]["seq"]
        return [Change(*tuple(row)) for row in rows]

    async def follow(self) -> AsyncIterator[list[Change]]:
        """Yield each non-empty group of new changes, forever. Cancel to stop."""
        while True:
            # data_version moves on other connections' commits, `commits` on our own.
            seen = (await self.db.data_version(), self.db.commits)
            if seen != self._seen:
                self._seen = seen
                changes = await self.poll()
                if changes:
                    yield changes
                    continue
            await asyncio.sleep(self.interval)
