"""SteadyScrollView: a line-API ScrollView that redraws no more than a change needs.

After every layout of the screen (the search bar opening, a dialog closing) Textual
tells each widget its size, and a ScrollView then updates and redraws its scrollbars
whatever happened: it compares its own size less its gutter with its parent's, which
differ whenever the view does not fill its parent (a pane's list sits under the pane's
title). At 160×48 that was every scrollbar of the desk drawn again, 40-odd lines, for a
change to the bottom line. Here the update runs only when the view's size or its
virtual size is not what it was at the last one.

Its scrollbar (`SteadyScrollBar`) is drawn again only when its thumb moves or changes
size on screen: a followed pane over a whole event grows twice a second, and a million
posts with one more still draw the same one-cell thumb at the top. When it moves, only
the lines it left or reached are drawn, and without Rich.

A line's base style, width and offsets (`line_view`) are read once for all the lines
of one paint: Textual's `rich_style` walks the styles of every ancestor each time it
is read, which was most of the time a list spent drawing a line it had already made. And the styles
of its component classes (`component_style`) are kept until the styles change (a new
theme, new CSS): Textual forgets them at every repaint, and working one out again
matches the CSS anew, about a quarter of a millisecond each, for each paint.
"""

from __future__ import annotations

from math import ceil
from typing import NamedTuple

from rich.cells import cell_len
from rich.color import Color
from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip

EIGHTHS = 8  # Textual draws a thumb's ends in eighths of a cell


def thumb(size: int, virtual_size: int, window_size: int, position: float) -> tuple[int, int]:
    """Where a scrollbar of `size` cells draws its thumb, in eighths of a cell (start,
    end), as Textual's ScrollBarRender places it; (0, 0) when it draws none."""
    window = window_size if window_size < virtual_size else 0
    virtual, window = ceil(virtual_size), ceil(window)
    if not (window and size and virtual and size != virtual):
        return (0, 0)
    thumb_size = max(1, window / (virtual / size))
    start = int((size - thumb_size) * (position / (virtual - window)) * EIGHTHS)
    return (start, start + ceil(thumb_size * EIGHTHS))


class LineView(NamedTuple):
    base: Style  # the style every line starts from
    width: int  # the lines' width
    top: int  # the first line in view
    left: int  # the first column in view


def fitted(segments: list[Segment], width: int, pad: Style) -> Strip:
    """`Strip(segments).crop_extend(0, width, pad)` without measuring what is cut off:
    a row's text may run far past the pane, and only its first cells are measured."""
    out: list[Segment] = []
    used = 0
    for segment in segments:
        text = segment.text
        room = width - used
        simple = text.isascii() and text.isprintable()  # one cell a character
        cells = len(text) if simple else cell_len(text)
        if cells < room:
            out.append(segment)
            used += cells
            continue
        out.append(Segment(text[:room], segment.style) if simple else segment.split_cells(room)[0])
        return Strip(out, width)
    if used < width:
        out.append(Segment(" " * (width - used), pad))
    return Strip(out, width)


