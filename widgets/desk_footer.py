"""DeskFooter: the keys that work here, built again only when they change."""

from __future__ import annotations

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
        keys = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        if self._bindings_ready and keys == self._keys_shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._keys_shown = keys  # the footer will be built from these
        super().bindings_changed(screen)
