"""The real dashboard driven by Pilot: bindings, live arrival, alarms."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from textual import events
from textual.widgets import Input

from storage import Database, panes
from storage.posts import write_batch
from tests.conftest import times, tweet_line
from tests.tui.conftest import (
    FROZEN,
    hold_windows,
    ingest_lines,
    lists,
    loaded,
    make_app,
    settle,
)
from tui import pane_queries
from tui.data import StoragePane
from tui.screens import HelpScreen
from widgets import post_list
from widgets.desk_pane import DeskPane
from widgets.pane_title import PaneTitle
from widgets.post_list import PostList
from widgets.urgent_banner import UrgentBanner

LATER = datetime(2026, 11, 19, 13, 30, tzinfo=UTC)


async def negatives(db_path) -> int:
    db = await Database.open(db_path)
    try:
        return await db.scalar(
            "SELECT count(*) FROM posts WHERE in_hashtag AND sentiment_compound <= -0.05"
        )
    finally:
        await db.close()


def detail_text(app) -> str:
    return str(app.query_one("#detail-body").render())


async def test_three_panes_fill_from_the_database(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream, show, inbox = lists(app)
        assert (stream.total, len(show.items), inbox.total) == (42, 61, 13)
        # The run-of-show: what went out this morning, then the next item (#polchat's
        # Q3 at 13:21) with its countdown from the frozen 13:20.
        assert show.next is not None and show.current() is show.next
        assert f"{show.next.at:%H:%M}" == "13:21" and show.next.text.startswith("Q3")
        due = [item for item in show.items if item.at <= FROZEN]
        assert show.posted == len(due) == sum(item.state == "posted" for item in show.items)
        assert stream.current()["text"].startswith("Control room update 4")
        # The inbox puts unanswered posts first, oldest waiting at the top.
        assert inbox.current()["author_username"] == "asker1"
        assert "Control room update 4" in detail_text(app)
        # Every line of a list is a row: none is taken by a sideways scrollbar.
        assert stream.show_vertical_scrollbar and show.show_vertical_scrollbar  # both overflow
        for listing in (stream, show, inbox):
            assert not listing.show_horizontal_scrollbar
            bottom = listing.content_region.bottom - 1
            assert app.get_widget_at(listing.content_region.x + 1, bottom)[0] is listing


async def test_cursor_keys_and_detail(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("j", "j", "down")
        assert stream.cursor == 3
        await pilot.press("k")
        assert stream.cursor == 2
        await settle(pilot, lambda: stream.current()["text"] in detail_text(app))
        await pilot.press("G")
        assert stream.cursor == stream.total - 1
        await settle(pilot, lambda: "(0)" in detail_text(app))
        await pilot.press("g")
        assert stream.cursor == 0
        await pilot.press("pagedown")
        assert stream.cursor == 10


async def test_enter_selects_and_posts_a_message(desk_db, config) -> None:
    seen = []
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48), message_hook=seen.append) as pilot:
        await settle(pilot, lambda: loaded(app))
        await pilot.press("j", "enter")
        selected = [m for m in seen if isinstance(m, PostList.Selected)]
        assert selected and selected[-1].row["id"] == lists(app)[0].current()["id"]


async def test_tab_and_number_keys_switch_panes(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream, show, inbox = lists(app)
        assert app.focused is stream
        await pilot.press("tab")
        assert app.focused is show
        await pilot.press("tab")
        assert app.focused is inbox
        await pilot.press("tab")
        assert app.focused is stream
        await pilot.press("shift+tab")
        assert app.focused is inbox
        await pilot.press("2")
        assert app.focused is show and app.active == 1


async def test_filters_search_order_and_pause(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        expected = await negatives(desk_db)
        assert 10 <= expected < 42
        await pilot.press("s")  # negative only
        await settle(pilot, lambda: stream.total == expected)
        assert all(stream._rows[i]["sentiment_compound"] <= -0.05 for i in range(expected))
        await pilot.press("s", "s", "s")  # back to all
        await settle(pilot, lambda: stream.total == 42)
        await pilot.press("slash")
        assert app.search_bar.is_open and app.focused is app.query_one("#search-input")
        await pilot.press(*"traffic", "enter")
        await settle(pilot, lambda: stream.total == 10)
        assert "“traffic”" in app.query(DeskPane).first().filters
        await pilot.press("slash", "home", "ctrl+k", "enter")  # empty clears
        await settle(pilot, lambda: stream.total == 42)
        await pilot.press("3", "u")
        inbox = lists(app)[2]
        await settle(pilot, lambda: inbox.total == 1)
        await pilot.press("u", "o")  # inbox newest first
        await settle(pilot, lambda: inbox.total == 13 and inbox.current()["urgent"] == 1)
        await pilot.press("p")
        assert inbox.paused
        await pilot.press("p")
        assert not inbox.paused


async def test_account_filter_cycles_through_our_accounts(desk_db, config) -> None:
    import json
    import sqlite3

    with sqlite3.connect(desk_db) as conn:
        rows = conn.execute("SELECT author_username, mentions FROM posts WHERE in_inbox").fetchall()
    handles = [account.handle for account in config.accounts]
    expected = {
        handle: sum(
            1
            for author, mentions in rows
            if author.lower() == handle.lower()
            or handle.lower() in (m.lower() for m in json.loads(mentions))
        )
        for handle in handles
    }
    assert expected[handles[0]] > 0
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        inbox = lists(app)[2]
        everything = inbox.total
        await pilot.press("3")
        for handle in handles:
            await pilot.press("c")
            await settle(pilot, lambda h=handle: f"@{h}" in app.panes[2].filters)
            await settle(pilot, lambda h=handle: inbox.total == expected[h])
        await pilot.press("c")  # and back to every post
        await settle(pilot, lambda: inbox.total == everything and "@" not in app.panes[2].filters)


async def test_help_screen_lists_every_binding(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, lambda: loaded(app))
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {key for key, _ in app.screen.keys}
        for binding in app.BINDINGS:
            assert any(
                binding.key.split(",")[0].replace("question_mark", "?").replace("slash", "/") in k
                for k in keys
            ), binding.key
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark", "q")  # closes with q too, without quitting
        assert app.is_running


async def test_urgent_alarm_shows_until_acknowledged_and_records_who(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app) and app.query_one(UrgentBanner).current)
        banner = app.query_one(UrgentBanner)
        assert banner.has_class("-active")
        assert "man with a knife" in str(banner.render())
        await pilot.press("a")
        await settle(pilot, lambda: banner.current is None)
        assert not banner.has_class("-active")
        db = await Database.open(desk_db)
        try:
            rows = await db.fetchall(
                "SELECT operator, kind, post_id, at FROM actions WHERE kind = 'ack'"
            )
        finally:
            await db.close()
        assert [tuple(r)[:3] for r in rows] == [("mj", "ack", 1862000000000005000)]
        assert rows[0]["at"].startswith("2026-11-19T13:20")


async def test_live_arrival_keeps_the_operators_cursor_and_view(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("j", "j", "j")
        held = stream.current()["id"]
        first_visible = stream._rows[int(stream.scroll_offset.y)]["id"]
        new = [
            tweet_line(
                f"#KP24 brand new {i}", at=t, hashtags=("KP24",), post_id=1862000000000009000 + i
            )
            for i, t in enumerate(times(4, start=LATER))
        ]
        await ingest_lines(desk_db, config, new, "more.jsonl")
        await settle(pilot, lambda: stream.total == 46)
        assert stream.current()["id"] == held
        assert stream._rows[int(stream.scroll_offset.y)]["id"] == first_visible
        assert stream.waiting == 4
        assert "▲ 4 new" in app.query(DeskPane).first().query_one(PaneTitle).text
        await pilot.press("g")
        await settle(pilot, lambda: stream.waiting == 0 and stream.current()["id"] > held)
        assert stream.current()["text"] == "#KP24 brand new 3"


async def test_following_at_the_top_rides_the_newest_post(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        assert stream.following
        db = await Database.open(desk_db)
        try:
            from eventdesk.lanes import LaneRules
            from eventdesk.parse import parse_line

            (post,) = parse_line(
                tweet_line("#KP24 newest", hashtags=("KP24",), post_id=1862000000000009999)
            ).posts
            post.lanes = LaneRules(config).lanes(post)
            await write_batch(db, [post], source="test")
        finally:
            await db.close()
        await settle(pilot, lambda: stream.total == 43)
        assert stream.current()["text"] == "#KP24 newest" and stream.waiting == 0


async def test_quit_key_exits(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_narrow_terminal_shows_one_pane_as_tabs(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        assert app.screen.has_class("-narrow")
        visible = [pane for pane in app.query("#panes > *") if pane.display and pane.region.width]
        assert [pane.id for pane in visible] == ["pane-stream"]
        await pilot.press("tab")
        await pilot.pause()
        visible = [pane for pane in app.query("#panes > *") if pane.region.width]
        assert [pane.id for pane in visible] == ["pane-show"]


async def test_reply_flag_and_hand_off_open_on_the_selected_post(desk_db, config) -> None:
    from tui.compose_screen import ComposeScreen
    from tui.flag_screen import FlagScreen
    from tui.handoff_screens import (
        AuditScreen,
        HandOffScreen,
        MetricsScreen,
        ShiftHandoffScreen,
    )
    from tui.outbox_screen import OutboxScreen

    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        await pilot.press("3")
        inbox = lists(app)[2]
        wanted = inbox.current()["id"]
        for key, screen in (("r", ComposeScreen), ("f", FlagScreen), ("h", HandOffScreen)):
            await pilot.press(key)
            await settle(pilot, lambda s=screen: isinstance(app.screen, s))
            assert app.screen.post["id"] == wanted
            await pilot.press("r", "f", "h", "tab")  # the desk's keys are asleep in a dialog
            assert isinstance(app.screen, screen) and app.active == 2
            app.screen.dismiss(None)
            await settle(pilot, lambda: not app.screen.is_modal)
        for key, screen in (("H", ShiftHandoffScreen), ("O", OutboxScreen), ("M", MetricsScreen),
                            ("A", AuditScreen)):  # fmt: skip
            await pilot.press(key)
            await settle(pilot, lambda s=screen: isinstance(app.screen, s))
            app.screen.dismiss(None)
            await settle(pilot, lambda: not app.screen.is_modal)
        await pilot.press("2", "r")  # the run-of-show lists no posts to reply to
        await settle(pilot, lambda: any("Select a post" in n.message for n in app._notifications))
        assert not app.screen.is_modal


async def test_quit_asks_while_a_reply_waits_to_be_sent(desk_db, config) -> None:
    from storage import outbox
    from tui.dialogs import ConfirmScreen

    db = await Database.open(desk_db)
    try:
        await outbox.enqueue(db, key="reply:1:1", account="KingsmerePolice", text="On our way",
                             operator="mj", in_reply_to=1862000000000005000)  # fmt: skip
    finally:
        await db.close()
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        await pilot.press("q")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "1 post is still waiting" in str(app.screen.question)
        await pilot.press("n")
        await settle(pilot, lambda: not app.screen.is_modal)
        assert app.is_running
        await pilot.press("q")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: not app.is_running)


async def test_another_operators_flag_and_claim_show_on_this_dashboard(desk_db, config) -> None:
    """Two operators, one database: what one does appears on the other's screen."""
    from storage import actions

    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        await pilot.press("3")
        inbox = lists(app)[2]
        row = inbox.current()
        assert not (row["flagged"] or row["assigned"] or row["claimed"])
        other = await Database.open(desk_db)  # the other operator's dashboard
        try:
            await actions.flag(other, row["id"], "crime_report", "tokafor", note="bike theft")
            await actions.claim(other, row["id"], "tokafor", "reply", seconds=120)
        finally:
            await other.close()
        await settle(pilot, lambda: inbox.current()["flagged"] and inbox.current()["claimed"])
        assert inbox.current()["id"] == row["id"]  # the cursor stayed on its post
        line = "".join(segment.text for segment in inbox.render_line(inbox.cursor))
        assert "⚑" in line and "✎" in line
        await pilot.press("j", "k")  # move away and back: the detail is read again
        await settle(pilot, lambda: "tokafor is replying" in detail_text(app))
        assert "bike theft" in detail_text(app)
        # Their reply, queued, shows in the thread at once; their hand-off to me puts the
        # post in my queue; the flagged queue holds it too.
        from storage import outbox

        other = await Database.open(desk_db)
        try:
            await outbox.enqueue(other, key=f"reply:{row['id']}:1", account="KingsmerePolice",
                                 text="Thanks, report it at 101", operator="tokafor",
                                 in_reply_to=row["id"])  # fmt: skip
            await actions.hand_off(other, row["id"], "tokafor", to_operator="mj", note="yours")
        finally:
            await other.close()
        await settle(pilot, lambda: inbox.current()["assigned"])
        await pilot.press("j", "k")
        await settle(pilot, lambda: "[pending] @KingsmerePolice by tokafor" in detail_text(app))
        for key, label in (("F", "⚑ flagged"), ("m", "→ my queue")):
            await pilot.press(key)
            await settle(pilot, lambda t=label: inbox.total == 1 and t in app.panes[2].filters)
            assert inbox.current()["id"] == row["id"]
            await pilot.press(key)
            await settle(pilot, lambda: inbox.total == 13)


