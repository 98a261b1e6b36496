"""Pane switches that repaint what changed, not the whole dashboard.

Textual's own handling of a focus change restyles the focused widget and everything
inside it (scrollbars too, and one of those asks for a layout of the screen), repaints
every line of the widget that gained and of the one that lost the focus, and restyles
every widget inside any container styled by `:focus-within`. A Tab between two lists of
a million-post desk cost 80-190 ms that way, most of it painting lines that had not
changed. Here only what shows the focus changes: the cursor's line of each list, and
the frame of each pane.
"""

from __future__ import annotations

from textual import events
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

from widgets.banded_compositor import BandedCompositor


class QuietScreen(Screen[None]):
    """A screen that does not repaint all of itself whenever the focus moves (Textual's
    `Screen.focused` repaints the whole screen; the widgets that show the focus repaint
    their own lines here), and paints each frame's changed lines band by band
    (`BandedCompositor`)."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._compositor = BandedCompositor()


def quiet_focus(
    widget: Widget, event: events.Focus | events.Blur, cursor_line: int | None
) -> None:
    """Take `event` instead of Textual's default handler: note the focus without a
    restyle (the widget's CSS has no `:focus` rules; its cursor line picks its style from
    `has_focus` when painted), repaint the cursor's line (None: no line to repaint, all
    are about to be), and tell the parent."""
    event.prevent_default()
    focused = isinstance(event, events.Focus)
    widget.set_reactive(Widget.has_focus, focused)
    if cursor_line is not None:
        widget.refresh_line(cursor_line)  # type: ignore[attr-defined]  # a ScrollView's
    if widget.parent is not None:
        sent = events.DescendantFocus if focused else events.DescendantBlur
        widget.parent.post_message(sent(widget))


def focus_quietly(widget: Widget) -> None:
    """Give `widget` the focus without `Widget.focus`, which repaints all of it first."""
    widget.screen.set_focus(widget)


def mark_active(pane: Widget, active: bool) -> None:
    """Show `pane` as the active one (its frame, and in tabs whether it shows), or not.

    Only the pane's own styles are computed again: a class change would restyle
    everything inside it too. So no rule may select a pane's descendants by `-active`.
    """
    if pane.has_class("-active") == active:
        return
    pane.set_class(active, "-active", update=False)
    pane.app.stylesheet.apply(pane)
