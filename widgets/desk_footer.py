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

    def bindings_changed(self, screen: Screen) -> None:
        if not self.display:
            return  # hidden (the search bar has the line): the keys when it shows again
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
