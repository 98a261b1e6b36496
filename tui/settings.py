"""What the dashboard is started with: decided by the CLI, passed in, never read from files here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from eventdesk.config import EventConfig


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    """Run this replay in-process while the dashboard shows it (the demo)."""

    path: Path
    speed: float | None  # None: as fast as possible
    fast_until: datetime | None = None  # play everything before this at once


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """Everything the App needs, validated before it starts."""

    config: EventConfig
    db_path: Path
    operator: str
    replay: ReplayPlan | None = None
    quiet: bool = False  # no terminal bell on urgent posts
    theme: str | None = None
    refresh_seconds: float = 1.0  # header and alarms
    # Take the desk role (ingest, scheduler, outbox sender) when no process holds it;
    # False: only watch (tests of the screen, or a read-only dashboard).
    take_desk_role: bool = True
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # frozen in tests
    # When a replay feeds the database (the demo's desk in another window, or `eventdesk
    # ingest --speed N`), show the event at the replay's time, its newest post's, rather
    # than the wall clock's, which may be days after the event (`eventdesk desk`).
    follow_replay: bool = False


def theme_names() -> list[str]:
    """The themes --theme may name: Textual's own."""
    from textual.theme import BUILTIN_THEMES

    return sorted(BUILTIN_THEMES)
