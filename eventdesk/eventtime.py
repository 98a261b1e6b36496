"""Reading a planner's times in the event's zone, honest about daylight-saving changes.

A sheet says "01:30" or "2026-10-25 01:30" meaning the wall clock in the event's zone.
Twice a year that wall clock is not a plain function of time:
- when clocks go back (Europe/London, last Sunday of October, 02:00 BST → 01:00 GMT)
  01:00-01:59 happens twice. We refuse such a time unless it carries an offset
  ("2026-10-25T01:30+01:00" is the first, BST; "+00:00" the second, GMT), because
  guessing would post an item an hour early or late without anyone noticing;
- when clocks go forward (last Sunday of March, 01:00 GMT → 02:00 BST) 01:00-01:59
  never happens, and we refuse it too.
A time of day alone ("07:30") means its one occurrence inside the event window
[start, end): 07:00 in a 07:00→07:00 event is the start, never the end.
A weekly slot (a hashtag chat, Thursdays 13:00-14:00) is read on the same wall clock.

Plain values only, no config model at run time: a scoring process tells whether a chat
is live with these functions and must not need pydantic to do it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol, TypeVar
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from eventdesk.config import EventWindow

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d{2})$")


class TimeProblem(ValueError):
    """A time that cannot be placed; the message says why, in the planner's words."""


def _hhmm(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def wall_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC moment of a naive wall-clock time in `zone`.

    Raises TimeProblem when the wall time happens twice or never on that day.
    """
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        # zoneinfo gives the two readings different offsets exactly when the wall time
        # is ambiguous (clocks went back) or missing (clocks went forward); a missing
        # time does not survive a round trip through UTC.
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if back != wall:
            raise TimeProblem(
                f"{_hhmm(wall)} does not exist in {zone.key} (the clocks go forward "
                f"that night); choose another time"
            )
        offsets = " or ".join(
            f"{wall:%Y-%m-%dT%H:%M}{_offset(r.utcoffset())} ({r.tzname()})" for r in (first, second)
        )
        raise TimeProblem(
            f"{_hhmm(wall)} happens twice in {zone.key} (the clocks go back that night); "
            f"give it with an offset: {offsets}"
        )
    return first.astimezone(UTC)


class Weekly(Protocol):
    """Something on the event's wall clock every week: a weekday, a start and an end
    on that day (a config's `Chat`, or a scoring process's plain copy of one)."""

    @property
    def weekday(self) -> str: ...  # one of WEEKDAYS

    @property
    def start(self) -> time: ...

    @property
    def end(self) -> time: ...


W = TypeVar("W", bound=Weekly)


def weekly_windows(
    slot: Weekly, zone: ZoneInfo, after: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """(start, end) in UTC of each occurrence of `slot` that has not ended at `after`,
    in order, without end: a Thursday 13:00 slot is 12:00 UTC in October (BST) and
    13:00 UTC in November (GMT)."""
    local = after.astimezone(zone).date()
    day = local + timedelta(days=(WEEKDAYS.index(slot.weekday) - local.weekday()) % 7)
    while True:
        start = wall_to_utc(datetime.combine(day, slot.start), zone)
        end = wall_to_utc(datetime.combine(day, slot.end), zone)
        if end > after:
            yield start, end
        day += timedelta(days=7)


def live_window(
    slots: Iterable[W], zone: ZoneInfo, moment: datetime
) -> tuple[W, datetime, datetime] | None:
    """The first of `slots` going on at `moment` (start ≤ moment < end), with that
    occurrence's start and end, or None."""
    for slot in slots:
        start, end = next(weekly_windows(slot, zone, moment))
        if start <= moment:
            return slot, start, end
    return None


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _event_dates(event: EventWindow) -> list[date]:
    first = event.start_utc.astimezone(event.zone).date()
    last = event.end_utc.astimezone(event.zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def parse_moment(value: str, event: EventWindow) -> datetime:
    """A sheet's `at` cell as a UTC moment inside the event window.

    Accepts "HH:MM" (its one occurrence in the window), "YYYY-MM-DD HH:MM" or
    "YYYY-MM-DDTHH:MM[:SS]" (the event's wall clock), or ISO 8601 with an offset or Z.
    """
    text = value.strip()
    if not text:
        raise TimeProblem("no time given")
    if match := _TIME_OF_DAY.match(text):
        return _time_of_day(int(match[1]), int(match[2]), text, event)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise TimeProblem(
            f"{text!r} is not a time; expected e.g. 07:30, 2026-11-19 07:30 "
            f"or 2026-11-19T07:30+00:00"
        ) from None
    moment = wall_to_utc(parsed, event.zone) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if not event.start_utc <= moment < event.end_utc:
        raise TimeProblem(f"{text} is outside the event window ({window(event)})")
    return moment


def _time_of_day(hour: int, minute: int, text: str, event: EventWindow) -> datetime:
    try:
        wanted = time(hour, minute)
    except ValueError:
        raise TimeProblem(f"{text!r} is not a time of day") from None
    found: list[datetime] = []
    for day in _event_dates(event):
        moment = wall_to_utc(datetime.combine(day, wanted), event.zone)
        if event.start_utc <= moment < event.end_utc:
            found.append(moment)
    if not found:
        raise TimeProblem(f"{text} is outside the event window ({window(event)})")
    if len(found) > 1:
        days = ", ".join(f"{m.astimezone(event.zone):%Y-%m-%d}" for m in found)
        raise TimeProblem(
            f"{text} happens on more than one day of the event ({days}); give the date"
        )
    return found[0]


def window(event: EventWindow) -> str:
    """'2026-11-19 07:00 → 2026-11-20 07:00 Europe/London'."""
    start = event.start_utc.astimezone(event.zone)
    end = event.end_utc.astimezone(event.zone)
    return f"{_hhmm(start)} → {_hhmm(end)} {event.timezone}"


def local_text(moment: datetime, zone: ZoneInfo) -> str:
    """A UTC moment on the event's wall clock, with the offset when it is needed to be
    unambiguous (the repeated hour when clocks go back)."""
    local = moment.astimezone(zone)
    wall = local.replace(tzinfo=None)
    other = wall.replace(tzinfo=zone, fold=1 - local.fold)
    if other.utcoffset() != local.utcoffset():
        return f"{wall:%Y-%m-%dT%H:%M}{_offset(local.utcoffset())}"
    return _hhmm(wall)
