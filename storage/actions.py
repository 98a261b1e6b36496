"""Operators' actions on posts: flags, hand-offs (assignments) and claims.

Every write is audited in its own transaction and adds a `changes` row of kind
'actions' (flags, assignments) or 'claims', carrying the post's id, so every dashboard
hears of it. Claims are hints for the screen ("MJ is replying"), not records, so they
are not audited.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from storage import audit
from storage.db import Database, StorageError, _Tx


class Refused(StorageError):
    """An action the rules do not allow; the message says why in one line."""


class PhoneConfirmationRequired(Refused):
    """An urgent post was handed off without confirming it was passed on by phone."""


class FlagCategory(enum.StrEnum):
    RISK_TO_LIFE = "risk_to_life"
    CRIME_REPORT = "crime_report"
    FOLLOW_UP = "follow_up"
    ABUSE = "abuse"
    MISINFORMATION = "misinformation"
    AMPLIFY = "amplify"

    @property
    def label(self) -> str:
        return _FLAG_LABELS[self]


_FLAG_LABELS = {
    FlagCategory.RISK_TO_LIFE: "risk to life",
    FlagCategory.CRIME_REPORT: "crime report",
    FlagCategory.FOLLOW_UP: "needs follow-up",
    FlagCategory.ABUSE: "abuse/harassment",
    FlagCategory.MISINFORMATION: "misinformation",
    FlagCategory.AMPLIFY: "good story to amplify",
}


@dataclass(frozen=True, slots=True)
class Flag:
    post_id: int
    category: FlagCategory
    note: str
    operator: str
    at: str


async def _post_exists(tx: _Tx, post_id: int) -> bool:
    return bool(await tx.fetchall("SELECT 1 FROM posts WHERE id = ?", (post_id,)))


async def flag(
    db: Database,
    post_id: int,
    category: FlagCategory | str,
    operator: str,
    note: str = "",
    now: datetime | None = None,
) -> Flag:
    """Flag a post (again: the note and operator are replaced, the change audited)."""
    category = FlagCategory(category)
    at = audit.stamp(now)
    async with db.transaction() as tx:
        if not await _post_exists(tx, post_id):
            raise Refused(f"no post {post_id}")
        old = await tx.fetchall(
            "SELECT note, operator FROM flags WHERE post_id = ? AND category = ?",
            (post_id, category.value),
        )
        await tx.execute(
            "INSERT INTO flags (post_id, category, note, operator, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (post_id, category) DO UPDATE SET note = excluded.note, "
            "operator = excluded.operator, at = excluded.at",
            (post_id, category.value, note, operator, at),
        )
        before = {"category": category.value, "note": old[0][0], "by": old[0][1]} if old else {}
        await audit.append(
            tx, at=at, operator=operator, kind="flag", target=f"post:{post_id}",
            post_id=post_id, before=before, after={"category": category.value, "note": note},
            change="actions",
        )  # fmt: skip
    return Flag(post_id, category, note, operator, at)


async def unflag(
    db: Database,
    post_id: int,
    category: FlagCategory | str,
    operator: str,
    now: datetime | None = None,
) -> bool:
    """Take a flag off. False if the post did not carry it."""
    category = FlagCategory(category)
    at = audit.stamp(now)
    async with db.transaction() as tx:
        old = await tx.fetchall(
            "SELECT note, operator FROM flags WHERE post_id = ? AND category = ?",
            (post_id, category.value),
        )
        if not old:
            return False
        await tx.execute(
            "DELETE FROM flags WHERE post_id = ? AND category = ?", (post_id, category.value)
        )
        await audit.append(
            tx, at=at, operator=operator, kind="unflag", target=f"post:{post_id}",
            post_id=post_id,
            before={"category": category.value, "note": old[0][0], "by": old[0][1]},
            change="actions",
        )  # fmt: skip
    return True


def _flag(row: Any) -> Flag:
    return Flag(row[0], FlagCategory(row[1]), row[2], row[3], row[4])


async def flags_on(db: Database, post_id: int) -> list[Flag]:
    rows = await db.fetchall(
        "SELECT post_id, category, note, operator, at FROM flags WHERE post_id = ? ORDER BY at",
        (post_id,),
    )
    return [_flag(row) for row in rows]


async def flagged_queue(
    db: Database, category: FlagCategory | str | None = None, limit: int = 500
) -> list[Flag]:
    """Flags standing now, newest first; one category or all."""
    sql = "SELECT post_id, category, note, operator, at FROM flags"
    params: list[Any] = []
    if category is not None:
        sql += " WHERE category = ?"
        params.append(FlagCategory(category).value)
    rows = await db.fetchall(sql + " ORDER BY at DESC, post_id DESC LIMIT ?", (*params, limit))
    return [_flag(row) for row in rows]


class AssignmentState(enum.StrEnum):
    OPEN = "open"  # handed to a team, nobody has taken it yet
    ASSIGNED = "assigned"  # a person has it
    DONE = "done"  # finished, with an outcome


@dataclass(frozen=True, slots=True)
class Assignment:
    """A post handed off to an operator or a team, and where that stands."""

    id: int
    post_id: int
    to_operator: str | None
    to_team: str | None
    note: str
    state: AssignmentState
    outcome: str | None
    urgent: bool
    phoned: bool  # confirmed passed on by phone (force policy for urgent posts)
    created_by: str
    created_at: str
    updated_at: str


_ASSIGNMENT = (
    "id, post_id, to_operator, to_team, note, state, outcome, urgent, phoned, created_by, "
    "created_at, updated_at"
)


def _assignment(row: Any) -> Assignment:
    values = list(row)
    values[5] = AssignmentState(values[5])
    values[7], values[8] = bool(values[7]), bool(values[8])
    return Assignment(*values)


def _summary(item: Assignment) -> dict[str, Any]:
    data = asdict(item)
    return {k: data[k] for k in ("to_operator", "to_team", "state", "outcome", "phoned", "note")}


async def _assignment_by_id(tx: _Tx | Database, assignment_id: int) -> Assignment | None:
    rows = await tx.fetchall(
        f"SELECT {_ASSIGNMENT} FROM assignments WHERE id = ?", (assignment_id,)
    )
    return _assignment(rows[0]) if rows else None


async def _set_state(
    tx: _Tx, item: Assignment, operator: str, at: str, kind: str, **fields: Any
) -> Assignment:
    values = {"updated_at": at, **fields}
    sets = ", ".join(f"{name} = ?" for name in values)
    await tx.execute(f"UPDATE assignments SET {sets} WHERE id = ?", (*values.values(), item.id))
    after = await _assignment_by_id(tx, item.id)
    assert after is not None
    await audit.append(
        tx, at=at, operator=operator, kind=kind, target=f"assignment:{item.id}",
        post_id=item.post_id, before=_summary(item), after=_summary(after), change="actions",
    )  # fmt: skip
    return after


async def hand_off(
    db: Database,
    post_id: int,
    operator: str,
    *,
    to_operator: str | None = None,
    to_team: str | None = None,
    note: str = "",
    phoned: bool = False,
    now: datetime | None = None,
) -> Assignment:
    """Hand a post to an operator (assigned) or a team (open).

    An urgent post is refused unless `phoned`: force policy is that a possible risk to
    life is passed on by phone, not only on the desk. A post already handed off is
    handed on: the earlier assignment is closed with outcome "handed on".
    """
    if not (to_operator or to_team):
        raise Refused("hand off to an operator or a team")
    at = audit.stamp(now)
    async with db.transaction() as tx:
        rows = await tx.fetchall("SELECT urgent FROM posts WHERE id = ?", (post_id,))
        if not rows:
            raise Refused(f"no post {post_id}")
        urgent = bool(rows[0][0])
        if urgent and not phoned:
            raise PhoneConfirmationRequired(
                "this post is urgent: pass it on by phone first, then confirm that you did"
            )
        target = to_operator or f"team {to_team}"
        for row in await tx.fetchall(
            f"SELECT {_ASSIGNMENT} FROM assignments WHERE post_id = ? AND state != 'done'",
            (post_id,),
        ):
            await _set_state(
                tx, _assignment(row), operator, at, "assignment.done",
                state=AssignmentState.DONE.value, outcome=f"handed on to {target}",
            )  # fmt: skip
        state = AssignmentState.ASSIGNED if to_operator else AssignmentState.OPEN
        await tx.execute(
            "INSERT INTO assignments (post_id, to_operator, to_team, note, state, urgent, "
            "phoned, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (post_id, to_operator, to_team, note, state.value, urgent, phoned, operator, at, at),
        )
        new_id = (await tx.fetchall("SELECT last_insert_rowid()"))[0][0]
        item = await _assignment_by_id(tx, new_id)
        assert item is not None
        await audit.append(
            tx, at=at, operator=operator, kind="handoff", target=f"assignment:{item.id}",
            post_id=post_id, after=_summary(item), change="actions",
        )  # fmt: skip
    return item


async def _change_assignment(
    db: Database, assignment_id: int, operator: str, now: datetime | None, kind: str, **fields: Any
) -> Assignment:
    at = audit.stamp(now)
    async with db.transaction() as tx:
        item = await _assignment_by_id(tx, assignment_id)
        if item is None:
            raise Refused(f"no hand-off {assignment_id}")
        if item.state is AssignmentState.DONE:
            raise Refused(f"hand-off {assignment_id} is already done")
        return await _set_state(tx, item, operator, at, kind, **fields)


async def take(
    db: Database, assignment_id: int, operator: str, now: datetime | None = None
) -> Assignment:
    """A person takes a hand-off (from their team's queue, or from a colleague)."""
    return await _change_assignment(
        db, assignment_id, operator, now, "assignment.take",
        state=AssignmentState.ASSIGNED.value, to_operator=operator,
    )  # fmt: skip


async def complete(
    db: Database, assignment_id: int, operator: str, outcome: str, now: datetime | None = None
) -> Assignment:
    """Close a hand-off with what came of it (required: the night shift reads it)."""
    if not outcome.strip():
        raise Refused("say what the outcome was")
    return await _change_assignment(
        db, assignment_id, operator, now, "assignment.done",
        state=AssignmentState.DONE.value, outcome=outcome,
    )  # fmt: skip


async def assignments_on(db: Database, post_id: int) -> list[Assignment]:
    rows = await db.fetchall(
        f"SELECT {_ASSIGNMENT} FROM assignments WHERE post_id = ? ORDER BY id", (post_id,)
    )
    return [_assignment(row) for row in rows]


async def active_assignments(db: Database, limit: int = 1000) -> list[Assignment]:
    """Every hand-off not done, oldest first."""
    rows = await db.fetchall(
        f"SELECT {_ASSIGNMENT} FROM assignments WHERE state != 'done' ORDER BY id LIMIT ?",
        (limit,),
    )
    return [_assignment(row) for row in rows]


async def my_queue(
    db: Database, operator: str, team: str | None = None, limit: int = 500
) -> list[Assignment]:
    """What is on `operator`'s plate: handed to them, or open in their team's queue."""
    rows = await db.fetchall(
        f"SELECT {_ASSIGNMENT} FROM assignments WHERE state != 'done' "
        "AND (to_operator = ? OR (to_team = ? AND state = 'open')) ORDER BY urgent DESC, id "
        "LIMIT ?",
        (operator, team, limit),
    )
    return [_assignment(row) for row in rows]


@dataclass(frozen=True, slots=True)
class Claim:
    """'MJ is replying': a post an operator has a dialog open on, until `expires_at`."""

    post_id: int
    operator: str
    purpose: str  # 'reply' | 'handoff'
    at: str
    expires_at: str


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """The claim standing on the post after the call; `mine` False means warn."""

    claim: Claim
    mine: bool


async def claim(
    db: Database,
    post_id: int,
    operator: str,
    purpose: str,
    *,
    seconds: float,
    now: datetime | None = None,
) -> ClaimResult:
    """Claim a post while a dialog is open. Someone else's live claim is returned instead.

    The operator may go ahead after a warning; the claim is a courtesy, not a lock.
    """
    moment = now or datetime.now(UTC)
    at, expires = audit.stamp(moment), audit.stamp(moment + timedelta(seconds=seconds))
    async with db.transaction() as tx:
        rows = await tx.fetchall(
            "SELECT post_id, operator, purpose, at, expires_at FROM claims WHERE post_id = ?",
            (post_id,),
        )
        if rows:
            held = Claim(*rows[0])
            if held.operator != operator and held.expires_at > at:
                return ClaimResult(held, mine=False)
        await tx.execute(
            "INSERT INTO claims (post_id, operator, purpose, at, expires_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (post_id) DO UPDATE SET operator = "
            "excluded.operator, purpose = excluded.purpose, at = excluded.at, "
            "expires_at = excluded.expires_at",
            (post_id, operator, purpose, at, expires),
        )
        await audit.note_change(tx, "claims", post_id, at)
    return ClaimResult(Claim(post_id, operator, purpose, at, expires), mine=True)


async def release_claim(
    db: Database, post_id: int, operator: str, now: datetime | None = None
) -> bool:
    """Drop our claim (dialog closed). False if we held none."""
    at = audit.stamp(now)
    async with db.transaction() as tx:
        count = await tx.execute(
            "DELETE FROM claims WHERE post_id = ? AND operator = ?", (post_id, operator)
        )
        if count:
            await audit.note_change(tx, "claims", post_id, at)
    return count == 1


async def active_claims(db: Database, now: datetime | None = None) -> list[Claim]:
    """Claims not yet expired (stale ones are ignored, and cleared by the next claim)."""
    rows = await db.fetchall(
        "SELECT post_id, operator, purpose, at, expires_at FROM claims WHERE expires_at > ? "
        "ORDER BY at",
        (audit.stamp(now),),
    )
    return [Claim(*tuple(row)) for row in rows]
