"""Time on the demo day: the event window, the daily rhythm, and X's ids and timestamps.

Times are whole milliseconds since the Unix epoch (UTC) throughout the generator.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from eventdesk.config import EventConfig

TWITTER_EPOCH_MS = 1288834974657
MINUTE = 60_000
HOUR = 60 * MINUTE

# How busy the hashtag is by local hour (peak = 1): a morning peak, a lunchtime bump,
# an evening peak and quiet small hours. Interpolated between the middles of the hours.
HOURLY = (
    0.32, 0.20, 0.12, 0.08, 0.08, 0.13, 0.30, 0.60, 0.90, 1.00, 0.85, 0.70,  # 00-11
    0.80, 0.78, 0.62, 0.60, 0.65, 0.75, 0.90, 1.00, 1.00, 0.90, 0.70, 0.50,  # 12-23
)  # fmt: skip


def rhythm(local: datetime) -> float:
    """The relative busyness at a local wall-clock time."""
    position = local.hour + local.minute / 60 - 0.5
    hour = int(position // 1) % 24
    frac = position - position // 1
    return HOURLY[hour] * (1 - frac) + HOURLY[(hour + 1) % 24] * frac


class Clock:
    """The event window in milliseconds, its local time zone, and its rhythm per minute."""

    def __init__(self, config: EventConfig) -> None:
        self.zone = config.event.zone
        self.start = int(config.event.start_utc.timestamp() * 1000)
        self.end = int(config.event.end_utc.timestamp() * 1000)
        self.minutes = max(1, (self.end - self.start) // MINUTE)
        locals_ = [self.local(self.start + m * MINUTE) for m in range(self.minutes)]
        self._hours = [moment.hour for moment in locals_]
        self._weights = [rhythm(moment) for moment in locals_]
        self._cum: list[float] = []
        total = 0.0
        for weight in self._weights:
            total += weight
            self._cum.append(total)
        self._dates: dict[int, str] = {}

    def local(self, ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(self.zone)

    def hour(self, ms: int) -> int:
        """The local hour at `ms` (a fast path for times inside the window)."""
        minute = (ms - self.start) // MINUTE
        return self._hours[minute] if 0 <= minute < self.minutes else self.local(ms).hour

    def hhmm(self, ms: int) -> str:
        return self.local(ms).strftime("%H:%M")

    def weight(self, ms: int) -> float:
        """The rhythm at `ms` (0 outside the window)."""
        minute = (ms - self.start) // MINUTE
        return self._weights[minute] if 0 <= minute < self.minutes else 0.0

    def progress(self, ms: int) -> float:
        """How much of the day's activity has happened by `ms`, from 0 to 1."""
        minute = min(max((ms - self.start) // MINUTE, 0), self.minutes - 1)
        return self._cum[minute] / self._cum[-1]

    def times(self, rng: random.Random, count: int) -> list[int]:
        """`count` moments that follow the rhythm (unsorted)."""
        minutes = rng.choices(range(self.minutes), cum_weights=self._cum, k=count)
        start, randrange = self.start, rng.randrange
        return [start + m * MINUTE + randrange(MINUTE) for m in minutes]

    def wall(self, day: int, hour: int, minute: int = 0) -> int:
        """The local wall-clock time `hour:minute` on the `day`th local day of the window."""
        first = self.local(self.start).replace(hour=0, minute=0, second=0, microsecond=0)
        naive = first.replace(tzinfo=None) + timedelta(days=day, hours=hour, minutes=minute)
        return int(naive.replace(tzinfo=self.zone).timestamp() * 1000)

    def stamp(self, ms: int) -> str:
        """created_at as X gives it: UTC, whole seconds, milliseconds always .000."""
        day, second = divmod(ms // 1000, 86_400)
        date = self._dates.get(day)
        if date is None:
            date = self._dates[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86_400))
        hour, second = divmod(second, 3600)
        minute, second = divmod(second, 60)
        return f"{date}T{hour:02d}:{minute:02d}:{second:02d}.000Z"


class Snowflakes:
    """Ids like X's: the creation time in the high bits, so ids sort by time and are unique."""

    def __init__(self, rng: random.Random) -> None:
        self._workers = [rng.randrange(1024) for _ in range(8)]
        self._rng = rng
        self._last = -1
        self._sequence = 0

    def next(self, ms: int) -> int:
        if ms == self._last:
            self._sequence += 1
        else:
            self._last, self._sequence = ms, 0
        worker = self._workers[self._rng.getrandbits(3)]
        return ((ms - TWITTER_EPOCH_MS) << 22) | (worker << 12) | (self._sequence & 0xFFF)
