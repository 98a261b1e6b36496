"""The outbox: every post we mean to send, and where its sending stands.

pending → sending → sent | failed | unknown. A row becomes `sending` in its own
committed transaction before the publisher is called, and only the lease holder may
do that (the fence), so a crash can never lead to a blind second send: a row found
`sending` by the next desk becomes `unknown` for a person to settle (resend or
mark-sent). The idempotency key is unique: enqueueing the same key twice gives one row.

`changes` rows of kind 'outbox' carry the outbox row's id.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage import audit, lease
from storage.actions import Refused
from storage.db import Database, _Tx

DESK = "desk"  # the operator name the sender's own transitions are audited under


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"  # left `sending` by a crash, or the publisher could not tell


SETTLEABLE = (OutboxState.UNKNOWN, OutboxState.FAILED)

_COLUMNS = (
    "id, key, kind, account, text, in_reply_to, conversation_id, media, operator, state, "
    "remote_id, error, attempts, not_before, created_at, updated_at, sent_at"
)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One outgoing post and its sending state."""

    id: int
    key: str
    kind: str  # 'reply' | 'scheduled'
    account: str
    text: str
    in_reply_to: int | None
    conversation_id: int | None
    media: tuple[str, ...]
    operator: str  # who wrote it
    state: OutboxState
    remote_id: str | None
    error: str | None
    attempts: int
    not_before: str
    created_at: str
    updated_at: str
    sent_at: str | None


@dataclass(frozen=True, slots=True)
class Enqueued:
    """The row for a key, and whether this call created it (False: it already existed)."""

    item: OutboxItem
    created: bool


def _item(row: Iterable[Any]) -> OutboxItem:
    values = list(row)
    values[7] = tuple(json.loads(values[7]))
    values[9] = OutboxState(values[9])
    return OutboxItem(*values)


def _public(item: OutboxItem) -> dict[str, Any]:
    """The fields an audit row records about a state change."""
    return {
        "state": item.state.value,
        "attempts": item.attempts,
        "remote_id": item.remote_id,
        "error": item.error,
    }


async def _get(tx: _Tx | Database, where: str, params: Iterable[Any]) -> OutboxItem | None:
    rows = await tx.fetchall(f"SELECT {_COLUMNS} FROM outbox WHERE {where}", tuple(params))
    return _item(rows[0]) if rows else None


async def reply_key(db: Database, post_id: int) -> str:
    """The idempotency key for a reply dialog opened on `post_id` now.

    It numbers the replies already queued to the post, so a double key press, or two
    operators who open the dialog on the same post before either sends, get the same
    key and one row; a deliberate follow-up opened after the first reply gets a new one.
    """
    queued = await db.scalar(
        "SELECT count(*) FROM outbox WHERE in_reply_to = ? AND kind = 'reply'", (post_id,)
    )
    return f"reply:{post_id}:{int(queued) + 1}"


async def enqueue(
    db: Database,
    *,
    key: str,
    account: str,
    text: str,
    operator: str,
    kind: str = "reply",
    in_reply_to: int | None = None,
    media: tuple[str, ...] = (),
    now: datetime | None = None,
) -> Enqueued:
    """Queue a post to send. The same key again returns the existing row, unchanged."""
    at = audit.stamp(now)
    async with db.transaction() as tx:
        existing = await _get(tx, "key = ?", (key,))
        if existing is not None:
            return Enqueued(existing, created=False)
        conversation = None
        if in_reply_to is not None:
            rows = await tx.fetchall(
                "SELECT coalesce(conversation_id, id) FROM posts WHERE id = ?", (in_reply_to,)
            )
            conversation = rows[0][0] if rows else in_reply_to
        await tx.execute(
            "INSERT INTO outbox (key, kind, account, text, in_reply_to, conversation_id, media, "
            "operator, state, attempts, not_before, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
            (key, kind, account.lstrip("@"), text, in_reply_to, conversation,
             json.dumps(list(media), ensure_ascii=False), operator, at, at, at),
        )  # fmt: skip
        item = await _get(tx, "key = ?", (key,))
        assert item is not None
        await audit.append(
            tx, at=at, operator=operator, kind=f"{kind}.queued", target=f"outbox:{item.id}",
            post_id=in_reply_to, after={"account": item.account, "text": text, "key": key},
        )  # fmt: skip
        await audit.note_change(tx, "outbox", item.id, at)
    return Enqueued(item, created=True)


class LeaseLost(Refused):
    """The sender is no longer the desk: it must not send."""


