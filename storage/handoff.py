"""The shift handoff: the lead's notes, acceptance rows, and what the report is made of.

`handoff_report` gathers everything the incoming shift needs in one read; rendering it
(Markdown for `eventdesk handoff`, a screen in the dashboard) is the caller's business.
The report covers the time since the last accepted handoff (or `since`, if given).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage import audit
from storage.actions import Assignment, Refused, active_assignments, assignments_on
from storage.db import Database
from storage.metrics import DeskMetrics, desk_metrics
from storage.outbox import OutboxItem, OutboxState, in_states


@dataclass(frozen=True, slots=True)
class Handoff:
    """The incoming operator accepted the desk from the outgoing one."""

    id: int
    at: str
    from_operator: str
    to_operator: str
    notes: str


@dataclass(frozen=True, slots=True)
class LeadNote:
    id: int
    at: str
    operator: str
    text: str


async def add_lead_note(
    db: Database, operator: str, text: str, now: datetime | None = None
) -> LeadNote:
    """A note from the lead for the next shift (shown in the handoff report)."""
    if not text.strip():
        raise Refused("the note is empty")
    at = audit.stamp(now)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO lead_notes (at, operator, text) VALUES (?, ?, ?)", (at, operator, text)
        )
        note_id = (await tx.fetchall("SELECT last_insert_rowid()"))[0][0]
        await audit.append(
            tx, at=at, operator=operator, kind="lead_note", target=f"lead_note:{note_id}",
            after={"text": text},
        )  # fmt: skip
        await audit.note_change(tx, "handoff", note_id, at)
    return LeadNote(note_id, at, operator, text)


async def accept_handoff(
    db: Database, from_operator: str, to_operator: str, notes: str = "", now: datetime | None = None
) -> Handoff:
    """Record that `to_operator` took the desk over from `from_operator`."""
    if from_operator == to_operator:
        raise Refused("a handoff is from one operator to another")
    at = audit.stamp(now)
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO handoffs (at, from_operator, to_operator, notes) VALUES (?, ?, ?, ?)",
            (at, from_operator, to_operator, notes),
        )
        handoff_id = (await tx.fetchall("SELECT last_insert_rowid()"))[0][0]
        await audit.append(
            tx, at=at, operator=to_operator, kind="handoff.accept", target=f"handoff:{handoff_id}",
            after={"from": from_operator, "to": to_operator, "notes": notes},
        )  # fmt: skip
        await audit.note_change(tx, "handoff", handoff_id, at)
    return Handoff(handoff_id, at, from_operator, to_operator, notes)


async def last_handoff(db: Database) -> Handoff | None:
    rows = await db.fetchall(
        "SELECT id, at, from_operator, to_operator, notes FROM handoffs ORDER BY id DESC LIMIT 1"
    )
    return Handoff(*tuple(rows[0])) if rows else None


async def lead_notes(db: Database, since: str) -> list[LeadNote]:
    rows = await db.fetchall(
        "SELECT id, at, operator, text FROM lead_notes WHERE at >= ? ORDER BY id", (since,)
    )
    return [LeadNote(*tuple(row)) for row in rows]


@dataclass(frozen=True, slots=True)
class WaitingPost:
    """An inbox post nobody has answered yet."""

    post_id: int
    created_at: str
    author_username: str
    text: str
    urgent: bool
    age_seconds: float


async def unanswered_inbox(
    db: Database, now: datetime | None = None, limit: int = 50
) -> list[WaitingPost]:
    """Inbox posts with no reply from us (neither seen on X nor sent), oldest first."""
    at = audit.stamp(now)
    rows = await db.fetchall(
        "SELECT id, created_at, author_username, text, urgent FROM posts p "
        "WHERE in_inbox AND answered_by IS NULL AND created_at < ? AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.in_reply_to = p.id AND o.state = 'sent') "
        "ORDER BY id LIMIT ?",
        (at, limit),
    )
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return [
        WaitingPost(
            row["id"],
            row["created_at"],
            row["author_username"],
            row["text"],
            bool(row["urgent"]),
            (
                moment - datetime.fromisoformat(row["created_at"].replace("Z", "+00:00"))
            ).total_seconds(),
        )  # fmt: skip
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class UrgentItem:
    """An urgent post and where it stands: seen, handed off, answered."""

    post_id: int
    created_at: str
    author_username: str
    text: str
    reason: str | None
    acknowledged_by: str | None
    assignments: tuple[Assignment, ...]
    reply_states: tuple[str, ...]  # our outbox rows for it
    answered_on_x: bool  # a reply of ours came back through the source


async def urgent_items(db: Database, since: str, limit: int = 100) -> list[UrgentItem]:
    """Urgent posts since `since`, and older ones still handed off and not done."""
    rows = await db.fetchall(
        "SELECT id, created_at, author_username, text, urgent_reason, answered_by, "
        "(SELECT operator FROM actions a WHERE a.post_id = p.id AND a.kind = 'ack' "
        " ORDER BY a.id LIMIT 1) AS acked_by, "
        "(SELECT group_concat(state, ' ') FROM outbox o WHERE o.in_reply_to = p.id) AS replies "
        "FROM posts p WHERE urgent AND (created_at >= ? OR EXISTS (SELECT 1 FROM assignments s "
        "WHERE s.post_id = p.id AND s.state != 'done')) ORDER BY id LIMIT ?",
        (since, limit),
    )
    items = []
    for row in rows:
        items.append(
            UrgentItem(
                row["id"],
                row["created_at"],
                row["author_username"],
                row["text"],
                row["urgent_reason"],
                row["acked_by"],
                tuple(await assignments_on(db, row["id"])),
                tuple((row["replies"] or "").split()),
                row["answered_by"] is not None,
            )  # fmt: skip
        )
    return items


@dataclass(frozen=True, slots=True)
class LaneVolume:
    lane: str
    posts: int
    mean_sentiment: float | None


async def volume_since(db: Database, since: str) -> list[LaneVolume]:
    """Posts per lane and their mean sentiment since `since` (from the minute totals)."""
    rows = await db.fetchall(
        "SELECT lane, sum(posts) AS n, sum(compound_sum) AS total FROM minute_stats "
        "WHERE minute >= ? GROUP BY lane ORDER BY lane",
        (since[:16],),
    )
    return [
        LaneVolume(row["lane"], row["n"], row["total"] / row["n"] if row["n"] else None)
        for row in rows
    ]


async def upcoming_schedule(db: Database, now: datetime, hours: float = 12) -> list[Any]:
    """The run-of-show from `now` for `hours`, and anything still open from before it
    (failed, unknown or held items the incoming shift must settle), by planned time."""
    from storage.schedule import run_of_show

    until = now + timedelta(hours=hours)
    return [
        item
        for item in await run_of_show(db)
        if (now <= item.at < until and item.state != "skipped")
        or (item.at < now and item.state in ("due", "failed", "unknown", "sending"))
    ]


@dataclass(frozen=True, slots=True)
class HandoffReport:
    """Everything the incoming shift needs, as of `at`."""

    at: str
    since: str  # the last accepted handoff, or the caller's start
    last: Handoff | None
    assignments: tuple[Assignment, ...]  # open and assigned
    urgent: tuple[UrgentItem, ...]
    unanswered: tuple[WaitingPost, ...]
    outbox: tuple[OutboxItem, ...]  # pending, sending, failed, unknown
    volume: tuple[LaneVolume, ...]
    metrics: DeskMetrics
    notes: tuple[LeadNote, ...]
    schedule: tuple[Any, ...]


async def handoff_report(db: Database, *, start: str, now: datetime | None = None) -> HandoffReport:
    """Gather the handoff report; `start` (UTC text) is used when no handoff happened yet."""
    at = audit.stamp(now)
    last = await last_handoff(db)
    since = last.at if last is not None else start
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    waiting_states = (
        OutboxState.PENDING,
        OutboxState.SENDING,
        OutboxState.FAILED,
        OutboxState.UNKNOWN,
    )
    return HandoffReport(
        at=at,
        since=since,
        last=last,
        assignments=tuple(await active_assignments(db)),
        urgent=tuple(await urgent_items(db, since)),
        unanswered=tuple(await unanswered_inbox(db, moment)),
        outbox=tuple(await in_states(db, waiting_states)),
        volume=tuple(await volume_since(db, since)),
        metrics=await desk_metrics(db, since=since, now=moment),
        notes=tuple(await lead_notes(db, since)),
        schedule=tuple(await upcoming_schedule(db, moment)),
    )
