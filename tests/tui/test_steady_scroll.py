"""SteadyScrollView's scrollbar is drawn again only when what it draws changes."""

from __future__ import annotations

import random

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Offset, Size
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

from tests.tui.conftest import count_refreshes
from widgets.steady_scroll import SteadyScrollBar, SteadyScrollView, fitted, thumb


def test_the_same_thumb_is_the_same_drawing() -> None:
    """Wherever `thumb` says nothing moved, Textual's own renderer draws the very same
    bar: skipping the repaint then never hides a change."""
    rng = random.Random(7)
    drawings: dict[tuple[int, int, int], object] = {}
    for _ in range(20_000):
        size = rng.choice((1, 5, 22, 46))
        virtual = rng.choice((0, size, size + 1, rng.randrange(1, 200), rng.randrange(1, 10**6)))
        window = rng.choice((0, size, virtual, rng.randrange(0, max(size, 1) + 1)))
        position = int(rng.uniform(0, max(virtual - window, 0)) * 8) / 8  # as ScrollBar keeps it
        bar = ScrollBarRender.render_bar(
            size=size,
            virtual_size=virtual,
            window_size=window if window < virtual else 0,
            position=position,
        )
        key = (size, *thumb(size, virtual, window, position))
        drawn = [(segment.text, segment.style) for segment in bar.segments]
        assert drawings.setdefault(key, drawn) == drawn, (size, virtual, window, position)
    assert len(drawings) > 1000  # many different thumbs were compared, not a few


class Lines(SteadyScrollView):
    def render_line(self, y: int) -> Strip:
        return Strip.blank(self.size.width)


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()


async def lines_and_bar(app: LinesApp, pilot, rows: int) -> tuple[Lines, SteadyScrollBar]:
    lines = app.query_one(Lines)
    lines.virtual_size = Size(20, rows)
    await pilot.pause()
    bar = lines.vertical_scrollbar
    assert isinstance(bar, SteadyScrollBar) and bar.display
    return lines, bar


async def test_the_scrollbar_repaints_only_when_its_thumb_moves() -> None:
    app = LinesApp()
    async with app.run_test(size=(30, 12)) as pilot:
        lines, bar = await lines_and_bar(app, pilot, 1_000_000)
        repaints = count_refreshes(bar)
        for more in range(1, 50):  # a followed pane over a whole event, growing
            lines.virtual_size = Size(20, 1_000_000 + more)
            await pilot.pause()
        assert repaints == []  # the one-cell thumb at the top never moved
        lines.virtual_size = Size(20, 30)  # a search with 30 matches: a long thumb
        await pilot.pause()
        assert len(repaints) == 1
        lines.scroll_to(y=18, animate=False)
        await pilot.pause()
        assert len(repaints) == 2  # scrolled: the thumb moved down


async def test_the_bar_is_drawn_as_textual_draws_it() -> None:
    """The bar's lines made without Rich are the lines Textual's own render makes, for
    every thumb, in every state that changes its colours, at both thicknesses."""
    app = LinesApp()
    async with app.run_test(size=(30, 12)) as pilot:
        lines, bar = await lines_and_bar(app, pilot, 100)
        compared = set()
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            for thickness in (1, 2):
                lines.styles.scrollbar_size_vertical = thickness
                for virtual in (12, 13, 19, 57, 1000, 1_000_000):
                    lines.virtual_size = Size(20, virtual)
                    await pilot.pause()
                    for y in (0, 1, virtual // 3, virtual // 2, virtual):
                        lines.scroll_to(y=y, animate=False)
                        await pilot.pause()
                        for state in ("still", "hover", "grabbed"):
                            bar.mouse_over = state == "hover"
                            bar.grabbed = Offset(0, 0) if state == "grabbed" else None
                            bar._layout_cache.clear()  # no visual kept from before
                            bar._render_content()  # Textual's way, through Rich
                            theirs = list(bar._render_cache.lines)
                            ours = bar._bar_lines()
                            assert ours == theirs, (theme, thickness, virtual, y, state)
                            compared.add((bar.size.width, *bar._thumb(), state, theme))
        assert len(compared) > 60  # many different drawings were compared


async def test_a_moved_thumb_repaints_only_the_lines_it_changed() -> None:
    app = LinesApp()
    async with app.run_test(size=(30, 40)) as pilot:
        lines, bar = await lines_and_bar(app, pilot, 1_000_000)
        repaints = count_refreshes(bar)
        lines.virtual_size = Size(20, 300)  # the one-cell thumb grows to five
        await pilot.pause()
        assert len(repaints) == 1 and len(repaints[0][0]) == 1
        (region,) = repaints[0][0]
        assert region.y <= 1 and 1 < region.height < bar.size.height // 2  # of 40 lines
        # What is on screen after the partial repaint is the whole bar drawn afresh.
        shown = bar.render_lines(bar.size.region)
        bar._layout_cache.clear()
        bar._render_content()
        assert [line.text for line in shown] == [line.text for line in bar._render_cache.lines]
        assert shown == bar._bar_lines()


def test_fitted_is_crop_extend() -> None:
    """A row fitted to the pane's width is what Textual's `crop_extend` makes of it, for
    wide characters (CJK, emoji), zero-width ones and every width from none to past the
    row's end."""
    rng = random.Random(11)
    pieces = ["HH:MM ", "▲", "!", "✓", "⚑", " ", "@someone ", "plain words ", "东京の夜 ",
              "👮‍♀️ on patrol", "e\u0301", "a very long run of text " * 20, "", "␛[31m"]  # fmt: skip
    styles = [Style(color="red"), Style(bold=True), Style(bgcolor="blue")]
    pad = Style(bgcolor="black")
    for _ in range(3000):
        segments = [
            Segment("".join(rng.choices(pieces, k=rng.randrange(1, 4))), rng.choice(styles))
            for _ in range(rng.randrange(1, 8))
        ]
        width = rng.randrange(0, 120)
        ours = fitted(segments, width, pad)
        theirs = Strip(segments).crop_extend(0, width, pad)
        assert ours.cell_length == theirs.cell_length == width
        assert ours.text == theirs.text
        assert [(s.text, s.style) for s in ours if s.text] == [
            (s.text, s.style) for s in theirs if s.text
        ]