async def test_the_search_bar_takes_every_key_until_enter_or_escape(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        footer = app.query_one("DeskFooter")
        await pilot.press("slash")
        assert app.search_bar.is_open and footer.covered
        await pilot.press("3", "tab", "q", "r", "slash", "[", "/", "]")  # none is a desk key now
        field = app.query_one("#search-input")
        assert field.value == "3qr/[/]" and app.active == 0 and app.is_running
        assert field.region.height == 1 and field.region.y == 23  # the text is on the line
        assert not app.screen.is_modal
        await pilot.press("escape")  # cancels: the pane keeps what it showed
        assert not app.search_bar.is_open and not footer.covered and app.focused is stream
        assert app._queries[0].search is None and stream.total == 42
        await pilot.press("slash", *"traffic", "enter")
        await settle(pilot, lambda: stream.total == 10)
        assert app.focused is stream and not footer.covered
        await pilot.press("slash")
        assert field.value == "traffic"  # the search in force, to change or clear
        await pilot.press("home", "ctrl+k", "enter")
        await settle(pilot, lambda: stream.total == 42)
        await pilot.press("slash", *("x" * 120))  # longer than the line: it scrolls
        assert field.scroll_offset.x == field.max_scroll_x > 0  # to its end, as Input does
        await pilot.press("escape")
        await pilot.press("2", "slash")  # the run-of-show lists no posts to search
        assert not app.search_bar.is_open


async def test_the_search_bar_goes_when_the_first_matches_come(
    desk_db, config, monkeypatch
) -> None:
    """After Enter the bar takes no more keys, but stays over the footer until the
    pane has its first matches, so that both change in one paint; if the matches are
    slow it goes anyway, soon."""
    release = hold_windows(monkeypatch, lambda query: query.search)
    monkeypatch.setattr(pane_queries, "REQUERY_LINGER", 30.0)  # only the rows close it here
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("slash", *"traffic", "enter")
        await pilot.pause(0.2)
        assert app.search_bar.display and not app.search_bar.is_open
        assert app.focused is stream  # keys are the desk's again: j moves the cursor
        assert stream.current() is None  # the old rows are gone, the new not yet read
        release.set()
        await settle(pilot, lambda: not app.search_bar.display)
        assert stream.current() is not None and "traffic" in stream.current()["text"].lower()

        release.clear()
        monkeypatch.setattr(pane_queries, "REQUERY_LINGER", 0.1)
        await pilot.press("slash", "home", "ctrl+k", *"traffic", "enter")
        await settle(pilot, lambda: not app.search_bar.display)  # without its rows
        assert stream.current() is None
        release.set()
        await settle(pilot, lambda: stream.current() is not None)


async def test_words_typed_in_one_burst_after_slash_go_to_the_search(desk_db, config) -> None:
    """Over a slow link `/` and the words after it arrive together: every key is the
    search's, none is taken as a desk key (f would flag, r reply, a acknowledge)."""
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        before = dict(stream.current())
        for key in ("slash", *"traffic"):
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        await pilot.pause(0.3)
        assert app.search_bar.is_open and not app.screen.is_modal
        assert app.query_one("#search-input", Input).value == "traffic"
        assert stream.current() == before  # nothing flagged, nothing acknowledged
        await pilot.press("slash", "x")  # in the bar, `/` is one more character
        assert app.query_one("#search-input", Input).value == "traffic/x"


def first_pages_read(monkeypatch, field: str) -> list[str | None]:
    """The `field` (search, sentiment) of each query whose rows are read, in order."""
    reads: list[str | None] = []
    window = panes.window

    async def counted(db, query, offset, limit):
        reads.append(getattr(query, field))
        return await window(db, query, offset, limit)

    monkeypatch.setattr(panes, "window", counted)
    return reads


async def test_a_search_read_ahead_while_typing_is_what_enter_shows(
    desk_db, config, monkeypatch
) -> None:
    """When the operator pauses typing, the search's first page is read; Enter shows
    that page without reading it again. Words typed after it are read afresh."""
    reads = first_pages_read(monkeypatch, "search")
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("slash", *"traf")
        await settle(pilot, lambda: "traf" in reads)  # read ahead as the typing paused
        await pilot.press(*"fic")
        await settle(pilot, lambda: "traffic" in reads)
        await pilot.press("enter")
        await settle(pilot, lambda: not app.search_bar.display and stream.current() is not None)
        assert "traffic" in stream.current()["text"].lower()
        assert reads.count("traffic") == 1  # Enter showed the page read ahead
        assert reads.count("traf") == 1  # and "traf"'s was never read twice


async def test_the_next_sentiment_filter_is_read_ahead_and_shown_without_a_read(
    desk_db, config, monkeypatch
) -> None:
    """Each `s` reads the next filter's first page while the operator looks at this one;
    the next `s` shows it without reading it again. A different change drops it."""
    reads = first_pages_read(monkeypatch, "sentiment")
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]

        def ahead_for(sentiment: str) -> bool:
            ahead = app._ahead
            return ahead is not None and ahead.query.sentiment == sentiment and ahead.rows.done()

        await pilot.press("s")  # negative; neutral's page is read meanwhile
        await settle(pilot, lambda: ahead_for("neutral"))
        assert reads.count("neutral") == 1
        await pilot.press("s")
        await settle(pilot, lambda: stream.current() is not None and "●" in pane_title(app))
        assert -0.05 < stream.current()["sentiment_compound"] < 0.05
        assert reads.count("neutral") == 1  # shown from the page read ahead
        await settle(pilot, lambda: ahead_for("positive"))

        await pilot.press("u")  # urgent only: not the page read ahead
        await settle(pilot, lambda: "urgent only" in pane_title(app))
        assert app._ahead is None
        await pilot.press("s")  # positive and urgent: read afresh
        await settle(pilot, lambda: "▲" in pane_title(app))
        assert reads.count("positive") == 2


