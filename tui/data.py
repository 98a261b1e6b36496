"""The dashboard's view of storage: pane data backed by SQLite queries."""

from __future__ import annotations

from typing import Any

from storage import Database, panes
from storage.panes import PaneQuery


class StoragePane:
    """One pane's rows, straight from SQLite (implements widgets.post_list.PaneData)."""

    def __init__(
        self,
        db: Database,
        query: PaneQuery,
        counts: Database | None = None,
        keys: Database | None = None,
    ) -> None:
        """`counts`: where the long reads go (a whole count, a post's position), so that
        the rows a key press waits for never queue behind them (Database.open_reader).
        `keys`: where the rows an operator waits for are read (a new search's first
        page, the page scrolled to), so they never queue behind the live panes' reloads,
        the header's figures or the detail pane's reads on `db`."""
        self.db, self.query = db, query
        self.counts = counts or db
        self.keys = keys or db

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
        return await panes.window(self.keys if waited else self.db, self.query, offset, limit)

    async def position(self, row: dict[str, Any]) -> int:
        return await panes.position(self.counts, self.query, row)
