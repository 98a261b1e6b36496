"""OperatorActions: what an operator does to a post or the desk, as actions an App mixes in.

Reply, flag and hand off the post under the active pane's cursor; open the shift
handoff, the outbox, the metrics and the audit log. Each opens its dialog (tui/) over
the desk; the dialogs do the writing. The App provides `db` (None until open),
`settings` (tui.settings.DeskSettings), `zone` and `desk_now`, and overrides
`selected_row`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual import work

from eventdesk.identity import operator_for
from storage import Database
from storage import panes as queries
from storage.posts import utc_text
from tui.compose_screen import ComposeScreen
from tui.flag_screen import FlagScreen
from tui.handoff_screens import AuditScreen, HandOffScreen, MetricsScreen, ShiftHandoffScreen
from tui.outbox_screen import OutboxScreen

if TYPE_CHECKING:
    from textual.app import App

    from tui.settings import DeskSettings

    _Base = App[Any]
else:
    _Base = object


class OperatorActions(_Base):
    """Reply, flag and hand off a post; the shift handoff, outbox, metrics and audit."""

    db: Database | None
    settings: DeskSettings
    zone: ZoneInfo

    if TYPE_CHECKING:

        def desk_now(self) -> datetime: ...  # the App's (a replay's clock, or the settings')

    def selected_row(self) -> dict[str, Any] | None:
        """The post under the active pane's cursor, if it lists posts (the App's panes)."""
        return None

    async def _selected_post(self) -> dict[str, Any] | None:
        """The whole stored post under the active pane's cursor, or a notice why not."""
        row = self.selected_row()
        if row is None or self.db is None:
            self.notify("Select a post in the stream or the inbox first.", markup=False)
            return None
        return await queries.post(self.db, row["id"])

    @work(name="reply", group="dialogs", exit_on_error=False)
    async def action_reply(self) -> None:
        post = await self._selected_post()
        if post is not None and self.db is not None:
            operator = operator_for(self.settings.config, self.settings.operator)
            await self.push_screen_wait(
                ComposeScreen(post, self.settings.config, operator, self.db)
            )

    @work(name="flag", group="dialogs", exit_on_error=False)
    async def action_flag(self) -> None:
        post = await self._selected_post()
        if post is not None and self.db is not None:
            await self.push_screen_wait(FlagScreen(post, self.settings.operator, self.db))

    @work(name="hand-off", group="dialogs", exit_on_error=False)
    async def action_hand_off(self) -> None:
        post = await self._selected_post()
        if post is not None and self.db is not None:
            config, login = self.settings.config, self.settings.operator
            await self.push_screen_wait(HandOffScreen(post, config, login, self.db))

    def action_shift_handoff(self) -> None:
        if self.db is not None:
            self.push_screen(
                ShiftHandoffScreen(
                    self.settings.config,
                    self.db,
                    self.settings.operator,
                    start=utc_text(self.settings.config.event.start_utc),
                    clock=self.desk_now,
                )  # fmt: skip
            )

    def action_outbox(self) -> None:
        if self.db is not None:
            self.push_screen(OutboxScreen(self.settings.config, self.db, self.settings.operator))

    def action_metrics(self) -> None:
        if self.db is not None:
            since = utc_text(self.settings.config.event.start_utc)
            self.push_screen(
                MetricsScreen(self.settings.config, self.db, since=since, clock=self.desk_now)
            )

    def action_audit(self) -> None:
        if self.db is not None:
            self.push_screen(AuditScreen(self.db, self.zone))
