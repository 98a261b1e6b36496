"""The lead's controls over the run-of-show, checked against the event, and what the
pane shows: posted items with their lateness, the next one with its countdown, the rest.

Every control is attributed to an operator; storage refuses any change to an item that
may already be on its way to X (released, sending, posted, unknown). Times given as
text are read like the sheet's `at` cells (eventtime.parse_moment).

Postponing by minutes counts real minutes from the item's planned time, or from now
when that has passed (a missed item postponed 5 minutes goes out 5 minutes from now).
Across the night the clocks go back, 01:30 BST + 60 minutes is 01:30 GMT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from eventdesk.clock import Clock, span
from eventdesk.config import EventConfig
from eventdesk.errors import UserError
from eventdesk.eventtime import TimeProblem, parse_moment, window
from eventdesk.schedule import media_problems, text_problems
from storage import Database
from storage import release as releasing
from storage import schedule as rows
from storage.schedule import ScheduledPost, Slot

POSTPONE_MINUTES = (5, 15, 60)


@dataclass(frozen=True, slots=True)
class Arranged:
    """The run-of-show as the pane lists it, top to bottom."""

    posted: list[ScheduledPost]  # in the order they went out
    next: ScheduledPost | None  # the next planned item
    countdown: timedelta | None  # until `next` is due (negative: it is overdue)
    rest: list[ScheduledPost]  # everything else, by planned time


def _minutes(delta: timedelta) -> str:
    seconds = abs(delta.total_seconds())
    return f"{int(seconds // 60)} min" if seconds < 3600 else span(abs(delta))


def lateness(item: ScheduledPost) -> str | None:
    """'posted 4 min late', 'posted on time', 'posted 2 min early'; None if not posted."""
    if item.posted_at is None:
        return None
    delta = item.posted_at - item.at
    if abs(delta) < timedelta(minutes=1):
        return "posted on time"
    return f"posted {_minutes(delta)} {'late' if delta > timedelta() else 'early'}"


def status(item: ScheduledPost, now: datetime) -> str:
    """One line for the pane's status column."""
    if item.state == "planned":
        left = item.at - now
        if left >= timedelta(minutes=1):
            return f"in {_minutes(left)}"
        return "due now" if left > -timedelta(minutes=1) else f"{_minutes(left)} overdue"
    if item.state == "due":
        if item.hold == "missed":
            return "missed: needs a decision"
        if item.hold == "paused":
            return "held by the pause: needs a decision"
        return "released"
    if item.state == "posted":
        return lateness(item) or "posted"
    if item.state == "unknown":
        return "unknown: check X before anything else"
    if item.note:
        return f"{item.state}: {item.note}"
    return item.state


def arrange(items: Sequence[ScheduledPost], now: datetime) -> Arranged:
    """Split `items` (any order) into the pane's three parts."""
    ordered = sorted(items, key=lambda i: (i.at, i.id))
    posted = sorted((i for i in ordered if i.state == "posted"),
                    key=lambda i: (i.posted_at or i.at, i.id))  # fmt: skip
    upcoming = next((i for i in ordered if i.state == "planned"), None)
    rest = [i for i in ordered if i.state != "posted" and i is not upcoming]
    countdown = None if upcoming is None else upcoming.at - now
    return Arranged(posted, upcoming, countdown, rest)


