"""PaneQueries: what the active pane lists, as actions an App mixes in.

The sentiment, account, flagged, queue, urgent and order filters and the search bar
change the active pane's query (`_requery`); its rows are read anew from SQLite
(`tui.data.StoragePane`). While the operator types a search, its first page is read
ahead. The App provides `db`, `counts_db` and `keys_db` (None until open),
`settings`, `panes`, `active`, `search_bar`, `_active_posts`, `_list_of` and `_titles`,
and routes the search bar's messages to `search_typed` and `search_done` (Textual
finds `@on` handlers only on the App's own class, not on a plain mixin).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import work

from eventdesk.identity import operator_for
from storage import Database
from storage.panes import PaneQuery
from tui.data import ReadAhead, StoragePane
from widgets.desk_footer import DeskFooter
from widgets.desk_pane import DeskPane
from widgets.post_list import PAGE, PostList
from widgets.quiet_focus import focus_quietly
from widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from textual.app import App

    from tui.settings import DeskSettings
    from widgets.run_of_show_pane import RunOfShowPane
    from widgets.schedule_list import ScheduleList

    _Base = App[Any]
else:
    _Base = object

SENTIMENT_CYCLE = (None, "negative", "neutral", "positive")
REQUERY_LINGER = 0.25  # seconds a new filter's title waits for its first rows
READ_AHEAD_PAUSE = 0.05  # seconds of no typing in the search bar before its first page is read


class PaneQueries(_Base):
    """The active pane's filters and search."""

    db: Database | None
    counts_db: Database | None
    keys_db: Database | None
    settings: DeskSettings
    active: int
    search_bar: SearchBar
    _queries: dict[int, PaneQuery]
    _ahead: ReadAhead | None = None  # the search being typed: its first page

    if TYPE_CHECKING:

        @property
        def panes(self) -> list[DeskPane | RunOfShowPane]: ...
        def _active_posts(self) -> DeskPane | None: ...
        def _list_of(self, index: int) -> PostList | ScheduleList: ...
        def _titles(self) -> None: ...

    def _pane_data(self, query: PaneQuery) -> StoragePane:
        assert self.db is not None
        ahead, self._ahead = self._ahead, None
        if ahead is not None and not ahead.fresh_for(query):
            ahead.drop()
            ahead = None
        return StoragePane(self.db, query, self.counts_db, self.keys_db, ahead)

    def _requery(self, **changes: Any) -> None:
        """The active pane with its query changed. Its title (the filters) changes with
        the first rows, in the same paint, and the search bar, if it waits, closes with
        them; or after REQUERY_LINGER if the rows are slow to come."""
        pane = self.panes[self.active]
        assert isinstance(pane, DeskPane)
        query = replace(self._queries[self.active], **changes)
        self._queries[self.active] = query
        filters = []
        if query.sentiment:
            filters.append({"negative": "▼", "neutral": "●", "positive": "▲"}[query.sentiment])
        if query.urgent_only:
            filters.append("urgent only")
        if query.account:
            filters.append(f"@{query.account}")
        if query.flagged_only:
            filters.append("⚑ flagged")
        if query.queue:
            filters.append("→ my queue")
        if query.search:
            filters.append(f"“{query.search}”")
        if query.lane == "inbox":
            filters.append("unanswered first" if query.waiting_first else "newest first")

        def show() -> None:
            pane.filters = " ".join(filters)
            self._titles()
            if self.search_bar.closing:
                self.search_bar.close()

        if self.db is None:
            show()
            return
        pane.post_list.replace_data(self._pane_data(query), show)
        self.run_worker(
            self._show_at_latest(pane.post_list),
            name="requery",
            group=f"requery-{self.active}",
            exclusive=True,
            exit_on_error=False,
        )

    async def _show_at_latest(self, post_list: PostList) -> None:
        # A worker that sleeps, not set_timer (see PostList._reload_when_due).
        await asyncio.sleep(REQUERY_LINGER)
        post_list.shown_now()

    def action_cycle_sentiment(self) -> None:
        if self._active_posts() is None:
            return
        following = _next_sentiment(self._queries[self.active].sentiment)
        self._requery(sentiment=following)
        # An operator cycles through the filters to the one wanted, a press or two a
        # second: the next filter's first page is read while this one's is looked at.
        self._read_next_filter(
            replace(self._queries[self.active], sentiment=_next_sentiment(following))
        )

    def action_cycle_account(self) -> None:
        if self._active_posts() is None:
            return
        handles = [None, *(account.handle for account in self.settings.config.accounts)]
        current = self._queries[self.active].account
        self._requery(account=handles[(handles.index(current) + 1) % len(handles)])

    def action_toggle_flagged(self) -> None:
        if self._active_posts() is not None:
            self._requery(flagged_only=not self._queries[self.active].flagged_only)

    def action_toggle_queue(self) -> None:
        if self._active_posts() is None:
            return
        me = operator_for(self.settings.config, self.settings.operator)
        mine = (me.login, *([me.team] if me.team else []))
        self._requery(queue=() if self._queries[self.active].queue else mine)

    def action_toggle_urgent(self) -> None:
        if self._active_posts() is None:
            return
        self._requery(urgent_only=not self._queries[self.active].urgent_only)

    def action_toggle_order(self) -> None:
        if self._active_posts() is not None and self._queries[self.active].lane == "inbox":
            self._requery(waiting_first=not self._queries[self.active].waiting_first)

    def action_search(self) -> None:
        if self._active_posts() is None:
            return
        self.query_one(DeskFooter).covered = True  # the bar lies over the footer's line
        self.search_bar.open(self._queries[self.active].search or "")

    def search_typed(self, value: str) -> None:
        """The search field now holds `value`. When the operator pauses typing, the
        first page for the words so far is read on the key-press connection: Enter then
        shows it without waiting for a read."""
        self._drop_read_ahead()
        words = value.strip()
        if words and self.keys_db is not None:
            self._read_ahead(
                replace(self._queries[self.active], search=words), lambda: self.search_bar.is_open
            )

    def _read_next_filter(self, query: PaneQuery) -> None:
        def still_before_it() -> bool:
            # The pane still shows the filter before it: no pane switch, no other filter
            # or search since.
            now = self._queries.get(self.active)
            return (
                now is not None
                and replace(now, sentiment=_next_sentiment(now.sentiment)) == query
                and not self.search_bar.is_open
            )

        self._read_ahead(query, still_before_it)

    @work(name="read-ahead", group="read-ahead", exclusive=True, exit_on_error=False)
    async def _read_ahead(self, query: PaneQuery, wanted: Callable[[], bool]) -> None:
        """Read `query`'s first page once the keys pause, if it is still `wanted`."""
        await asyncio.sleep(READ_AHEAD_PAUSE)
        if self.keys_db is not None and wanted():
            self._drop_read_ahead()
            self._ahead = ReadAhead.start(self.keys_db, query, PAGE)

    def _drop_read_ahead(self) -> None:
        if self._ahead is not None:
            self._ahead.drop()
            self._ahead = None

    def search_done(self, words: str | None) -> None:
        """The operator left the search bar: with `words` (empty clears the search), or
        None (Escape)."""
        self.query_one(DeskFooter).covered = False  # the list's keys, as they were
        focus_quietly(self._list_of(self.active))
        if words is None:
            self._drop_read_ahead()
            self.search_bar.close()
        else:  # the bar goes with the first rows found (see _requery)
            self._requery(search=words or None)


def _next_sentiment(current: str | None) -> str | None:
    return SENTIMENT_CYCLE[(SENTIMENT_CYCLE.index(current) + 1) % len(SENTIMENT_CYCLE)]
