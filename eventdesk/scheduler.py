"""The scheduler: run by the desk process only, it hands due run-of-show items to the
outbox on time, and never posts an item more than the grace window late.

Each tick asks storage to release what is due at the clock's `now` (see
storage/release.py for the at-most-once seam with the outbox). Items that fell due
while no desk process ran, more than `[schedule] grace_minutes` ago, are held as
missed; while the desk is paused, items falling due are held for review. Only items
an operator releases with "post now" go out while paused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from eventdesk.clock import Clock
from eventdesk.config import EventConfig
from storage import Database
from storage.release import DueItem, Release, release_due

log = logging.getLogger(__name__)

Enqueue = Callable[[list[DueItem]], Awaitable[None]]
"""Puts released items into the outbox, then calls storage.release.mark_enqueued."""


class Scheduler:
    """Ticks the run-of-show against a clock. The clock is injected, so tests (and a
    replayed demo) decide what time it is."""

    def __init__(
        self, db: Database, config: EventConfig, clock: Clock, enqueue: Enqueue,
        *, interval: float = 1.0,
    ) -> None:  # fmt: skip
        self.db, self.clock, self.enqueue = db, clock, enqueue
        self.grace = timedelta(minutes=config.schedule.grace_minutes)
        self.interval = interval

    async def tick(self) -> Release:
        """One pass: release what is due now and give it to the outbox."""
        release = await release_due(self.db, self.clock(), self.grace)
        for key in release.missed:
            log.warning("run-of-show %s missed the grace window: waiting for an operator", key)
        if release.due:
            await self.enqueue(release.due)
        return release

    async def run(self) -> None:
        """Tick every `interval` seconds until cancelled."""
        while True:
            await self.tick()
            await asyncio.sleep(self.interval)
