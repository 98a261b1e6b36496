"""The run-of-show goes out through the desk: scheduler → outbox → dry-run publisher, with
the schedule row following its outbox row to posted, each item sent once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from eventdesk.desk import Desk, DeskRole
from eventdesk.paths import bundled
from eventdesk.publishers.dry_run import DryRunPublisher, dry_run_path
from eventdesk.runner import scheduler_role
from eventdesk.schedule import read_sheet
from storage import Database
from storage.schedule import import_sheet, run_of_show


async def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "the desk did not get there"
        await asyncio.sleep(0.05)


async def test_due_items_are_posted_once_and_marked_posted(db_path, config) -> None:
    now = [datetime(2026, 11, 19, 7, 0, 30, tzinfo=UTC)]  # GMT: local time = UTC
    db = await Database.open(db_path)
    sheet = read_sheet(bundled("demo_run_of_show.csv"), config)
    await import_sheet(db, sheet.slots, operator="lead", now=now[0] - timedelta(hours=2))

    def sent() -> list[dict]:
        path = dry_run_path(db_path)
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def desk(name: str) -> Desk:
        return Desk(
            db_path, config, publisher=DryRunPublisher(dry_run_path(db_path)), operator=name,
            poll_seconds=0.05, scheduler=scheduler_role(config, lambda: now[0], interval=0.05),
            clock=lambda: now[0],
        )  # fmt: skip

    async def states() -> dict[str, tuple[str, str | None]]:
        return {row.key: (row.state, row.remote_id) for row in await run_of_show(db)}

    first = desk("one")
    running = asyncio.create_task(first.run())
    try:

        async def first_out() -> bool:
            return (await states())["kp24-01"][0] == "posted"

        await wait_until(first_out)
        rows = await states()
        assert len(sent()) == 1
        assert rows["kp24-01"][1] == sent()[0]["remote_id"]
        assert rows["kp24-02"][0] == "planned"  # 07:10 is not due at 07:00
        # Stamped by the desk's clock (a replayed day's own time): on time, not days late.
        first_row = next(row for row in await run_of_show(db) if row.key == "kp24-01")
        assert first_row.posted_at == now[0]
        # The desk planned the coming #polchat weeks' theme posts, days ahead of each.
        themes = [row for row in await run_of_show(db) if row.key.startswith("chat:polchat:")]
        assert themes and all(row.state == "planned" and row.at > now[0] for row in themes)
        now[0] = datetime(2026, 11, 19, 7, 15, tzinfo=UTC)

        async def two_out() -> bool:
            return [s for s, _ in (await states()).values()].count("posted") == 2

        await wait_until(two_out)
    finally:
        first.stop()
        await running
    # Another desk taking over sends nothing again.
    second = desk("two")
    running = asyncio.create_task(second.run())
    while second.role is not DeskRole.DESK:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    second.stop()
    await running
    texts = [record["text"] for record in sent()]
    assert len(texts) == len(set(texts)) == 2
    assert texts[1].startswith("CC RB: ")  # the chief officers' signed post, as planned
    await db.close()
