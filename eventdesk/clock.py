"""The event clock: where the desk stands in the event window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def span(delta: timedelta) -> str:
    """13h12m, 45m, 2d3h."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d{hours}h"
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def describe(now: datetime, start: datetime, end: datetime, zone) -> str:
    """'07:00→07:00 · 13h12m in · 10h48m left', or before/after the event."""
    window = f"{start.astimezone(zone):%H:%M}→{end.astimezone(zone):%H:%M}"
    if now < start:
        return f"{window} · starts in {span(start - now)}"
    if now >= end:
        return f"{window} · ended {span(now - end)} ago"
    return f"{window} · {span(now - start)} in · {span(end - now)} left"


Clock = Callable[[], datetime]
"""What tells the core the time: `system_clock` on the desk, a fake in tests."""


def system_clock() -> datetime:
    return datetime.now(UTC)
