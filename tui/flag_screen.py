"""The flag dialog: put one of the six categories on a post, with a note, or take it off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from storage import Database
from storage import actions as acts
from storage.actions import FlagCategory
from tui.quote import post_quote


@dataclass(frozen=True, slots=True)
class FlagChange:
    """What the dialog did: `flagged` False means the category was taken off."""

    post_id: int
    category: FlagCategory
    flagged: bool


class FlagScreen(ModalScreen[FlagChange | None]):
    """Flag `post` (a row from storage.panes.post) as `login`, or unflag it.

    The post's standing flags are listed; choosing one of them enables Unflag.
    """

    DEFAULT_CSS = """
    FlagScreen { align: center middle; }
    FlagScreen > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    FlagScreen #flag-post { max-height: 5; color: $text-muted; }
    FlagScreen #flag-categories { width: 1fr; }
    FlagScreen #flag-problems { color: $error; }
    FlagScreen #flag-buttons { height: auto; }
    FlagScreen #flag-buttons > Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "flag", "Flag", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, post: Mapping[str, Any], login: str, db: Database) -> None:
        super().__init__()
        self.post = post
        self.login = login
        self.db = db
        self.standing: dict[FlagCategory, acts.Flag] = {}
        self._busy = False  # one write per dialog: a double press does not audit twice

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(post_quote(self.post, "Flag"), id="flag-post", markup=False)
            yield Static("", id="flag-standing", markup=False)
            with RadioSet(id="flag-categories"):
                for index, category in enumerate(FlagCategory):
                    yield RadioButton(
                        Content(category.label), value=index == 0, id=f"flag-{category.value}"
                    )
            yield Input(placeholder="note (optional)", id="flag-note")
            yield Static("", id="flag-problems", markup=False)
            with Horizontal(id="flag-buttons"):
                yield Button("Flag (ctrl+s)", id="flag-flag", variant="warning")
                yield Button("Unflag", id="flag-unflag", disabled=True)
                yield Button("Cancel", id="flag-cancel")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()
        self.load_flags()

    @work(name="flag-load", group="flag", exit_on_error=False)
    async def load_flags(self) -> None:
        flags = await acts.flags_on(self.db, self.post["id"])
        self.standing = {item.category: item for item in flags}
        if flags:
            self.query_one("#flag-standing", Static).update(
                Content("Flagged: " + ", ".join(item.category.label for item in flags))
            )
            self.query_one(f"#flag-{flags[0].category.value}", RadioButton).value = True
        self._chosen_changed()

    @property
    def category(self) -> FlagCategory:
        pressed = self.query_one(RadioSet).pressed_button
        assert pressed is not None and pressed.id is not None
        return FlagCategory(pressed.id.removeprefix("flag-"))

    @on(RadioSet.Changed)
    def _chosen_changed(self) -> None:
        """Unflag is offered for a category the post carries; its note is shown to edit."""
        standing = self.standing.get(self.category)
        self.query_one("#flag-unflag", Button).disabled = standing is None
        if standing is not None:
            self.query_one("#flag-note", Input).value = standing.note

    @on(Button.Pressed, "#flag-flag")
    def _flag_pressed(self) -> None:
        self.action_flag()

    @on(Button.Pressed, "#flag-unflag")
    def _unflag_pressed(self) -> None:
        self.unflag()

    @work(name="flag-flag", group="flag-write", exit_on_error=False)
    async def action_flag(self) -> None:
        if self._busy:
            return
        self._busy = True
        category, note = self.category, self.query_one("#flag-note", Input).value
        try:
            await acts.flag(self.db, self.post["id"], category, self.login, note=note)
        except acts.Refused as refused:
            self.query_one("#flag-problems", Static).update(Content(str(refused)))
            self._busy = False
            return
        self.dismiss(FlagChange(self.post["id"], category, flagged=True))

    @work(name="flag-unflag", group="flag-write", exit_on_error=False)
    async def unflag(self) -> None:
        if self._busy:
            return
        self._busy = True
        category = self.category
        await acts.unflag(self.db, self.post["id"], category, self.login)
        self.dismiss(FlagChange(self.post["id"], category, flagged=False))

    @on(Button.Pressed, "#flag-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