async def take_next(db: Database, holder: str, now: datetime | None = None) -> OutboxItem | None:
    """Mark the oldest due pending row `sending` and return it (None: nothing due).

    Commits before returning, so the row is `sending` on disk before anything is sent.
    Raises LeaseLost unless `holder` holds a live desk lease, so a desk that lost its
    lease (paused, then resumed) cannot send what its successor now owns.
    """
    at = audit.stamp(now)
    async with db.transaction() as tx:
        if not await lease.holds(tx, holder, at):
            raise LeaseLost(f"{holder} no longer holds the desk lease")
        item = await _get(
            tx, "state = 'pending' AND not_before <= ? ORDER BY not_before, id LIMIT 1", (at,)
        )
        if item is None:
            return None
        return await _move(
            tx, item, OutboxState.SENDING, at, DESK, "outbox.sending", attempts=item.attempts + 1
        )


async def _move(
    tx: _Tx,
    item: OutboxItem,
    state: OutboxState,
    at: str,
    operator: str,
    kind: str,
    **fields: Any,
) -> OutboxItem:
    """Change a row's state (and `fields`) with its audit and change rows."""
    values = {"state": state.value, "updated_at": at, **fields}
    sets = ", ".join(f"{name} = ?" for name in values)
    await tx.execute(f"UPDATE outbox SET {sets} WHERE id = ?", (*values.values(), item.id))
    after = await _get(tx, "id = ?", (item.id,))
    assert after is not None
    await audit.append(
        tx, at=at, operator=operator, kind=kind, target=f"outbox:{item.id}",
        post_id=item.in_reply_to, before=_public(item), after=_public(after),
    )  # fmt: skip
    await audit.note_change(tx, "outbox", item.id, at)
    if after.kind == "scheduled":
        await _follow_schedule(tx, after, at)
    return after


# A run-of-show row follows the outbox row that sends it, in the same transaction: the
# pane can never show "planned" for an item that went out.
_SCHEDULE_STATE = {
    OutboxState.PENDING: "sending",  # waiting for a retry: still in the outbox's hands
    OutboxState.SENDING: "sending",
    OutboxState.SENT: "posted",
    OutboxState.FAILED: "failed",
    OutboxState.UNKNOWN: "unknown",
}


async def _follow_schedule(tx: _Tx, item: OutboxItem, at: str) -> None:
    # The key names the schedule row and its attempt (storage.release.outbox_item_key),
    # so the row is found even when the sender is quicker than `mark_enqueued`.
    _, row_id, attempt = item.key.split(":")
    rows = await tx.fetchall(
        "SELECT id FROM schedule WHERE id = ? AND attempt = ? "
        "AND state IN ('due', 'sending', 'unknown', 'failed')",
        (int(row_id), int(attempt)),
    )
    if not rows:
        return
    state = _SCHEDULE_STATE[item.state]
    posted = at if item.state is OutboxState.SENT else None
    await tx.execute(
        "UPDATE schedule SET state = ?, hold = NULL, outbox_key = ?, "
        "remote_id = coalesce(?, remote_id), posted_at = coalesce(?, posted_at), note = ?, "
        "updated_at = ? WHERE id = ?",
        (state, item.key, item.remote_id, posted, item.error if state == "failed" else None,
         at, rows[0][0]),
    )  # fmt: skip
    await tx.execute(
        "INSERT INTO changes (kind, first_id, last_id, count, at) VALUES ('schedule', ?, ?, 1, ?)",
        (rows[0][0], rows[0][0], at),
    )


async def _transition(
    db: Database,
    outbox_id: int,
    allowed: Iterable[OutboxState],
    state: OutboxState,
    *,
    operator: str,
    kind: str,
    now: datetime | None,
    **fields: Any,
) -> OutboxItem:
    at = audit.stamp(now)
    allowed = tuple(allowed)
    async with db.transaction() as tx:
        item = await _get(tx, "id = ?", (outbox_id,))
        if item is None:
            raise Refused(f"no outbox row {outbox_id}")
        if item.state not in allowed:
            wanted = " or ".join(s.value for s in allowed)
            raise Refused(f"outbox row {outbox_id} is {item.state.value}, not {wanted}")
        return await _move(tx, item, state, at, operator, kind, **fields)


async def record_sent(
    db: Database, outbox_id: int, remote_id: str, now: datetime | None = None
) -> OutboxItem:
    """The publisher accepted it. Also from `unknown`: a successor may have marked our
    in-flight row unknown while the publisher was still answering."""
    return await _transition(
        db, outbox_id, (OutboxState.SENDING, OutboxState.UNKNOWN), OutboxState.SENT,
        operator=DESK, kind="outbox.sent", now=now, remote_id=remote_id, error=None,
        sent_at=audit.stamp(now),
    )  # fmt: skip


