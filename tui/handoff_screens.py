"""Handing off: one post to a colleague or team, and the whole desk to the next shift.

`HandOffScreen` assigns a post; for an urgent post the operator must tick that it was
passed on by phone, and storage refuses otherwise: that refusal is shown as it is said.
`ShiftHandoffScreen` shows storage.handoff.handoff_report as Content (every stranger's
string through `visible`, nothing parsed as markup), and records a lead note or the
incoming operator's acceptance.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Select, Static

from eventdesk.config import EventConfig
from storage import Database, audit
from storage import actions as acts
from storage import handoff as handoffs
from storage.metrics import desk_metrics
from tui.claiming import claim_or_ask, operator_name
from tui.dialogs import AskScreen, ConfirmScreen
from tui.quote import post_quote
from tui.reports import render_audit, render_handoff, render_metrics


def handoff_targets(config: EventConfig) -> list[tuple[Content, str]]:
    """Operators then teams from the config, as Select options ('op:login', 'team:key')."""
    people = [(Content(o.name), f"op:{o.login}") for o in config.operators]
    teams = [(Content(f"Team: {t.name}"), f"team:{t.key}") for t in config.teams]
    return people + teams


class HandOffScreen(ModalScreen[acts.Assignment | None]):
    """Hand `post` to an operator or a team with a note; dismisses with the assignment."""

    DEFAULT_CSS = """
    HandOffScreen { align: center middle; }
    HandOffScreen > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    HandOffScreen #handoff-post { max-height: 5; color: $text-muted; }
    HandOffScreen #handoff-claim { display: none; background: $warning; color: $text; }
    HandOffScreen #handoff-claim.-shown { display: block; }
    HandOffScreen #handoff-phoned { display: none; }
    HandOffScreen #handoff-phoned.-urgent { display: block; }
    HandOffScreen #handoff-problems { color: $error; text-style: bold; }
    HandOffScreen #handoff-buttons { height: auto; }
    HandOffScreen #handoff-buttons > Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "hand_off", "Hand off", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, post: Mapping[str, Any], config: EventConfig, login: str, db: Database
    ) -> None:
        super().__init__()
        self.post = post
        self.config = config
        self.login = login
        self.db = db
        self._claimed = False
        self._busy = False

    def compose(self) -> ComposeResult:
        urgent = bool(self.post.get("urgent"))
        with Vertical():
            yield Static(post_quote(self.post, "Hand off"), id="handoff-post", markup=False)
            yield Static("", id="handoff-claim", markup=False)
            yield Select(handoff_targets(self.config), prompt="To whom", id="handoff-to")
            yield Input(placeholder="note for them (optional)", id="handoff-note")
            yield Checkbox(
                "I have passed this on by phone",
                id="handoff-phoned",
                classes="-urgent" if urgent else "",
            )
            yield Static("", id="handoff-problems", markup=False)
            with Horizontal(id="handoff-buttons"):
                yield Button("Hand off (ctrl+s)", id="handoff-go", variant="primary")
                yield Button("Cancel", id="handoff-cancel")

    def on_mount(self) -> None:
        self.query_one("#handoff-to", Select).focus()
        self.claim_post()

    @work(name="handoff-claim", group="handoff", exit_on_error=False)
    async def claim_post(self) -> None:
        result = await claim_or_ask(
            self, self.db, self.config, post_id=self.post["id"], login=self.login,
            purpose="handoff",
        )  # fmt: skip
        if result is None:
            self.dismiss(None)
            return
        self._claimed = result.mine
        if not result.mine:
            notice = self.query_one("#handoff-claim", Static)
            notice.update(Content(f"{operator_name(self.config, result.claim.operator)} "
                                  f"has a dialog open on this post"))  # fmt: skip
            notice.add_class("-shown")

    def _problem(self, text: str) -> None:
        self.query_one("#handoff-problems", Static).update(Content(text))

    @on(Button.Pressed, "#handoff-go")
    def _go_pressed(self) -> None:
        self.action_hand_off()

    @work(name="handoff-write", group="handoff-write", exit_on_error=False)
    async def action_hand_off(self) -> None:
        if self._busy:
            return
        target = self.query_one("#handoff-to", Select).value
        if not isinstance(target, str):
            self._problem("choose an operator or a team to hand this to")
            return
        kind, _, name = target.partition(":")
        self._busy = True
        try:
            item = await acts.hand_off(
                self.db, self.post["id"], self.login,
                to_operator=name if kind == "op" else None,
                to_team=name if kind == "team" else None,
                note=self.query_one("#handoff-note", Input).value,
                phoned=self.query_one("#handoff-phoned", Checkbox).value,
            )  # fmt: skip
        except acts.Refused as refused:
            self._problem(str(refused))
            self._busy = False
            return
        await self._close(item)

    @on(Button.Pressed, "#handoff-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @work(name="handoff-cancel", group="handoff-write", exit_on_error=False)
    async def action_cancel(self) -> None:
        await self._close(None)

    async def _close(self, result: acts.Assignment | None) -> None:
        if self._claimed:
            await acts.release_claim(self.db, self.post["id"], self.login)
            self._claimed = False
        self.dismiss(result)


class ReportScreen(ModalScreen[None]):
    """A scrolling report with a status line; closes on Escape, q or Close."""

    DEFAULT_CSS = """
    ReportScreen { align: center middle; }
    ReportScreen > Vertical {
        width: 110; max-width: 100%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ReportScreen VerticalScroll { height: 1fr; }
    ReportScreen .report-status { color: $warning; text-style: bold; height: auto; }
    ReportScreen .report-buttons { height: auto; }
    ReportScreen .report-buttons > Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("r", "reload", "Reload"),
    ]
    BUTTONS: ClassVar[list[tuple[str, str]]] = []  # (label, action) beside Close

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll():
                yield Static(Content("Loading…"), classes="report-body", markup=False)
            yield Static("", classes="report-status", markup=False)
            with Horizontal(classes="report-buttons"):
                for label, action in self.BUTTONS:
                    yield Button(label, name=action)
                yield Button("Close (esc)", name="close")

    def on_mount(self) -> None:
        self.action_reload()

    @on(Button.Pressed)
    async def _pressed(self, event: Button.Pressed) -> None:
        assert event.button.name is not None
        await self.run_action(event.button.name)

    def show(self, content: Content) -> None:
        self.query_one(".report-body", Static).update(content)

    def status(self, text: str) -> None:
        self.query_one(".report-status", Static).update(Content(text))

    def action_reload(self) -> None:
        """Subclasses load and `show` their report."""

    def action_close(self) -> None:
        self.dismiss(None)


class ShiftHandoffScreen(ReportScreen):
    """The shift handoff (key H): the report, a lead note, and accepting the desk.

    `start` (UTC text) is where the report begins when no handoff was accepted yet,
    e.g. the event's start; `clock` gives the desk's now.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "note", "Lead note"),
        Binding("a", "accept", "Accept handoff"),
    ]
    BUTTONS: ClassVar[list[tuple[str, str]]] = [
        ("Add a lead note (n)", "note"),
        ("Accept the handoff (a)", "accept"),
    ]

    def __init__(
        self,
        config: EventConfig,
        db: Database,
        login: str,
        *,
        start: str,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self.config = config
        self.db = db
        self.login = login
        self.start = start
        self.clock = clock
        self.report: handoffs.HandoffReport | None = None

    @work(name="handoff-report", group="handoff-report", exclusive=True, exit_on_error=False)
    async def action_reload(self) -> None:  # type: ignore[override]  # a worker, as @work makes it
        self.report = await handoffs.handoff_report(self.db, start=self.start, now=self.clock())
        self.show(render_handoff(self.report, self.config))

    @work(name="handoff-note", group="handoff-write", exit_on_error=False)
    async def action_note(self) -> None:
        text = await self.app.push_screen_wait(AskScreen(Content("A note for the next shift:")))
        if not text:
            return
        try:
            await handoffs.add_lead_note(self.db, self.login, text)
        except acts.Refused as refused:
            self.status(str(refused))
            return
        self.status("Note added.")
        self.action_reload()

    def _outgoing(self) -> str | None:
        """Who hands over: the latest lead note's author, else whoever took the desk last."""
        assert self.report is not None
        for note in reversed(self.report.notes):
            if note.operator != self.login:
                return note.operator
        last = self.report.last
        return last.to_operator if last and last.to_operator != self.login else None

    @work(name="handoff-accept", group="handoff-write", exit_on_error=False)
    async def action_accept(self) -> None:
        if self.report is None:
            return
        outgoing = self._outgoing() or await self.app.push_screen_wait(
            AskScreen(Content("Taking over the desk from whom (their login)?"))
        )
        if not outgoing:
            return
        name = operator_name(self.config, outgoing)
        if not await self.app.push_screen_wait(
            ConfirmScreen(Content(f"Accept the desk from {name}? This is recorded."))
        ):
            return
        try:
            await handoffs.accept_handoff(self.db, outgoing, self.login)
        except acts.Refused as refused:
            self.status(str(refused))
            return
        self.status(f"Accepted: you have the desk from {name}.")
        self.action_reload()


class MetricsScreen(ReportScreen):
    """Desk metrics since `since`: first response (median, p90), unanswered, replies."""

    def __init__(
        self, config: EventConfig, db: Database, *, since: str, clock: Callable[[], datetime]
    ) -> None:
        super().__init__()
        self.config = config
        self.db = db
        self.since = since
        self.clock = clock

    @work(name="metrics", group="metrics", exclusive=True, exit_on_error=False)
    async def action_reload(self) -> None:  # type: ignore[override]  # a worker, as @work makes it
        figures = await desk_metrics(self.db, since=self.since, now=self.clock())
        title = Content.styled("Desk metrics\n", "bold")
        self.show(title + render_metrics(figures, self.config))


class AuditScreen(ReportScreen):
    """The latest audit entries, literally, under the verdict of audit.verify."""

    PAGE = 1000

    def __init__(self, db: Database, zone: ZoneInfo, latest: int = 200) -> None:
        super().__init__()
        self.db = db
        self.zone = zone
        self.latest = latest

    @work(name="audit", group="audit", exclusive=True, exit_on_error=False)
    async def action_reload(self) -> None:  # type: ignore[override]  # a worker, as @work makes it
        report = await audit.verify(self.db)
        kept: deque[audit.AuditEntry] = deque(maxlen=self.latest)
        after = 0
        while page := await audit.entries(self.db, after_seq=after, limit=self.PAGE):
            kept.extend(page)
            after = page[-1].seq
        self.show(render_audit(list(kept), report, self.zone))