class RunOfShow:
    """The operators' controls, for the dashboard and the CLI."""

    def __init__(self, db: Database, config: EventConfig, clock: Clock) -> None:
        self.db, self.config, self.clock = db, config, clock

    def moment(self, value: str | datetime) -> datetime:
        """A time typed by an operator (or given aware) inside the event window."""
        event = self.config.event
        if isinstance(value, str):
            try:
                return parse_moment(value, event)
            except TimeProblem as exc:
                raise UserError(str(exc)) from None
        if value.tzinfo is None:
            raise ValueError("an aware datetime is needed")
        if not event.start_utc <= value < event.end_utc:
            raise UserError(f"{value:%Y-%m-%d %H:%M} is outside the event window ({window(event)})")
        return value

    def _check(self, account: str, text: str, media: Sequence[str]) -> tuple[str, tuple[str, ...]]:
        """The account's handle as configured and the media as absolute paths, or
        UserError with everything wrong (the sheet's rules)."""
        known = self.config.account(account)
        if known is None:
            raise UserError(f"unknown account {account!r}")
        problems = text_problems(known, text)
        # Stored media paths are absolute; an operator's relative path is from where
        # they started the desk.
        checked, more = media_problems(";".join(media), Path.cwd())
        if problems := problems + more:
            raise UserError("; ".join(problems))
        return known.handle, checked

    async def arranged(self) -> Arranged:
        return arrange(await rows.run_of_show(self.db), self.clock())

    async def add(
        self, operator: str, at: str | datetime, account: str, text: str, *,
        media: Sequence[str] = (), owner: str = "", tags: Sequence[str] = (),
        key: str | None = None,
    ) -> ScheduledPost:  # fmt: skip
        moment = self.moment(at)
        handle, checked = self._check(account, text, media)
        slot = Slot(key or f"desk:{handle.lower()}@{moment:%Y%m%dT%H%M%S}", moment, handle,
                    text, checked, owner, tuple(tags))  # fmt: skip
        return await rows.add(self.db, slot, operator=operator, now=self.clock())

    async def edit(
        self, operator: str, key: str, *, at: str | datetime | None = None,
        account: str | None = None, text: str | None = None,
        media: Sequence[str] | None = None, owner: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> ScheduledPost:  # fmt: skip
        current = await self._get(key)
        values: dict[str, object] = {}
        if account is not None or text is not None or media is not None:
            values["account"], values["media"] = self._check(
                account or current.account,
                current.text if text is None else text,
                current.media if media is None else media,
            )
            if text is not None:
                values["text"] = text
        if owner is not None:
            values["owner"] = owner
        if tags is not None:
            values["tags"] = tuple(tags)
        if at is not None:
            values["at"] = self.moment(at)
        return await rows.change(self.db, key, operator=operator, now=self.clock(),
                                 action="edit", replan=at is not None, **values)  # fmt: skip

    async def postpone(
        self, operator: str, key: str, *, minutes: int | None = None,
        to: str | datetime | None = None,
    ) -> ScheduledPost:  # fmt: skip
        """By `minutes` (see the module doc) or `to` a time; never into the past."""
        now = self.clock()
        if to is not None and minutes is None:
            moment = self.moment(to)
            if moment <= now:
                raise UserError(f"{to} has already passed")
        elif minutes is not None and to is None:
            if minutes <= 0:
                raise UserError("postpone by a positive number of minutes")
            current = await self._get(key)
            moment = self.moment(max(current.at, now) + timedelta(minutes=minutes))
        else:
            raise ValueError("give minutes or to, not both")
        return await rows.change(self.db, key, operator=operator, now=now,
                                 action="postpone", replan=True, at=moment)  # fmt: skip

    async def skip(self, operator: str, key: str, reason: str | None = None) -> ScheduledPost:
        note = reason or f"skipped by {operator}"
        return await rows.change(
            self.db, key, operator=operator, now=self.clock(), action="skip",
            state="skipped", note=note,
        )  # fmt: skip

    async def post_now(self, operator: str, key: str) -> ScheduledPost:
        return await rows.post_now(self.db, key, operator=operator, now=self.clock())

    async def duplicate(
        self, operator: str, key: str, at: str | datetime | None = None
    ) -> ScheduledPost:
        moment = None if at is None else self.moment(at)
        return await rows.duplicate(self.db, key, operator=operator, now=self.clock(), at=moment)

    async def pause(self, operator: str) -> releasing.PauseState:
        return await releasing.pause(self.db, operator=operator, now=self.clock())

    async def resume(self, operator: str) -> list[ScheduledPost]:
        """Resume; returns the items that wait for a decision (what fell due meanwhile)."""
        return await releasing.resume(self.db, operator=operator, now=self.clock())

    async def _get(self, key: str) -> ScheduledPost:
        found = await rows.get(self.db, key)
        if found is None:
            raise UserError(f"no run-of-show item {key!r}")
        return found
