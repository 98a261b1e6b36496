"""The desk lease: one row saying which process is the desk (source, ingest, sender).

A holder renews the row with a heartbeat; once `expires_at` passes anyone may take it.
A caller that knows the holder is dead (same host, its pid gone) may take it at once by
naming it as `dead_holder`: the swap only happens if that process still holds the row,
so two standbys racing for a dead holder's lease cannot both win.

Times are stored as UTC text (`utc_text`), which sorts in time order. Acquiring and
releasing are audited; heartbeats are not (they would wake every dashboard).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage import audit
from storage.db import Database, _Tx


@dataclass(frozen=True, slots=True)
class Lease:
    """Who holds the desk role, since when, and until when unless renewed."""

    holder: str  # host:pid:uuid
    acquired_at: str
    heartbeat_at: str
    expires_at: str

    def live(self, at: str) -> bool:
        return self.expires_at > at


def _times(now: datetime | None, seconds: float) -> tuple[str, str]:
    moment = now or datetime.now(UTC)
    return audit.stamp(moment), audit.stamp(moment + timedelta(seconds=seconds))


async def _row(tx_or_db: _Tx | Database) -> Lease | None:
    rows = await tx_or_db.fetchall(
        "SELECT holder, acquired_at, heartbeat_at, expires_at FROM desk_lease WHERE id = 1"
    )
    return Lease(*tuple(rows[0])) if rows else None


async def current(db: Database) -> Lease | None:
    """The lease row as it stands (it may have expired: check `live`)."""
    return await _row(db)


async def acquire(
    db: Database,
    holder: str,
    *,
    seconds: float,
    operator: str,
    now: datetime | None = None,
    dead_holder: str | None = None,
) -> Lease:
    """Take the lease if it is free, expired, already ours, or held by `dead_holder`.

    Returns the lease as it stands afterwards: ours if `lease.holder == holder`.
    """
    at, expires = _times(now, seconds)
    async with db.transaction() as tx:
        lease = await _row(tx)
        free = lease is None or not lease.live(at) or lease.holder in (holder, dead_holder)
        if not free:
            assert lease is not None
            return lease
        if lease is not None and lease.holder == holder:
            await tx.execute(
                "UPDATE desk_lease SET heartbeat_at = ?, expires_at = ? WHERE id = 1",
                (at, expires),
            )
            return Lease(holder, lease.acquired_at, at, expires)
        await tx.execute(
            "INSERT INTO desk_lease (id, holder, acquired_at, heartbeat_at, expires_at) "
            "VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, "
            "acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, "
            "expires_at = excluded.expires_at",
            (holder, at, at, expires),
        )
        before = {} if lease is None else {"holder": lease.holder, "expires_at": lease.expires_at}
        await audit.append(
            tx, at=at, operator=operator, kind="desk.acquire", target="desk",
            before=before, after={"holder": holder}, change="lease",
        )  # fmt: skip
    return Lease(holder, at, at, expires)


async def heartbeat(
    db: Database, holder: str, *, seconds: float, now: datetime | None = None
) -> bool:
    """Renew our lease. False when another process holds it now (we lost it)."""
    at, expires = _times(now, seconds)
    async with db.transaction() as tx:
        count = await tx.execute(
            "UPDATE desk_lease SET heartbeat_at = ?, expires_at = ? WHERE id = 1 AND holder = ?",
            (at, expires, holder),
        )
    return count == 1


async def release(db: Database, holder: str, *, operator: str, now: datetime | None = None) -> bool:
    """Give the lease up (a clean stop) so a standby need not wait for it to expire."""
    at = audit.stamp(now)
    async with db.transaction() as tx:
        count = await tx.execute("DELETE FROM desk_lease WHERE id = 1 AND holder = ?", (holder,))
        if count:
            await audit.append(
                tx, at=at, operator=operator, kind="desk.release", target="desk",
                before={"holder": holder}, change="lease",
            )  # fmt: skip
    return count == 1


async def holds(tx: _Tx, holder: str, at: str) -> bool:
    """Inside a transaction: does `holder` hold a live lease? (The sender's fence.)"""
    lease = await _row(tx)
    return lease is not None and lease.holder == holder and lease.live(at)
