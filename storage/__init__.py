"""SQLite persistence for the desk: schema and migrations, queries, the change feed.

The only package that speaks SQL. Never imports textual.
"""

from storage.db import Database, DatabaseUnavailable, SchemaTooNew, StorageError

__all__ = ["Database", "DatabaseUnavailable", "SchemaTooNew", "StorageError"]
