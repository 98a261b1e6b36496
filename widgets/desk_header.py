"""DeskHeader: the event, its clock, the pace of each pane, the mood, the source, the operator."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Sparkline, Static

from eventdesk.text import visible


class DeskHeader(Horizontal):
    """One line at the top of the desk (two on a narrow terminal). Every value is set
    from outside by `show()`."""

    DEFAULT_CSS = """
    DeskHeader {
        height: 1;
        background: $panel;
        color: $text;
        & > .header-row { height: 1; width: auto; }
        & > #header-how { width: 1fr; }
        & #header-event { width: auto; text-style: bold; padding: 0 1; }
        & #header-clock { width: auto; padding: 0 1; color: $text-muted; }
        & #header-rates { width: auto; padding: 0 1; }
        & Sparkline { width: 16; margin: 0 1; }
        & #header-source { width: 1fr; padding: 0 1; text-align: right; }
        & #header-operator { width: auto; padding: 0 1; color: $accent; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        # Two rows side by side; on a narrow terminal (app.tcss) one above the other:
        # what and who, then how the event is going.
        with Horizontal(classes="header-row", id="header-what"):
            yield Static(id="header-event", markup=False)
            yield Static(id="header-clock", markup=False)
            yield Static(id="header-operator", markup=False)
        with Horizontal(classes="header-row", id="header-how"):
            yield Static(id="header-rates", markup=False)
            yield Sparkline([], id="header-mood")
            yield Static(id="header-source", markup=False)

    def show(
        self,
        *,
        event: str | None = None,
        clock: str | None = None,
        rates: dict[str, float] | None = None,
        mood: list[float] | None = None,
        source: str | None = None,
        operator: str | None = None,
    ) -> None:
        """Update the parts given; leave the others as they are. A part that reads the
        same is not redrawn (this runs every second)."""
        if event is not None:
            self._set("#header-event", visible(event, newlines=False))
        if clock is not None:
            self._set("#header-clock", clock)
        if rates is not None:
            text = " ".join(f"{name} {rate:.0f}/min" for name, rate in rates.items())
            self._set("#header-rates", text)
        if mood is not None and mood != self.query_one(Sparkline).data:
            self.query_one(Sparkline).data = mood
        if source is not None:
            self._set("#header-source", source)
        if operator is not None:
            name = visible(operator, newlines=False)
            self._set("#header-operator", f"👤 {name}")

    def _set(self, selector: str, text: str) -> None:
        shown = self._shown.get(selector)
        if text != shown:
            self._shown[selector] = text
            # The parts are one line each: only a new width moves the others, so text of
            # the same width (the clock, most seconds) repaints the part without a layout.
            resized = shown is None or cell_len(text) != cell_len(shown)
            self.query_one(selector, Static).update(Content(text), layout=resized)
