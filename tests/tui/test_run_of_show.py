"""The run-of-show pane and its controls, driven by Pilot on a real database holding the
bundled demo sheet, with a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, TextArea

from eventdesk.config import EventConfig
from eventdesk.paths import bundled
from eventdesk.schedule import read_sheet
from eventdesk.text import visible
from storage import Database
from storage import schedule as rows
from storage.release import desk_state, mark_enqueued, mark_result, release_due
from storage.schedule import Slot
from tests.tui.conftest import count_refreshes, settle
from tests.tui.test_hostile_text import assert_inert, assert_inert_content
from tui.schedule_actions import RunOfShowActions
from tui.schedule_screens import (
    ConfirmScreen,
    PostponeScreen,
    ResumeReviewScreen,
    ScheduleEditScreen,
)
from tui.settings import DeskSettings
from widgets.pane_title import PaneTitle
from widgets.quiet_focus import mark_active
from widgets.run_of_show_pane import RunOfShowPane
from widgets.schedule_list import ScheduleList

GRACE = timedelta(minutes=10)
HOSTILE = "[@click=app.quit]x[/] then a [/] b and \x1b[31mred\x1b]0;title\x07 end"


class Clock:
    """The time is whatever the test says (GMT in November: local time is UTC)."""

    def __init__(self, hhmm: str) -> None:
        self.at(hhmm)

    def __call__(self) -> datetime:
        return self.now

    def at(self, hhmm: str, day: int = 19) -> datetime:
        hour, minute = map(int, hhmm.split(":"))
        self.now = datetime(2026, 11, day, hour, minute, tzinfo=UTC)
        return self.now


class ShowApp(RunOfShowActions, App[None]):
    """The pane and the controls alone, as the dashboard will compose them."""

    BINDINGS: ClassVar[list[BindingType]] = RunOfShowActions.RUN_OF_SHOW_BINDINGS

    def __init__(self, settings: DeskSettings) -> None:
        super().__init__()
        self.settings = settings
        self.db: Database | None = None
        self.notices: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        listing = ScheduleList(zone=self.settings.config.event.zone, clock=self.settings.clock)
        yield RunOfShowPane(listing, id="pane-show")
        yield Footer()

    async def on_mount(self) -> None:
        mark_active(self.query_one(RunOfShowPane), True)  # as the dashboard shows its active pane
        self.query_one(ScheduleList).focus()
        self.db = await Database.open(self.settings.db_path)
        self.load_run_of_show()

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.notices.append((message, kwargs.get("severity", "information")))
        super().notify(message, **kwargs)

    async def on_unmount(self) -> None:
        if self.db is not None:
            await self.db.close()


async def _post(db: Database, clock: Clock, hhmm: str, posted: str | None, remote: str) -> None:
    """What the desk process would do at `hhmm`: release, enqueue, and hear back."""
    clock.at(hhmm)
    for item in (await release_due(db, clock(), GRACE)).due:
        await mark_enqueued(db, item.key, item.outgoing.key, now=clock())
        await mark_result(db, item.outgoing.key, "sending", now=clock())
        if posted is not None:
            at = clock.at(posted)
            await mark_result(db, item.outgoing.key, "posted", now=at, remote_id=remote,
                              posted_at=at)  # fmt: skip


@pytest.fixture
async def show_db(tmp_path: Path, config: EventConfig) -> Path:
    """The demo sheet; 07:00 posted 4 min late, 07:10 on time, 07:20 sending; a hostile
    item added last thing before the event ends."""
    path = tmp_path / "show.db"
    db = await Database.open(path)
    clock = Clock("06:00")
    try:
        sheet = read_sheet(bundled("demo_run_of_show.csv"), config)
        await rows.import_sheet(db, sheet.slots, operator="lead", now=clock())
        await _post(db, clock, "07:00", "07:04", "1861000000000000001")
        await _post(db, clock, "07:10", "07:10", "1861000000000000002")
        await _post(db, clock, "07:20", None, "")
        last = datetime(2026, 11, 20, 6, 55, tzinfo=UTC)
        await rows.add(db, Slot("hostile", last, "KingsmerePolice", HOSTILE), operator="x",
                       now=clock())  # fmt: skip
    finally:
        await db.close()
    return path


def make_show_app(config: EventConfig, db_path: Path, clock: Clock) -> ShowApp:
    return ShowApp(DeskSettings(config=config, db_path=db_path, operator="mj", clock=clock))


@pytest.fixture
async def running(show_db, config):
    clock = Clock("07:25")
    app = make_show_app(config, show_db, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        listing = app.query_one(ScheduleList)
        await settle(pilot, lambda: len(listing.items) > 60)
        yield app, pilot, listing, clock


def lines(listing: ScheduleList) -> list[str]:
    strips = [listing.render_line(y) for y in range(listing.scrollable_content_region.height)]
    return assert_inert(strips).splitlines()


def title(app: App) -> str:
    return app.query_one(".run-of-show-pane--title", PaneTitle).text


async def stored(path: Path, key: str) -> rows.ScheduledPost:
    db = await Database.open(path)
    try:
        found = await rows.get(db, key)
    finally:
        await db.close()
    assert found is not None
    return found


async def test_rows_show_posted_then_next_then_the_rest(running) -> None:
    app, pilot, listing, clock = running
    keys = [item.key for item in listing.items]
    assert keys[:5] == ["kp24-01", "kp24-02", "kp24-04", "kp24-03", "kp24-05"]
    assert keys[-1] == "hostile"
    shown = lines(listing)
    assert shown[0].startswith("07:04 ✓ @KingsmerePolice")
    assert "posted 4 min late · id 1861000000000000001" in shown[0]
    assert "posted on time · id 1861000000000000002" in shown[1]
    assert shown[2].startswith("07:35 ▶ @KingsmereAir")
    assert "next · in 10 min" in shown[2]
    assert shown[3].startswith("07:20 ↑ @KingsmerePolice") and "sending" in shown[3]
    assert shown[4].startswith("07:50 ○ @KingsmerePolice") and "planned · in 25 min" in shown[4]
    assert listing.current().key == "kp24-04"  # the cursor starts on what comes next
    assert title(app) == "Run-of-show · posted 2 · next in 10 min"


async def test_the_countdown_ticks_from_the_clock(running) -> None:
    app, pilot, listing, clock = running
    clock.at("07:28")
    await settle(pilot, lambda: "next · in 7 min" in lines(listing)[2])
    assert "next in 7 min" in title(app)
    clock.at("07:36")
    await settle(pilot, lambda: "next · 1 min overdue" in lines(listing)[2])


async def test_a_tick_repaints_only_the_lines_whose_status_moved(running) -> None:
    app, pilot, listing, clock = running
    calls = count_refreshes(listing)
    listing.tick()  # the clock has not moved: nothing reads otherwise
    assert calls == []
    clock.at("07:28")
    listing.tick()
    top = int(listing.scroll_offset.y)
    lines_repainted = {top + r.y for regions, _ in calls for r in regions}
    assert all(len(regions) == 1 and regions[0].height == 1 for regions, _ in calls)
    assert 2 in lines_repainted and "next · in 7 min" in lines(listing)[2]
    assert 0 not in lines_repainted  # a posted item's line says the same


async def test_cursor_keys_and_messages(show_db, config) -> None:
    seen: list[Any] = []
    app = make_show_app(config, show_db, Clock("07:25"))
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        listing = app.query_one(ScheduleList)
        await settle(pilot, lambda: len(listing.items) > 60)
        await pilot.press("j", "down", "k")
        assert listing.current().key == "kp24-03"
        await pilot.press("g")
        assert listing.cursor == 0
        await pilot.press("G")
        assert listing.current().key == "hostile"
        await pilot.press("enter")
        await pilot.pause()
        # The hook sees a message again at each step it bubbles: count each once.
        messages = list({id(m): m for m in seen}.values())
        highlighted = [m.item.key for m in messages if isinstance(m, ScheduleList.Highlighted)]
        assert highlighted[-6:] == [
            "kp24-04",
            "kp24-03",
            "kp24-05",
            "kp24-03",
            "kp24-01",
            "hostile",
        ]
        selected = [m.item.key for m in messages if isinstance(m, ScheduleList.Selected)]
        assert selected == ["hostile"]


async def test_postpone_by_15_moves_the_item_and_keeps_the_cursor_on_it(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("z")
    await settle(pilot, lambda: isinstance(app.screen, PostponeScreen))
    await pilot.press("down", "enter")  # +15 min
    await settle(pilot, lambda: listing.current().at.minute == 50)
    moved = await stored(show_db, "kp24-04")
    assert moved.at == datetime(2026, 11, 19, 7, 50, tzinfo=UTC) and moved.edited_by == "mj"
    assert listing.current().key == "kp24-04"
    # Now at 07:50 beside kp24-05, and still the next: same time, the older row first.
    assert "next · in 25 min" in lines(listing)[listing.cursor - int(listing.scroll_offset.y)]


async def test_postpone_to_a_typed_time_and_a_past_time_is_a_notice(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("z")
    await settle(pilot, lambda: isinstance(app.screen, PostponeScreen))
    await pilot.press("down", "down", "down", "enter", *"09:05", "enter")
    await settle(pilot, lambda: listing.current().at.hour == 9)
    assert (await stored(show_db, "kp24-04")).at == datetime(2026, 11, 19, 9, 5, tzinfo=UTC)
    assert listing.current().key == "kp24-04"
    await pilot.press("z", "down", "down", "down", "enter", *"07:00", "enter")
    await settle(pilot, lambda: bool(app.notices))
    assert app.notices[-1] == ("07:00 has already passed", "error")
    assert app.is_running


async def test_postpone_cancelled_with_n_changes_nothing(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("z")
    await settle(pilot, lambda: isinstance(app.screen, PostponeScreen))
    await pilot.press("n")
    await settle(pilot, lambda: not isinstance(app.screen, PostponeScreen))
    assert (await stored(show_db, "kp24-04")).edited_by is None


async def test_skip_asks_first(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("x")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("n")
    await settle(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    assert (await stored(show_db, "kp24-04")).state == "planned"
    await pilot.press("x")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await settle(pilot, lambda: listing.current().state == "skipped")
    skipped = await stored(show_db, "kp24-04")
    assert (skipped.state, skipped.note) == ("skipped", "skipped by mj")
    assert listing.current().key == "kp24-04"
    assert "– @KingsmereAir" in lines(listing)[listing.cursor - int(listing.scroll_offset.y)]


async def test_post_now_asks_first(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("n")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("escape")
    await settle(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    assert (await stored(show_db, "kp24-04")).state == "planned"
    await pilot.press("n")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("enter")
    await settle(pilot, lambda: listing.current().state == "due")
    released = await stored(show_db, "kp24-04")
    assert (released.state, released.released_by, released.hold) == ("due", "mj", None)


async def test_a_refused_change_is_a_notice_not_a_crash(running) -> None:
    app, pilot, listing, clock = running
    await pilot.press("g")  # kp24-01, posted
    await pilot.press("x", "y")
    await settle(pilot, lambda: bool(app.notices))
    assert app.notices[-1] == ("kp24-01: cannot skip an item that is posted", "error")
    await pilot.press("e")
    await settle(pilot, lambda: len(app.notices) == 2)
    assert app.notices[-1] == ("kp24-01: cannot edit an item that is posted", "error")
    assert not isinstance(app.screen, ScheduleEditScreen) and app.is_running


async def test_duplicate_goes_later_never_at_once(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("g", "d")  # the posted 07:00 item, again at 07:25 + 5
    await settle(pilot, lambda: isinstance(app.screen, PostponeScreen))
    await pilot.press("enter")
    await settle(pilot, lambda: listing.current().key == "kp24-01~1")
    copy = await stored(show_db, "kp24-01~1")
    assert (copy.state, copy.at) == ("planned", datetime(2026, 11, 19, 7, 30, tzinfo=UTC))
    assert listing.next is not None and listing.next.key == "kp24-01~1"


async def test_pause_all_asks_shows_paused_and_resume_shows_the_review(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("P")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await settle(pilot, lambda: "PAUSED" in title(app))
    assert title(app).endswith("⏸ PAUSED by mj at 07:25")
    assert app.query_one(".run-of-show-pane--title").has_class("-paused")
    # The desk process, paused, holds what falls due meanwhile.
    db = await Database.open(show_db)
    try:
        assert (await desk_state(db)).paused
        clock.at("07:36")
        assert (await release_due(db, clock(), GRACE)).paused == ["kp24-04"]
    finally:
        await db.close()
    await pilot.press("P")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await settle(pilot, lambda: isinstance(app.screen, ResumeReviewScreen))
    review = assert_inert_content(app.screen.query_one("#review-items").render())
    assert "07:35 @KingsmereAir: Good morning from the hangar." in review
    assert "(paused)" in review
    await pilot.press("enter")
    await settle(pilot, lambda: not isinstance(app.screen, ResumeReviewScreen))
    assert "PAUSED" not in title(app)
    held = next(i for i in listing.items if i.key == "kp24-04")
    assert held.hold == "paused"
    row = listing.items.index(held) - int(listing.scroll_offset.y)
    assert "‼ @KingsmereAir" in lines(listing)[row]
    assert "held by the pause: needs a decision" in lines(listing)[row]


async def test_pause_all_cancelled_with_n_stays_running(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("P")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("n")
    await settle(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    db = await Database.open(show_db)
    try:
        assert not (await desk_state(db)).paused
    finally:
        await db.close()


async def _edit_screen(app, pilot, key: str) -> ScheduleEditScreen:
    listing = app.query_one(ScheduleList)
    listing.cursor = listing.row_of(key)
    await pilot.press("e")
    await settle(pilot, lambda: isinstance(app.screen, ScheduleEditScreen))
    return app.screen


def problems_of(screen: ScheduleEditScreen) -> str:
    return str(screen.query_one("#edit-problems").render())


async def test_edit_refuses_an_overlong_text_and_shows_why(running, show_db) -> None:
    app, pilot, listing, clock = running
    screen = await _edit_screen(app, pilot, "kp24-05")
    screen.query_one(TextArea).text = "word " * 60
    await pilot.pause()
    assert str(screen.query_one("#edit-count").render()) == "300/280 · 20 over"
    assert "300 long as X counts it" in problems_of(screen)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert app.screen is screen  # refused: still editing
    assert (await stored(show_db, "kp24-05")).edited_by is None


async def test_edit_refuses_a_missing_signature_then_saves_a_signed_text(running, show_db) -> None:
    app, pilot, listing, clock = running
    screen = await _edit_screen(app, pilot, "kp24-07")  # the chief officers' account
    area = screen.query_one(TextArea)
    area.text = "Proud of the team today #KP24"
    await pilot.pause()
    assert "@KingsmereCOs posts must start with a rank and initials" in problems_of(screen)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert app.screen is screen
    area.text = "ACC MJ: Proud of the team today #KP24"
    await pilot.pause()
    assert problems_of(screen) == ""
    assert str(screen.query_one("#edit-count").render()) == "37/280"
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: listing.current().text.startswith("ACC MJ:"))
    edited = await stored(show_db, "kp24-07")
    assert (edited.text, edited.edited_by) == ("ACC MJ: Proud of the team today #KP24", "mj")
    assert edited.at == datetime(2026, 11, 19, 8, 20, tzinfo=UTC)  # the time was left alone


async def test_edit_cancelled_by_the_cancel_button(running, show_db) -> None:
    app, pilot, listing, clock = running
    screen = await _edit_screen(app, pilot, "kp24-05")
    screen.query_one(TextArea).text = "something else #KP24"
    await pilot.click("#edit-cancel")
    await settle(pilot, lambda: app.screen is not screen)
    assert (await stored(show_db, "kp24-05")).edited_by is None


async def test_add_an_item(running, show_db) -> None:
    app, pilot, listing, clock = running
    await pilot.press("i")
    await settle(pilot, lambda: isinstance(app.screen, ScheduleEditScreen))
    screen = app.screen
    assert screen.query_one("#edit-at").value == "07:45"  # the quarter hour 10+ min ahead
    screen.query_one(TextArea).text = "Road closed on the High Street until 9am #KP24"
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: listing.current().text.startswith("Road closed"))
    added = listing.current()
    assert (added.at, added.account, added.origin) == (
        datetime(2026, 11, 19, 7, 45, tzinfo=UTC), "KingsmerePolice", "desk",
    )  # fmt: skip
    assert (await stored(show_db, added.key)).edited_by == "mj"


async def test_hostile_text_in_an_item_shows_literally(running) -> None:
    app, pilot, listing, clock = running
    await pilot.press("G")
    await pilot.pause()
    row = next(line for line in lines(listing) if "@click" in line)
    assert row.startswith("06:55 ○ @KingsmerePolice planned · in 23h30m")
    assert "[@click=app.quit]x[/] then a [/] b and ␛[31mred␛]0;title␇ end" in row
    y = lines(listing).index(row)
    await pilot.click(ScheduleList, offset=(row.index("[@click") + 1, y))
    await pilot.pause()
    assert app.is_running
    await pilot.press("x")
    await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    detail = assert_inert_content(app.screen.query_one("#confirm-detail").render())
    assert "[@click=app.quit]x[/] then a [/] b and ␛[31mred" in detail
    await pilot.press("n")
    await settle(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    screen = await _edit_screen(app, pilot, "hostile")
    # The editor holds the stand-ins, never the raw ESC: what is seen is what is saved.
    assert screen.query_one(TextArea).text == visible(HOSTILE)
    area_lines = [screen.query_one(TextArea).render_line(y) for y in range(2)]
    assert_inert(area_lines)


def test_snapshot_of_the_pane_100x30(snap_compare, show_db, config) -> None:
    """Paused, with posted items, a sending one, one held by the pause and the next's
    countdown."""
    clock = Clock("07:25")

    async def paused_with_a_decision_waiting(pilot) -> None:
        app = pilot.app
        listing = app.query_one(ScheduleList)
        await settle(pilot, lambda: len(listing.items) > 60)
        await pilot.press("P", "y")
        await settle(pilot, lambda: "PAUSED" in title(app))
        clock.at("07:36")
        await release_due(app.db, clock(), GRACE)  # the paused desk holds kp24-04
        app.load_run_of_show()
        await settle(pilot, lambda: any(item.hold for item in listing.items))
        await pilot.press("j")

    app = make_show_app(config, show_db, clock)
    assert snap_compare(app, terminal_size=(100, 30), run_before=paused_with_a_decision_waiting)
