"""SearchBar: `/` asks for words on the desk's last line, over the footer.

A line, not a dialog: a dialog covers the desk with its translucent background, so
opening it and every key typed into it drew the whole screen again (80-230 ms a key
at a million posts); here the field covers the footer's line and only that line
changes. The panes go on living underneath while the operator types.

The bar lies on a layer of its own (the screen declares `layers: default search`)
docked where the footer is, and the footer stays where it is: showing or hiding the
bar is then one change to the layout, not two (hiding the footer, then showing it
again with its keys to draw, cost a second layout of the screen on every search).

On Enter the bar stops taking keys (`is_open` is false) but stays on screen until its
owner calls `close`: the desk closes it when the search's first rows are placed, so
that the rows and the footer under the bar come back in one paint, not two.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input, Static


class SearchField(Input):
    """Textual's Input, without a layout of the whole screen for every key typed.

    Input sets its scroll area's size on each change of its value, and a widget's
    virtual size asks for a layout of the screen. This field's own size never changes
    (one line, the bar's width), so a repaint of the field is all a key needs; its
    horizontal scroll still reads the new size.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    async def action_submit(self) -> None:
        """Enter: the words go to the bar at once, not by a Submitted message."""
        bar = self.parent
        if isinstance(bar, SearchBar):
            bar.submit(self.value)
        else:
            await super().action_submit()

    def _on_blur(self, event: events.Blur) -> None:
        bar = self.parent
        if isinstance(bar, SearchBar) and bar.closing:
            # Leaving with Enter: the bar goes with the search's first rows, in their
            # paint; restyling and repainting the field now would be a paint of its own.
            event.prevent_default()
            self.set_reactive(Widget.has_focus, False)
            self.set_reactive(Input._cursor_visible, False)
            if self._blink_timer is not None:
                self._blink_timer.pause()


class SearchBar(Horizontal):
    """The search prompt and its field; shown by `open`, hidden again on Enter or Escape."""

    DEFAULT_CSS = """
    SearchBar {
        dock: bottom; layer: search; height: 1; display: none; background: $panel;
        & > .search-bar--prompt { width: auto; padding: 0 1; color: $accent; text-style: bold; }
        & > #search-input {
            width: 1fr; height: 1; border: none; padding: 0; background: $panel;
            &:focus { border: none; background-tint: transparent; }
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        # Not to the next widget: the bar keeps the keys until Enter or Escape.
        Binding("tab,shift+tab", "stay", show=False),
    ]

    class Done(Message):
        """The operator finished: the words (empty clears the search), or None (Escape)."""

        def __init__(self, words: str | None) -> None:
            super().__init__()
            self.words = words

    def compose(self) -> ComposeResult:
        yield Static(Content("Search /"), classes="search-bar--prompt", markup=False)
        yield SearchField(
            placeholder="words that must all appear · bik* for word starts · empty clears",
            id="search-input",
            select_on_focus=False,
        )

    closing = False  # Enter was pressed; the bar shows until `close`

    # Shown and hidden by `display`, not a class: a class would restyle the field too.
    @property
    def is_open(self) -> bool:
        """Whether the bar is taking the operator's keys."""
        return self.display and not self.closing

    def open(self, current: str) -> None:
        field = self.query_one(Input)
        field.value = current
        field.cursor_position = len(current)
        self.closing = False
        self.display = True
        # At once, not by `field.focus()`, which waits its turn behind the keys already
        # queued: words typed in one burst after `/` (a fast typist over SSH) went to
        # the list as its keys (f flags, r replies).
        self.screen.set_focus(field)

    def close(self) -> None:
        self.closing = False
        self.display = False

    def submit(self, value: str) -> None:
        """Enter: the words go to the app, which moves the focus and closes the bar."""
        self.closing = True
        self._done(value.strip())

    def action_stay(self) -> None:
        pass

    def action_cancel(self) -> None:
        self.close()
        self._done(None)

    def _done(self, words: str | None) -> None:
        # Straight to the app, the bar's owner: a message bubbling from the field through
        # the bar and the screen waits its turn in each one's queue (Enter's Submitted
        # took five such turns), and a paint of the live panes could come before any.
        self.app.post_message(self.Done(words))
