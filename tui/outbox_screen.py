"""The outbox: what we queued and where its sending stands, and settling what is unclear.

A row the desk left `sending` when it stopped is "unknown": it may or may not be on X,
so nothing resends it blindly. A person checks the account on X, then either resends it
(confirmed) or marks it sent with the post's id there. Failed rows can be resent.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from eventdesk.config import EventConfig
from storage import Database, outbox
from storage.actions import Refused
from storage.outbox import OutboxItem, OutboxState
from tui.claiming import operator_name
from tui.dialogs import AskScreen, ConfirmScreen
from tui.reports import EXCERPT, local_time, one_line

STATE_LABEL = {
    OutboxState.PENDING: "pending",
    OutboxState.SENDING: "sending",
    OutboxState.SENT: "sent",
    OutboxState.FAILED: "FAILED",
    OutboxState.UNKNOWN: "unknown — check X",
}


def outbox_row(item: OutboxItem, config: EventConfig, zone: ZoneInfo) -> Content:
    """One row: state, when, account, who, the text (literally), and the error if any."""
    state = STATE_LABEL[item.state]
    style = "bold reverse" if item.state in outbox.SETTLEABLE else ""
    error = f"  ({one_line(item.error)})" if item.error else ""
    remote = f"  x:{item.remote_id}" if item.remote_id else ""
    return Content.assemble(
        (f"{state:<18}", style),
        f" {local_time(item.created_at, zone)} @{item.account} by "
        f"{operator_name(config, item.operator)}: {one_line(item.text)[:EXCERPT]}{remote}{error}",
    )


class OutboxScreen(ModalScreen[None]):
    """Every outbox row, oldest first; `r` resends a failed or unknown row, `m` marks an
    unknown one sent."""

    DEFAULT_CSS = """
    OutboxScreen { align: center middle; }
    OutboxScreen > Vertical {
        width: 120; max-width: 100%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    OutboxScreen #outbox-rows { height: 1fr; }
    OutboxScreen #outbox-status { color: $warning; text-style: bold; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resend", "Resend"),
        Binding("m", "mark_sent", "Mark sent"),
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, config: EventConfig, db: Database, login: str, limit: int = 500) -> None:
        super().__init__()
        self.config = config
        self.db = db
        self.login = login
        self.limit = limit
        self.items: dict[str, OutboxItem] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content.styled("Outbox", "bold"), markup=False)
            yield OptionList(id="outbox-rows")
            yield Static(
                Content("r resend (failed/unknown) · m mark sent (unknown) · esc close"),
                id="outbox-status",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    @work(name="outbox-load", group="outbox-load", exclusive=True, exit_on_error=False)
    async def reload(self) -> None:
        rows = await outbox.in_states(self.db, list(OutboxState), limit=self.limit)
        self.items = {str(item.id): item for item in rows}
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        zone = self.config.event.zone
        option_list.add_options(
            Option(outbox_row(item, self.config, zone), id=str(item.id)) for item in rows
        )
        if rows:
            option_list.highlighted = min(highlighted or 0, len(rows) - 1)

    def status(self, text: str) -> None:
        self.query_one("#outbox-status", Static).update(Content(text))

    @property
    def current(self) -> OutboxItem | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        option = option_list.get_option_at_index(option_list.highlighted)
        return self.items.get(option.id or "")

    @work(name="outbox-resend", group="outbox-write", exit_on_error=False)
    async def action_resend(self) -> None:
        item = self.current
        if item is None or item.state not in outbox.SETTLEABLE:
            self.status("Only a failed or unknown row can be resent.")
            return
        unknown = item.state is OutboxState.UNKNOWN
        warning = " Check X first: it may already be there." if unknown else ""
        question = Content(f"Send this @{item.account} post again?{warning}")
        if not await self.app.push_screen_wait(ConfirmScreen(question)):
            return
        await self._settle(outbox.resend(self.db, item.id, self.login), "queued again")

    @work(name="outbox-mark", group="outbox-write", exit_on_error=False)
    async def action_mark_sent(self) -> None:
        item = self.current
        if item is None or item.state is not OutboxState.UNKNOWN:
            self.status("Only an unknown row can be marked sent.")
            return
        remote = await self.app.push_screen_wait(
            AskScreen(Content("Found it on X? Its post id (digits):"), digits_only=True)
        )
        if not remote:
            return
        await self._settle(outbox.mark_sent(self.db, item.id, self.login, remote), "marked sent")

    async def _settle(self, change: Awaitable[OutboxItem], done: str) -> None:
        try:
            item = await change
        except Refused as refused:
            self.status(str(refused))
        else:
            self.status(f"Row {item.id} {done}.")
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
