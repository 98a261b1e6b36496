"""SQLite persistence for the desk: schema and migrations, queries, the change feed.

The only package that speaks SQL. Never imports textual.

`Database` and its errors are loaded on first use (PEP 562): importing the package, as
any of its modules does first, must not bring in aiosqlite and asyncio, so that a
scoring process can make rows with `storage.rows` and start quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.db import Database, DatabaseUnavailable, SchemaTooNew, StorageError

__all__ = ["Database", "DatabaseUnavailable", "SchemaTooNew", "StorageError"]


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from storage import db

    value = getattr(db, name)
    globals()[name] = value  # found here from now on, without this call
    return value
