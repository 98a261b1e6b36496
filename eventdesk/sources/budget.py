"""The read budget: X bills every post read, so the desk counts them against caps.

Counted per UTC day and calendar month (X's own billing month may start on another
day; the monthly cap is the force's guard, not X's invoice). Counts are kept in the
database, so a restarted desk carries on from what it had read.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from eventdesk.config import XConfig
from storage import Database
from storage.reads import add_reads, reads_between


def _short(n: int) -> str:
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)


class ReadBudget:
    """Posts read today and this month against the configured caps.

    `warning` from `warn_at` (80 % by default) of either cap; `blocked` at a cap when
    `stop_at_cap` holds. `label` is the header's short text.
    """

    def __init__(
        self,
        settings: XConfig,
        db: Database | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.per_day, self.per_month = settings.reads_per_day, settings.reads_per_month
        self.warn_at, self.stop_at_cap = settings.warn_at, settings.stop_at_cap
        self.db = db
        self._clock = clock
        self.day = self._today()
        self.today = 0
        self.month = 0
        self._unsaved = 0

    def _today(self) -> str:
        return datetime.fromtimestamp(self._clock(), UTC).strftime("%Y-%m-%d")

    async def load(self) -> None:
        """Read today's and this month's counts from the database."""
        self.day = self._today()
        if self.db is not None:
            self.today = await reads_between(self.db, self.day, self.day)
            self.month = await reads_between(self.db, self.day[:8] + "01", self.day)

    def _roll(self) -> None:
        today = self._today()
        if today != self.day:
            if today[:7] != self.day[:7]:
                self.month = 0
            self.today, self.day = 0, today

    def add(self, posts: int) -> None:
        """Count posts just read; `save()` writes them down."""
        self._roll()
        self.today += posts
        self.month += posts
        self._unsaved += posts

    async def save(self) -> None:
        if self.db is not None and self._unsaved:
            posts, self._unsaved = self._unsaved, 0
            await add_reads(self.db, self.day, posts)

    @property
    def fraction(self) -> float:
        """The larger share used of the two caps (0 when there are none)."""
        self._roll()
        shares = [
            used / cap
            for used, cap in ((self.today, self.per_day), (self.month, self.per_month))
            if cap
        ]
        return max(shares, default=0.0)

    @property
    def warning(self) -> bool:
        return self.fraction >= self.warn_at

    @property
    def exhausted(self) -> bool:
        return self.fraction >= 1.0

    @property
    def blocked(self) -> bool:
        """Reading must stop: a cap is reached and the config says to stop there."""
        return self.exhausted and self.stop_at_cap

    @property
    def label(self) -> str:
        """'reads 2.4k/3.0k today · 41k/50k month'."""
        parts = []
        for used, cap, span in (
            (self.today, self.per_day, "today"),
            (self.month, self.per_month, "month"),
        ):
            parts.append(
                f"{_short(used)}/{_short(cap)} {span}" if cap else f"{_short(used)} {span}"
            )
        return "reads " + " · ".join(parts)

    def seconds_to_next_day(self) -> float:
        """How long until the daily count starts again (UTC midnight)."""
        now = self._clock()
        return 86_400 - now % 86_400
