"""Handing due run-of-show rows to the outbox, hearing back, and the pause switch.

The narrow seam between the schedule and the outbox (issue 4) is three calls:

1. `release_due(db, now, grace)` moves rows whose time has come to `due` and returns
   those to send now, each as an `Outgoing` whose key is `schedule:<id>:<attempt>`.
2. The outbox enqueues each `Outgoing` idempotently by that key, then calls
   `mark_enqueued(db, item.key, outbox_key)`. A row released but never marked (the
   process died in between) is returned again by the next `release_due` with the
   same key, so the outbox must ignore a key it already holds: at most once.
3. As the outbox row moves on it calls `mark_result(db, outbox_key, state, ...)` with
   'sending', then 'posted' (remote id and time), 'failed' or 'unknown'.

Rows that fell due more than `grace` ago (no desk process was running) are not
released but held as `missed`; rows falling due while the desk is paused are held as
`paused`. Held rows wait for a person: post now, postpone or skip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from eventdesk.publish import Outgoing
from storage.db import Database
from storage.posts import utc_text
from storage.schedule import ScheduledPost, fetch, note_change, parse_utc

RESULTS = ("sending", "posted", "failed", "unknown")


@dataclass(frozen=True, slots=True)
class DueItem:
    """A run-of-show row released for publishing."""

    key: str  # the schedule row's key
    at: datetime  # its planned time (UTC)
    outgoing: Outgoing


@dataclass(frozen=True, slots=True)
class Release:
    """What one pass of `release_due` did."""

    due: list[DueItem]  # to publish now
    missed: list[str]  # keys newly held: they fell due more than the grace window ago
    paused: list[str]  # keys newly held: they fell due while the desk was paused


@dataclass(frozen=True, slots=True)
class PauseState:
    paused: bool
    by: str | None = None
    at: datetime | None = None


def outbox_item_key(row: ScheduledPost) -> str:
    return f"schedule:{row.id}:{row.attempt}"


async def release_due(db: Database, now: datetime, grace: timedelta) -> Release:
    """Release what is due at `now`; hold what is too late or paused (one transaction)."""
    due: list[DueItem] = []
    missed: list[str] = []
    held: list[str] = []
    stamp = utc_text(now)
    async with db.transaction() as tx:
        paused = (await tx.fetchall("SELECT paused FROM desk_state WHERE id = 1"))[0][0]
        rows = await fetch(
            tx,
            "WHERE (state = 'planned' AND at <= ?) "
            "OR (state = 'due' AND hold IS NULL AND outbox_key IS NULL) ORDER BY at, id",
            (stamp,),
        )
        for row in rows:
            # A planned row is late from its planned time; a row already released (by
            # the scheduler before a crash, or by an operator's "post now") from then.
            since = row.at if row.state == "planned" else row.due_at or row.at
            if now - since > grace:
                hold = "missed"
            elif paused and (row.state == "planned" or row.released_by is None):
                hold = "paused"
            else:
                if row.state == "planned":
                    await tx.execute(
                        "UPDATE schedule SET state = 'due', attempt = attempt + 1, due_at = ?, "
                        "released_by = NULL, updated_at = ? WHERE id = ?",
                        (stamp, stamp, row.id),
                    )
                    row = (await fetch(tx, "WHERE id = ?", (row.id,)))[0]
                due.append(DueItem(row.key, row.at, _outgoing(row)))
                continue
            await tx.execute(
                "UPDATE schedule SET state = 'due', hold = ?, due_at = coalesce(due_at, ?), "
                "released_by = NULL, updated_at = ? WHERE id = ?",
                (hold, stamp, stamp, row.id),
            )
            (missed if hold == "missed" else held).append(row.key)
        changed = [row.id for row in rows if row.state == "planned" or row.key in missed + held]
        await note_change(tx, changed, now)
    return Release(due, missed, held)


def _outgoing(row: ScheduledPost) -> Outgoing:
    return Outgoing(key=outbox_item_key(row), account=row.account, text=row.text,
                    media=row.media)  # fmt: skip


async def mark_enqueued(db: Database, key: str, outbox_key: str, *, now: datetime) -> bool:
    """Record that the outbox holds the released row `key`; False if it was not released."""
    async with db.transaction() as tx:
        rows = await fetch(tx, "WHERE key = ? AND state = 'due' AND hold IS NULL", (key,))
        if not rows:
            return False
        await tx.execute(
            "UPDATE schedule SET outbox_key = ?, updated_at = ? WHERE id = ?",
            (outbox_key, utc_text(now), rows[0].id),
        )
        await note_change(tx, [rows[0].id], now)
    return True


async def mark_result(
    db: Database, outbox_key: str, state: str, *, now: datetime,
    remote_id: str | None = None, posted_at: datetime | None = None, note: str | None = None,
) -> bool:  # fmt: skip
    """Move the row the outbox sends as `outbox_key` to `state` (one of RESULTS).

    Only the row's current attempt is moved: a late answer about an earlier attempt
    cannot overwrite a newer one. False when no such row is in flight.
    """
    if state not in RESULTS:
        raise ValueError(f"not an outbox result: {state!r}")
    async with db.transaction() as tx:
        rows = await fetch(
            tx, "WHERE outbox_key = ? AND state IN ('due', 'sending', 'unknown')", (outbox_key,)
        )
        if not rows:
            return False
        await tx.execute(
            "UPDATE schedule SET state = ?, hold = NULL, remote_id = coalesce(?, remote_id), "
            "posted_at = coalesce(?, posted_at), note = ?, updated_at = ? WHERE id = ?",
            (state, remote_id, posted_at and utc_text(posted_at), note, utc_text(now),
             rows[0].id),
        )  # fmt: skip
        await note_change(tx, [rows[0].id], now)
    return True


async def desk_state(db: Database) -> PauseState:
    rows = await db.fetchall("SELECT paused, paused_by, paused_at FROM desk_state WHERE id = 1")
    paused, by, at = rows[0]
    return PauseState(bool(paused), by, parse_utc(at))


async def pause(db: Database, *, operator: str, now: datetime) -> PauseState:
    """Stop releasing scheduled posts (a major incident). Pausing twice changes nothing."""
    async with db.transaction() as tx:
        count = await tx.execute(
            "UPDATE desk_state SET paused = 1, paused_by = ?, paused_at = ? "
            "WHERE id = 1 AND NOT paused",
            (operator, utc_text(now)),
        )
        if count:
            await note_change(tx, [], now, operator=operator, action="pause")
    return await desk_state(db)


async def resume(db: Database, *, operator: str, now: datetime) -> list[ScheduledPost]:
    """Release scheduled posting again and return the review list: every held row
    (fell due while paused, or missed), in time order, each waiting for a decision."""
    async with db.transaction() as tx:
        count = await tx.execute(
            "UPDATE desk_state SET paused = 0, paused_by = NULL, paused_at = NULL "
            "WHERE id = 1 AND paused"
        )
        if count:
            await note_change(tx, [], now, operator=operator, action="resume")
        return await fetch(tx, "WHERE state = 'due' AND hold IS NOT NULL ORDER BY at, id")
