"""A dashboard on a database that a replay feeds shows the event at the replay's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eventdesk.clock import describe
from storage import Database
from storage.posts import utc_text
from tests.tui.conftest import loaded, make_app, settle

WALL = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # days after the demo event ended


def shown_clock(app) -> str:
    return str(app.query_one("#header-clock").render())


async def newest_post(db_path) -> datetime:
    db = await Database.open(db_path)
    try:
        latest = await db.scalar("SELECT max(created_at) FROM posts")
    finally:
        await db.close()
    return datetime.fromisoformat(latest.replace("Z", "+00:00"))


async def go_live(db_path) -> None:
    """An X source's checkpoint written after the replay's: the live stream feeds it now."""
    db = await Database.open(db_path)
    try:
        later = utc_text(datetime.now(UTC) + timedelta(minutes=1))
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO checkpoints (source, position, updated_at) VALUES (?, ?, ?)",
                ("x:kp24", '{"since_id": "1"}', later),
            )
    finally:
        await db.close()


@pytest.mark.parametrize("case", ["follows the replay", "not asked to", "a live source"])
async def test_the_desk_time_is_the_replays_while_one_feeds_the_database(
    desk_db, config, case
) -> None:
    if case == "a live source":
        await go_live(desk_db)
    newest = await newest_post(desk_db)
    app = make_app(config, desk_db, clock=lambda: WALL, follow_replay=case != "not asked to")
    event = config.event
    expected = newest if case == "follows the replay" else WALL
    text = describe(expected, event.start_utc, event.end_utc, event.zone)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: loaded(app) and shown_clock(app) == text)
        assert app.desk_now() == expected
        if expected == WALL:
            assert "ended" in text
        else:
            assert " in · " in text and newest < WALL - timedelta(days=1)
