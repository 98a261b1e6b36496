"""DeskPane: a titled pane holding one PostList, with its count, filters and new-post badge."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from widgets.pane_title import PaneTitle
from widgets.post_list import PostList


class DeskPane(Vertical):
    """Title line (name, total, filters, "N new") above the pane's PostList."""

    DEFAULT_CSS = """
    DeskPane {
        width: 1fr;
        border: round $primary-darken-2;
        &.-active { border: round $accent; }  /* see widgets.quiet_focus.mark_active */
        & > .desk-pane--title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
        & > .desk-pane--title.-waiting { background: $warning 40%; }
    }
    """

    def __init__(self, title: str, post_list: PostList, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.post_list = post_list
        self.filters = ""

    def compose(self) -> ComposeResult:
        yield PaneTitle(self.title_text, classes="desk-pane--title")
        yield self.post_list

    def show_title(self, position: str = "") -> None:
        """Redraw the title from the list's state; `position` like '2/3' when tabbed."""
        post_list = self.post_list
        if post_list.arriving:
            return  # it describes the rows shown: it changes with the new ones
        cap = post_list.data.cap
        if not post_list.counted:
            total = "counting…"
        elif cap is not None and post_list.total > cap:
            total = f"{cap:,}+"
        else:
            total = f"{post_list.total:,}"
        parts = [self.title_text, total]
        if self.filters:
            parts.append(self.filters)
        if post_list.paused:
            parts.append("⏸ paused")
        if post_list.waiting:
            parts.append(f"▲ {post_list.waiting} new (g)")
        if position:
            parts.insert(0, f"[{position}]")
        title = self.query_one(PaneTitle)
        title.update(" · ".join(parts))
        title.set_class(post_list.waiting > 0, "-waiting")
