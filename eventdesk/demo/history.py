"""The demo's morning: run-of-show items due before the time the demo jumps to went out
on time, as the desk would have posted them (released, sent, recorded).

Without it a demo opened at 12:45 would show the whole morning's plan as missed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from eventdesk.config import EventConfig
from eventdesk.paths import bundled
from eventdesk.schedule import read_sheet
from storage import Database
from storage.release import mark_enqueued, mark_result, release_due
from storage.schedule import import_sheet

GRACE = timedelta(minutes=10)


async def run_of_show_until(
    db_path: Path, config: EventConfig, until: datetime | None, *, operator: str = "demo"
) -> int:
    """Import the bundled run-of-show; post every item due by `until` a minute after its
    time with a made-up remote id. Returns how many items the plan holds."""
    sheet = read_sheet(bundled("demo_run_of_show.csv"), config)
    db = await Database.open(db_path)
    try:
        await import_sheet(db, sheet.slots, operator=operator, now=config.event.start_utc)
        for slot in sorted(sheet.slots, key=lambda s: s.at):
            if until is None or slot.at > until:
                break
            for item in (await release_due(db, slot.at, GRACE)).due:
                await mark_enqueued(db, item.key, item.outgoing.key, now=slot.at)
                posted = slot.at + timedelta(minutes=1)
                remote = str(1862000000000090000 + (slot.line or 0))
                await mark_result(db, item.outgoing.key, "posted", now=posted,
                                  remote_id=remote, posted_at=posted)  # fmt: skip
        return len(sheet.slots)
    finally:
        await db.close()
