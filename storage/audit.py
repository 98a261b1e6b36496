"""The audit log: every operator action as a row, hash-chained so tampering shows.

Each row's hash is sha256 over the previous row's hash and the canonical JSON of the
row itself (its seq included), so editing a row breaks its own hash, deleting one
leaves a gap in seq and breaks the next row's link, and moving rows breaks both.
`audit_head` keeps the last seq and hash, so cutting rows off the end shows too.

Rows are appended by the same transaction as the change they describe: an action is
never stored without its audit row, nor the other way round. The chain proves the log
was not altered by someone without this code; a person able to rewrite the whole file
can rebuild a chain, so `verify` prints the head hash for anyone who wants to keep it
elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage.db import Database, _Tx
from storage.posts import utc_text

GENESIS = "0" * 64
_COLUMNS = "seq, at, operator, kind, post_id, target, before, after"


def stamp(now: datetime | None = None) -> str:
    """`now` (or the present) as stored: UTC text, milliseconds."""
    return utc_text(now or datetime.now(UTC))


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: one text per value, so one hash."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The hash of one row (the `_COLUMNS`, before/after as their stored text)."""
    fields = {name: row[name] for name in _COLUMNS.split(", ")}
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One action: who did what to which post, and the state before and after."""

    seq: int
    at: str
    operator: str
    kind: str  # e.g. 'flag', 'reply', 'outbox.sent', 'handoff', 'ack'
    post_id: int | None
    target: str  # what changed, e.g. 'outbox:12', 'assignment:3', 'post:1861…'
    before: dict[str, Any]
    after: dict[str, Any]
    hash: str | None  # None only for rows the migration copied, until the next append


async def _seal(tx: _Tx) -> tuple[int, str]:
    """Chain rows copied in by the migration (hash NULL); return the head."""
    rows = await tx.fetchall(f"SELECT {_COLUMNS} FROM audit WHERE hash IS NULL ORDER BY seq")
    seq, prev = 0, GENESIS
    for values in rows:
        row = dict(zip(_COLUMNS.split(", "), values, strict=True))
        digest = chain_hash(prev, row)
        await tx.execute(
            "UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row["seq"])
        )
        seq, prev = row["seq"], digest
    return seq, prev


async def append(
    tx: _Tx,
    *,
    at: str,
    operator: str,
    kind: str,
    target: str,
    post_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    change: str | None = None,
) -> int:
    """Append one audit row inside the caller's transaction; returns its seq.

    `change` also adds a `changes` row of that kind (e.g. 'actions', 'outbox') so
    every dashboard's ChangeFeed hears of it.
    """
    head = await tx.fetchall("SELECT seq, hash FROM audit_head")
    last_seq, last_hash = head[0] if head else await _seal(tx)
    row = {
        "seq": last_seq + 1,
        "at": at,
        "operator": operator,
        "kind": kind,
        "post_id": post_id,
        "target": target,
        "before": canonical(before or {}),
        "after": canonical(after or {}),
    }
    digest = chain_hash(last_hash, row)
    await tx.execute(
        f"INSERT INTO audit ({_COLUMNS}, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*row.values(), last_hash, digest),
    )
    await tx.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        (row["seq"], digest),
    )
    if change is not None:
        await note_change(tx, change, post_id, at)
    return row["seq"]


async def note_change(tx: _Tx, kind: str, row_id: int | None, at: str) -> None:
    """One `changes` row, so the dashboards' ChangeFeed sees this write."""
    await tx.execute(
        "INSERT INTO changes (kind, first_id, last_id, count, at) VALUES (?, ?, ?, 1, ?)",
        (kind, row_id, row_id, at),
    )


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What `verify` found. `problems` name the rows, first problem first."""

    rows: int
    head: str  # the last row's hash: keep it elsewhere to detect a rebuilt chain
    problems: tuple[str, ...]
    unsealed: int  # rows copied by the migration that no append has chained yet

    @property
    def ok(self) -> bool:
        return not self.problems


async def verify(db: Database, page: int = 5000) -> AuditReport:
    """Walk the chain and say which rows were edited, deleted or moved."""
    problems: list[str] = []
    rows = unsealed = 0
    prev_seq, prev_hash = 0, GENESIS
    head = await db.fetchall("SELECT seq, hash FROM audit_head")
    async for row in _raw_rows(db, page):
        rows += 1
        if row["hash"] is None:
            if head:
                problems.append(f"row {row['seq']}: no hash (inserted outside eventdesk)")
            unsealed += 1
            continue
        if row["prev_hash"] != prev_hash:
            if row["seq"] > prev_seq + 1:
                gone = _span(prev_seq + 1, row["seq"] - 1)
                problems.append(f"{gone} deleted (row {row['seq']} no longer links back)")
            else:
                problems.append(f"row {row['seq']}: does not link to row {prev_seq} (moved)")
        if chain_hash(row["prev_hash"] or "", row) != row["hash"]:
            problems.append(f"row {row['seq']}: edited (its hash does not match its contents)")
        prev_seq, prev_hash = row["seq"], row["hash"]
    if head:
        head_seq, head_hash = head[0]["seq"], head[0]["hash"]
        if head_seq > prev_seq:
            problems.append(f"{_span(prev_seq + 1, head_seq)} deleted from the end")
        elif (head_seq, head_hash) != (prev_seq, prev_hash):
            problems.append(f"the head (row {head_seq}) does not match the last row")
    return AuditReport(rows, prev_hash, tuple(problems), unsealed)


def _span(first: int, last: int) -> str:
    return f"row {first}" if first == last else f"rows {first}-{last}"


async def _raw_rows(db: Database, page: int) -> AsyncIterator[dict[str, Any]]:
    last = 0
    while True:
        batch = await db.fetchall(
            f"SELECT {_COLUMNS}, prev_hash, hash FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
            (last, page),
        )
        for row in batch:
            yield dict(row)
        if len(batch) < page:
            return
        last = batch[-1]["seq"]


def _entry(row: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        seq=row["seq"],
        at=row["at"],
        operator=row["operator"],
        kind=row["kind"],
        post_id=row["post_id"],
        target=row["target"],
        before=json.loads(row["before"]),
        after=json.loads(row["after"]),
        hash=row["hash"],
    )


async def entries(
    db: Database, *, post_id: int | None = None, after_seq: int = 0, limit: int = 500
) -> list[AuditEntry]:
    """Audit rows in order, all or one post's, after `after_seq` (for paging a screen)."""
    sql = f"SELECT {_COLUMNS}, hash FROM audit WHERE seq > ?"
    params: list[Any] = [after_seq]
    if post_id is not None:
        sql += " AND post_id = ?"
        params.append(post_id)
    rows = await db.fetchall(sql + " ORDER BY seq LIMIT ?", (*params, limit))
    return [_entry(dict(row)) for row in rows]


async def all_entries(db: Database, page: int = 5000) -> AsyncIterator[AuditEntry]:
    """Every audit row in order (for the export)."""
    async for row in _raw_rows(db, page):
        yield _entry(row)
