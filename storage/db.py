"""Opening the desk's SQLite database: permissions, pragmas, migrations, transactions."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import stat
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.batch import BUSY_TIMEOUT_MS
from storage.schema import LATEST, MIGRATIONS

# Shared by the operators' group, never by the world. SQLite gives -wal and -shm the
# database file's own mode, so setting it on the main file covers all three.
DB_MODE = 0o660
# Pages of a new database, set rather than left to the library's default. A post's row
# is about 1.3 KB; with 16 KB pages the ingest writer's statements took 37 µs of CPU a
# post instead of 43 (three runs each, 100k demo posts), but the dashboard's search
# and filter keys, which read rows scattered over the event, got slower: Enter's p95
# was 58–61 ms in two runs of three on a million posts, against 43–44 ms with 4 KB
# pages in the same hour (benchmarks.dashboard). The desk's keys come first.
PAGE_SIZE = 4096


class StorageError(Exception):
    """A storage problem the caller should show as one plain line."""


class DatabaseUnavailable(StorageError):
    """The file is missing, unreadable, or not a SQLite database."""


class SchemaTooNew(StorageError):
    """The database was written by a newer eventdesk than this one."""


def _create_file(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o770, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, DB_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, DB_MODE)  # the umask may have taken group bits away
    finally:
        os.close(fd)


def _unwritable(path: Path) -> str | None:
    """Why this user could not write to the database at `path` (None if it can): the
    file itself, or the log and shared-memory files SQLite keeps beside it in WAL
    mode, which it must create in the database's folder if they are not there."""
    if not os.access(path, os.W_OK):
        return "permission denied"
    for suffix in ("-wal", "-shm"):
        beside = Path(f"{path}{suffix}")
        if beside.exists():
            if not os.access(beside, os.W_OK):
                return f"{beside.name} beside it is read-only for you"
        elif not os.access(path.parent, os.W_OK | os.X_OK):
            return (
                f"SQLite must create {beside.name} beside it, and the folder is read-only for you"
            )
    return None


def _readable_without_writing(path: Path) -> bool:
    """Whether SQLite can read the WAL database at `path` without creating anything:
    it needs the -shm file beside it, or a folder it may create that file in."""
    return Path(f"{path}-shm").exists() or os.access(path.parent, os.W_OK | os.X_OK)


def _uri_path(path: Path) -> str:
    """`path` for an SQLite `file:` URI: absolute, with '?', '#' and '%' escaped."""
    from urllib.parse import quote

    return quote(str(path.absolute()), safe="/")


