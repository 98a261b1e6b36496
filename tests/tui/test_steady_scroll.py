"""SteadyScrollView's scrollbar is drawn again only when what it draws changes."""

from __future__ import annotations

import random

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip

from widgets.steady_scroll import SteadyScrollBar, SteadyScrollView, thumb


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


async def test_the_scrollbar_repaints_only_when_its_thumb_moves() -> None:
    app = LinesApp()
    async with app.run_test(size=(30, 12)) as pilot:
        lines = app.query_one(Lines)
        lines.virtual_size = Size(20, 1_000_000)
        await pilot.pause()
        bar = lines.vertical_scrollbar
        assert isinstance(bar, SteadyScrollBar) and bar.display
        repaints = []
        refresh = bar.refresh
        bar.refresh = lambda *a, **k: (repaints.append(a), refresh(*a, **k))[1]
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
