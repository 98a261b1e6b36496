"""ScheduleList: the run-of-show, one line per item, posted at the top, then ▶ the next.

A line-API ScrollView like PostList, but the whole run-of-show is a few hundred rows at
most, so it holds them all and is handed them whole (`show`). Its countdown ticks on a
one-second timer that only redraws: the time comes from the clock it is given, never
from a query. The state of each item reads without colour (a glyph and a word); colour
only repeats it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from eventdesk.clock import Clock, system_clock
from eventdesk.runofshow import arrange, status
from eventdesk.text import visible
from storage.schedule import ScheduledPost
from widgets.quiet_focus import quiet_focus
from widgets.steady_scroll import SteadyScrollView

# state -> (glyph, component class); a held item and the next one have their own.
GLYPHS: dict[str, tuple[str, str]] = {
    "planned": ("○", "schedule-list--planned"),
    "due": ("◆", "schedule-list--due"),
    "sending": ("↑", "schedule-list--due"),
    "posted": ("✓", "schedule-list--posted"),
    "failed": ("✗", "schedule-list--problem"),
    "skipped": ("–", "schedule-list--skipped"),
    "unknown": ("?", "schedule-list--problem"),
}
HELD = ("‼", "schedule-list--problem")
NEXT = ("▶", "schedule-list--next")
STATUS_WIDTH = 24  # most statuses fit; longer ones push the text along


def _state_word(item: ScheduledPost, upcoming: bool) -> str:
    """A planned item's state as a word; status() names every other state itself."""
    if item.state != "planned":
        return ""
    return "next" if upcoming else "planned"


