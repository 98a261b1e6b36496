"""Fixtures for driving the real dashboard with Pilot on a real (temporary) database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from eventdesk.config import EventConfig
from eventdesk.demo.history import run_of_show_until
from eventdesk.ingest import Ingest
from eventdesk.sources.replay import ReplaySource
from storage import Database
from tests.conftest import tweet_line, write_lines
from tui.app import EventDeskApp
from tui.data import StoragePane
from tui.settings import DeskSettings

OURS = ("1400000000000000001", "KingsmerePolice", "Kingsmere Police")
FROZEN = datetime(2026, 11, 19, 13, 20, tzinfo=UTC)
HOSTILE = {
    "click": "[@click=app.quit]x[/] please click",
    "close": "a [/] b and [bold]not bold[/bold]",
    "esc": "red \x1b[31mALERT\x1b[0m and title \x1b]0;pwned\x07",
    "osc52": "copy \x1b]52;c;aGVsbG8=\x07 done",
    "osc8": "link \x1b]8;;http://evil.example\x1b\\here\x1b]8;;\x1b\\ ok",
    "cr_bs": "over\rwrite\x08\x08 backspace",
    "bidi": "invoice \u202egnp.exe\u202c ok",
}


def event_lines() -> list[str]:
    """A fixed little event: stream chatter, inbox posts, our posts, hostile texts, one urgent."""
    start = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
    lines, n = [], 0

    def at() -> datetime:
        nonlocal n
        n += 1
        return start + timedelta(minutes=n)

    for i in range(30):
        mood = ("Great work tonight, thank you!", "Stuck in traffic again", "Awful, nobody came")[
            i % 3
        ]
        lines.append(
            tweet_line(
                f"#KP24 {mood} ({i})",
                at=at(),
                hashtags=("KP24",),
                author=(str(500 + i), f"citizen{i}", f"Citizen {i}"),
                post_id=1862000000000000000 + i,
            )
        )
    for key, text in HOSTILE.items():
        lines.append(
            tweet_line(
                f"#KP24 {text}",
                at=at(),
                hashtags=("KP24",),
                author=("666", f"h_{key}", f"[b]{key}[/b] \x1b[7m"),
                post_id=1862000000000001000 + len(lines),
            )
        )
    for i in range(12):
        lines.append(
            tweet_line(
                f"@KingsmerePolice question number {i} about parking",
                at=at(),
                mentions=("KingsmerePolice",),
                author=(str(700 + i), f"asker{i}", f"Asker {i}"),
                post_id=1862000000000002000 + i,
            )
        )
    lines.append(
        tweet_line(
            "@KingsmerePolice Thanks for asking, see our website",
            at=at(),
            author=OURS,
            reply_to=(1862000000000002000, "700"),
            conversation_id="1862000000000002000",
            post_id=1862000000000003000,
        )
    )
    for i in range(5):
        lines.append(
            tweet_line(
                f"Control room update {i} #KP24",
                at=at(),
                hashtags=("KP24",),
                author=OURS,
                post_id=1862000000000004000 + i,
            )
        )
    lines.append(
        tweet_line(
            "@KingsmerePolice there's a man with a knife outside the shop right now",
            at=at(),
            mentions=("KingsmerePolice",),
            author=("999", "worried_neighbour", "Worried Neighbour"),
            post_id=1862000000000005000,
        )
    )
    return lines


async def ingest_lines(db_path: Path, config: EventConfig, lines: list[str], name: str) -> None:
    replay = write_lines(db_path.parent / name, lines)
    db = await Database.open(db_path)
    try:
        await Ingest(db, config, workers=0).run(ReplaySource(replay))
    finally:
        await db.close()


@pytest.fixture
async def desk_db(tmp_path: Path, config: EventConfig) -> Path:
    db_path = tmp_path / "desk.db"
    await ingest_lines(db_path, config, event_lines(), "event.jsonl")
    await run_of_show_until(db_path, config, FROZEN)
    return db_path


def make_app(config: EventConfig, db_path: Path, **changes) -> EventDeskApp:
    options: dict[str, Any] = {
        "operator": "mj",
        "quiet": True,
        "refresh_seconds": 0.1,
        "clock": lambda: FROZEN,
        "take_desk_role": False,
    }
    return EventDeskApp(DeskSettings(config=config, db_path=db_path, **{**options, **changes}))


async def settle(pilot, condition=None, timeout: float = 30.0, state=None) -> None:
    """Give the app's workers time; wait until `condition()` holds when given.

    (The change-feed worker never completes, so there is nothing to join: poll.) `state()`
    describes what the app showed instead, for the failure message.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await pilot.pause(0.05)
        if condition is None or condition():
            await pilot.pause()
            return
        if loop.time() > deadline:
            where = f": {state()}" if state is not None else ""
            raise AssertionError(f"the dashboard did not reach the expected state in time{where}")


def lists(app) -> list:
    """The stream's PostList, the run-of-show's ScheduleList, the inbox's PostList."""
    return [app._list_of(index) for index in range(3)]


def loaded(app) -> bool:
    """The stream and the inbox show posts, and the run-of-show its items."""
    stream, show, inbox = lists(app)
    return all(pl.total > 0 and pl.current() is not None for pl in (stream, inbox)) and bool(
        show.items
    )


def count_refreshes(widget) -> list[tuple[tuple, bool]]:
    """Record every refresh of the widget from now on: its regions, and whether it asked
    for a layout of the screen."""
    calls: list[tuple[tuple, bool]] = []
    refresh = widget.refresh

    def spy(*regions, repaint=True, layout=False, recompose=False):
        calls.append((regions, layout))
        return refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    widget.refresh = spy
    return calls


def hold_windows(monkeypatch, held) -> asyncio.Event:
    """Make the panes' row reads for queries where `held(query)` wait until the event
    returned is set (rows slow to come)."""
    release = asyncio.Event()
    window = StoragePane.window

    async def slow_window(self, offset, limit, waited=False):
        if held(self.query):
            await release.wait()
        return await window(self, offset, limit, waited)

    def slow_ready(self, limit):
        # Rows still slow to come: a search's first page read ahead is not ready either.
        return None if held(self.query) and not release.is_set() else ready(self, limit)

    ready = StoragePane.ready
    monkeypatch.setattr(StoragePane, "window", slow_window)
    monkeypatch.setattr(StoragePane, "ready", slow_ready)
    return release
