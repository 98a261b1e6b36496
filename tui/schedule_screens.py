"""Modal screens for the run-of-show controls: postpone, confirm, edit or add, resume review.

Every item's text is shown through `visible` as plain Content, never markup. Every
decision is taken by Enter or `y` and refused by Escape or `n` (or a Cancel button
where the screen has text fields, which take `y` and `n` as letters): Escape alone
can be lost on a slow SSH link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from eventdesk.config import EventConfig
from eventdesk.eventtime import TimeProblem, parse_moment
from eventdesk.runofshow import POSTPONE_MINUTES
from eventdesk.schedule import text_problems
from eventdesk.text import visible
from eventdesk.xtext import LIMIT, weigh
from storage.schedule import ScheduledPost

_TIME_CHARACTERS = r"[0-9:+\- TZ]*"  # HH:MM, a date, an offset; never y or n


def describe(item: ScheduledPost, zone: ZoneInfo, width: int = 120) -> str:
    """'13:40 @KingsmerePolice: text…' on one line, safe to show."""
    text = item.text if len(item.text) <= width else item.text[: width - 1] + "…"
    return visible(f"{item.at.astimezone(zone):%H:%M} @{item.account}: {text}", newlines=False)


_BOX = """
    align: center middle;
    & > Vertical {
        width: 76; max-width: 95%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    & .hint { color: $text-muted; }
"""


@dataclass(frozen=True, slots=True)
class Postpone:
    """What the operator chose: `minutes` later, or `to` a time as typed."""

    minutes: int | None = None
    to: str | None = None


class PostponeScreen(ModalScreen[Postpone | None]):
    """+5 / +15 / +60 minutes, or a time typed as HH:MM (or as the sheet's `at` cells)."""

    DEFAULT_CSS = "PostponeScreen {" + _BOX + "  & OptionList { height: auto; } }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "choose", "Choose", show=True),
        Binding("escape,n", "cancel", "Cancel", show=True),
    ]

    def __init__(self, item: ScheduledPost, zone: ZoneInfo, *, verb: str = "Postpone") -> None:
        super().__init__()
        self.item, self.zone, self.verb = item, zone, verb

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(f"{self.verb}: {describe(self.item, self.zone)}"), markup=False)
            yield OptionList(
                *(Option(Content(f"+{m} min"), id=str(m)) for m in POSTPONE_MINUTES),
                Option(Content("to a time…"), id="time"),
                id="postpone-choices",
            )
            yield Input(placeholder="HH:MM, then Enter", restrict=_TIME_CHARACTERS,
                        id="postpone-time")  # fmt: skip
            yield Static(Content("Enter or y chooses · n or Esc cancels"), classes="hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_id == "time":
            self.query_one(Input).focus()
        elif event.option_id is not None:
            self.dismiss(Postpone(minutes=int(event.option_id)))

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(Postpone(to=event.value.strip()))

    def action_choose(self) -> None:
        choices = self.query_one(OptionList)
        if choices.highlighted is not None:
            choices.action_select()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question about one thing; `detail` (untrusted) is shown literally."""

    DEFAULT_CSS = "ConfirmScreen {" + _BOX + "}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", show=True),
        Binding("n,escape", "answer(False)", "No", show=True),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question, self.detail = question, detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.assemble((self.question, "bold")), markup=False)
            if self.detail:
                yield Static(Content(visible(self.detail)), markup=False, id="confirm-detail")
            yield Static(Content("y or Enter: yes · n or Esc: no"), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


@dataclass(frozen=True, slots=True)
class ItemValues:
    """An item as the operator left the edit screen; `at` as typed."""

    at: str
    account: str
    text: str


class ScheduleEditScreen(ModalScreen[ItemValues | None]):
    """Add an item or edit one: time, account, text, with X's weighted count and the
    account's rules checked as you type. Saving with a problem is refused.

    A text holding control characters is loaded with their visible stand-ins (␛), so
    what the operator sees is exactly what is saved; a text field would otherwise
    send them to the terminal raw.
    """

    DEFAULT_CSS = (
        "ScheduleEditScreen {"
        + _BOX
        + """
        & TextArea { height: 8; }
        & #edit-count { width: auto; }
        & #edit-problems { color: $error; }
        & .-refused #edit-problems { background: $error; color: $text; }
        & Horizontal { height: auto; align-horizontal: right; }
    }"""
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", show=True, priority=True),
        Binding("escape", "cancel", "Cancel", show=True),
    ]

    def __init__(
        self, config: EventConfig, item: ScheduledPost | None = None, *, at: str = ""
    ) -> None:
        super().__init__()
        self.config, self.item = config, item
        zone = config.event.zone
        self.initial = ItemValues(
            at=f"{item.at.astimezone(zone):%H:%M}" if item else at,
            account=item.account if item else config.accounts[0].handle,
            text=visible(item.text) if item else "",
        )

    def compose(self) -> ComposeResult:
        verb = f"Edit {describe(self.item, self.config.event.zone, 60)}" if self.item else "Add"
        handles = [(Content(f"@{a.handle} · {a.name}"), a.handle) for a in self.config.accounts]
        with Vertical():
            yield Static(Content.assemble((verb, "bold")), markup=False)
            yield Input(self.initial.at, placeholder="HH:MM", restrict=_TIME_CHARACTERS,
                        id="edit-at")  # fmt: skip
            yield Select(handles, value=self.initial.account, allow_blank=False, id="edit-account")
            yield TextArea(self.initial.text, soft_wrap=True, id="edit-text")
            yield Static("", id="edit-count", markup=False)
            yield Static("", id="edit-problems", markup=False)
            yield Static(Content("ctrl+s saves · Esc or Cancel closes without saving"),
                         classes="hint")  # fmt: skip
            with Horizontal():
                yield Button(Content("Save"), id="edit-save", variant="primary")
                yield Button(Content("Cancel"), id="edit-cancel")

    def on_mount(self) -> None:
        self.query_one("#edit-text" if self.item else "#edit-at").focus()
        self.check()

    def values(self) -> ItemValues:
        account = self.query_one(Select).value
        return ItemValues(
            at=self.query_one("#edit-at", Input).value.strip(),
            account=account if isinstance(account, str) else self.initial.account,
            text=self.query_one(TextArea).text,
        )

    def problems(self) -> list[str]:
        """What stops these values being saved, in the sheet's words."""
        values = self.values()
        found = []
        try:
            parse_moment(values.at, self.config.event)
        except TimeProblem as exc:
            found.append(f"time: {exc}")
        account = self.config.account(values.account)
        if account is not None:
            found += text_problems(account, values.text)
        return found

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def check(self) -> None:
        """Redraw the weighted count and the problems as the operator types."""
        weighed = weigh(self.query_one(TextArea).text)
        count = f"{weighed.length}/{LIMIT}" + (f" · {weighed.over} over" if weighed.over else "")
        self.query_one("#edit-count", Static).update(Content(count))
        problems = self.problems()
        self.query_one("#edit-problems", Static).update(
            Content(visible("\n".join(problems))) if problems else Content("")
        )
        self.query_one(Vertical).remove_class("-refused")

    @on(Input.Submitted, "#edit-at")
    def _next_field(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#edit-save")
    def action_save(self) -> None:
        if self.problems():
            self.query_one(Vertical).add_class("-refused")
            self.app.bell()
            return
        values = self.values()
        self.dismiss(None if values == self.initial else values)

    @on(Button.Pressed, "#edit-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeReviewScreen(ModalScreen[None]):
    """What fell due while posting was paused (or was missed): each waits for a person."""

    DEFAULT_CSS = (
        "ResumeReviewScreen {" + _BOX + "  & VerticalScroll { height: auto; max-height: 20; } }"
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y,n,escape,q", "close", "Close", show=True),
    ]

    def __init__(self, items: Sequence[ScheduledPost], zone: ZoneInfo) -> None:
        super().__init__()
        self.items, self.zone = list(items), zone

    def compose(self) -> ComposeResult:
        count = len(self.items)
        with Vertical():
            yield Static(Content.assemble(
                ("Scheduled posting resumed. ", "bold"),
                f"{count} item{'s' if count != 1 else ''} fell due meanwhile and will not go "
                "out on their own:",
            ), markup=False)  # fmt: skip
            lines = [f"‼ {describe(item, self.zone, 90)} ({item.hold})" for item in self.items]
            with VerticalScroll():
                yield Static(Content("\n".join(lines)), markup=False, id="review-items")
            yield Static(Content(
                "Post them now one by one from the pane (n), postpone (z) or skip (x)."
            ), markup=False)  # fmt: skip
            yield Static(Content("Enter, y, n or Esc closes"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


def default_time(now: datetime, zone: ZoneInfo) -> str:
    """A new item's suggested time: the first quarter hour at least ten minutes ahead."""
    local = now.astimezone(zone) + timedelta(minutes=10)
    ahead = local + timedelta(minutes=-local.minute % 15)
    return f"{ahead:%H:%M}"
