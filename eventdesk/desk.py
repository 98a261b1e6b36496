"""The desk role: exactly one process runs the source, ingest, scheduler and outbox sender.

That process holds the lease row (storage.lease) and renews it with a heartbeat. Any
other process (`eventdesk serve` on standby, or a dashboard) polls it and takes the
role when the lease is free, expired, or held by a process on this host that no
longer exists: a desk killed with kill -9 is replaced within about one poll, without
waiting for its lease to run out. On taking the role, rows left `sending` become
`unknown` (never re-sent) and the ingest resumes from its committed checkpoint.

If the heartbeat finds the lease taken (this process was paused past its expiry), the
roles stop at once; the sender's fence refuses to mark anything `sending` meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import os
import socket
import sqlite3
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

from eventdesk.config import EventConfig
from eventdesk.ingest import Ingest
from eventdesk.outbox import OutboxSender
from eventdesk.publish import Publisher
from eventdesk.sources.base import Source
from storage import Database
from storage import lease as leases
from storage import outbox as store
from storage.outbox import LeaseLost

log = logging.getLogger(__name__)

# Makes the source each time this process becomes the desk, given the desk's database
# (the X source keeps its read budget there).
SourceFactory = Callable[[Database], Source]
# The scheduler of issue 5 plugs in here: run while this process is the desk, given the
# desk's database and lease holder id (for the sender's fence); cancelled on losing it.
Scheduler = Callable[[Database, str], Coroutine[Any, Any, None]]


class DeskRole(enum.StrEnum):
    STARTING = "starting"
    STANDBY = "standby"  # another process is the desk
    DESK = "desk"  # this process holds the lease and runs the roles
    STOPPED = "stopped"


def holder_id() -> str:
    """This process as a lease holder: host:pid:uuid (the uuid tells reused pids apart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def holder_gone(holder: str) -> bool:
    """True only when certain: the holder ran on this host and its pid no longer exists.

    Any doubt (another host, a pid that exists, even if reused) answers False, and the
    lease's expiry decides instead.
    """
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, run by another user
        return False
    return False


class Desk:
    """Becomes the desk when it can, and runs its roles while it holds the lease."""

    def __init__(
        self,
        db_path: Path,
        config: EventConfig,
        *,
        publisher: Publisher,
        operator: str,
        source: SourceFactory | None = None,
        scheduler: Scheduler | None = None,
        poll_seconds: float = 1.0,
        on_role: Callable[[DeskRole, str], None] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db_path, self.config = db_path, config
        self.publisher, self.operator = publisher, operator
        self.source, self.scheduler = source, scheduler
        self.lease_seconds = config.desk.lease_seconds
        self.poll_seconds = poll_seconds
        self.on_role = on_role
        self.clock = clock  # stamps the outbox's outcomes; None: the real time
        self.holder = holder_id()
        self.role = DeskRole.STARTING
        self._stop = asyncio.Event()
        self._db: Database | None = None

    def stop(self) -> None:
        """Stop the roles, give the lease up and return from `run`."""
        self._stop.set()

    def _set_role(self, role: DeskRole, detail: str = "") -> None:
        if role != self.role:
            self.role = role
            if self.on_role is not None:
                self.on_role(role, detail)

    async def try_become_desk(self, db: Database) -> bool:
        """One attempt to take the lease (or renew it, if ours). True if we hold it."""
        current = await leases.current(db)
        gone = None
        if current is not None and current.holder != self.holder and holder_gone(current.holder):
            gone = current.holder
        lease = await leases.acquire(
            db, self.holder, seconds=self.lease_seconds, operator=self.operator, dead_holder=gone
        )
        return lease.holder == self.holder

    async def run(self, *, standby: bool = True) -> None:
        """Be the desk whenever possible until `stop()`.

        With `standby` False (a dashboard that only wants the role if nobody has it)
        return at once when another process holds a live lease.
        """
        db = await Database.open(self.db_path)
        self._db = db
        try:
            while not self._stop.is_set():
                try:
                    became = await self.try_become_desk(db)
                except sqlite3.OperationalError as exc:  # busy past the timeout: try again
                    log.warning("desk lease check failed: %s", exc)
                    became = False
                if became:
                    await self._hold(db)
                    continue
                current = await leases.current(db)
                self._set_role(DeskRole.STANDBY, current.holder if current else "")
                if not standby:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.poll_seconds)
        finally:
            with contextlib.suppress(sqlite3.Error):
                await leases.release(db, self.holder, operator=self.operator)
            self._set_role(DeskRole.STOPPED)
            await db.close()

    async def _hold(self, db: Database) -> None:
        """Run the roles until the lease is lost, a role fails, or `stop()`."""
        recovered = await store.recover_sending(db)
        for item in recovered:
            log.warning("outbox %s was being sent when the last desk stopped: unknown", item.id)
        self._set_role(DeskRole.DESK, self.holder)
        sender = OutboxSender(db, self.publisher, self.holder, clock=self.clock)
        tasks: set[asyncio.Task[Any]] = {
            asyncio.create_task(self._heartbeat(db), name="desk-heartbeat"),
            asyncio.create_task(sender.run(), name="desk-outbox"),
            asyncio.create_task(self._stop.wait(), name="desk-stop"),
        }
        ingest: Ingest | None = None
        if self.source is not None:
            ingest = Ingest(db, self.config, workers=0)
            tasks.add(asyncio.create_task(ingest.run(self.source(db)), name="desk-ingest"))
        if self.scheduler is not None:
            tasks.add(asyncio.create_task(self.scheduler(db, self.holder), name="desk-schedule"))
        try:
            while tasks:
                done, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                if any(not self._finished_normally(task) for task in done):
                    break
        finally:
            if ingest is not None:
                ingest.stop()  # ends after the batch in hand: its checkpoint commits with it
            for task in tasks:
                if task.get_name() == "desk-ingest":
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(asyncio.shield(task), 5)
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            error = None if task.cancelled() else task.exception()
            if error is not None and not isinstance(error, LeaseLost):
                raise error

    @staticmethod
    def _finished_normally(task: asyncio.Task) -> bool:
        """Only the ingest may end and leave the desk running (a replay ran out)."""
        return (
            task.get_name() == "desk-ingest" and not task.cancelled() and task.exception() is None
        )

    async def _heartbeat(self, db: Database) -> None:
        """Renew the lease every quarter of its length; return when it has been taken."""
        while True:
            await asyncio.sleep(self.lease_seconds / 4)
            try:
                if not await leases.heartbeat(db, self.holder, seconds=self.lease_seconds):
                    log.warning("desk lease taken by another process: standing down")
                    return
            except sqlite3.OperationalError as exc:  # busy: the next beat may get through
                log.warning("desk heartbeat failed: %s", exc)
