"""The eventdesk dashboard: three live panes, the detail of the selected post, alarms."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from eventdesk.clock import describe
from eventdesk.desk import Desk, DeskRole
from eventdesk.publishers.dry_run import DryRunPublisher, dry_run_path
from eventdesk.runner import scheduler_role
from eventdesk.sources.base import SourceState
from eventdesk.sources.replay import KEY_PREFIX as REPLAY_KEY
from eventdesk.sources.replay import ReplaySource
from storage import Database, outbox
from storage import panes as queries
from storage.feed import ChangeFeed
from storage.outbox import OutboxState
from storage.panes import PaneQuery
from storage.posts import utc_text
from tui.dialogs import ConfirmScreen
from tui.idle_gc import IdleCollector
from tui.operator_actions import OperatorActions
from tui.pane_queries import PaneQueries
from tui.schedule_actions import RunOfShowActions
from tui.screens import HelpScreen
from tui.settings import DeskSettings
from tui.terminal_watch import TerminalWatch, quit_or_hang_up
from widgets.desk_footer import DeskFooter
from widgets.desk_header import DeskHeader
from widgets.desk_pane import DeskPane
from widgets.post_detail import PostDetail, render_detail
from widgets.post_list import PostList, awaited_rows
from widgets.quiet_focus import QuietScreen, focus_quietly, mark_active
from widgets.run_of_show_pane import RunOfShowPane
from widgets.schedule_list import ScheduleList
from widgets.search_bar import SearchBar
from widgets.urgent_banner import UrgentBanner

# (key, title, lane); the run-of-show pane lists the schedule, not a lane of posts.
PANES = (("stream", "Event stream", "hashtag"), ("show", "Run-of-show", None),
         ("inbox", "Inbox", "inbox"))  # fmt: skip
NARROW = 120  # columns below which the panes become tabs
DESK_RELEASE_SECONDS = 3.0  # the most a closing desk waits to give its lease up
DESK_KEYS_ACTIONS = frozenset({
    "next_pane", "previous_pane", "show_pane", "reply", "flag", "hand_off", "acknowledge",
    "shift_handoff", "outbox", "metrics", "audit", "search", "pause", "cycle_sentiment",
    "toggle_urgent", "cycle_account", "toggle_order", "toggle_flagged", "toggle_queue",
    "pause_all", "postpone_item", "skip_item", "post_item_now", "duplicate_item", "edit_item",
    "add_item",
})  # fmt: skip


class EventDeskApp(PaneQueries, OperatorActions, RunOfShowActions, App[None]):
    """The desk. Reads SQLite and follows its change feed; runs a replay if told to."""

    CSS_PATH = "app.tcss"
    TITLE = "eventdesk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_pane", "Next pane", priority=True),
        Binding("shift+tab", "previous_pane", "Prev pane", priority=True, show=False),
        Binding("1", "show_pane(0)", "Stream", show=False),
        Binding("2", "show_pane(1)", "Run-of-show", show=False),
        Binding("3", "show_pane(2)", "Inbox", show=False),
        Binding("r", "reply", "Reply"),
        Binding("f", "flag", "Flag"),
        Binding("h", "hand_off", "Hand off"),
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("H", "shift_handoff", "Shift handoff"),
        Binding("O", "outbox", "Outbox", show=False),
        Binding("M", "metrics", "Metrics", show=False),
        Binding("A", "audit", "Audit log", show=False),
        # A priority binding: the bar opens, and takes the keys, before the keys typed
        # right after `/` reach the list (see SearchBar.open).
        Binding("slash", "search", "Search", priority=True),
        Binding("p", "pause", "Pause"),
        Binding("s", "cycle_sentiment", "Sentiment", show=False),
        Binding("u", "toggle_urgent", "Urgent only", show=False),
        Binding("c", "cycle_account", "Account", show=False),
        Binding("F", "toggle_flagged", "Flagged only", show=False),
        Binding("m", "toggle_queue", "My queue", show=False),
        Binding("o", "toggle_order", "Inbox order", show=False),
        *RunOfShowActions.RUN_OF_SHOW_BINDINGS,
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]
    KEYS_HELP: ClassVar[list[tuple[str, str]]] = [
        ("tab / shift+tab", "next / previous pane"),
        ("1 2 3", "event stream / run-of-show / inbox"),
        ("j k ↑ ↓", "move the cursor"),
        ("pgup pgdn", "move ten posts"),
        ("g / G", "newest / oldest (g also clears 'N new')"),
        ("enter", "show the post in the detail pane"),
        ("r", "reply to the post (from one of our accounts; confirmed before it is sent)"),
        ("f", "flag the post (risk to life, crime report, follow-up, abuse, …) or unflag"),
        ("h", "hand the post off to a colleague or a team"),
        ("a", "acknowledge the urgent alarm"),
        ("H", "shift handoff: what the next shift inherits; accept it"),
        ("O / M / A", "outbox (settle unknown sends) / desk metrics / audit log"),
        ("/", "search the whole event (this pane)"),
        ("s", "filter by sentiment: all → ▼ → ● → ▲"),
        ("u", "urgent posts only"),
        ("c", "one of our accounts: its posts and posts to it (cycles, then all)"),
        ("F", "flagged posts only (the flagged queue)"),
        ("m", "my queue: posts handed off to me or my team, not done"),
        ("o", "inbox: unanswered first ↔ newest first"),
        ("p", "pause / resume following new posts"),
        ("z x n", "run-of-show item: postpone / skip / post now"),
        ("d e i", "run-of-show item: duplicate / edit / add a new one"),
        ("P", "pause all scheduled posting / resume (asks first)"),
        ("?", "this help"),
        ("q", "quit"),
    ]

    def __init__(self, settings: DeskSettings) -> None:
        super().__init__()
        self.settings = settings
        self.zone = settings.config.event.zone
        self.db: Database | None = None
        self.counts_db: Database | None = None  # the panes' long counts (see StoragePane)
        self.keys_db: Database | None = None  # rows an operator waits for (see StoragePane)
        self.collector = IdleCollector()
        self.active = 0
        self.desk_role = DeskRole.STARTING
        self._desk_failure = ""
        self._desk: Desk | None = None
        self._desk_worker: Worker[None] | None = None
        self._playing: list[ReplaySource] = []  # the demo's replay, while this is the desk
        self._followed: datetime | None = None  # a replay's time, when one feeds the database
        self._terminal_watch: TerminalWatch | None = None
        self._alarm_ids: set[int] = set()
        self.search_bar = SearchBar()
        self._queries = {
            index: PaneQuery(lane=lane, waiting_first=(key == "inbox"))
            for index, (key, _, lane) in enumerate(PANES)
            if lane is not None
        }
        if settings.theme:
            self.theme = settings.theme

    # -- layout ---------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return QuietScreen(id="_default")

    def compose(self) -> ComposeResult:
        # First, though it shows on the last line: Textual numbers the widgets' painting
        # order from the last one laid out, so the bar coming and going renumbers only
        # itself there, and the screen repaints its line, not every widget.
        yield self.search_bar
        yield DeskHeader()
        yield UrgentBanner(id="alarm")
        with Horizontal(id="panes"):
            for key, title, lane in PANES:
                if lane is None:
                    schedule = ScheduleList(zone=self.zone, clock=self.desk_now, id=f"list-{key}")
                    yield RunOfShowPane(schedule, title=title, id=f"pane-{key}")
                else:
                    post_list = PostList(_Empty(), zone=self.zone, id=f"list-{key}")
                    yield DeskPane(title, post_list, id=f"pane-{key}")
        yield PostDetail(id="detail")
        yield DeskFooter()

    @property
    def panes(self) -> list[DeskPane | RunOfShowPane]:
        main = self.screen_stack[0]
        # query_one checks against the union at run time; its stubs take one class only.
        kind: Any = DeskPane | RunOfShowPane
        return [main.query_one(f"#pane-{key}", kind) for key, _, _ in PANES]

    @property
    def post_panes(self) -> list[DeskPane]:
        return [pane for pane in self.panes if isinstance(pane, DeskPane)]

    def _list_of(self, index: int) -> PostList | ScheduleList:
        pane = self.panes[index]
        return pane.post_list if isinstance(pane, DeskPane) else pane.schedule_list

    def _active_posts(self) -> DeskPane | None:
        """The active pane if it lists posts (filters, search and pause apply to it)."""
        pane = self.panes[self.active]
        if isinstance(pane, DeskPane):
            return pane
        self.notify("The run-of-show has no filters: this works on the stream and the inbox.",
                    markup=False)  # fmt: skip
        return None

    def selected_row(self) -> dict[str, Any] | None:
        pane = self.panes[self.active]
        return pane.post_list.current() if isinstance(pane, DeskPane) else None

    def desk_now(self) -> datetime:
        """The desk's time: a replayed event's own clock, else the settings' clock."""
        plan, playing = self.settings.replay, self._playing
        if plan is None:
            return self._followed or self.settings.clock()
        # A replay: its own time; before its first post, the time it jumps to.
        moment = playing[0].event_time() if playing else None
        return moment or plan.fast_until or self.settings.config.event.start_utc

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Pane keys are priority bindings (inside a dialog, tab must move between fields);
        # and a key meant for a dialog must not open another behind it.
        # The desk's own keys do nothing while a dialog is open, nor while the search
        # bar has the keys (tab would leave it open behind).
        if action not in DESK_KEYS_ACTIONS:
            return True
        return not (self.screen.is_modal or self.search_bar.is_open)

    def on_mount(self) -> None:
        self.query_one(DeskHeader).show(
            event=self.settings.config.event.name, operator=self.settings.operator,
            source="opening…",
        )  # fmt: skip
        self._set_active(0)
        self.open_desk()
        # What exists now (modules, the lexicon, the widgets, the stylesheet) lives as
        # long as the app: keep it out of the collector's full passes, which otherwise
        # stalled a key press by ~100 ms every second or two at a million posts.
        gc.freeze()
        # And the full passes over what comes later wait until no one is typing.
        self.collector.start()
        # A desk left without its terminal quits (see tui.terminal_watch).
        loop = asyncio.get_running_loop()
        self._terminal_watch = TerminalWatch.start_if_terminal(
            sys.__stdin__.fileno() if sys.__stdin__ else -1,
            lambda: quit_or_hang_up(lambda: loop.call_soon_threadsafe(self.exit)),
        )
        self.set_interval(1.0, self.collector.tick)

    def on_resize(self) -> None:
        self.screen.set_class(self.size.width < NARROW, "-narrow")
        self._titles()

    @work(name="open-desk", group="storage", exit_on_error=True)
    async def open_desk(self) -> None:
        self.db = await Database.open(self.settings.db_path)
        self.counts_db = await Database.open_reader(self.settings.db_path)
        self.keys_db = await Database.open_reader(self.settings.db_path)
        # Mark the feed's start before the first load, so nothing committed in between
        # is missed.
        feed = ChangeFeed(self.db, interval=0.25)
        await feed.start_from_now()
        for index, query in self._queries.items():
            pane = self.panes[index]
            assert isinstance(pane, DeskPane)
            pane.post_list.replace_data(self._pane_data(query))
        self.load_run_of_show()
        self.set_interval(self.settings.refresh_seconds, self.refresh_status)
        self.refresh_status()
        self.follow_changes(feed)
        if self.settings.take_desk_role:
            self._desk_worker = self.run_desk()

    @work(name="follow-changes", group="storage", exit_on_error=False)
    async def follow_changes(self, feed: ChangeFeed) -> None:
        newest = 0
        async for changes in feed.follow():
            posts = [c for c in changes if c.kind == "posts" and c.first_id is not None]
            kinds = {change.kind for change in changes}
            newest = max([newest, *(pane.post_list.max_id or 0 for pane in self.post_panes)])
            # Posts older than ones already shown (a backfill after a gap) shift rows in
            # the middle of a pane: count those panes again instead of adding.
            late = any(c.first_id <= newest for c in posts)  # type: ignore[operator]
            newest = max([newest, *(c.last_id or 0 for c in posts)])
            if kinds & {"posts", "actions", "outbox", "claims"}:  # new rows, or new marks
                for pane in self.post_panes:
                    pane.post_list.stale(recount=late)  # coalesced by the list itself
            if "schedule" in kinds:
                self.load_run_of_show()
            if kinds - {"posts"}:
                # Arrivals reach the header and alarms on its own interval; an operator's
                # action (an acknowledgement, say) shows at once.
                self.refresh_status()

    @work(name="desk", group="desk", exit_on_error=False)
    async def run_desk(self) -> None:
        """Be the desk process while nobody else is (and take over if the holder dies):
        the demo's replay, the run-of-show scheduler and the outbox sender run here then.
        Sends go to the dry-run publisher, recorded beside the database."""
        settings, plan, playing = self.settings, self.settings.replay, self._playing

        def play(_db: Database) -> ReplaySource:
            assert plan is not None
            playing[:] = [ReplaySource(plan.path, speed=plan.speed, fast_until=plan.fast_until)]
            return playing[0]

        desk = Desk(
            settings.db_path, settings.config,
            publisher=DryRunPublisher(dry_run_path(settings.db_path)),
            operator=settings.operator, source=play if plan is not None else None,
            scheduler=scheduler_role(settings.config, self.desk_now), on_role=self._desk_role,
            clock=self.desk_now if plan is not None else None,
        )  # fmt: skip
        self._desk = desk
        try:
            await desk.run(standby=True)
        except Exception as exc:  # shown as the source's state, never a crash
            self._desk_failure = f"desk failed: {exc}"
            self.refresh_status()

    def _desk_role(self, role: DeskRole, detail: str) -> None:
        self.desk_role = role
        self.refresh_status()

    def _source_text(self) -> str:
        """The header's source state: what this dashboard's desk role is doing."""
        if self._desk_failure:
            return self._desk_failure
        if not self.settings.take_desk_role:
            return "watching the database"
        if self.desk_role is DeskRole.STANDBY:
            return "standby: another process is the desk"
        if self.desk_role is not DeskRole.DESK:
            return self.desk_role.value
        plan, playing = self.settings.replay, self._playing
        if plan is None or not playing:
            return "desk: scheduling and sending"
        source = playing[0]
        speed = "max" if plan.speed is None else f"×{plan.speed:g}"
        if source.state is SourceState.STOPPED:
            return f"replay {speed} · finished"
        lag = f" · lag {source.lag_seconds:.0f}s" if source.lag_seconds else ""
        return f"replay {speed}{lag}"

    # -- status: header and alarms ----------------------------------------------------

    @work(name="status", group="status", exclusive=True, exit_on_error=False)
    async def refresh_status(self) -> None:
        if self.db is None:
            return
        self._show_alarms(await queries.unacknowledged_urgent(self.db))
        if self.screen.is_modal or awaited_rows(self.screen):
            # Behind a dialog only the alarm is worth redrawing: any change under a
            # translucent dialog redraws its whole background. The next refresh after the
            # dialog closes brings the header and titles up to date. Nor while a pane
            # reads the rows an operator waits for: the header's reads and paint would
            # run in their way.
            return
        event = self.settings.config.event
        latest = await queries.latest_time(self.db)
        newest = datetime.fromisoformat(latest.replace("Z", "+00:00")) if latest else None
        if self.settings.replay is None and self.settings.follow_replay:
            self._followed = newest if newest and await self._fed_by_replay() else None
        if newest and (self.settings.replay is not None or self._followed):
            now = newest  # a replay's time: its newest post's
        else:
            now = self.settings.clock()
        since = utc_text(now - timedelta(minutes=5))
        counts = await queries.rates(self.db, since)
        series = await queries.sentiment_series(self.db, utc_text(now - timedelta(hours=6)), 15)
        header = self.query_one(DeskHeader)
        header.show(
            clock=describe(now, event.start_utc, event.end_utc, self.zone),
            rates={"stream": counts["hashtag"] / 5, "inbox": counts["inbox"] / 5},
            mood=[mean + 1 for _, mean, _ in series] or [1.0],
            source=self._source_text(),
        )
        self._titles()

    async def _fed_by_replay(self) -> bool:
        """Whether a replay, not a live source, wrote the database's last checkpoint."""
        assert self.db is not None
        source = await queries.latest_source(self.db)
        return source is not None and source.startswith(REPLAY_KEY)

    def _show_alarms(self, alarms: list[dict[str, Any]]) -> None:
        banner = self.query_one(UrgentBanner)
        when = ""
        if alarms:
            moment = datetime.fromisoformat(alarms[0]["created_at"].replace("Z", "+00:00"))
            when = f"{moment.astimezone(self.zone):%H:%M}"
        banner.show_alarms(alarms, when)
        fresh = {row["id"] for row in alarms} - self._alarm_ids
        if fresh and not self.settings.quiet:
            self.bell()
        self._alarm_ids |= fresh

    def _titles(self) -> None:
        narrow = self.size.width < NARROW
        for index, pane in enumerate(self.panes):
            pane.show_title(f"{index + 1}/{len(PANES)}" if narrow else "")

    # -- panes ------------------------------------------------------------------------

    def _set_active(self, index: int) -> None:
        self.active = index % len(PANES)
        for i, pane in enumerate(self.panes):
            mark_active(pane, i == self.active)
        focus_quietly(self._list_of(self.active))
        self._titles()

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        """A pane's list took the focus some other way (a click): it is the active one."""
        panes = self.panes
        if event.widget.parent in panes and panes.index(event.widget.parent) != self.active:
            self._set_active(panes.index(event.widget.parent))

    def action_next_pane(self) -> None:
        self._set_active(self.active + 1)

    def action_previous_pane(self) -> None:
        self._set_active(self.active - 1)

    def action_show_pane(self, index: int) -> None:
        self._set_active(index)

    @on(PostList.Waiting)
    @on(PostList.Counted)
    def _waiting(self) -> None:
        self._titles()

    @on(PostList.Highlighted)
    @on(PostList.Selected)
    def _show_detail(self, event: PostList.Highlighted | PostList.Selected) -> None:
        if event.row is not None and event.post_list is self._list_of(self.active):
            # After the next paint: the list's own change (its cursor, a search's first
            # rows) shows first, and the detail's five reads and its render follow.
            self.call_after_refresh(self.load_detail, event.row["id"])

    @work(name="detail", group="detail", exclusive=True, exit_on_error=False)
    async def load_detail(self, post_id: int) -> None:
        if self.db is None:
            return
        post = await queries.post(self.db, post_id)
        if post is None:
            return
        thread = await queries.conversation(self.db, post)
        actions = await queries.actions_on(self.db, post_id)
        claim = await queries.claim_on(self.db, post_id)
        conversation = post["conversation_id"] or post["id"]
        replies = await outbox.for_conversation(self.db, conversation)
        ours = [
            {"state": item.state.value, "account": item.account, "text": item.text,
             "operator": item.operator, "remote_id": item.remote_id}
            for item in replies
        ]  # fmt: skip
        detail = render_detail(post, thread, actions, self.zone, claim, ours)
        self.query_one(PostDetail).show(detail)

    # -- actions ----------------------------------------------------------------------

    def action_pause(self) -> None:
        pane = self._active_posts()
        if pane is None:
            return
        pane.post_list.paused = not pane.post_list.paused
        self._titles()

    @on(Input.Changed, "#search-input")
    def _search_typed(self, event: Input.Changed) -> None:
        self.search_typed(event.value)

    @on(SearchBar.Done)
    def _searched(self, event: SearchBar.Done) -> None:
        self.search_done(event.words)

    @work(name="quit", group="dialogs", exit_on_error=False)
    async def action_quit(self) -> None:  # type: ignore[override]  # a worker, as @work makes it
        """Quit, asking first while replies or posts are still waiting to go out."""
        waiting = []
        if self.db is not None:
            waiting = await outbox.in_states(self.db, (OutboxState.PENDING, OutboxState.SENDING))
        if waiting:
            noun = "post is" if len(waiting) == 1 else "posts are"
            question = Content(
                f"{len(waiting)} {noun} still waiting to be sent. Another desk process will "
                "send them if one is running; if this is the desk, they wait until one is. "
                "Quit anyway?"
            )
            if not await self.push_screen_wait(ConfirmScreen(question)):
                return
        self.exit()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.KEYS_HELP))

    @work(name="acknowledge", group="actions", exit_on_error=False)
    async def action_acknowledge(self) -> None:
        banner = self.query_one(UrgentBanner)
        if self.db is None or banner.current is None:
            self.notify("No urgent alarm is waiting.", markup=False)
            return
        post_id = banner.current["id"]
        now = utc_text(self.settings.clock())
        if not await queries.acknowledge(self.db, post_id, self.settings.operator, now):
            self.notify("Someone else acknowledged it already.", markup=False)
        self.refresh_status()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action.startswith(("show_pane", "previous")):
                continue
            yield SystemCommand(
                binding.description, f"{binding.description} (key: {binding.key})",
                lambda action=binding.action: self.run_action(action),
            )  # fmt: skip

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.collector.key_pressed()
        await super().on_event(event)

    async def on_unmount(self) -> None:
        self.collector.stop()
        if self._terminal_watch is not None:
            self._terminal_watch.stop()
        gc.unfreeze()  # what was kept out of the collector's passes may go now
        if self._desk is not None:
            self._desk.stop()  # gives the lease up, so another process can take over at once
        if self._desk_worker is not None:
            # Its task was cancelled as the app closed, and is giving the lease up: that
            # must finish before the event loop ends, or the lease stays held until it
            # runs out and a night shift's desk waits for it.
            with contextlib.suppress(WorkerCancelled, WorkerFailed, TimeoutError):
                await asyncio.wait_for(self._desk_worker.wait(), DESK_RELEASE_SECONDS)
        for db in (self.keys_db, self.counts_db, self.db):
            if db is not None:
                await db.close()


class _Empty:
    """Pane data before the database is open."""

    newest_first = True
    cap = None

    async def count(self, upto_id: int | None = None) -> tuple[int, int | None]:
        return 0, None

    async def count_since(self, after_id: int) -> tuple[int, int | None]:
        return 0, None

    async def window(self, offset: int, limit: int, waited: bool = False) -> list[dict[str, Any]]:
        return []

    async def position(self, row: dict[str, Any]) -> int:
        return 0

    def ready(self, limit: int) -> list[dict[str, Any]] | None:
        return None