class SteadyScrollBar(ScrollBar):
    """Textual's ScrollBar, repainted only where what it draws changes, and drawn
    without going through Rich.

    Textual renders the bar's ScrollBarRender through a Rich console and then styles
    every line of it: about 2 ms for a 46-line bar, in every frame where a list's
    length changed its thumb (a new search, a filter). A vertical bar's lines are made
    here from the same `ScrollBarRender.render_bar` segments, laid on the widget's
    base style as Textual lays them (a test compares the two), and when the thumb
    moves only the lines that now differ are repainted.
    """

    # Not repainted on every change: see `_thumb_moved`.
    window_virtual_size: Reactive[int] = Reactive(100, repaint=False)
    window_size: Reactive[int] = Reactive(0, repaint=False)
    position: Reactive[float] = Reactive(0, repaint=False)

    _drawn: tuple[int, int, int] | None = None  # (size, thumb) at the last render
    _lines: list[Strip] | None = None  # a vertical bar's lines, as last drawn

    def _thumb(self) -> tuple[int, int, int]:
        size = self.size.height if self.vertical else self.size.width
        return (size, *thumb(size, self.window_virtual_size, self.window_size, self.position))

    def _thumb_moved(self) -> None:
        if self._thumb() == self._drawn:
            return
        old = self._lines
        if not self.vertical or old is None or self._dirty_regions:
            self.refresh()  # a whole repaint is due anyway
            return
        new = self._bar_lines()
        if len(old) != len(new):
            self.refresh()
            return
        self._lines = new
        changed = [y for y, (was, now) in enumerate(zip(old, new, strict=True)) if was != now]
        if changed:
            # Only the lines the thumb left or reached: Textual keeps the others.
            first, last = changed[0], changed[-1]
            self.refresh(Region(0, first, self.size.width, last - first + 1))

    def render(self) -> RenderableType:
        self._drawn = self._thumb()
        return super().render()

    def render_line(self, y: int) -> Strip:
        if not self.vertical:
            return super().render_line(y)
        if self._dirty_regions or self._lines is None:
            # Textual marks a widget dirty for any repaint (the bar's colours on hover,
            # a new theme, a new size): the lines are made again from what is now.
            self._dirty_regions.clear()
            self._lines = self._bar_lines()
        lines = self._lines
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)

    def _bar_lines(self) -> list[Strip]:
        """The vertical bar's lines as Textual's renderer would draw them now."""
        bar = self.render()
        assert isinstance(bar, ScrollBarRender)
        width, height = self.size
        style = bar.style
        assert isinstance(style, Style)  # ScrollBar.render gives its renderer a Style
        segments = ScrollBarRender.render_bar(
            size=height,
            virtual_size=bar.virtual_size,
            window_size=bar.window_size,
            position=bar.position,
            thickness=width,
            vertical=True,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        ).segments[:height]  # a stale position can draw past the end: Rich cuts it off
        base = self.visual_style.rich_style
        made: dict[int, Strip] = {}  # the same segment is the same line: one Strip each
        lines = []
        for segment in segments:
            line = made.get(id(segment))
            if line is None:
                line = made[id(segment)] = Strip(
                    [Segment(segment.text, base + segment.style)], width
                )
            lines.append(line)
        return lines

    # However the window or the position changes, the drawing may stay the same.
    watch_window_virtual_size = watch_window_size = watch_position = _thumb_moved


class SteadyScrollView(ScrollView):
    """A ScrollView that skips the scrollbar update when its sizes are unchanged."""

    _sizes_seen: tuple[Size, Size] | None = None
    _view: LineView | None = None  # while lines are painted
    _components: dict[object, Style] | None = None  # see component_style

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        if self._vertical_scrollbar is None:
            thickness = self.scrollbar_size_vertical
            bar = SteadyScrollBar(vertical=True, name="vertical", thickness=thickness)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # A ScrollView keeps its own virtual size (the compositor's is not used).
        seen = (size, self.virtual_size)
        if seen == self._sizes_seen:
            return False
        self._sizes_seen = seen
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _scroll_update(self, virtual_size: Size) -> None:
        # Textual's own (8.2, pinned) less its repaint of the vertical scrollbar, which
        # repaints itself when its thumb moves (see SteadyScrollBar).
        self._refresh_scrollbars()
        width, height = self.container_size
        if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = virtual_size.height
            bar.window_size = height - self.scrollbar_size_horizontal
        if self.show_horizontal_scrollbar and self.styles.scrollbar_size_horizontal:
            bar = self.horizontal_scrollbar
            bar.window_virtual_size = virtual_size.width
            bar.window_size = width - self.scrollbar_size_vertical
            bar.refresh()
        self.scroll_x = self.validate_scroll_x(self.scroll_x)
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def component_style(self, name: str) -> Style:
        """`get_component_rich_style(name)`, kept until the widget's styles change."""
        if self._components is None:
            self._components = {}
        style = self._components.get(name)
        if style is None:
            style = self._components[name] = self.get_component_rich_style(name)
        return style

    def component_on(self, base: Style, name: str) -> Style:
        """`base + component_style(name)`, kept as long as the component's style."""
        if self._components is None:
            self._components = {}
        key = (base, name)
        style = self._components.get(key)
        if style is None:
            style = self._components[key] = base + self.component_style(name)
        return style

    def notify_style_update(self) -> None:
        self._components = None
        super().notify_style_update()

    @property
    def line_view(self) -> LineView:
        """What every line of one paint starts from: the base style, the width, and the
        first line and column in view (read once for all the lines of a paint)."""
        if self._view is not None:
            return self._view
        offset = self.scroll_offset
        width = self.scrollable_content_region.width
        return LineView(self.rich_style, width, int(offset.y), int(offset.x))

    def render_lines(self, crop: Region) -> list[Strip]:
        self._view = self.line_view
        try:
            return super().render_lines(crop)
        finally:
            self._view = None
