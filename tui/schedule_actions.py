"""RunOfShowActions: the lead's run-of-show controls, as actions an App mixes in.

The App provides `db` (None until open) and `settings` (tui.settings.DeskSettings: the
config, the operator's name and the clock) and composes a RunOfShowPane. The item keys
(z x n d e i) are bound in ScheduleList to these `app.` actions, so the footer offers
them only while the run-of-show has the focus; `P` (pause all / resume) is app-wide:
add RUN_OF_SHOW_BINDINGS to the App's BINDINGS. Call `load_run_of_show()` whenever
the change feed reports a 'schedule' change.

Every action that changes the plan asks first, is done by eventdesk.runofshow (which
checks it against the event and refuses anything that could post twice), and a refusal
becomes one error notice, never a crash.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import work
from textual.binding import Binding, BindingType

from eventdesk.errors import UserError
from eventdesk.runofshow import RunOfShow
from eventdesk.text import visible
from storage import Database
from storage.db import StorageError
from storage.release import desk_state
from storage.schedule import ScheduledPost, run_of_show
from tui.schedule_screens import (
    ConfirmScreen,
    ItemValues,
    Postpone,
    PostponeScreen,
    ResumeReviewScreen,
    ScheduleEditScreen,
    default_time,
    describe,
)
from widgets.run_of_show_pane import RunOfShowPane
from widgets.schedule_list import ScheduleList

if TYPE_CHECKING:
    from textual.app import App

    from tui.settings import DeskSettings

    _Base = App[Any]
else:
    _Base = object

T = TypeVar("T")


class RunOfShowActions(_Base):
    """Postpone, skip, post now, duplicate, edit, add, and pause all / resume."""

    RUN_OF_SHOW_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("P", "pause_all", "Pause all / resume"),
    ]

    db: Database | None
    settings: DeskSettings

    def desk_now(self) -> datetime:
        """What time it is on the desk (an App replaying an event returns its time)."""
        return self.settings.clock()

    # -- reading ----------------------------------------------------------------------

    @property
    def run_of_show_pane(self) -> RunOfShowPane:
        """The pane on the main screen (a modal may be on top of it)."""
        return self.screen_stack[0].query_one(RunOfShowPane)

    @work(name="run-of-show", group="run-of-show-load", exclusive=True, exit_on_error=False)
    async def load_run_of_show(self) -> None:
        """Read the whole run-of-show and the pause switch again, and show them."""
        await self._reload()

    async def _reload(self, select: str | None = None) -> None:
        if self.db is None:
            return
        items = await run_of_show(self.db)
        pause = await desk_state(self.db)
        pane = self.run_of_show_pane
        pane.show(items, self.desk_now(), pause)
        listing = pane.schedule_list
        if select is not None and (row := listing.row_of(select)) is not None:
            listing.cursor = row

    def _target(self) -> tuple[RunOfShow, ScheduledPost] | None:
        """The controls and the item under the cursor, or a notice why there is none."""
        if self.db is None:
            self.notify("The run-of-show is not open yet.", markup=False)
            return None
        focused = self.focused
        listing = (
            focused if isinstance(focused, ScheduleList) else self.run_of_show_pane.schedule_list
        )
        item = listing.current()
        if item is None:
            self.notify("No run-of-show item is selected.", markup=False)
            return None
        return self._controls(self.db), item

    def _controls(self, db: Database) -> RunOfShow:
        return RunOfShow(db, self.settings.config, self.desk_now)

    async def _apply(self, change: Awaitable[T], select: str | None = None) -> T | None:
        """Await a change; a refusal becomes an error notice. Then show the result."""
        try:
            result = await change
        except (UserError, StorageError) as exc:
            self.notify(visible(str(exc), newlines=False), severity="error", markup=False)
            return None
        # The change feed says so too; reloading here shows it without waiting.
        await self._reload(select)
        return result

    async def _confirm(self, question: str, item: ScheduledPost | None = None) -> bool:
        detail = "" if item is None else describe(item, self.settings.config.event.zone)
        answer: bool | None = await self.push_screen_wait(ConfirmScreen(question, detail))
        return bool(answer)

    def _told(self, verb: str, item: ScheduledPost) -> None:
        self.notify(f"{verb}: {describe(item, self.settings.config.event.zone, 60)}",
                    markup=False)  # fmt: skip

    # -- the item under the cursor ------------------------------------------------------

    @work(name="postpone", group="run-of-show", exit_on_error=False)
    async def action_postpone_item(self) -> None:
        if (target := self._target()) is None:
            return
        show, item = target
        choice = await self.push_screen_wait(PostponeScreen(item, self.settings.config.event.zone))
        if choice is None:
            return
        operator = self.settings.operator
        moved = await self._apply(
            show.postpone(operator, item.key, minutes=choice.minutes, to=choice.to), item.key
        )
        if moved is not None:
            self._told("Postponed", moved)

    @work(name="skip", group="run-of-show", exit_on_error=False)
    async def action_skip_item(self) -> None:
        if (target := self._target()) is None:
            return
        show, item = target
        if not await self._confirm("Skip this item? It will not be posted.", item):
            return
        if skipped := await self._apply(show.skip(self.settings.operator, item.key)):
            self._told("Skipped", skipped)

    @work(name="post-now", group="run-of-show", exit_on_error=False)
    async def action_post_item_now(self) -> None:
        if (target := self._target()) is None:
            return
        show, item = target
        question = "Post this now? It goes out at the desk's next tick, even while paused."
        if not await self._confirm(question, item):
            return
        if released := await self._apply(show.post_now(self.settings.operator, item.key)):
            self._told("Released to post now", released)

    @work(name="duplicate", group="run-of-show", exit_on_error=False)
    async def action_duplicate_item(self) -> None:
        """A copy at a later time: a copy at the original's (past) time could go out
        at once, so the operator always says when."""
        if (target := self._target()) is None:
            return
        show, item = target
        zone = self.settings.config.event.zone
        choice = await self.push_screen_wait(PostponeScreen(item, zone, verb="Duplicate, later by"))
        if choice is not None:
            copy = await self._apply(self._duplicate(show, item, choice))
            if copy is not None:
                await self._reload(copy.key)
                self._told("Duplicated", copy)

    async def _duplicate(
        self, show: RunOfShow, item: ScheduledPost, choice: Postpone
    ) -> ScheduledPost:
        now = self.desk_now()
        if choice.minutes is not None:
            at = max(item.at, now) + timedelta(minutes=choice.minutes)
        else:
            at = show.moment(choice.to or "")
            if at <= now:
                raise UserError(f"{choice.to} has already passed")
        return await show.duplicate(self.settings.operator, item.key, at)

    @work(name="edit", group="run-of-show", exit_on_error=False)
    async def action_edit_item(self) -> None:
        if (target := self._target()) is None:
            return
        show, item = target
        if not item.changeable:
            self.notify(visible(f"{item.key}: cannot edit an item that is {item.state}",
                                newlines=False), severity="error", markup=False)  # fmt: skip
            return
        screen = ScheduleEditScreen(self.settings.config, item)
        values = await self.push_screen_wait(screen)
        if values is None:
            return
        was = screen.initial
        edited = await self._apply(show.edit(
            self.settings.operator, item.key,
            at=values.at if values.at != was.at else None,
            account=values.account if values.account != was.account else None,
            text=values.text if values.text != was.text else None,
        ), item.key)  # fmt: skip
        if edited is not None:
            self._told("Edited", edited)

    @work(name="add", group="run-of-show", exit_on_error=False)
    async def action_add_item(self) -> None:
        if self.db is None:
            self.notify("The run-of-show is not open yet.", markup=False)
            return
        config = self.settings.config
        at = default_time(self.desk_now(), config.event.zone)
        values: ItemValues | None = await self.push_screen_wait(ScheduleEditScreen(config, at=at))
        if values is None:
            return
        show = self._controls(self.db)
        added = await self._apply(show.add(self.settings.operator, values.at, values.account,
                                           values.text))  # fmt: skip
        if added is not None:
            await self._reload(added.key)
            self._told("Added", added)

    # -- the whole run-of-show ------------------------------------------------------------

    @work(name="pause-all", group="run-of-show", exit_on_error=False)
    async def action_pause_all(self) -> None:
        """Pause all scheduled posting (asks first), or resume it and review what fell due."""
        if self.db is None:
            self.notify("The run-of-show is not open yet.", markup=False)
            return
        show, operator = self._controls(self.db), self.settings.operator
        state = await desk_state(self.db)
        if not state.paused:
            if await self._confirm(
                "Pause ALL scheduled posting? Nothing on the run-of-show goes out until "
                "someone resumes; what falls due meanwhile waits for a decision."
            ):
                await self._apply(show.pause(operator))
            return
        zone = self.settings.config.event.zone
        when = f" at {state.at.astimezone(zone):%H:%M}" if state.at else ""
        by = visible(state.by or "?", newlines=False)
        if not await self._confirm(f"Resume scheduled posting? (paused by {by}{when})"):
            return
        held = await self._apply(show.resume(operator))
        if held:
            await self.push_screen_wait(ResumeReviewScreen(held, self.settings.config.event.zone))
        elif held is not None:
            self.notify("Scheduled posting resumed; nothing fell due meanwhile.", markup=False)
