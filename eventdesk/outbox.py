"""The outbox sender: one per desk, publishing pending rows at most once each.

For each row: mark it `sending` and commit (only while we hold the desk lease), then
call the publisher, then record what came back. A crash between the two commits leaves
the row `sending`; the next desk turns it `unknown` for a person to settle. A retryable
failure goes back to pending with a growing wait, up to `max_attempts`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from eventdesk.publish import Outgoing, Publisher, PublishError, PublishUnknown
from storage import Database
from storage import outbox as store
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)


def backoff(attempts: int, base: float = 15.0, cap: float = 600.0) -> timedelta:
    """How long a retryable failure waits: 15 s, 30 s, 60 s … at most 10 minutes."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


class OutboxSender:
    """Sends due outbox rows through one publisher while `holder` holds the desk lease."""

    def __init__(
        self,
        db: Database,
        publisher: Publisher,
        holder: str,
        *,
        interval: float = 0.5,
        max_attempts: int = 5,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`clock` stamps the outcomes (a replayed event's own time, so a run-of-show
        item's lateness reads against the replayed day); None: the real time."""
        self.db, self.publisher, self.holder = db, publisher, holder
        self.clock = clock
        self.interval = interval
        self.max_attempts = max_attempts

    async def send_due(self) -> list[OutboxItem]:
        """Send every row due now, oldest first; the rows as they ended.

        Raises storage.outbox.LeaseLost when the lease has gone to another process.
        """
        done = []
        while (item := await store.take_next(self.db, self.holder)) is not None:
            done.append(await self.send(item))
        return done

    async def send(self, item: OutboxItem) -> OutboxItem:
        """Publish one row already marked `sending` and record the outcome."""
        outgoing = Outgoing(item.key, item.account, item.text, item.in_reply_to, item.media)
        try:
            published = await self.publisher.publish(outgoing)
        except PublishUnknown as exc:
            log.warning("outbox %s: unknown whether sent: %s", item.id, exc)
            return await store.record_unknown(
                self.db, item.id, str(exc) or "no answer", now=self._now()
            )
        except PublishError as exc:
            if exc.retryable and item.attempts < self.max_attempts:
                retry_at = datetime.now(UTC) + backoff(item.attempts)
                return await store.record_failed(
                    self.db, item.id, str(exc), retry_at=retry_at, now=self._now()
                )
            return await store.record_failed(self.db, item.id, str(exc), now=self._now())
        except Exception as exc:  # a publisher breaking its contract may still have sent
            # The type only: a message or traceback from a client library may hold a secret.
            log.error("outbox %s: publisher failed (%s)", item.id, type(exc).__name__)
            return await store.record_unknown(
                self.db, item.id, f"publisher error ({type(exc).__name__}): check on X",
                now=self._now(),
            )  # fmt: skip
        return await store.record_sent(self.db, item.id, published.remote_id, now=self._now())

    def _now(self) -> datetime | None:
        return self.clock() if self.clock is not None else None

    async def run(self) -> None:
        """Send forever: polls for due rows every `interval` (one indexed query). Cancel to stop."""
        while True:
            if not await self.send_due():
                await asyncio.sleep(self.interval)
