"""PaneTitle: a pane's one-line title, drawn as one line of literal text."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from eventdesk.text import visible
from widgets.steady_scroll import fitted


class PaneTitle(Widget):
    """One line of text, cut at the pane's edge.

    A Static drew it through Content and Textual's visual pipeline: about a millisecond
    for one line, in the very frame that shows a new search's first rows. Drawn as a
    line (Textual's line API) it costs a tenth of that. The text is shown literally
    (it may hold an operator's search words), with control characters made visible.
    """

    DEFAULT_CSS = "PaneTitle { height: 1; }"

    def __init__(self, text: str, *, classes: str) -> None:
        super().__init__(classes=classes)
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    def update(self, text: str) -> None:
        """Show `text`; a repaint only when it changed (titles are set every second)."""
        if text != self._text:
            self._text = text
            self.refresh()

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        width = self.content_region.width
        if y:
            return Strip.blank(width, style)
        return fitted([Segment(visible(self._text, newlines=False), style)], width, style)
