"""The scheduler on a controllable clock: on time, never twice, never more than the grace
window late, nothing while paused, and a review of what fell due on resume."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eventdesk.config import EventConfig
from eventdesk.paths import bundled
from eventdesk.publish import Outgoing
from eventdesk.runofshow import RunOfShow
from eventdesk.schedule import read_sheet
from eventdesk.scheduler import Scheduler
from storage import Database
from storage.release import DueItem, mark_enqueued, mark_result, release_due
from storage.schedule import get, import_sheet, run_of_show


class FakeClock:
    """The time is whatever the test says."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, hhmm: str, day: int = 19) -> datetime:
        hour, minute = map(int, hhmm.split(":"))
        self.now = datetime(2026, 11, day, hour, minute, tzinfo=UTC)  # GMT: local = UTC
        return self.now


class Outbox:
    """Stands in for issue 4's outbox: keeps what it is given, idempotently by key."""

    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db, self.clock = db, clock
        self.sent: dict[str, Outgoing] = {}

    async def __call__(self, items: list[DueItem]) -> None:
        for item in items:
            self.sent.setdefault(item.outgoing.key, item.outgoing)
            await mark_enqueued(self.db, item.key, item.outgoing.key, now=self.clock())

    def texts(self) -> list[str]:
        return [item.text for item in self.sent.values()]


@pytest.fixture
async def desk(tmp_path: Path, config: EventConfig) -> AsyncIterator[tuple]:
    """A database holding the demo run-of-show, a clock at 06:00, a scheduler, an outbox."""
    db = await Database.open(tmp_path / "event.db")
    clock = FakeClock(datetime(2026, 11, 19, 6, 0, tzinfo=UTC))
    sheet = read_sheet(bundled("demo_run_of_show.csv"), config)
    await import_sheet(db, sheet.slots, operator="lead", now=clock())
    outbox = Outbox(db, clock)
    scheduler = Scheduler(db, config, clock, outbox)
    try:
        yield db, clock, scheduler, outbox, RunOfShow(db, config, clock)
    finally:
        await db.close()


async def test_items_go_out_at_their_time_and_only_once(desk) -> None:
    db, clock, scheduler, outbox, _ = desk
    clock.at("06:59")
    assert (await scheduler.tick()).due == []
    clock.at("07:00")
    first = await scheduler.tick()
    assert [item.key for item in first.due] == ["kp24-01"]
    outgoing = first.due[0].outgoing
    assert (outgoing.key, outgoing.account, outgoing.media) == (
        "schedule:1:1",
        "KingsmerePolice",
        (),
    )
    assert outgoing.text.startswith("Good morning Kingsmere!")
    assert (await scheduler.tick()).due == []
    clock.at("07:10")
    assert [item.key for item in (await scheduler.tick()).due] == ["kp24-02"]
    assert len(outbox.sent) == 2
    row = await get(db, "kp24-01")
    assert row is not None and row.state == "due" and row.outbox_key == "schedule:1:1"


async def test_a_release_lost_before_the_outbox_took_it_comes_back_with_the_same_key(
    desk,
) -> None:
    db, clock, scheduler, outbox, _ = desk
    clock.at("07:00")
    crashed = await release_due(db, clock(), timedelta(minutes=10))  # the process dies here
    assert [item.key for item in crashed.due] == ["kp24-01"]
    clock.at("07:03")
    again = await scheduler.tick()
    assert [item.outgoing.key for item in again.due] == [crashed.due[0].outgoing.key]
    assert len(outbox.sent) == 1
    assert (await scheduler.tick()).due == []


async def test_results_are_recorded_and_lateness_shown(desk) -> None:
    from eventdesk.runofshow import lateness

    db, clock, scheduler, outbox, show = desk
    clock.at("07:00")
    item = (await scheduler.tick()).due[0]
    key = item.outgoing.key
    assert await mark_result(db, key, "sending", now=clock())
    posted_at = datetime(2026, 11, 19, 7, 4, 10, tzinfo=UTC)
    assert await mark_result(
        db, key, "posted", now=posted_at, remote_id="1861", posted_at=posted_at
    )
    row = await get(db, "kp24-01")
    assert row is not None and (row.state, row.remote_id) == ("posted", "1861")
    assert lateness(row) == "posted 4 min late"
    assert not await mark_result(db, "schedule:1:0", "failed", now=clock())  # a stale attempt
    assert (await get(db, "kp24-01")).state == "posted"  # type: ignore[union-attr]
    arranged = await show.arranged()
    assert [i.key for i in arranged.posted] == ["kp24-01"]
    assert arranged.next is not None and arranged.next.key == "kp24-02"
    assert arranged.countdown == timedelta(minutes=10)
    assert [i.key for i in arranged.rest][:2] == ["kp24-03", "kp24-04"]


async def test_after_downtime_within_grace_items_go_out_late_beyond_it_they_wait(desk) -> None:
    db, clock, scheduler, outbox, _ = desk
    # The desk was down from 06:00 until 07:25: 07:00 and 07:10 are more than ten
    # minutes late; 07:20 is five minutes late and still goes.
    clock.at("07:25")
    tick = await scheduler.tick()
    assert [item.key for item in tick.due] == ["kp24-03"]
    assert tick.missed == ["kp24-01", "kp24-02"]
    held = {row.key: (row.state, row.hold) for row in await run_of_show(db) if row.hold}
    assert held == {"kp24-01": ("due", "missed"), "kp24-02": ("due", "missed")}
    clock.at("07:40")
    assert [item.key for item in (await scheduler.tick()).due] == ["kp24-04"]
    assert len(outbox.sent) == 2  # the missed ones never reached the outbox


