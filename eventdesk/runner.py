"""The desk's scheduler role: due run-of-show items go into the outbox on time.

The Scheduler (eventdesk/scheduler.py) decides what is due; this puts each released
item into the outbox under the release's own key, so a release repeated after a crash
finds the row it already made, and records which outbox row sends it. From there the
outbox row carries its schedule row along (storage/outbox.py), sent or failed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from eventdesk.chats import plan_chat_themes
from eventdesk.clock import Clock
from eventdesk.config import EventConfig
from eventdesk.scheduler import Scheduler
from storage import Database, outbox
from storage.release import DueItem, mark_enqueued

SCHEDULER_OPERATOR = "run-of-show"


def scheduler_role(
    config: EventConfig, clock: Clock, *, interval: float = 1.0
) -> Callable[[Database, str], Coroutine[Any, Any, None]]:
    """The `scheduler` a Desk runs while it holds the lease."""

    async def run(db: Database, holder: str) -> None:
        async def enqueue(items: list[DueItem]) -> None:
            for item in items:
                outgoing = item.outgoing
                await outbox.enqueue(
                    db, key=outgoing.key, account=outgoing.account, text=outgoing.text,
                    operator=SCHEDULER_OPERATOR, kind="scheduled",
                    media=outgoing.media, now=clock(),
                )  # fmt: skip
                await mark_enqueued(db, item.key, outgoing.key, now=clock())

        async def plan_chat_themes_hourly() -> None:
            # The weekly chats' theme posts, days ahead of each chat (idempotent by key).
            while True:
                await plan_chat_themes(db, config, clock())
                await asyncio.sleep(3600)

        planner = asyncio.create_task(plan_chat_themes_hourly(), name="chat-themes")
        try:
            await Scheduler(db, config, clock, enqueue, interval=interval).run()
        finally:
            planner.cancel()

    return run
