"""What a key press or a change in storage costs the dashboard: which storage reads, which
repaints. Counted, never timed (the benchmark times them)."""

from __future__ import annotations

from tests.tui.conftest import make_app, settle
from widgets.post_list import PostList


def lists(app) -> list:
    """The stream's PostList, the run-of-show's ScheduleList, the inbox's PostList."""
    return [app._list_of(index) for index in range(3)]


def loaded(app) -> bool:
    stream, show, inbox = lists(app)
    return all(pl.total > 0 and pl.current() is not None for pl in (stream, inbox)) and bool(
        show.items
    )


def count_reads(post_list: PostList) -> list[str]:
    """Record every storage read the list makes from now on."""
    reads: list[str] = []
    data = post_list.data
    for name in ("count", "count_since", "window", "position"):
        method = getattr(data, name)

        async def read(*args, _method=method, _name=name):
            reads.append(_name)
            return await _method(*args)

        setattr(data, name, read)
    return reads


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