@pytest.mark.parametrize("page", [4, 120])  # 10 matches: a full first page, or all
async def test_enter_places_the_rows_read_ahead_before_its_handler_returns(
    desk_db, config, monkeypatch, page
) -> None:
    """With the first page read ahead, Enter's own handler places it, closes the bar and
    gives the footer back, so nothing can paint in between; the matches are counted
    after. A reload of the old rows still reading then never lands over them."""
    for module in (post_list, pane_queries):
        monkeypatch.setattr(module, "PAGE", page)
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("slash", *"traffic")
        await settle(pilot, lambda: app._ahead is not None and app._ahead.rows.done())
        release = hold_windows(monkeypatch, lambda query: not query.search)
        stream.reload()  # a live reload of the unfiltered rows, held in its read
        await pilot.pause(0.1)
        app.search_bar.closing = True  # Enter in the field: it takes no more keys
        app.search_done("traffic")  # and the bar's Done message calls this
        assert "traffic" in stream.current()["text"].lower()  # no await in between
        assert not app.search_bar.display and not app.query_one("DeskFooter").covered
        # A full first page is counted after; a short one is all there is.
        assert stream.counted == (page > 10) and stream.total == min(page, 10)
        release.set()
        await settle(pilot, lambda: stream.counted)
        assert stream.total == 10 and "traffic" in stream.current()["text"].lower()
        assert all("traffic" in row["text"].lower() for row in stream._rows.values())