async def test_missed_item_posted_now_by_an_operator_goes_out(desk) -> None:
    db, clock, scheduler, outbox, show = desk
    clock.at("07:30")
    await scheduler.tick()
    row = await show.post_now("lead", "kp24-01")
    assert (row.state, row.hold, row.released_by) == ("due", None, "lead")
    clock.at("07:31")
    assert [item.key for item in (await scheduler.tick()).due] == ["kp24-01"]
    actions = await db.fetchall("SELECT operator, kind, detail FROM actions ORDER BY id")
    assert (actions[-1]["operator"], actions[-1]["kind"]) == ("lead", "schedule.post_now")
    assert json.loads(actions[-1]["detail"]) == {"key": "kp24-01"}


async def test_pause_releases_nothing_and_resume_returns_the_review_list(desk) -> None:
    db, clock, scheduler, outbox, show = desk
    clock.at("07:00")
    await scheduler.tick()
    clock.at("07:05")
    state = await show.pause("lead")
    assert (state.paused, state.by, state.at) == (True, "lead", clock())
    for hhmm in ("07:10", "07:20", "07:30"):
        clock.at(hhmm)
        tick = await scheduler.tick()
        assert tick.due == []
    # An operator may still send one item on purpose while paused (e.g. an appeal).
    await show.post_now("lead", "kp24-02")
    clock.at("07:31")
    assert [item.key for item in (await scheduler.tick()).due] == ["kp24-02"]
    clock.at("07:33")
    review = await show.resume("night")
    assert [row.key for row in review] == ["kp24-03"]
    assert review[0].hold == "paused"
    clock.at("07:35")
    # The next item goes on time; the held one waits for a decision.
    assert [item.key for item in (await scheduler.tick()).due] == ["kp24-04"]
    assert (await get(db, "kp24-03")).hold == "paused"  # type: ignore[union-attr]
    assert outbox.texts()[0].startswith("Good morning") and len(outbox.sent) == 3
    kinds = [r["kind"] for r in await db.fetchall("SELECT kind FROM actions ORDER BY id")]
    assert kinds[-3:] == ["schedule.pause", "schedule.post_now", "schedule.resume"]


async def test_operator_changes_are_attributed_and_reach_the_change_feed(desk) -> None:
    db, clock, scheduler, outbox, show = desk
    before = await db.scalar("SELECT max(seq) FROM changes")
    moved = await show.postpone("lead", "kp24-02", minutes=15)
    assert moved.at == datetime(2026, 11, 19, 7, 25, tzinfo=UTC)
    assert moved.edited_by == "lead"
    moved = await show.postpone("lead", "kp24-02", to="08:00")
    assert moved.at == datetime(2026, 11, 19, 8, 0, tzinfo=UTC)
    skipped = await show.skip("lead", "kp24-03", "not today")
    assert (skipped.state, skipped.note) == ("skipped", "not today")
    copy = await show.duplicate("lead", "kp24-01", "12:00")
    assert (copy.key, copy.state, copy.at.hour) == ("kp24-01~1", "planned", 12)
    assert copy.text.startswith("Good morning Kingsmere!")
    added = await show.add("lead", "09:15", "@kingsmereair", "Air 1 is up #KP24")
    assert (added.account, added.origin) == ("KingsmereAir", "desk")
    edited = await show.edit("lead", added.key, text="Air 1 is up over Northfield #KP24")
    assert edited.text == "Air 1 is up over Northfield #KP24"
    changes = await db.fetchall(
        "SELECT kind, first_id FROM changes WHERE seq > ? ORDER BY seq", (before,)
    )
    assert [c["kind"] for c in changes] == ["schedule"] * 6
    kinds = [r["kind"] for r in await db.fetchall("SELECT kind FROM actions ORDER BY id")][-6:]
    assert kinds == ["schedule.postpone", "schedule.postpone", "schedule.skip",
                     "schedule.duplicate", "schedule.add", "schedule.edit"]  # fmt: skip
    # Down since 06:00: the postponed item goes at its new time, one exactly ten
    # minutes late still goes, the skipped one never does, older ones wait.
    clock.at("08:00")
    tick = await scheduler.tick()
    assert [item.key for item in tick.due] == ["kp24-05", "kp24-02"]
    assert tick.missed == ["kp24-01", "kp24-04"]


async def test_an_item_once_posted_now_and_then_replanned_still_obeys_the_pause(desk) -> None:
    db, clock, scheduler, outbox, show = desk
    clock.at("07:00")
    await show.post_now("lead", "kp24-02")
    due = {item.key: item for item in (await scheduler.tick()).due}
    assert sorted(due) == ["kp24-01", "kp24-02"]
    await mark_result(db, due["kp24-02"].outgoing.key, "failed", now=clock(), note="X said no")
    await show.postpone("lead", "kp24-02", to="07:15")
    await show.pause("lead")
    clock.at("07:15")
    tick = await scheduler.tick()
    assert (tick.due, tick.paused) == ([], ["kp24-02"])
