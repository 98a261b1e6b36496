"""PostList: one pane's posts, one line each, fed from storage a window at a time.

A line-API ScrollView (as Toolong shows huge logs): it knows the pane's total and keeps
only the rows near the view. New posts arrive without moving the operator's cursor or
view; while the operator is scrolled away or has paused, a count of new posts waits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Protocol
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip

from eventdesk.text import post_text, visible
from widgets.quiet_focus import quiet_focus
from widgets.steady_scroll import SteadyScrollView, fitted

Row = dict[str, Any]
PAGE = 120  # rows fetched per query
STRIPS_KEPT = 2000  # rendered lines kept for reuse (a few pages' worth)
RELOAD_GAP = 0.5  # seconds: live changes reach a list at most twice a second


class PaneData(Protocol):
    """Where a PostList gets its rows (the app backs it with SQLite)."""

    @property
    def newest_first(self) -> bool:
        """Whether new posts always sort first (so totals and positions can be updated)."""
        ...

    @property
    def cap(self) -> int | None:
        """Counting stops past this many (a search's matches): then the total is a floor."""
        ...

    async def count(self, upto_id: int | None = None) -> tuple[int, int | None]:
        """The total (of posts up to `upto_id` only, when given), and the highest post id."""
        ...

    async def count_since(self, after_id: int) -> tuple[int, int | None]:
        """Posts with an id above `after_id`, and the highest id among them."""
        ...

    async def window(self, offset: int, limit: int, waited: bool = False) -> list[Row]:
        """`limit` rows from `offset`; `waited` when an operator waits for them (a new
        search's first page, a page scrolled to), not for a live reload."""
        ...

    async def position(self, row: Row) -> int: ...

    def ready(self, limit: int) -> list[Row] | None:
        """The first `limit` rows, if they have been read already (a search's first page
        read while its words were typed); else None."""
        ...


def sentiment_glyph(compound: float | None) -> tuple[str, str]:
    """A glyph that reads without colour, and the component class that colours it."""
    if compound is None:
        return "·", "post-list--neutral"
    if compound >= 0.05:
        return "▲", "post-list--positive"
    if compound <= -0.05:
        return "▼", "post-list--negative"
    return "●", "post-list--neutral"


def awaited_rows(screen: Screen) -> bool:
    """Whether a list of `screen` is reading the first rows of a new search or filter,
    which an operator is waiting for."""
    return any(post_list.arriving for post_list in screen.query(PostList))


class PostList(SteadyScrollView, can_focus=True):
    """The posts of one lane, newest first (or the inbox's waiting order)."""

    DEFAULT_CSS = """
    PostList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;  /* one line a row, cut at the edge: never scrolled sideways */
        & > .post-list--cursor { background: $accent 40%; }
        /* Not `:focus`: see widgets.quiet_focus */
        & > .post-list--cursor-focused { background: $accent; color: $text; }
        & > .post-list--time { color: $text-muted; }
        & > .post-list--author { color: $secondary; text-style: bold; }
        & > .post-list--positive { color: $success; }
        & > .post-list--negative { color: $error; }
        & > .post-list--neutral { color: $text-muted; }
        & > .post-list--urgent { background: $error; color: $text; text-style: bold; }
        & > .post-list--answered { color: $success; }
        & > .post-list--loading { color: $text-disabled; }
        & > .post-list--flagged { color: $warning; text-style: bold; }
        & > .post-list--assigned { color: $secondary; text-style: bold; }
        & > .post-list--claimed { color: $accent; text-style: bold; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "post-list--cursor", "post-list--cursor-focused", "post-list--time",
        "post-list--author", "post-list--positive", "post-list--negative",
        "post-list--neutral", "post-list--urgent",
        "post-list--answered", "post-list--loading", "post-list--flagged",
        "post-list--assigned", "post-list--claimed",
    }  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False),
        Binding("k,up", "cursor(-1)", "Up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("g,home", "first", "Newest", show=False),
        Binding("G,end", "last", "Oldest", show=False),
        # Not in the footer: the same footer serves every pane (see ScheduleList).
        Binding("enter", "select", "Detail", show=False),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    paused: reactive[bool] = reactive(False)

    class Highlighted(Message):
        """The cursor is on a new post."""

        def __init__(self, post_list: PostList, row: Row | None) -> None:
            super().__init__()
            self.post_list, self.row = post_list, row

    class Selected(Message):
        """Enter on a post: open its detail."""

        def __init__(self, post_list: PostList, row: Row) -> None:
            super().__init__()
            self.post_list, self.row = post_list, row

    class Counted(Message):
        """The pane's total is known (the first rows of a search or a filter show before
        their total is counted)."""

        def __init__(self, post_list: PostList) -> None:
            super().__init__()
            self.post_list = post_list

    class Waiting(Message):
        """The number of new posts waiting above the view changed."""

        def __init__(self, post_list: PostList, count: int) -> None:
            super().__init__()
            self.post_list, self.count = post_list, count

    def __init__(
        self,
        data: PaneData,
        *,
        zone: ZoneInfo,
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id)
        self.data = data
        self.zone = zone
        self.total = 0
        self.max_id: int | None = None
        self.waiting = 0
        self._rows: dict[int, Row] = {}
        self._cursor_row: Row | None = None
        self._fetching: set[int] = set()
        self._hidden = 0  # the newest posts held above the first line (see reload)
        self._placed = 0  # counts reloads, which may give lines other posts
        self._stale: bool | None = None  # storage changed: None, or whether to recount
        self._stale_pending = False  # a reload is due (see stale)
        self._last_reload = 0.0
        self._reloading = 0  # reloads reading now (see _reload_when_due)
        self.counted = False  # whether `total` is known, or still being counted
        self._strips: dict[tuple[Any, ...], Strip] = {}  # see render_line
        self._clocks: dict[str, str] = {}  # see _clock
        self._when_shown: Callable[[], None] | None = None  # see replace_data

    # -- data ---------------------------------------------------------------------

    def replace_data(self, data: PaneData, when_shown: Callable[[], None] | None = None) -> None:
        """Show other rows (a new filter or search): start again at the top. `when_shown`
        is called as the first rows are placed, before the paint that shows them."""
        self.data = data
        self._when_shown = when_shown
        self._rows.clear()
        self._cursor_row = None
        self.total = 0
        self.counted = False
        self._hidden = 0
        self.max_id = None
        self.cursor = 0
        self.scroll_to(y=0, animate=False)
        self.set_waiting(0)
        rows = data.ready(PAGE)
        if rows is None:
            self.reload()
            return
        # Placed now, in the handler of the key that asked: a worker would place them a
        # turn or two of the loop later, and a paint of the live panes could come first.
        # A reload of the old data still running would place its rows over these.
        self.workers.cancel_group(self, "post-list-reload")
        self._last_reload = time.monotonic()
        self._first_rows(rows, self.following)
        if not self.counted:
            self._count_later(rows)

    @property
    def arriving(self) -> bool:
        """New data's first rows are still being read (`when_shown` not called yet)."""
        return self._when_shown is not None

    def shown_now(self) -> None:
        """Call replace_data's `when_shown` now, if it has not been (rows are slow)."""
        when_shown, self._when_shown = self._when_shown, None
        if when_shown is not None:
            when_shown()

    @property
    def following(self) -> bool:
        """At the top and not paused: the cursor rides on the newest post."""
        return self.cursor == 0 and self.scroll_offset.y == 0 and not self.paused

    @property
    def lines(self) -> int:
        """How many posts have a line: all but the new ones held above the view."""
        return self.total - self._hidden

    def stale(self, recount: bool = False) -> None:
        """Storage changed: reload soon. However often this is called, the list reloads at
        most once every RELOAD_GAP seconds, and not while it is hidden (then it reloads
        when shown again). `recount` as in `reload`."""
        self._stale = bool(self._stale) or recount
        if not self._stale_pending and self.region:
            self._stale_pending = True
            self._reload_when_due()

    @work(group="post-list-stale", exit_on_error=False)
    async def _reload_when_due(self) -> None:
        # A worker that sleeps, not set_timer: a one-shot Textual timer whose moment has
        # passed by the time its task first looks (a busy loop) skips it and never fires.
        delay = self._last_reload + RELOAD_GAP - time.monotonic()
        try:
            while True:
                await asyncio.sleep(max(0.0, delay))
                if self._stale is None or not self.region:
                    return  # nothing to do; or hidden, and on_show will call again
                if self._reloading:
                    # A reload the operator asked for (a search, a filter) is still
                    # counting: let it finish, or a busy event would cancel every one.
                    delay = RELOAD_GAP / 10
                    continue
                if awaited_rows(self.screen):
                    # Another pane is reading rows an operator waits for: this reload
                    # and its paint would run in their way (the same loop, the same
                    # cores). A live pane is a moment late instead.
                    delay = RELOAD_GAP / 10
                    continue
                if self.app.screen is self.screen:
                    break
                # Under a dialog the list is dimmed, and every change to it would have the
                # dialog's whole translucent background drawn again: catch up once it closes.
                delay = RELOAD_GAP
        finally:
            self._stale_pending = False
        recount, self._stale = self._stale, None
        self.reload(recount=recount)

    def on_show(self) -> None:
        if self._stale is not None:
            self.stale()

    @work(group="post-list-reload", exclusive=True, exit_on_error=False)
    async def reload(
        self, recount: bool = False, *, reveal: bool = False, top: bool = False
    ) -> None:
        """Fetch the total and the rows around the view again; repaint the lines that changed.

        Following (or with `top`), the cursor goes to the newest post. Otherwise the cursor
        and the view stay on their posts, however many arrive: where new posts always sort
        first they are held above the first line, counted as waiting, until the operator
        reaches the first line (`reveal` then gives them lines above it) or goes back to
        the top; so no line moves while the operator reads. Elsewhere (the inbox's waiting
        order) the view is placed again around the cursor's post. Where new posts always
        sort first only the arrivals are counted; `recount` counts everything again (when
        posts may have arrived out of order).
        """
        self._last_reload = time.monotonic()
        # A count, not a flag: a cancelled reload may end after its successor began.
        self._reloading += 1
        try:
            await self._reload(recount, reveal, top)
        finally:
            self._reloading -= 1

    async def _reload(self, recount: bool, reveal: bool, top: bool) -> None:
        following, anchor = self.following or top, self._cursor_row
        old_total, hidden = self.total, self._hidden
        view = (self.cursor, self.scroll_offset.y, self.paused)
        cursor, offset = self.cursor, int(self.scroll_offset.y)
        incremental = (
            self.data.newest_first and self.max_id is not None and self.counted and not recount
        )
        # A new search or filter (no total yet) reads its first rows before its total,
        # and shows them at once: counting the matches can take much longer than reading
        # the rows to show. A known total is recounted first, as before, so a live
        # reload never shows "counting…" for a moment.
        first = not self.counted and (following or anchor is None)
        total, max_id = old_total, self.max_id  # (a first read sets both below)
        if incremental:
            assert self.max_id is not None
            added, newest = await self.data.count_since(self.max_id)
            total, max_id = old_total + added, newest or self.max_id
        elif not first:
            total, max_id = await self.data.count()
        if following or anchor is None:
            cursor, offset, hidden = 0, 0, 0
        elif incremental:
            hidden += total - old_total
            if reveal:
                cursor, offset, hidden = cursor + hidden, offset + hidden, 0
        else:
            index = await self.data.position(anchor)
            cursor, offset, hidden = index, max(0, offset + index - cursor), 0
        start = max(0, offset - PAGE // 4)
        rows = await self.data.window(start + hidden, PAGE, waited=first or reveal or top)
        if (self.cursor, self.scroll_offset.y, self.paused) != view:
            # The operator moved while this was being read: what it read was arranged
            # for where they were. Read again for where they are now.
            self.reload(recount=recount, reveal=reveal, top=top)
            return
        if first:
            self._first_rows(rows, following)
            if not self.counted:
                await self._count_first(rows)
            return
        self._place(rows, start, total, max_id, hidden, cursor, offset, True, following)

    def _first_rows(self, rows: list[Row], following: bool) -> None:
        """Place new data's first page at the top. Unless the page is short, and so all
        there is, the caller then counts the rest (`_count_first`)."""
        counted = len(rows) < PAGE
        max_id = max((row["id"] for row in rows), default=None)
        self._place(rows, 0, len(rows), max_id, 0, 0, 0, counted, following)
        # Called now, not by a message: a paint may come between a message and its
        # handling, and what the caller changes should show with these rows.
        self.shown_now()

    @work(group="post-list-reload", exclusive=True, exit_on_error=False)
    async def _count_later(self, rows: list[Row]) -> None:
        self._reloading += 1  # live reloads wait for it, as for a reload's count
        try:
            await self._count_first(rows)
        finally:
            self._reloading -= 1

    async def _count_first(self, rows: list[Row]) -> None:
        """Count what the first page `rows` was read from: the posts up to the newest of
        them, `max_id` as placed (a post arriving since is counted by the next reload,
        as an arrival)."""
        total, _ = await self.data.count(self.max_id if self.data.newest_first else None)
        self.total, self.counted = max(total, len(rows)), True
        self._resize_lines(Size(self.size.width, self.lines))
        self.post_message(self.Counted(self))

    def _place(
        self,
        rows: list[Row],
        start: int,
        total: int,
        max_id: int | None,
        hidden: int,
        cursor: int,
        offset: int,
        counted: bool,
        following: bool,
    ) -> None:
        """Give lines to the rows read, and repaint the lines whose post changed."""
        old_total = self.total
        shown = self._rows
        self.total, self.max_id, self._hidden = total, max_id, hidden
        self.counted = counted
        self._rows = {start + i: row for i, row in enumerate(rows)}
        self._placed += 1  # rows being fetched were placed for the lines as they were
        self._resize_lines(Size(self.size.width, self.lines))
        old_cursor = self.cursor
        self.set_reactive(PostList.cursor, min(cursor, max(self.lines - 1, 0)))
        if following:
            self.set_waiting(0)
        else:
            self.set_waiting(self.waiting + max(0, total - old_total))
        if offset != int(self.scroll_offset.y):
            self.scroll_to(y=offset, animate=False, immediate=True)  # repaints every line
        else:
            self._repaint_changed(shown, old_cursor)
        row = self._rows.get(self.cursor)
        changed = (row or {}).get("id") != (self._cursor_row or {}).get("id")
        self._cursor_row = row
        if changed:
            self.post_message(self.Highlighted(self, row))

    def _resize_lines(self, size: Size) -> None:
        """A new virtual size. Textual lays the whole screen out again for any change of
        it; while the scrollbar was and stays shown only the scrollbar changes, so that
        is all that is updated, and drawn again only if its thumb moved (a followed
        pane grows twice a second)."""
        old = self.virtual_size
        if size == old:
            return
        height = self.scrollable_content_region.height
        if old.width == size.width and height and min(old.height, size.height) > height:
            self.set_reactive(PostList.virtual_size, size)
            self._scroll_update(size)  # the scrollbar's window (Textual 8.2, pinned)
        else:
            self.virtual_size = size

    def _repaint_changed(self, shown: dict[int, Row], old_cursor: int) -> None:
        """Repaint only the lines in view whose row (or cursor) is not what was painted."""
        offset = int(self.scroll_offset.y)
        for line in range(offset, offset + self.scrollable_content_region.height):
            moved = line in (old_cursor, self.cursor) and old_cursor != self.cursor
            if moved or shown.get(line) != self._rows.get(line):
                self.refresh_line(line)

    def set_waiting(self, count: int) -> None:
        if count != self.waiting:
            self.waiting = count
            self.post_message(self.Waiting(self, count))

    @work(group="post-list-fetch", exit_on_error=False)
    async def _fetch(self, start: int) -> None:
        placed = self._placed
        try:
            rows = await self.data.window(start + self._hidden, PAGE, waited=True)
        finally:
            self._fetching.discard(start)
        if placed != self._placed:  # a reload placed the lines again meanwhile
            self.refresh()  # lines still missing ask again
            return
        for i, row in enumerate(rows):
            self._rows[start + i] = row
        if len(self._rows) > PAGE * 8:  # keep memory flat: drop rows far from the view
            here = int(self.scroll_offset.y)
            for index in [i for i in self._rows if abs(i - here) > PAGE * 3]:
                del self._rows[index]
        self.refresh()

    def _need(self, index: int) -> None:
        start = max(0, index - PAGE // 4)
        if start not in self._fetching:
            self._fetching.add(start)
            self._fetch(start)

    # -- cursor ---------------------------------------------------------------------

    def current(self) -> Row | None:
        return self._rows.get(self.cursor)

    def watch_cursor(self, old: int, new: int) -> None:
        # ScrollView's refresh_line takes the line's index in the whole list: only the
        # two lines the cursor left and reached are painted again.
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_region_for(new)
        self._cursor_row = self._rows.get(new)
        if self._cursor_row is None:
            self._need(new)
        self.post_message(self.Highlighted(self, self._cursor_row))

    def scroll_to_region_for(self, index: int) -> None:
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False)
        if index == 0 and self._hidden:
            self.reload(reveal=True)  # the posts held above get lines; still waiting
        elif index == 0:
            self.set_waiting(0)

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, max(self.lines - 1, 0)))

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_first(self) -> None:
        """To the newest post; following again unless paused."""
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.set_waiting(0)
        self.reload(top=True)

    def action_last(self) -> None:
        self.cursor = max(self.lines - 1, 0)

    def action_select(self) -> None:
        row = self.current()
        if row is not None:
            self.post_message(self.Selected(self, row))

    def watch_paused(self, paused: bool) -> None:
        if not paused and self.following:
            self.set_waiting(0)
            self.reload()

    def on_focus(self, event: events.Focus) -> None:
        # New rows on their way (a search just entered) repaint every line, the cursor's
        # with them: a repaint of it now would only be a paint of its own, too early.
        quiet_focus(self, event, None if self.arriving else self.cursor)

    def on_blur(self, event: events.Blur) -> None:
        quiet_focus(self, event, self.cursor)

    # -- rendering ------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        base, width, top, left = self.line_view
        index = top + y
        if index >= self.lines:
            return Strip.blank(width, base)
        row = self._rows.get(index)
        if row is None:
            self._need(index)
            style = self.component_style("post-list--loading")
            return Strip([Segment(" …", base + style)]).crop_extend(0, width, base)
        if index == self.cursor:
            segments = self._render_row(row, base)
            # Over the row's own styles: each of them carries the pane's background.
            focused = "post-list--cursor-focused" if self.has_focus else "post-list--cursor"
            cursor = self.component_style(focused)
            segments = list(Segment.apply_style(segments, post_style=cursor))
            base = base + cursor  # to the pane's edge
            return Strip(segments).crop_extend(left, left + width, base)
        # A followed pane shows most of the same posts one line lower after each reload:
        # a post's line is made once and then reused, until something it shows changes.
        key = (
            row["id"], row["urgent"], bool(row.get("answered_by")), bool(row.get("flagged")),
            bool(row.get("assigned")), bool(row.get("claimed")), width, left, base,
            self.app.theme,
        )  # fmt: skip
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= STRIPS_KEPT:
                self._strips.clear()
            segments = self._render_row(row, base)
            strip = (
                fitted(segments, width, base)
                if left == 0
                else Strip(segments).crop_extend(left, left + width, base)
            )
            self._strips[key] = strip
        return strip

    def _render_row(self, row: Row, base: Style) -> list[Segment]:
        on = self.component_on
        glyph, glyph_class = sentiment_glyph(row["sentiment_compound"])
        urgent = "!" if row["urgent"] else " "
        answered = "✓" if row.get("answered_by") else " "
        author = visible(row["author_username"] or "?", newlines=False)
        text = post_text(row["text"][:400], newlines=False)  # a row never needs more
        segments = [
            Segment(self._clock(row["created_at"]), on(base, "post-list--time")),
            Segment(glyph, on(base, glyph_class)),
            Segment(urgent, on(base, "post-list--urgent") if row["urgent"] else base),
            Segment(answered, on(base, "post-list--answered")),
            Segment("⚑" if row.get("flagged") else " ", on(base, "post-list--flagged")),
            Segment("→" if row.get("assigned") else " ", on(base, "post-list--assigned")),
            Segment("✎" if row.get("claimed") else " ", on(base, "post-list--claimed")),
            Segment(f"@{author} ", on(base, "post-list--author")),
            Segment(text, base),
        ]
        return segments

    def _clock(self, created_at: str) -> str:
        """'HH:MM ' in the event's zone for a stored UTC time, worked out once a minute
        (a zone's offset only ever changes on a minute)."""
        minute = created_at[:16]
        shown = self._clocks.get(minute)
        if shown is None:
            if len(self._clocks) >= STRIPS_KEPT:
                self._clocks.clear()
            moment = datetime.fromisoformat(minute + "+00:00")
            shown = self._clocks[minute] = f"{moment.astimezone(self.zone):%H:%M} "
        return shown
