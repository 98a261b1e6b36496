"""The run-of-show in SQLite: scheduled posts, sheet imports and operators' changes.

A row's life: `planned` → `due` (its time came) → `sending` → `posted`, or `failed` /
`unknown` (the outbox could not tell). A due row with a `hold` waits for a person: it
fell due more than the grace window late (`missed`), or while the desk was paused
(`paused`). `skipped` rows are kept, never deleted, so the day can be reviewed.

Operators may change a row only while nothing of it can be on its way to X: planned,
held, failed or skipped. Every write adds a `changes` row (kind 'schedule') so every
dashboard hears of it, and every operator's change adds an `actions` row saying who.
Releasing due rows to the outbox lives in storage/release.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.db import Database, StorageError
from storage.posts import utc_text

STATES = ("planned", "due", "sending", "posted", "failed", "skipped", "unknown")
REMOVED = "removed from the sheet"

_COLUMNS = (
    "id, key, at, account, text, media, owner, tags, origin, sheet_line, state, hold, "
    "attempt, due_at, released_by, outbox_key, remote_id, posted_at, note, edited_by"
)


class ScheduleRefused(StorageError):
    """An operator's change that would risk posting twice, or names no row."""


def parse_utc(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Slot:
    """A planned post as a sheet row (or an operator) gives it, already validated."""

    key: str
    at: datetime  # aware
    account: str  # our handle, as the config spells it
    text: str
    media: tuple[str, ...] = ()  # absolute paths
    owner: str = ""
    tags: tuple[str, ...] = ()
    line: int | None = None  # its CSV line (header = line 1)


@dataclass(frozen=True, slots=True)
class ScheduledPost:
    """One row of the run-of-show as stored."""

    id: int
    key: str
    at: datetime
    account: str
    text: str
    media: tuple[str, ...]
    owner: str
    tags: tuple[str, ...]
    origin: str
    sheet_line: int | None
    state: str
    hold: str | None
    attempt: int
    due_at: datetime | None
    released_by: str | None
    outbox_key: str | None
    remote_id: str | None
    posted_at: datetime | None
    note: str | None
    edited_by: str | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> ScheduledPost:
        values = list(row)
        for index in (2, 13, 17):
            values[index] = parse_utc(values[index])
        for index in (5, 7):
            values[index] = tuple(json.loads(values[index]))
        return cls(*values)

    @property
    def changeable(self) -> bool:
        """Whether an operator may change it: nothing of it can be on its way to X."""
        return self.state in ("planned", "failed", "skipped") or (
            self.state == "due" and self.hold is not None
        )

    def same_plan(self, slot: Slot) -> bool:
        return (self.at, self.account, self.text, self.media, self.owner, self.tags) == (
            slot.at, slot.account, slot.text, slot.media, slot.owner, slot.tags,
        )  # fmt: skip


@dataclass
class ImportReport:
    """What a sheet import did, by key."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # back in the sheet after removal
    removed: list[str] = field(default_factory=list)  # gone from the sheet: now skipped
    kept: list[tuple[str, str]] = field(default_factory=list)  # (key, why the sheet lost)


async def note_change(
    tx: Any, ids: Iterable[int], now: datetime, *, operator: str | None = None,
    action: str | None = None, detail: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    """The change-feed row every dashboard follows, and who did it when a person did.

    An action that touches no row (pause, resume) still adds a change with count 0,
    so dashboards hear of it.
    """
    ids = list(ids)
    stamp = utc_text(now)
    if ids or action:
        await tx.execute(
            "INSERT INTO changes (kind, first_id, last_id, count, at) VALUES (?, ?, ?, ?, ?)",
            ("schedule", min(ids, default=None), max(ids, default=None), len(ids), stamp),
        )
    if operator is not None and action is not None:
        await tx.execute(
            "INSERT INTO actions (at, operator, kind, post_id, detail) VALUES (?, ?, ?, NULL, ?)",
            (stamp, operator, f"schedule.{action}", json.dumps(detail or {}, ensure_ascii=False)),
        )


async def fetch(tx: Any, where: str = "", params: Sequence[Any] = ()) -> list[ScheduledPost]:
    rows = await tx.fetchall(f"SELECT {_COLUMNS} FROM schedule {where}", params)
    return [ScheduledPost.from_row(row) for row in rows]


async def _one(tx: Any, key: str) -> ScheduledPost:
    found = await fetch(tx, "WHERE key = ?", (key,))
    if not found:
        raise ScheduleRefused(f"no run-of-show item {key!r}")
    return found[0]


def _plan_values(slot: Slot) -> tuple[Any, ...]:
    return (
        utc_text(slot.at), slot.account, slot.text, json.dumps(list(slot.media)), slot.owner,
        json.dumps(list(slot.tags), ensure_ascii=False),
    )  # fmt: skip


async def _insert(tx: Any, slot: Slot, origin: str, now: datetime, edited_by: str | None) -> int:
    stamp = utc_text(now)
    await tx.execute(
        "INSERT INTO schedule (key, at, account, text, media, owner, tags, origin, sheet_line, "
        "edited_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (slot.key, *_plan_values(slot), origin, slot.line, edited_by, stamp, stamp),
    )
    return (await tx.fetchall("SELECT id FROM schedule WHERE key = ?", (slot.key,)))[0][0]


async def import_sheet(
    db: Database, slots: Sequence[Slot], *, operator: str, now: datetime
) -> ImportReport:
    """Bring the run-of-show in line with a (re-)imported sheet, in one transaction.

    By key: a new key is added; a planned row the desk has not touched takes the
    sheet's version; a row that is due, sending, posted, failed, unknown or skipped
    by an operator, or that an operator changed on the desk, keeps its own (reported
    as kept: the desk's later word wins). A planned sheet row whose key is gone from
    the sheet is skipped (note "removed from the sheet") so it is never posted, and
    comes back if the sheet brings the key back. A new key whose account and text
    match a row gone from the sheet but not skipped (posted, say, or changed on the
    desk) is not added: it is that row moved, and would post the same words twice.
    """
    report = ImportReport()
    touched: list[int] = []
    stamp = utc_text(now)
    in_sheet = {slot.key for slot in slots}
    async with db.transaction() as tx:
        existing = {row.key: row for row in await fetch(tx)}
        # Rows gone from the sheet that will not be skipped below: a new key carrying
        # one of their texts is most likely that row moved in the sheet, and adding it
        # would post the same words twice.
        staying = {
            (row.account, row.text): row
            for row in existing.values()
            if row.key not in in_sheet and row.state != "skipped" and not _removable(row)
        }
        for slot in slots:
            row = existing.get(slot.key)
            if row is None and (twin := staying.get((slot.account, slot.text))):
                report.kept.append(
                    (slot.key, f"not added: same text as {twin.key}, which is {_shown(twin)}")
                )
                continue
            if row is None:
                touched.append(await _insert(tx, slot, "sheet", now, None))
                report.added.append(slot.key)
                continue
            await tx.execute("UPDATE schedule SET sheet_line = ? WHERE id = ?", (slot.line, row.id))
            if row.same_plan(slot) and row.note != REMOVED:
                report.unchanged.append(slot.key)
                continue
            restoring = row.state == "skipped" and row.note == REMOVED
            if not restoring and row.state != "planned":
                report.kept.append((slot.key, f"already {row.hold or row.state}"))
                continue
            if row.edited_by is not None:
                report.kept.append((slot.key, f"changed on the desk by {row.edited_by}"))
                continue
            await tx.execute(
                "UPDATE schedule SET at = ?, account = ?, text = ?, media = ?, owner = ?, "
                "tags = ?, state = 'planned', note = NULL, updated_at = ? WHERE id = ?",
                (*_plan_values(slot), stamp, row.id),
            )
            touched.append(row.id)
            (report.restored if restoring else report.updated).append(slot.key)
        for row in existing.values():
            if row.key in in_sheet or row.origin != "sheet" or row.state != "planned":
                continue
            if not _removable(row):
                report.kept.append((row.key, f"gone from the sheet but changed on the desk "
                                             f"by {row.edited_by}; left planned"))  # fmt: skip
                continue
            await tx.execute(
                "UPDATE schedule SET state = 'skipped', note = ?, updated_at = ? WHERE id = ?",
                (REMOVED, stamp, row.id),
            )
            touched.append(row.id)
            report.removed.append(row.key)
        await note_change(
            tx, touched, now, operator=operator, action="import",
            detail={name: len(getattr(report, name)) for name in
                    ("added", "updated", "unchanged", "restored", "removed", "kept")},
        )  # fmt: skip
    return report


def _removable(row: ScheduledPost) -> bool:
    """A row a sheet may take away: from a sheet, still planned, untouched on the desk."""
    return row.origin == "sheet" and row.state == "planned" and row.edited_by is None


async def run_of_show(db: Database) -> list[ScheduledPost]:
    """Every row, in planned-time order (what the run-of-show pane arranges)."""
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM schedule ORDER BY at, id")
    return [ScheduledPost.from_row(tuple(row)) for row in rows]


async def get(db: Database, key: str) -> ScheduledPost | None:
    rows = await db.fetchall(f"SELECT {_COLUMNS} FROM schedule WHERE key = ?", (key,))
    return ScheduledPost.from_row(tuple(rows[0])) if rows else None


async def add(db: Database, slot: Slot, *, operator: str, now: datetime) -> ScheduledPost:
    """A new item added on the desk (or generated, e.g. a chat's theme post)."""
    async with db.transaction() as tx:
        if await fetch(tx, "WHERE key = ?", (slot.key,)):
            raise ScheduleRefused(f"there is already a run-of-show item {slot.key!r}")
        new_id = await _insert(tx, slot, "desk", now, operator)
        await note_change(tx, [new_id], now, operator=operator, action="add",
                          detail={"key": slot.key})  # fmt: skip
        return await _one(tx, slot.key)


async def add_missing(
    db: Database, slots: Sequence[Slot], *, origin: str, now: datetime
) -> list[str]:
    """Insert the slots whose keys are not stored yet (generated items, e.g. chat themes).

    Returns the keys added; a key already there, in whatever state, is left alone.
    """
    added: list[int] = []
    keys: list[str] = []
    async with db.transaction() as tx:
        for slot in slots:
            if not await fetch(tx, "WHERE key = ?", (slot.key,)):
                added.append(await _insert(tx, slot, origin, now, None))
                keys.append(slot.key)
        await note_change(tx, added, now)
    return keys


async def change(
    db: Database, key: str, *, operator: str, now: datetime, action: str,
    replan: bool = False, **values: Any,
) -> ScheduledPost:  # fmt: skip
    """Edit, postpone, skip or restore a changeable item (see ScheduledPost.changeable).

    `values` are columns to set: at (aware datetime), account, text, media, owner,
    tags, state, note. `replan` makes it planned again (a new time was given).
    """
    allowed = {"at", "account", "text", "media", "owner", "tags", "state", "note"}
    if unknown := set(values) - allowed:
        raise ValueError(f"not a changeable column: {sorted(unknown)}")
    updates: dict[str, Any] = dict(values)
    if "at" in updates:
        updates["at"] = utc_text(updates["at"])
    for name in ("media", "tags"):
        if name in updates:
            updates[name] = json.dumps(list(updates[name]), ensure_ascii=False)
    if replan:
        updates.update(state="planned", hold=None, note=None)
    updates.update(edited_by=operator, updated_at=utc_text(now))
    async with db.transaction() as tx:
        row = await _one(tx, key)
        if not row.changeable:
            raise ScheduleRefused(f"{key}: cannot {action} an item that is {_shown(row)}")
        assignments = ", ".join(f"{name} = ?" for name in updates)
        await tx.execute(
            f"UPDATE schedule SET {assignments} WHERE id = ?", (*updates.values(), row.id)
        )
        detail: dict[str, Any] = {"key": key}
        detail.update((k, updates[k]) for k in ("at", "state") if k in values)
        await note_change(tx, [row.id], now, operator=operator, action=action, detail=detail)
        return await _one(tx, key)


def _shown(row: ScheduledPost) -> str:
    return f"{row.state} ({row.hold})" if row.hold else row.state


async def post_now(db: Database, key: str, *, operator: str, now: datetime) -> ScheduledPost:
    """Release an item to the outbox at the next tick, even while the desk is paused.

    A failed item gets a new attempt, so a new outbox key: it is a new send, decided by
    a person, never the outbox retrying on its own.
    """
    async with db.transaction() as tx:
        row = await _one(tx, key)
        if not row.changeable:
            raise ScheduleRefused(f"{key}: cannot post now an item that is {_shown(row)}")
        await tx.execute(
            "UPDATE schedule SET state = 'due', hold = NULL, note = NULL, attempt = attempt + 1, "
            "due_at = ?, released_by = ?, outbox_key = NULL, updated_at = ? WHERE id = ?",
            (utc_text(now), operator, utc_text(now), row.id),
        )
        await note_change(tx, [row.id], now, operator=operator, action="post_now",
                          detail={"key": key})  # fmt: skip
        return await _one(tx, key)


async def duplicate(
    db: Database, key: str, *, operator: str, now: datetime, at: datetime | None = None
) -> ScheduledPost:
    """A planned copy of any item (e.g. to post a posted item again later), key 'KEY~N'."""
    async with db.transaction() as tx:
        row = await _one(tx, key)
        taken = {r.key for r in await fetch(tx, "WHERE key LIKE ? ESCAPE '\\'",
                                            (_like_prefix(key) + "~%",))}  # fmt: skip
        number = next(n for n in range(1, len(taken) + 2) if f"{key}~{n}" not in taken)
        slot = Slot(f"{key}~{number}", at or row.at, row.account, row.text, row.media,
                    row.owner, row.tags)  # fmt: skip
        new_id = await _insert(tx, slot, "desk", now, operator)
        await note_change(tx, [new_id], now, operator=operator, action="duplicate",
                          detail={"key": key, "copy": slot.key})  # fmt: skip
        return await _one(tx, slot.key)


def _like_prefix(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
