"""UrgentBanner: the alarm for posts that may mean a risk to life, until acknowledged."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Static

from eventdesk.text import post_text, visible


class UrgentBanner(Static):
    """Shows the oldest unacknowledged urgent post and how many more wait.

    Hidden when nothing is waiting. The text is a stranger's, so it is built as
    Content, never parsed as markup.
    """

    DEFAULT_CSS = """
    UrgentBanner {
        height: auto;
        max-height: 3;
        display: none;
        background: $error;
        color: $text;
        text-style: bold;
        padding: 0 1;
        &.-active { display: block; }
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", markup=False, **kwargs)
        self.current: dict[str, Any] | None = None
        self._shown = Content("")

    def show_alarms(self, alarms: list[dict[str, Any]], when: str) -> None:
        """`alarms`: unacknowledged urgent rows, oldest first; `when` formats a row's time."""
        self.current = alarms[0] if alarms else None
        self.set_class(bool(alarms), "-active")
        if not alarms:
            self._show(Content(""))
            return
        first = alarms[0]
        more = f"  (+{len(alarms) - 1} more)" if len(alarms) > 1 else ""
        author = visible(first["author_username"] or "?", newlines=False)
        text = post_text(first["text"][:300], newlines=False)
        reason = visible(first.get("urgent_reason") or "", newlines=False)
        self._show(
            Content(f"⚠ URGENT {when} @{author}: {text}\n")
            + Content(f"   {first.get('urgent_category') or ''}: {reason}  ·  a: acknowledge{more}")
        )

    def _show(self, content: Content) -> None:
        # This runs every second: the same alarm is not drawn again, and a new one of
        # the same height is drawn without a layout of the screen.
        if content == self._shown:
            return
        width = max(self.content_region.width, 1)
        # Styles passed as Textual's own Widget passes them (its stubs say RulesMap).
        styles: Any = self.styles
        same = self._shown.get_height(styles, width) == content.get_height(styles, width)
        self._shown = content
        self.update(content, layout=not (same and self.region))