async def test_a_searchs_rows_never_wait_behind_the_desks_other_reads(
    desk_db, config, monkeypatch
) -> None:
    """The rows an operator waits for are read on a connection of their own: with every
    read on the desk's main connection held (a live pane's reload, the header's
    figures, the detail pane), a search still shows its first matches."""
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        release = asyncio.Event()
        held: list[str] = []
        for name in ("fetchall", "scalar"):
            read = getattr(app.db, name)

            async def wait_first(*args, _read=read, **kwargs):
                held.append(args[0])
                await release.wait()
                return await _read(*args, **kwargs)

            monkeypatch.setattr(app.db, name, wait_first)
        await pilot.press("slash", *"traffic", "enter")
        await settle(
            pilot,
            lambda: not app.search_bar.display
            and stream.current() is not None
            and "traffic" in stream.current()["text"].lower(),
        )
        assert not release.is_set()
        release.set()
        await settle(pilot, lambda: stream.counted)
        assert held  # the main connection was asked for reads meanwhile, and held them


async def test_a_filters_title_changes_with_its_first_rows(desk_db, config, monkeypatch) -> None:
    """The title names the filter in the same paint as the rows it gives: never a title
    over rows it does not describe, for longer than REQUERY_LINGER when rows are slow."""
    release = hold_windows(monkeypatch, lambda query: query.sentiment)
    monkeypatch.setattr(pane_queries, "REQUERY_LINGER", 30.0)
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        before = pane_title(app)
        await pilot.press("s")
        await pilot.pause(0.2)
        assert pane_title(app) == before and "▼" not in before
        release.set()
        await settle(pilot, lambda: stream.current() is not None)
        assert "▼" in pane_title(app) and stream.current()["sentiment_compound"] <= -0.05

        release.clear()
        monkeypatch.setattr(pane_queries, "REQUERY_LINGER", 0.1)
        await pilot.press("s")  # neutral, its rows held back
        await settle(pilot, lambda: "●" in pane_title(app), state=lambda: pane_title(app))
        assert stream.current() is None and "counting…" in pane_title(app)
        release.set()
        await settle(pilot, lambda: stream.current() is not None)


