"""What a key press or a change in storage costs the dashboard: which storage reads, which
repaints. Counted, never timed (the benchmark times them)."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.geometry import Region

from tests.conftest import times, tweet_line
from tests.tui.conftest import (
    count_refreshes,
    hold_windows,
    ingest_lines,
    lists,
    loaded,
    make_app,
    settle,
)
from tui import pane_queries
from widgets.desk_footer import DeskFooter
from widgets.desk_header import DeskHeader
from widgets.post_list import RELOAD_GAP, PostList
from widgets.urgent_banner import UrgentBanner

LATER = datetime(2026, 11, 19, 13, 30, tzinfo=UTC)


def count_reads(post_list: PostList) -> list[str]:
    """Record every storage read the list makes from now on."""
    reads: list[str] = []
    data = post_list.data
    for name in ("count", "count_since", "window", "position"):
        method = getattr(data, name)

        async def read(*args, _method=method, _name=name, **kwargs):
            reads.append(_name)
            return await _method(*args, **kwargs)

        setattr(data, name, read)
    return reads


def count_drawn_lines(app) -> list[tuple[object, Region]]:
    """Record, from now on, each region of the screen the compositor draws again, with
    the widget drawn there."""
    drawn: list[tuple[object, Region]] = []
    compositor = app.screen._compositor
    render = compositor.render_partial_update

    def spy():
        for region in compositor._dirty_regions:
            drawn.append((compositor.get_widget_at(region.x, region.y)[0], region))
        return render()

    compositor.render_partial_update = spy
    return drawn


def cursor_shown_at(app, post_list: PostList) -> list[int]:
    """The lines of the list (in the whole list) that the screen paints as the cursor."""
    region = post_list.content_region
    top = int(post_list.scroll_offset.y)
    backgrounds = [
        app.screen.get_style_at(region.x + 1, region.y + y).bgcolor for y in range(region.height)
    ]
    usual = max(set(backgrounds), key=backgrounds.count)
    return [top + y for y, colour in enumerate(backgrounds) if colour != usual]


async def test_a_cursor_move_repaints_two_lines_and_reads_nothing(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("G")  # to the oldest: the list is scrolled
        await settle(pilot, lambda: stream.current() is not None)
        top = int(stream.scroll_offset.y)
        assert top > 0
        reads, refreshes = count_reads(stream), count_refreshes(stream)
        await pilot.press("k", "k")
        await pilot.pause()
        assert stream.cursor == stream.total - 3 and int(stream.scroll_offset.y) == top
        assert reads == []
        assert refreshes and not any(layout for _, layout in refreshes)
        assert all(len(regions) == 1 and regions[0].height == 1 for regions, _ in refreshes)
        assert cursor_shown_at(app, stream) == [stream.cursor]


def arrivals(count: int, *, inbox: bool = False) -> list[str]:
    """New posts in the stream (and the inbox too, with `inbox`), newer than any there."""
    return [
        tweet_line(
            f"#KP24 brand new {i}",
            at=at,
            hashtags=("KP24",),
            mentions=("KingsmerePolice",) if inbox else (),
            post_id=1862000000000009000 + i,
        )
        for i, at in enumerate(times(count, start=LATER))
    ]


async def test_a_burst_of_changes_reloads_a_list_once(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        reads = count_reads(stream)
        await ingest_lines(desk_db, config, arrivals(1), "more.jsonl")
        for _ in range(50):  # as if the change feed had said so fifty times
            stream.stale()
        await settle(pilot, lambda: stream.total == 43)
        await pilot.pause(2 * RELOAD_GAP)
        # One reload for the fifty, and perhaps one for the feed's own notice.
        assert 1 <= reads.count("count_since") <= 2
        assert stream.current()["text"] == "#KP24 brand new 0"


async def test_a_hidden_pane_reads_nothing_until_it_is_shown(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: the panes are tabs
        await settle(pilot, lambda: loaded(app))
        stream, _, inbox = lists(app)
        assert not inbox.region
        reads = count_reads(inbox)
        await ingest_lines(desk_db, config, arrivals(2, inbox=True), "more.jsonl")
        await settle(pilot, lambda: stream.total == 44)
        await pilot.pause(2 * RELOAD_GAP)
        assert reads == [] and inbox.total == 13
        await pilot.press("3")
        await settle(pilot, lambda: inbox.total == 15)


async def test_the_footer_shows_the_lists_keys_after_a_search_opened_as_it_was_rebuilt(
    desk_db, config
) -> None:
    """A footer rebuild announced just before the search bar opened (the desk's start,
    with keys already typed) is built with the search's keys; when the search is done the
    list's keys come back (they once stayed the search's: the footer took the keys
    announced for what it had built)."""
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        footer = app.query_one(DeskFooter)

        def announce_then_open() -> None:
            footer._keys_shown = None  # as if the keys had just changed
            footer.bindings_changed(app.screen)  # the footer is rebuilt after a refresh
            app.action_search()  # but the bar opens first

        footer.call_later(announce_then_open)  # in the footer's own turn, as a signal runs
        await pilot.pause(0.3)
        assert "escape" in [key.key for key in footer.query("FooterKey")]  # built under it
        await pilot.press(*"traffic", "enter")
        await settle(pilot, lambda: not app.search_bar.display)
        await settle(pilot, lambda: "escape" not in [key.key for key in footer.query("FooterKey")])
        assert "tab" in [key.key for key in footer.query("FooterKey")]


async def test_while_a_search_reads_its_rows_the_live_panes_and_header_wait(
    desk_db, config, monkeypatch
) -> None:
    """The rows an operator asked for come first: while a search's first rows are being
    read, the other panes' live reloads and the header's refresh wait (their reads and
    paints would run in its way), and catch up as soon as the rows are shown."""
    release = hold_windows(monkeypatch, lambda query: query.search)
    monkeypatch.setattr(pane_queries, "REQUERY_LINGER", 30.0)
    app = make_app(config, desk_db)  # the status refreshes every 0.1 s here
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream, _, inbox = lists(app)
        await pilot.press("slash", *"traffic", "enter")
        await settle(pilot, lambda: stream.arriving)
        reads = count_reads(inbox)
        header = app.query_one(DeskHeader)
        header_shows: list[dict] = []
        show = header.show

        def spy(**parts) -> None:
            header_shows.append(parts)
            show(**parts)

        monkeypatch.setattr(header, "show", spy)
        await ingest_lines(desk_db, config, arrivals(2, inbox=True), "more.jsonl")
        await pilot.pause(4 * RELOAD_GAP)
        assert reads == [] and inbox.total == 13  # the inbox has not even looked
        assert header_shows == []  # nor the header (it is refreshed every 0.1 s here)
        release.set()
        await settle(pilot, lambda: not stream.arriving and inbox.total == 15)
        await settle(pilot, lambda: bool(header_shows))


async def test_arrivals_above_the_view_repaint_nothing_in_it(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("j", "j", "j")  # not following: reading
        await settle(pilot, lambda: stream.cursor == 3)
        held = stream.current()["id"]
        refreshes = count_refreshes(stream)
        await ingest_lines(desk_db, config, arrivals(4), "more.jsonl")
        await settle(
            pilot,
            lambda: stream.total == 46 and stream.waiting == 4,
            state=lambda: (
                f"total={stream.total} waiting={stream.waiting} "
                f"cursor={stream.cursor} hidden={stream._hidden} following={stream.following}"
            ),
        )
        assert refreshes == []  # no line shows another post; the scrollbar stays
        assert stream.current()["id"] == held and stream.cursor == 3
        assert cursor_shown_at(app, stream) == [3]


async def test_paused_at_the_top_the_new_posts_get_lines_above(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("p", "j", "j")
        await settle(pilot, lambda: stream.paused and stream.cursor == 2)
        held = stream.current()["id"]
        await ingest_lines(desk_db, config, arrivals(4), "more.jsonl")
        await settle(
            pilot,
            lambda: stream.total == 46 and stream.waiting == 4,
            state=lambda: (
                f"total={stream.total} waiting={stream.waiting} "
                f"cursor={stream.cursor} hidden={stream._hidden} paused={stream.paused}"
            ),
        )
        await pilot.press("k", "k")  # to the first line: the four get lines above it
        await settle(pilot, lambda: stream.lines == 46)
        assert stream.waiting == 4 and stream.current()["id"] != held
        assert stream.cursor == 4 and stream.current()["text"].startswith("Control room")
        await pilot.press("k", "k", "k", "k")
        await settle(pilot, lambda: stream.waiting == 0)
        assert stream.current()["text"] == "#KP24 brand new 3"
        assert cursor_shown_at(app, stream) == [0]


async def test_the_header_and_the_alarm_redraw_without_a_layout(desk_db, config) -> None:
    app = make_app(config, desk_db)  # the status refreshes every 0.1 s here
    async with app.run_test(size=(160, 48)) as pilot:
        banner = app.query_one(UrgentBanner)
        titles = app.query(".desk-pane--title, .run-of-show-pane--title")
        # Counted too: a title says "counting…" until its list's count has arrived.
        await settle(
            pilot,
            lambda: (
                loaded(app)
                and banner.current is not None
                and not any("counting" in title.text for title in titles)
            ),
        )
        header = app.query_one(DeskHeader)
        clock = app.query_one("#header-clock")
        parts = [count_refreshes(part) for part in (clock, banner, *titles)]
        await pilot.pause(0.5)  # five refreshes of the status: nothing changed
        assert parts == [[] for _ in parts]
        shown = header._shown["#header-clock"]
        header.show(clock=shown[::-1])  # another time, as wide
        assert parts[0] and not any(layout for _, layout in parts[0])


async def test_under_a_dialog_the_lists_wait_and_then_catch_up(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        reads = count_reads(stream)
        await pilot.press("question_mark")
        await ingest_lines(desk_db, config, arrivals(2), "more.jsonl")
        await pilot.pause(4 * RELOAD_GAP)  # the change feed has seen them by now
        assert reads == [] and stream.total == 42
        await pilot.press("escape")
        await settle(pilot, lambda: stream.total == 44)


async def test_switching_panes_keeps_the_footer(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        footer = app.query_one(DeskFooter)
        keys = list(footer.query("FooterKey"))
        assert keys
        await pilot.press("3", "1", "2", "tab", "tab", "2")  # every pane, the same keys
        await pilot.pause()
        assert list(footer.query("FooterKey")) == keys  # the very same widgets
        assert app.focused is lists(app)[1]
        # The run-of-show's own keys are on its last line, and work there.
        hint = app.query_one(".run-of-show-pane--keys")
        assert "z\u00a0postpone" in str(hint.render())
        await pilot.press("i")
        await settle(pilot, lambda: app.screen.is_modal)


async def test_a_detail_as_tall_as_the_last_is_drawn_without_a_layout(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        body = app.query_one("#detail-body")
        await settle(pilot, lambda: "Control room update 4" in str(body.render()))
        refreshes = count_refreshes(body)
        await pilot.press("j")  # our next post: as many lines
        await settle(pilot, lambda: "Control room update 3" in str(body.render()))
        assert refreshes and not any(layout for _, layout in refreshes)


async def test_a_followed_list_grows_without_a_layout_and_scrolls_to_its_end(
    desk_db, config
) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        assert stream.following and stream.total > stream.scrollable_content_region.height
        refreshes = count_refreshes(stream)
        await ingest_lines(desk_db, config, arrivals(4), "more.jsonl")
        await settle(pilot, lambda: stream.total == 46)
        assert stream.virtual_size.height == 46
        assert refreshes and not any(layout for _, layout in refreshes)
        assert stream.current()["text"] == "#KP24 brand new 3"  # following: the newest
        await pilot.press("G")  # the scroll range knows the new size
        await settle(pilot, lambda: stream.cursor == 45)
        assert (
            stream.scroll_offset.y
            == stream.max_scroll_y
            == 46 - (stream.scrollable_content_region.height)
        )
        assert cursor_shown_at(app, stream) == [45]


async def test_a_pane_switch_repaints_the_cursor_lines_and_the_frames(desk_db, config) -> None:
    """Tab moves the focus: the two lists repaint their cursor's line, the two panes their
    frame, and the screen is neither laid out nor repainted whole."""
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream, schedule = lists(app)[0], app._list_of(1)
        accent = cursor_shown_at(app, stream)
        watched = [stream, schedule, app.screen, *app.panes]
        spies = {widget: count_refreshes(widget) for widget in watched}
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is schedule and app.active == 1
        for post_list in (stream, schedule):
            regions = [region for regions, _ in spies[post_list] for region in regions]
            assert [(r.y, r.height) for r in regions] == [(post_list.cursor, 1)]
        assert [len(spies[pane]) > 0 for pane in app.panes] == [True, True, False]
        assert spies[app.screen] == []
        assert not any(layout for calls in spies.values() for _, layout in calls)
        # The frames and cursors show which pane has the keys.
        assert [pane.has_class("-active") for pane in app.panes] == [False, True, False]
        assert cursor_shown_at(app, stream) == accent  # still shown, in the dim style
        dim = app.screen.get_style_at(stream.content_region.x + 1, stream.content_region.y)
        assert (
            not stream.has_focus
            and dim.bgcolor
            != app.screen.get_style_at(
                schedule.content_region.x + 1,
                schedule.content_region.y + schedule.cursor - int(schedule.scroll_offset.y),
            ).bgcolor
        )


async def test_a_click_on_a_list_makes_its_pane_the_active_one(desk_db, config) -> None:
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        inbox = app._list_of(2)
        await pilot.click(inbox)
        await pilot.pause()
        assert app.focused is inbox and app.active == 2
        assert [pane.has_class("-active") for pane in app.panes] == [False, False, True]
        border = app.panes[2].styles.border_top[1]
        assert border != app.panes[0].styles.border_top[1]


async def test_the_heap_present_at_start_is_kept_out_of_the_collector_while_running(
    desk_db, config
) -> None:
    import gc

    app = make_app(config, desk_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: loaded(app))
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0  # given back when the app ends


async def test_the_search_bar_opens_on_the_footers_line_and_repaints_little(
    desk_db, config
) -> None:
    """`/` lays the search field over the footer's line: the lists repaint only their
    cursor's line (the focus left and came back), the screen is not repainted whole and
    the footer neither moves nor is built again."""
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        footer = app.query_one(DeskFooter)
        keys = list(footer.query("FooterKey"))
        line = footer.region
        # The list's first repaint after the load may draw all of it (Textual keeps the
        # region a layout marked until the widget next repaints): done here, before.
        await pilot.press("j", "k")
        await pilot.pause()
        spies = {widget: count_refreshes(widget) for widget in (stream, app.screen, footer)}
        drawn = count_drawn_lines(app)
        await pilot.press("slash", "t")
        await pilot.pause()
        assert app.search_bar.region == line and footer.covered and footer.region == line
        # What is on the line is the field, not the footer under it.
        assert app.get_widget_at(line.x + 40, line.y)[0] is app.query_one("#search-input")
        field = app.query_one("#search-input")
        typing = count_refreshes(field)
        await pilot.press(*"raffic")
        await pilot.pause()
        assert typing and not any(layout for _, layout in typing)  # no layout of the screen
        await pilot.press("escape")
        await pilot.pause()
        assert not footer.covered and app.focused is stream
        assert spies[stream]
        assert all(len(regions) == 1 and regions[0].height == 1 for regions, _ in spies[stream])
        assert spies[app.screen] == []
        assert not any(layout for _, layout in spies[footer])  # it stayed as it was
        # Only the bar's and the footer's line was drawn again, and the list's cursor
        # line (the focus left and came back): not every widget, as when the bar lay
        # last in the screen, nor every scrollbar, as Textual does after any layout.
        assert drawn
        others = [
            (type(widget).__name__, region) for widget, region in drawn if region.y != line.y
        ]
        assert all(widget == "PostList" and region.height == 1 for widget, region in others), (
            others
        )
        assert app.get_widget_at(line.x + 1, line.y)[0] in footer.query("FooterKey")
        assert list(footer.query("FooterKey")) == keys  # the very same widgets


async def test_enter_paints_nothing_until_the_search_has_rows(
    desk_db, config, monkeypatch
) -> None:
    """Enter moves the keys back to the list at once, but nothing is drawn until the
    search's first rows are placed: then the rows, the title and the footer's line come
    back in one paint (a paint of its own for the focus would push theirs to the next
    frame)."""
    release = hold_windows(monkeypatch, lambda query: query.search)
    monkeypatch.setattr(pane_queries, "REQUERY_LINGER", 30.0)
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        await pilot.press("slash", *"traffic")
        await pilot.pause()
        drawn = count_drawn_lines(app)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.focused is stream and app.search_bar.display
        assert drawn == []
        release.set()
        await settle(pilot, lambda: not app.search_bar.display)
        painted = {type(widget).__name__ for widget, _ in drawn}
        assert {"PostList", "Static", "FooterKey"} <= painted, painted


async def test_a_followed_list_renders_each_posts_line_once(desk_db, config) -> None:
    """New posts push every line down one place per post: the lines of posts already
    shown are reused, only the new posts' (and the cursor's) are made; a mark on a post
    makes its line again."""
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot, lambda: loaded(app))
        stream = lists(app)[0]
        assert stream.following
        made: list[int] = []
        render_row = stream._render_row

        def spy(row, base):
            made.append(row["id"])
            return render_row(row, base)

        stream._render_row = spy
        was_cursor = stream.current()["id"]  # its line was only made with the cursor on it
        await ingest_lines(desk_db, config, arrivals(4), "more.jsonl")
        await settle(pilot, lambda: stream.total == 46)
        await pilot.pause()
        new = {1862000000000009000 + i for i in range(4)}
        first_line = stream._rows[0]["id"]
        assert new <= set(made)  # each new post's line was made (the cursor's more often)
        shown = {stream._rows[y]["id"] for y in range(1, stream.scrollable_content_region.height)}
        again = set(made) - new - {first_line, was_cursor}
        assert not again, "lines of posts already shown were made again"
        assert len(shown - new) >= 10  # most of what is on screen was reused, not made
        line = stream.render_line(5)
        assert stream.render_line(5) is line  # the very same strip
        stream._rows[5] = {**stream._rows[5], "flagged": 1}
        assert "⚑" in stream.render_line(5).text
