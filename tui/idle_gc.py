"""IdleCollector: the garbage collector's full passes, run while no one is typing.

Python's cyclic collector makes a full pass over every object the app holds whenever
enough have survived its younger passes. At a million-post desk one full pass took
12-107 ms, and a pass that fell on a key press was that key's slowest time. The app
freezes what it built at mount out of every pass (`gc.freeze`); this takes over the
full passes that remain: automatic ones are put off, and `tick` (called every second
or so) runs one once no key has come for `quiet` seconds and `every` seconds have
passed since the last, or after `at_latest` seconds whatever the keyboard does. The
young generations' passes stay automatic: they take about a millisecond.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

NEVER = 10**9  # gen-1 passes before an automatic full pass: in effect, none


class IdleCollector:
    def __init__(
        self,
        *,
        quiet: float = 0.5,
        every: float = 30.0,
        at_latest: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.quiet, self.every, self.at_latest = quiet, every, at_latest
        self.clock = clock
        self._thresholds: tuple[int, int, int] | None = None
        self._last_key = self._last_pass = clock()
        self.passes = 0

    def start(self) -> None:
        """Put the automatic full passes off (until `stop`)."""
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            young, middle, _ = self._thresholds
            gc.set_threshold(young, middle, NEVER)

    def stop(self) -> None:
        """Give the collector its own thresholds back."""
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None

    def key_pressed(self) -> None:
        self._last_key = self.clock()

    def tick(self) -> bool:
        """Make a full pass if it is time; True if one was made."""
        now = self.clock()
        since = now - self._last_pass
        idle = now - self._last_key >= self.quiet
        if not ((idle and since >= self.every) or since >= self.at_latest):
            return False
        gc.collect()
        self._last_pass = self.clock()
        self.passes += 1
        return True
