"""DeskFooter: the keys that work here, built again only when they change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class DeskFooter(Footer):
    """Textual's Footer, which builds all its keys again on every change of focus.

    The desk moves the focus on every pane switch (tab) and back from every dialog, and
    mostly the same keys stay: building them again restyles the whole footer each time.
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys_shown: tuple[tuple[object, ...], ...] | None = None
        # The search bar lies over the footer while it is open: the field's own keys
        # are not worth building under it. The focus comes back when the bar closes,
        # and with it a change of bindings that brings the footer up to date.
        self.covered = False

    def bindings_changed(self, screen: Screen) -> None:
        if self.covered:
            return
        if self._bindings_ready and _keys(screen) == self._keys_shown:
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        # What is built is what the screen's bindings are now, when the footer is built
        # (after the next refresh), not when the change was announced: a search opened
        # in between, during the desk's start, once left the search's keys here.
        if self._bindings_ready:
            self._keys_shown = _keys(self.screen)
        yield from super().compose()


def _keys(screen: Screen) -> tuple[tuple[object, ...], ...]:
    """The keys a footer shows for `screen`, as they stand."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show
    )