def pane_title(app, index: int = 0) -> str:
    return app.query(DeskPane)[index].query_one(PaneTitle).text


async def test_a_search_shows_its_first_matches_before_they_are_counted(
    desk_db, config, monkeypatch
) -> None:
    """Counting every match can take far longer than reading the first screenful: the
    rows come first, the title says it is counting, then gives the total; past the
    count's cap it says so rather than show a number that looks exact."""
    await ingest_lines(
        desk_db,
        config,
        [
            tweet_line(
                f"#KP24 lantern parade {i}",
                at=at,
                hashtags=("KP24",),
                post_id=1862000000000009000 + i,
            )
            for i, at in enumerate(times(300, start=LATER))
        ],
        "parade.jsonl",
    )
    release = asyncio.Event()
    count = StoragePane.count

    async def slow_count(self, upto_id=None):
        if self.query.search:
            await release.wait()
        return await count(self, upto_id)

    monkeypatch.setattr(StoragePane, "count", slow_count)
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("slash", *"lantern", "enter")
        await settle(pilot, lambda: "lantern" in (stream.current() or {}).get("text", ""))
        assert stream.current()["text"] == "#KP24 lantern parade 299"  # the newest match
        assert not stream.counted and "counting…" in pane_title(app)
        release.set()
        await settle(pilot, lambda: stream.counted)
        await settle(pilot, lambda: "· 300 ·" in pane_title(app), state=lambda: pane_title(app))
        assert stream.total == 300 and stream.virtual_size.height == 300
        await pilot.press("G")  # the oldest match is reachable now
        await settle(pilot, lambda: stream.current()["text"] == "#KP24 lantern parade 0")

        monkeypatch.setattr(panes, "SEARCH_CAP", 200)
        await pilot.press("slash", "home", "ctrl+k", *"parade", "enter")
        await settle(pilot, lambda: stream.counted and app._queries[0].search == "parade")
        assert stream.total == 201
        await settle(pilot, lambda: "· 200+ ·" in pane_title(app), state=lambda: pane_title(app))