class ScheduleList(SteadyScrollView, can_focus=True):
    """The run-of-show pane's rows: posted (oldest first), ▶ next with its countdown, the rest."""

    DEFAULT_CSS = """
    ScheduleList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;  /* one line a row, cut at the edge: never scrolled sideways */
        & > .schedule-list--cursor { background: $accent 40%; }
        /* Not `:focus`: see widgets.quiet_focus */
        & > .schedule-list--cursor-focused { background: $accent; color: $text; }
        & > .schedule-list--time { color: $text-muted; }
        & > .schedule-list--account { color: $secondary; text-style: bold; }
        & > .schedule-list--next { color: $warning; text-style: bold; }
        & > .schedule-list--planned { color: $text-muted; }
        & > .schedule-list--due { color: $warning; }
        & > .schedule-list--posted { color: $success; }
        & > .schedule-list--skipped { color: $text-disabled; }
        & > .schedule-list--problem { background: $error; color: $text; text-style: bold; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "schedule-list--cursor", "schedule-list--cursor-focused", "schedule-list--time",
        "schedule-list--account",
        "schedule-list--next", "schedule-list--planned", "schedule-list--due",
        "schedule-list--posted", "schedule-list--skipped", "schedule-list--problem",
    }  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "Down", show=False),
        Binding("k,up", "cursor(-1)", "Up", show=False),
        Binding("pagedown", "cursor(10)", "Page down", show=False),
        Binding("pageup", "cursor(-10)", "Page up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("enter", "select", "Detail", show=False),
        # The controls belong to the App (tui.schedule_actions.RunOfShowActions); bound
        # here so they work only while the run-of-show has the focus. The pane lists
        # them on its own last line (RunOfShowPane): a footer whose keys changed with
        # the pane was built again on every switch to or from it (~15 widgets).
        Binding("z", "app.postpone_item", "Postpone", show=False),
        Binding("x", "app.skip_item", "Skip", show=False),
        Binding("n", "app.post_item_now", "Post now", show=False),
        Binding("d", "app.duplicate_item", "Duplicate", show=False),
        Binding("e", "app.edit_item", "Edit", show=False),
        Binding("i", "app.add_item", "Add", show=False),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    class Highlighted(Message):
        """The cursor is on another item (None: the run-of-show is empty)."""

        def __init__(self, schedule_list: ScheduleList, item: ScheduledPost | None) -> None:
            super().__init__()
            self.schedule_list, self.item = schedule_list, item

    class Selected(Message):
        """Enter on an item."""

        def __init__(self, schedule_list: ScheduleList, item: ScheduledPost) -> None:
            super().__init__()
            self.schedule_list, self.item = schedule_list, item

    class Ticked(Message):
        """The list was shown new items or its clock moved: titles may redraw."""

        def __init__(self, schedule_list: ScheduleList) -> None:
            super().__init__()
            self.schedule_list = schedule_list

    def __init__(
        self, *, zone: ZoneInfo, clock: Clock = system_clock, name: str | None = None,
        id: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(name=name, id=id)
        self.zone, self.clock = zone, clock
        self.items: list[ScheduledPost] = []  # top to bottom
        self.posted = 0
        self.next: ScheduledPost | None = None
        self.now = clock()
        self._account_width = 0

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick, name="schedule-countdown")

    def tick(self) -> None:
        """Move the countdown on: a redraw from the clock, no query; only of the lines in
        view whose status reads otherwise now (mostly none, or the next item's)."""
        before, self.now = self.now, self.clock()
        top = int(self.scroll_offset.y)
        for index in range(top, min(top + self.size.height, len(self.items))):
            item = self.items[index]
            if status(item, before) != status(item, self.now):
                self.refresh_line(index)
        self.post_message(self.Ticked(self))

    # -- data ---------------------------------------------------------------------

    def show(self, items: Sequence[ScheduledPost], now: datetime) -> None:
        """Show the whole run-of-show (any order); the cursor stays on its item by key."""
        current = self.current()
        arranged = arrange(items, now)
        rows = [*arranged.posted, *([arranged.next] if arranged.next else []), *arranged.rest]
        self.items, self.posted, self.next, self.now = (
            rows,
            len(arranged.posted),
            arranged.next,
            now,
        )
        self._account_width = max((len(item.account) for item in rows), default=0) + 2
        self.virtual_size = Size(self.size.width, len(rows))
        index = 0
        if current is not None:
            index = next((i for i, item in enumerate(rows) if item.key == current.key), 0)
        elif arranged.next is not None:  # first fill: start at what comes next
            index = self.posted
        self.set_reactive(ScheduleList.cursor, min(index, max(len(rows) - 1, 0)))
        self.scroll_to_region_for(self.cursor)
        moved = self.current()
        if moved != current:  # another item, or the same one changed
            self.post_message(self.Highlighted(self, moved))
        self.refresh()
        self.post_message(self.Ticked(self))

    def current(self) -> ScheduledPost | None:
        return self.items[self.cursor] if 0 <= self.cursor < len(self.items) else None

    def row_of(self, key: str) -> int | None:
        return next((i for i, item in enumerate(self.items) if item.key == key), None)

    # -- cursor ---------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, max(len(self.items) - 1, 0)))

    def watch_cursor(self, old: int, new: int) -> None:
        # ScrollView's refresh_line takes the line's index in the whole list.
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_region_for(new)
        self.post_message(self.Highlighted(self, self.current()))

    def scroll_to_region_for(self, index: int) -> None:
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif height and index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.items) - 1

    def action_select(self) -> None:
        if (item := self.current()) is not None:
            self.post_message(self.Selected(self, item))

    def on_focus(self, event: events.Focus) -> None:
        quiet_focus(self, event, self.cursor)

    def on_blur(self, event: events.Blur) -> None:
        quiet_focus(self, event, self.cursor)

    # -- rendering ------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        base, width, top, x = self.line_view
        index = top + y
        if index >= len(self.items):
            return Strip.blank(width, base)
        line = self._render_item(self.items[index], base)
        if index == self.cursor:
            cursor = "schedule-list--cursor-focused" if self.has_focus else "schedule-list--cursor"
            line = line.apply_style(self.component_style(cursor))
        return line.crop_extend(x, x + width, base)

    def _render_item(self, item: ScheduledPost, base: Style) -> Strip:
        """time · glyph · @account · state and status · text, every string literal."""
        style = self.component_style
        upcoming = item is self.next
        if upcoming:
            glyph, glyph_class = NEXT
        elif item.state == "due" and item.hold:
            glyph, glyph_class = HELD
        else:
            glyph, glyph_class = GLYPHS.get(item.state, ("·", "schedule-list--planned"))
        moment = item.posted_at if item.state == "posted" and item.posted_at else item.at
        words = [_state_word(item, upcoming), status(item, self.now)]
        if item.state == "posted" and item.remote_id:
            words.append(f"id {item.remote_id}")
        shown = visible(" · ".join(w for w in words if w), newlines=False)
        account = visible(f"@{item.account}", newlines=False)
        return Strip([
            Segment(f"{moment.astimezone(self.zone):%H:%M} ", base + style("schedule-list--time")),
            Segment(glyph, base + style(glyph_class)),
            Segment(" ", base),
            Segment(account.ljust(self._account_width), base + style("schedule-list--account")),
            Segment(shown.ljust(STATUS_WIDTH) + " ", base + style(glyph_class)),
            Segment(visible(item.text[:400], newlines=False), base),
        ])  # fmt: skip
