"""Re-importing an edited sheet updates rows by key: no duplicates, and nothing already on
its way to X, or changed on the desk, is overwritten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eventdesk.config import EventConfig
from eventdesk.errors import UserError
from eventdesk.runofshow import RunOfShow
from eventdesk.schedule import read_sheet
from storage import Database
from storage.release import mark_enqueued, mark_result, release_due
from storage.schedule import REMOVED, ScheduleRefused, get, import_sheet, run_of_show

NOW = datetime(2026, 11, 19, 6, 0, tzinfo=UTC)
HEADER = "at,account,text\n"
ROWS = {
    "a": "07:00,KingsmerePolice,Good morning #KP24\n",
    "b": "08:00,KingsmerePolice,Roads team out #KP24\n",
    "c": "09:00,KingsmereCOs,ACC MJ: Proud of you all #KP24\n",
}


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    database = await Database.open(tmp_path / "event.db")
    yield database
    await database.close()


async def load(tmp_path: Path, db: Database, config: EventConfig, *rows: str, now=NOW):
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "".join(rows))
    sheet = read_sheet(path, config)
    assert sheet.ok, [str(p) for p in sheet.problems]
    return await import_sheet(db, sheet.slots, operator="lead", now=now)


async def states(db: Database) -> dict[str, tuple[str, str]]:
    return {row.key: (row.state, row.text) for row in await run_of_show(db)}


async def test_importing_the_same_sheet_twice_changes_nothing(tmp_path, db, config) -> None:
    first = await load(tmp_path, db, config, *ROWS.values())
    assert len(first.added) == 3
    again = await load(tmp_path, db, config, *ROWS.values())
    assert (again.added, again.updated, len(again.unchanged)) == ([], [], 3)
    assert await db.scalar("SELECT count(*) FROM schedule") == 3


async def test_an_edited_text_updates_its_row(tmp_path, db, config) -> None:
    await load(tmp_path, db, config, *ROWS.values())
    edited = ROWS["b"].replace("Roads team out", "Roads team out on the A614")
    report = await load(tmp_path, db, config, ROWS["a"], edited, ROWS["c"])
    assert report.updated == ["kingsmerepolice@2026-11-19 08:00"]
    assert (await states(db))["kingsmerepolice@2026-11-19 08:00"] == (
        "planned", "Roads team out on the A614 #KP24",
    )  # fmt: skip
    assert await db.scalar("SELECT count(*) FROM schedule") == 3


async def test_an_edited_time_without_a_key_moves_the_row(tmp_path, db, config) -> None:
    await load(tmp_path, db, config, *ROWS.values())
    moved = ROWS["b"].replace("08:00", "08:30")
    report = await load(tmp_path, db, config, ROWS["a"], moved, ROWS["c"])
    assert report.added == ["kingsmerepolice@2026-11-19 08:30"]
    assert report.removed == ["kingsmerepolice@2026-11-19 08:00"]
    rows = await states(db)
    assert rows["kingsmerepolice@2026-11-19 08:00"][0] == "skipped"
    assert rows["kingsmerepolice@2026-11-19 08:30"][0] == "planned"
    # Put back, the removed row comes back rather than a third copy.
    report = await load(tmp_path, db, config, *ROWS.values())
    assert report.restored == ["kingsmerepolice@2026-11-19 08:00"]
    assert report.removed == ["kingsmerepolice@2026-11-19 08:30"]
    assert await db.scalar("SELECT count(*) FROM schedule WHERE state = 'planned'") == 3


async def test_an_explicit_key_follows_a_row_whose_time_changes(tmp_path, db, config) -> None:
    path_rows = ["key," + HEADER, "b1,08:00,KingsmerePolice,Roads #KP24\n"]
    path = tmp_path / "keyed.csv"
    path.write_text("".join(path_rows))
    await import_sheet(db, read_sheet(path, config).slots, operator="lead", now=NOW)
    path.write_text(path_rows[0] + "b1,08:45,KingsmerePolice,Roads #KP24\n")
    report = await import_sheet(db, read_sheet(path, config).slots, operator="lead", now=NOW)
    assert report.updated == ["b1"]
    row = await get(db, "b1")
    assert row is not None and row.at == datetime(2026, 11, 19, 8, 45, tzinfo=UTC)


async def test_rows_on_their_way_or_posted_are_never_changed_by_a_sheet(
    tmp_path, db, config
) -> None:
    await load(tmp_path, db, config, *ROWS.values())
    at = datetime(2026, 11, 19, 7, 0, tzinfo=UTC)
    item = (await release_due(db, at, timedelta(minutes=10))).due[0]
    await mark_enqueued(db, item.key, item.outgoing.key, now=at)
    await mark_result(db, item.outgoing.key, "posted", now=at, remote_id="9", posted_at=at)
    edited = ROWS["a"].replace("Good morning", "Morning")
    moved = ROWS["a"].replace("07:00", "07:05")
    report = await load(tmp_path, db, config, edited, ROWS["b"], ROWS["c"], now=at)
    assert report.kept == [("kingsmerepolice@2026-11-19 07:00", "already posted")]
    assert (await states(db))["kingsmerepolice@2026-11-19 07:00"] == (
        "posted", "Good morning #KP24",
    )  # fmt: skip
    # Moving a posted row in a sheet without keys would post its words twice: refused.
    report = await load(tmp_path, db, config, moved, ROWS["b"], ROWS["c"], now=at)
    assert report.added == []
    assert report.kept[0][0] == "kingsmerepolice@2026-11-19 07:05"
    assert "same text as kingsmerepolice@2026-11-19 07:00, which is posted" in report.kept[0][1]
    assert await db.scalar("SELECT count(*) FROM schedule") == 3


async def test_the_desk_wins_over_an_older_sheet(tmp_path, db, config) -> None:
    await load(tmp_path, db, config, *ROWS.values())
    show = RunOfShow(db, config, lambda: NOW)
    await show.postpone("lead", "kingsmerepolice@2026-11-19 08:00", minutes=5)
    edited = ROWS["b"].replace("Roads team out", "Roads team")
    report = await load(tmp_path, db, config, ROWS["a"], edited, ROWS["c"])
    assert report.kept == [("kingsmerepolice@2026-11-19 08:00", "changed on the desk by lead")]
    # Gone from the sheet, a row changed on the desk stays planned (and is reported).
    report = await load(tmp_path, db, config, ROWS["a"], ROWS["c"])
    assert report.removed == []
    assert "left planned" in report.kept[0][1]
    row = await get(db, "kingsmerepolice@2026-11-19 08:00")
    assert row is not None and (row.state, row.text) == ("planned", "Roads team out #KP24")


async def test_operators_cannot_change_what_may_be_on_its_way(tmp_path, db, config) -> None:
    await load(tmp_path, db, config, *ROWS.values())
    at = datetime(2026, 11, 19, 7, 0, tzinfo=UTC)
    item = (await release_due(db, at, timedelta(minutes=10))).due[0]
    show = RunOfShow(db, config, lambda: at)
    for action in (
        show.skip("lead", item.key),
        show.postpone("lead", item.key, minutes=5),
        show.edit("lead", item.key, text="changed #KP24"),
        show.post_now("lead", item.key),
    ):
        with pytest.raises(ScheduleRefused, match="an item that is due"):
            await action
    await mark_enqueued(db, item.key, item.outgoing.key, now=at)
    await mark_result(db, item.outgoing.key, "unknown", now=at)
    with pytest.raises(ScheduleRefused, match="an item that is unknown"):
        await show.post_now("lead", item.key)
    # A failed send may be tried again by a person: a new attempt, a new outbox key.
    await mark_result(db, item.outgoing.key, "failed", now=at, note="403 duplicate")
    await show.post_now("lead", item.key)
    retry = (await release_due(db, at, timedelta(minutes=10))).due
    assert [i.outgoing.key for i in retry] == ["schedule:1:2"]


async def test_operator_input_is_checked_like_the_sheet(tmp_path, db, config) -> None:
    await load(tmp_path, db, config, *ROWS.values())
    show = RunOfShow(db, config, lambda: NOW)
    key = "kingsmerecos@2026-11-19 09:00"
    with pytest.raises(UserError, match="must start with a rank and initials"):
        await show.edit("lead", key, text="unsigned #KP24")
    with pytest.raises(UserError, match="282 long as X counts it"):
        await show.add("lead", "10:00", "KingsmerePolice", "😀" * 141)
    with pytest.raises(UserError, match="outside the event window"):
        await show.postpone("lead", key, to="2026-11-21 09:00")
    with pytest.raises(UserError, match="has already passed"):
        await RunOfShow(db, config, lambda: NOW + timedelta(hours=4)).postpone(
            "lead", key, to="09:30"
        )
    with pytest.raises(UserError, match="unknown account"):
        await show.add("lead", "10:00", "someone_else", "hi #KP24")
    assert (await get(db, key)).text == "ACC MJ: Proud of you all #KP24"  # type: ignore[union-attr]
    assert await db.scalar("SELECT count(*) FROM schedule") == 3


async def test_a_removed_row_is_marked_as_such(tmp_path, db, config) -> None:
    await load(tmp_path, db, config, *ROWS.values())
    await load(tmp_path, db, config, ROWS["a"])
    notes = {row.key: row.note for row in await run_of_show(db) if row.state == "skipped"}
    assert set(notes.values()) == {REMOVED} and len(notes) == 2
