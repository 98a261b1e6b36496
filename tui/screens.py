"""Modal screens: help (every key the desk has)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Every key binding of the desk, built from the bindings themselves so it stays true."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,enter", "dismiss", "Close", show=True),
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        lines: list[str | tuple[str, str]] = [("eventdesk — keys\n\n", "bold")]
        for key, description in self.keys:
            lines.append((f"  {key:<16}", "bold"))
            lines.append(f"{description}\n")
        lines.append("\nctrl+p opens the command palette with every action by name.\n")
        with VerticalScroll():
            yield Static(Content.assemble(*lines), markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