async def record_failed(
    db: Database,
    outbox_id: int,
    error: str,
    *,
    retry_at: datetime | None = None,
    now: datetime | None = None,
) -> OutboxItem:
    """Nothing went out. With `retry_at` the row goes back to pending until then."""
    if retry_at is not None:
        return await _transition(
            db, outbox_id, (OutboxState.SENDING,), OutboxState.PENDING, operator=DESK,
            kind="outbox.retry", now=now, error=error, not_before=audit.stamp(retry_at),
        )  # fmt: skip
    return await _transition(
        db, outbox_id, (OutboxState.SENDING,), OutboxState.FAILED,
        operator=DESK, kind="outbox.failed", now=now, error=error,
    )  # fmt: skip


async def record_unknown(
    db: Database, outbox_id: int, error: str, now: datetime | None = None
) -> OutboxItem:
    """The publisher could not say whether it went out: a person must check."""
    return await _transition(
        db, outbox_id, (OutboxState.SENDING,), OutboxState.UNKNOWN,
        operator=DESK, kind="outbox.unknown", now=now, error=error,
    )  # fmt: skip


async def recover_sending(db: Database, now: datetime | None = None) -> list[OutboxItem]:
    """On taking the desk: every row left `sending` becomes `unknown`, never re-sent."""
    at = audit.stamp(now)
    moved = []
    async with db.transaction() as tx:
        rows = await tx.fetchall(f"SELECT {_COLUMNS} FROM outbox WHERE state = 'sending'")
        for row in rows:
            moved.append(
                await _move(
                    tx,
                    _item(row),
                    OutboxState.UNKNOWN,
                    at,
                    DESK,
                    "outbox.unknown",
                    error="the desk stopped while sending: check the account on X",
                )  # fmt: skip
            )
    return moved


async def resend(
    db: Database, outbox_id: int, operator: str, now: datetime | None = None
) -> OutboxItem:
    """A person checked X and found it not sent: queue it again (a new attempt)."""
    return await _transition(
        db, outbox_id, SETTLEABLE, OutboxState.PENDING, operator=operator,
        kind="outbox.resend", now=now, error=None, not_before=audit.stamp(now),
    )  # fmt: skip


async def mark_sent(
    db: Database, outbox_id: int, operator: str, remote_id: str, now: datetime | None = None
) -> OutboxItem:
    """A person found it on X: record it sent, with the post's id there."""
    remote_id = remote_id.strip()
    if not remote_id.isdigit():
        raise Refused(f"a post id on X is digits only, not {remote_id!r}")
    return await _transition(
        db, outbox_id, SETTLEABLE, OutboxState.SENT, operator=operator,
        kind="outbox.mark_sent", now=now, remote_id=remote_id, error=None,
        sent_at=audit.stamp(now),
    )  # fmt: skip


async def get(db: Database, outbox_id: int) -> OutboxItem | None:
    return await _get(db, "id = ?", (outbox_id,))


async def by_key(db: Database, key: str) -> OutboxItem | None:
    return await _get(db, "key = ?", (key,))


async def for_conversation(db: Database, conversation_id: int) -> list[OutboxItem]:
    """Our queued and sent replies in a thread, oldest first (shown pending at once)."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM outbox WHERE conversation_id = ? ORDER BY id",
        (conversation_id,),
    )
    return [_item(row) for row in rows]


async def for_post(db: Database, post_id: int) -> list[OutboxItem]:
    """Our replies to one post, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM outbox WHERE in_reply_to = ? ORDER BY id", (post_id,)
    )
    return [_item(row) for row in rows]


async def in_states(
    db: Database, states: Iterable[OutboxState], limit: int = 500
) -> list[OutboxItem]:
    """Rows in these states, oldest first: e.g. the 'unknown — check' list."""
    wanted = [OutboxState(s).value for s in states]
    marks = ",".join("?" * len(wanted))
    rows = await db.fetchall(
        f"SELECT {_COLUMNS} FROM outbox WHERE state IN ({marks}) ORDER BY id LIMIT ?",
        (*wanted, limit),
    )
    return [_item(row) for row in rows]


async def accounts_answering(db: Database, conversation_id: int) -> frozenset[str]:
    """Our handles (lower-cased) that replied, or are replying, in a conversation."""
    rows = await db.fetchall(
        "SELECT lower(account) FROM outbox WHERE conversation_id = ? "
        "AND state NOT IN ('failed') "
        "UNION SELECT lower(author_username) FROM posts WHERE conversation_id = ? AND in_own",
        (conversation_id, conversation_id),
    )
    return frozenset(row[0] for row in rows)