class Database:
    """One aiosqlite connection to the desk's database.

    Writes go through `transaction()`, which takes the write lock up front
    (`BEGIN IMMEDIATE`) so a read-then-write never deadlocks against another process.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self.commits = 0  # commits through this connection; data_version misses these
        self._stop_abandoned = False  # see open_reader
        self._reads = asyncio.Lock()

    @classmethod
    async def open_reader(cls, path: Path | str) -> Database:
        """Another connection to an existing database, for long reads a caller may give
        up on (the count of a pane's matches, superseded by the next key press).

        Its reads run one at a time, and a read whose caller was cancelled is stopped by
        SQLite within a few thousand steps, rather than finished for nobody while the
        reads behind it wait. The desk's other reads never queue behind these.
        """
        db = await cls.open(path, create=False)
        db._stop_abandoned = True
        return db

    @classmethod
    async def open(
        cls, path: Path | str, *, create: bool = True, reads_only: bool = False
    ) -> Database:
        """Open (and, if `create`, make) the database at `path`, migrating it to LATEST.

        A caller that `reads_only` (an export, the rejects) can read a database it may
        not write: it is then opened read-only, as it stands. Any other caller is
        refused one it could not write, before it starts, not at its first write.
        Raises DatabaseUnavailable or SchemaTooNew with a message fit for the user.
        """
        path = Path(path)
        if path.is_dir():
            raise DatabaseUnavailable(f"{path}: is a folder, expected a database file")
        if path.exists() and not path.is_file():
            raise DatabaseUnavailable(f"{path}: is a device or a pipe, expected a database file")
        if not path.exists():
            if not create:
                raise DatabaseUnavailable(f"{path}: no such database")
            try:
                _create_file(path)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"{path}: cannot create the database: {exc.strerror}"
                ) from None
        elif not os.access(path, os.R_OK):
            raise DatabaseUnavailable(f"{path}: cannot read the database (permission denied)")
        problem = _unwritable(path)
        read_only = problem is not None and reads_only
        if problem is not None and not reads_only:
            raise DatabaseUnavailable(f"{path}: cannot write to the database: {problem}")
        if read_only and not _readable_without_writing(path):
            raise DatabaseUnavailable(
                f"{path}: cannot read the database here: SQLite must create {path.name}-shm "
                f"beside it, and the folder is read-only for you (copy the database to a "
                f"folder you can write to, or ask for write access to this one)"
            )
        try:
            target = f"file:{_uri_path(path)}?mode=ro" if read_only else path
            conn = aiosqlite.connect(target, isolation_level=None, uri=read_only)
            # aiosqlite's worker thread is not a daemon: one connection left open by an
            # error path would keep the process alive after main() ends, forever. A
            # committed transaction is safe in the WAL whenever the process stops.
            worker = getattr(conn, "_thread", None)
            if worker is not None:
                worker.daemon = True
            await conn
            conn.row_factory = sqlite3.Row
        except sqlite3.Error as exc:
            raise DatabaseUnavailable(f"{path}: cannot open the database: {exc}") from None
        db = cls(conn, path)
        try:
            if read_only:
                await db._check_version_as_is()
            else:
                await db._configure()
                await db._migrate()
        except sqlite3.OperationalError as exc:  # the disk is full, the file locked, ...
            await conn.close()
            raise DatabaseUnavailable(f"{path}: cannot open the database: {exc}") from None
        except sqlite3.DatabaseError as exc:  # not a database, or a damaged one
            await conn.close()
            raise DatabaseUnavailable(f"{path}: not a usable eventdesk database: {exc}") from None
        except BaseException:
            await conn.close()
            raise
        return db

    async def _configure(self) -> None:
        await self._conn.execute_fetchall(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Before WAL mode, which writes a new database's first page: from then on the
        # size is fixed (this does nothing to a database that has one).
        await self._conn.execute_fetchall(f"PRAGMA page_size = {PAGE_SIZE}")
        mode = await self.scalar("PRAGMA journal_mode = WAL")
        if mode != "wal":
            raise DatabaseUnavailable(f"{self.path}: cannot use WAL mode (got {mode!r})")
        # WAL + NORMAL survives a crash of the process (kill -9); only power loss can
        # roll back the very last commits.
        await self._conn.execute("PRAGMA synchronous = NORMAL")

    async def _check_version_as_is(self) -> None:
        """For a database opened read-only: its schema must be this eventdesk's own,
        since an older one cannot be migrated without writing."""
        await self._conn.execute_fetchall(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = await self._version()
        if version < LATEST:
            raise DatabaseUnavailable(
                f"{self.path}: database schema version {version} is older than this "
                f"eventdesk's ({LATEST}) and read-only for you, so it cannot be upgraded "
                f"(open it once as a user who can write to it)"
            )

    async def _version(self) -> int:
        """The database's schema version; SchemaTooNew if a newer eventdesk wrote it."""
        version = int(await self.scalar("PRAGMA user_version"))
        if version > LATEST:
            raise SchemaTooNew(
                f"{self.path}: database schema version {version} is newer than this "
                f"eventdesk understands ({LATEST}); upgrade eventdesk to open it"
            )
        return version

    async def _migrate(self) -> None:
        version = await self._version()
        if version == LATEST:
            return
        async with self.transaction() as conn:
            # Another process may have migrated between our read and our lock.
            version = await self.scalar("PRAGMA user_version")
            for number in range(version, LATEST):
                await conn.executescript_in_tx(MIGRATIONS[number])
            await conn.execute(f"PRAGMA user_version = {LATEST}")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Tx]:
        """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` if the body raises."""
        async with self._lock:
            # The statements run in aiosqlite's thread whatever happens to the task that
            # awaits them: a task cancelled while BEGIN runs must still end it, or the
            # connection stays inside a transaction and every later one fails.
            try:
                await asyncio.shield(self._conn.execute("BEGIN IMMEDIATE"))
            except asyncio.CancelledError:
                await asyncio.shield(self._rollback_quietly())
                raise
            try:
                yield _Tx(self._conn)
            except BaseException:
                await asyncio.shield(self._rollback_quietly())
                raise
            else:
                await asyncio.shield(self._conn.execute("COMMIT"))
                self.commits += 1

    async def run_sync(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn(connection, *args, **kwargs)` run whole in aiosqlite's thread on this
        database's sqlite3 connection, nothing else using it meanwhile: for a write
        that is one function of plain sqlite3 calls (`storage.batch`), which a
        scoring process also runs on a connection of its own. `fn` owns its
        transaction; a task cancelled while it runs does not stop it."""
        async with self._lock:
            # aiosqlite's own way to run a call in its thread (private; pinned below 1).
            call = self._conn._execute(fn, self._conn._conn, *args, **kwargs)
            result = await asyncio.shield(call)
            self.commits += 1
            return result

    async def _rollback_quietly(self) -> None:
        with contextlib.suppress(sqlite3.Error):  # nothing to roll back: BEGIN failed
            await self._conn.execute("ROLLBACK")

    # Every read runs whole in aiosqlite's thread (`execute_fetchall`) and hands back rows,
    # never an open cursor. A task cancelled just as its cursor arrived keeps that cursor
    # alive in its traceback (Textual keeps a cancelled worker's error), and a cursor with
    # rows left to step holds its read snapshot: from then on every read on the shared
    # connection saw the database as it was, and the desk stopped hearing of new posts.

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        rows = await self.fetchall(sql, params)
        return next((row[0] for row in rows), None)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        if self._stop_abandoned:
            return await self._fetch_or_abandon(sql, tuple(params))
        return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def _fetch_or_abandon(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        abandoned = threading.Event()  # read in aiosqlite's thread, set in this one
        async with self._reads:
            # Called by SQLite every thousand steps of this read; True stops it (the
            # read then fails with "interrupted", which no one is waiting for).
            await self._conn.set_progress_handler(abandoned.is_set, 1000)
            try:
                return list(await self._conn.execute_fetchall(sql, params))
            except asyncio.CancelledError:
                abandoned.set()
                raise

    async def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite's cheap change signal)."""
        return int(await self.scalar("PRAGMA data_version"))

    async def use_cache(self, mebibytes: int) -> None:
        """Let this connection keep up to `mebibytes` of pages in memory (SQLite's own
        default is 2 MiB). A bulk writer gains most: its index pages stay in memory
        instead of being read back for every batch."""
        await self._conn.execute_fetchall(f"PRAGMA cache_size = -{int(mebibytes) * 1024}")

    async def autocheckpoint(self, pages: int) -> None:
        """Let this connection's commits copy the write-ahead log back into the
        database once it holds `pages` pages (SQLite's default: 1,000). An ingest sets
        it far out of the way while a `storage.checkpoints.Checkpointer` does it."""
        await self._conn.execute_fetchall(f"PRAGMA wal_autocheckpoint = {int(pages)}")

    async def close(self) -> None:
        if self._stop_abandoned:
            # A reader only reads: a count still running is stopped, not waited for.
            await self._conn.interrupt()
        await self._conn.close()

    def mode(self) -> int:
        return stat.S_IMODE(self.path.stat().st_mode)


class _Tx:
    """The statements available inside a transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        cursor = await self._conn.execute(sql, tuple(params))
        count = cursor.rowcount
        await cursor.close()
        return count

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> int:
        cursor = await self._conn.executemany(sql, rows)
        count = cursor.rowcount
        await cursor.close()
        return count

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await self._conn.execute_fetchall(sql, tuple(params))]

    async def executescript_in_tx(self, script: str) -> None:
        # executescript() would COMMIT first; run the statements one by one instead.
        for statement in _statements(script):
            await self._conn.execute(statement)


def _statements(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
