"""SteadyScrollView: a line-API ScrollView whose scrollbars are redrawn only when they change.

After every layout of the screen (the search bar opening, a dialog closing) Textual
tells each widget its size, and a ScrollView then updates and redraws its scrollbars
whatever happened: it compares its own size less its gutter with its parent's, which
differ whenever the view does not fill its parent (a pane's list sits under the pane's
title). At 160×48 that was every scrollbar of the desk drawn again, 40-odd lines, for a
change to the bottom line. Here the update runs only when the view's size or its
virtual size is not what it was at the last one.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class SteadyScrollView(ScrollView):
    """A ScrollView that skips the scrollbar update when its sizes are unchanged."""

    _sizes_seen: tuple[Size, Size] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # A ScrollView keeps its own virtual size (the compositor's is not used).
        seen = (size, self.virtual_size)
        if seen == self._sizes_seen:
            return False
        self._sizes_seen = seen
        return super()._size_updated(size, virtual_size, container_size, layout)
