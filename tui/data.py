"""The dashboard's view of storage: pane data backed by SQLite queries."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from storage import Database, panes
from storage.panes import PaneQuery

READ_AHEAD_FRESH = 1.0  # seconds a read-ahead first page may be shown after it was read


@dataclass(frozen=True, slots=True)
class ReadAhead:
    """A search's first page, read while the operator paused typing its words: Enter
    then shows it without reading it again (posts that arrive meanwhile come with the
    pane's next live reload, as for any search)."""

    query: PaneQuery
    limit: int
    rows: asyncio.Future[list[dict[str, Any]]]
    at: float  # time.monotonic() when the read began

    @classmethod
    def start(cls, db: Database, query: PaneQuery, limit: int) -> ReadAhead:
        rows = asyncio.ensure_future(panes.window(db, query, 0, limit))
        return cls(query, limit, rows, time.monotonic())

    def fresh_for(self, query: PaneQuery) -> bool:
        return self.query == query and time.monotonic() - self.at <= READ_AHEAD_FRESH

    def drop(self) -> None:
        """Not wanted after all: a read still running is stopped (Database.open_reader)."""
        self.rows.cancel()


class StoragePane:
    """One pane's rows, straight from SQLite (implements widgets.post_list.PaneData)."""

    def __init__(
        self,
        db: Database,
        query: PaneQuery,
        counts: Database | None = None,
        keys: Database | None = None,
        ahead: ReadAhead | None = None,
    ) -> None:
        """`counts`: where the long reads go (a whole count, a post's position), so that
        the rows a key press waits for never queue behind them (Database.open_reader).
        `keys`: where the rows an operator waits for are read (a new search's first
        page, the page scrolled to), so they never queue behind the live panes' reloads,
        the header's figures or the detail pane's reads on `db`. `ahead`: this query's
        first page, already being read."""
        self.db, self.query = db, query
        self.counts = counts or db
        self.keys = keys or db
        self._ahead = ahead

    @property
    def newest_first(self) -> bool:
        return self.query.newest_first

    @property
    def cap(self) -> int | None:
        return panes.SEARCH_CAP if self.query.search else None

    async def count(self, upto_id: int | None = None) -> tuple[int, int | None]:
        return await panes.count(self.counts, self.query, upto_id=upto_id)

    async def count_since(self, after_id: int) -> tuple[int, int | None]:
        return await panes.count(self.db, self.query, after_id=after_id)

    async def window(self, offset: int, limit: int, waited: bool = False) -> list[dict[str, Any]]:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            if waited and offset == 0 and limit == ahead.limit:
                try:
                    await asyncio.wait([ahead.rows])  # not its errors: read again below
                finally:
                    ahead.drop()  # if this reload was itself cancelled meanwhile
                if not ahead.rows.cancelled() and ahead.rows.exception() is None:
                    return ahead.rows.result()
            else:
                ahead.drop()
        return await panes.window(self.keys if waited else self.db, self.query, offset, limit)

    async def position(self, row: dict[str, Any]) -> int:
        return await panes.position(self.counts, self.query, row)

    def ready(self, limit: int) -> list[dict[str, Any]] | None:
        ahead = self._ahead
        if ahead is None or limit != ahead.limit or not ahead.rows.done():
            return None  # window() waits for a read still running
        self._ahead = None
        if ahead.rows.cancelled() or ahead.rows.exception() is not None:
            return None  # read again
        return ahead.rows.result()
