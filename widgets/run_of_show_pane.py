"""RunOfShowPane: the titled run-of-show, its counts, its countdown and the pause."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from eventdesk.runofshow import status
from eventdesk.text import visible
from storage.release import PauseState
from storage.schedule import ScheduledPost
from widgets.pane_title import PaneTitle
from widgets.schedule_list import ScheduleList


class RunOfShowPane(Vertical):
    """Title line (posted N · next in 12 min · PAUSED by whom and when) above a ScheduleList.

    Looks like DeskPane so the dashboard's three panes match; the title turns to a
    warning while scheduled posting is paused, so nobody misses that it is.
    """

    DEFAULT_CSS = """
    RunOfShowPane {
        width: 1fr;
        border: round $primary-darken-2;
        &.-active { border: round $accent; }  /* see widgets.quiet_focus.mark_active */
        & > .run-of-show-pane--title {
            height: 1; padding: 0 1; background: $boost; text-style: bold;
        }
        & > .run-of-show-pane--title.-paused { background: $error; color: $text; }
        & > .run-of-show-pane--keys { height: auto; padding: 0 1; color: $text-muted; }
    }
    """
    # No-break spaces keep each key with its word when a narrow pane wraps the line.
    KEYS = "  ".join(
        f"{key}\u00a0{word}"
        for key, word in (("z", "postpone"), ("x", "skip"), ("n", "post\u00a0now"),
                          ("d", "duplicate"), ("e", "edit"), ("i", "add"))
    )  # fmt: skip

    def __init__(
        self, schedule_list: ScheduleList, *, title: str = "Run-of-show", id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.schedule_list = schedule_list
        self.pause = PauseState(False)
        self.position = ""

    def compose(self) -> ComposeResult:
        yield PaneTitle(self.title_text, classes="run-of-show-pane--title")
        yield self.schedule_list
        # The pane's own keys, always here: the footer stays the same for every pane.
        yield Static(Content(self.KEYS), classes="run-of-show-pane--keys", markup=False)

    def show(self, items: Sequence[ScheduledPost], now: datetime, pause: PauseState) -> None:
        """The whole run-of-show and whether posting is paused (read by the caller)."""
        self.pause = pause
        self.schedule_list.show(items, now)
        self.show_title()

    @on(ScheduleList.Ticked)
    def _ticked(self) -> None:
        self.show_title()

    def title_parts(self) -> list[str]:
        listing = self.schedule_list
        parts = [self.title_text, f"posted {listing.posted}"]
        upcoming = listing.next
        parts.append("nothing planned" if upcoming is None
                     else f"next {status(upcoming, listing.now)}")  # fmt: skip
        if self.pause.paused:
            when = ""
            if self.pause.at is not None:
                when = f" at {self.pause.at.astimezone(listing.zone):%H:%M}"
            by = visible(self.pause.by or "?", newlines=False)
            parts.append(f"⏸ PAUSED by {by}{when}")
        if self.position:
            parts.insert(0, f"[{self.position}]")
        return parts

    def show_title(self, position: str | None = None) -> None:
        """Redraw the title; `position` like '2/3' when the panes are tabbed."""
        if position is not None:
            self.position = position
        if not self.is_mounted:
            return
        title = self.query_one(PaneTitle)
        title.update(" · ".join(self.title_parts()))  # runs every second; repaints on change
        title.set_class(self.pause.paused, "-paused")
