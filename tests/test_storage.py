"""Storage on real SQLite files: migrations, permissions, batches, checkpoints, odd text."""

import sqlite3
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventdesk.model import Lane, Post, Sentiment, Urgency
from storage import Database, DatabaseUnavailable, SchemaTooNew
from storage.posts import Reject, checkpoint, counts, iter_posts, write_batch
from storage.rows import prepare
from storage.schema import LATEST


def post(post_id: int, text: str = "hello", **changes) -> Post:
    base = Post(
        id=post_id,
        created_at=datetime(2026, 11, 19, 9, 0, tzinfo=UTC),
        author_id="9",
        author_username="someone",
        author_name="Some One",
        text=text,
        hashtags=("KP24",),
        lanes=frozenset({Lane.HASHTAG}),
        sentiment=Sentiment(0.5, 0.4, 0.6, 0.0),
        raw='{"data": {}}',
    )
    return replace(base, **changes)


async def test_new_database_is_migrated_and_in_wal_mode(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        assert await db.scalar("PRAGMA user_version") == LATEST
        assert await db.scalar("PRAGMA journal_mode") == "wal"
        assert await db.scalar("PRAGMA busy_timeout") == 5000
        assert await db.scalar("PRAGMA page_size") == 4096
    finally:
        await db.close()


async def test_a_database_keeps_the_page_size_it_was_made_with(db_path: Path) -> None:
    made = sqlite3.connect(db_path)
    made.execute("PRAGMA page_size = 16384")
    made.execute("CREATE TABLE before_us (x)")
    made.close()
    db = await Database.open(db_path)
    try:
        assert await db.scalar("PRAGMA user_version") == LATEST
        assert await db.scalar("PRAGMA page_size") == 16384
    finally:
        await db.close()


async def test_database_and_wal_files_are_owner_and_group_only(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        await write_batch(db, [post(1)], source="t")
        files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")]
        for file in files:
            mode = stat.S_IMODE(file.stat().st_mode)
            assert mode & 0o007 == 0, f"{file.name} is world-accessible: {oct(mode)}"
            assert mode & 0o060 == 0o060, f"{file.name} is not group read-write: {oct(mode)}"
    finally:
        await db.close()


async def test_migrating_a_version_1_database_keeps_and_backfills(db_path: Path) -> None:
    from storage.schema import MIGRATIONS

    # A database as the first release left it: schema 1 and two posts.
    conn = sqlite3.connect(db_path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    for post_id, minute, lanes in ((1, "09:00", (1, 0, 0)), (2, "09:00", (1, 1, 0))):
        conn.execute(
            "INSERT INTO posts (id, created_at, author_id, author_username, author_name, text, "
            "hashtags, mentions, urls, metrics, in_hashtag, in_inbox, in_own, "
            "sentiment_compound, raw, ingested_at) VALUES (?, ?, '9', 'u', 'U', 'hi', '[]', "
            "'[]', '[]', '{}', ?, ?, ?, 0.5, '{}', 'now')",
            (post_id, f"2026-11-19T{minute}:00.000Z", *lanes),
        )
    conn.commit()
    conn.close()
    db = await Database.open(db_path)
    try:
        assert await db.scalar("PRAGMA user_version") == LATEST
        assert await db.scalar("SELECT count(*) FROM posts") == 2
        assert await db.scalar("SELECT count(*) FROM posts WHERE answered_by IS NULL") == 2
        stats = await db.fetchall("SELECT minute, lane, posts, compound_sum FROM minute_stats")
        assert sorted(tuple(r) for r in stats) == [
            ("2026-11-19T09:00", "hashtag", 2, 1.0),
            ("2026-11-19T09:00", "inbox", 1, 0.5),
        ]
        await write_batch(db, [post(3)], source="t")  # and the new code writes to it
        assert await db.scalar("SELECT count(*) FROM posts") == 3
        # The search index was rebuilt for the old posts and indexes the new one.
        found = await db.fetchall("SELECT rowid FROM posts_fts WHERE posts_fts MATCH 'hi'")
        assert [row[0] for row in found] == [1, 2]
        assert await db.scalar(
            "SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?", (post(3).text.split()[0],)
        ) == 3
    finally:
        await db.close()


async def test_a_newer_schema_is_refused_clearly(db_path: Path) -> None:
    await (await Database.open(db_path)).close()  # create it
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer than this eventdesk understands"):
        await Database.open(db_path)


async def test_unusable_files_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="no such database"):
        await Database.open(tmp_path / "missing.db", create=False)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseUnavailable, match="not a usable eventdesk database"):
        await Database.open(junk)
    with pytest.raises(DatabaseUnavailable, match="is a folder"):
        await Database.open(tmp_path)


async def test_a_database_that_cannot_be_set_up_now_is_not_called_unusable(
    db_path: Path, monkeypatch
) -> None:
    """A database busy past the wait (or a full disk) is a fault of the moment, not of
    the file: the message says it could not be opened, and why."""
    await (await Database.open(db_path)).close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {LATEST - 1}")  # a migration to do, under a lock
    conn.execute("BEGIN IMMEDIATE")  # another process writing all the while
    monkeypatch.setattr("storage.db.BUSY_TIMEOUT_MS", 100)
    try:
        with pytest.raises(DatabaseUnavailable) as refused:
            await Database.open(db_path)
        assert str(refused.value) == f"{db_path}: cannot open the database: database is locked"
    finally:
        conn.close()


async def test_duplicates_are_counted_and_left_as_they_were(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        first = await write_batch(db, [post(1), post(2), post(2)], source="t")
        assert (first.inserted, first.duplicates) == (2, 1)
        second = await write_batch(db, [post(2, "changed"), post(3)], source="t")
        assert (second.inserted, second.duplicates) == (1, 1)
        texts = [row["text"] async for row in iter_posts(db, _all())]
        assert texts == ["hello", "hello", "hello"]
    finally:
        await db.close()


def _all():
    from storage.posts import PostFilter

    return PostFilter()


async def test_checkpoint_and_rejects_commit_with_the_batch(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        await write_batch(db, [post(1)], [Reject(7, "not JSON", "{oops")], source="s",
                          position={"line": 7})  # fmt: skip
        assert await checkpoint(db, "s") == {"line": 7}
        assert await checkpoint(db, "other") is None
        summary = await counts(db)
        assert summary["posts"] == 1 and summary["rejects"] == 1 and summary["hashtag"] == 1
    finally:
        await db.close()


async def test_a_failed_batch_leaves_no_posts_and_no_checkpoint(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        bad = post(2, created_at="not a datetime")  # fails while building the row
        with pytest.raises(AttributeError):
            await write_batch(db, [post(1), bad], source="s", position={"line": 2})
        assert (await counts(db))["posts"] == 0
        assert await checkpoint(db, "s") is None
    finally:
        await db.close()


@pytest.mark.parametrize(
    "text",
    [
        "NUL in the middle \x00 and at the end\x00",
        "[@click=app.quit]x[/] a [/] b [bold red]loud[/]",
        "\x1b[2J\x1b]52;c;aGVsbG8=\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \r\x08",
        "\u202eevil\u202c \u2066iso\u2069 👮🏽\u200d♀️ 警察 مرحبا",
    ],
)
async def test_text_is_stored_exactly(db_path: Path, text: str) -> None:
    db = await Database.open(db_path)
    try:
        name = "N\x00ame \x1b[1m"
        await write_batch(
            db, [post(1, text, author_name=name, author_username=text[:15])], source="t"
        )
        (row,) = [r async for r in iter_posts(db, _all())]
        assert row["text"] == text
        assert row["author_name"] == name
    finally:
        await db.close()


async def test_a_lone_surrogate_never_crashes_storage(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        raw = '{"data": {"id": "1", "text": "half a pair \\ud83d here"}}'
        result = await write_batch(
            db, [post(1, "half a pair \ud83d here", raw=raw, hashtags=("tag\udc00",))], source="t"
        )
        assert result.inserted == 1
        (row,) = [r async for r in iter_posts(db, _all())]
        assert row["text"] == "half a pair \ufffd here"
        assert await db.scalar("SELECT raw FROM posts") == raw  # the exact original survives
    finally:
        await db.close()


async def test_urgency_and_lanes_are_stored(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        urgent = post(5, lanes=frozenset({Lane.INBOX}), urgency=Urgency("Life at risk", "x"))
        await write_batch(db, [urgent], source="t")
        (row,) = [r async for r in iter_posts(db, _all())]
        assert (row["in_inbox"], row["in_hashtag"], row["urgent"]) == (1, 0, 1)
        assert row["urgent_category"] == "Life at risk"
    finally:
        await db.close()


async def test_an_inbox_post_is_answered_whichever_arrives_first(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        inbox = frozenset({Lane.INBOX})
        own = frozenset({Lane.OWN})
        await write_batch(db, [post(10, lanes=inbox)], source="t")
        await write_batch(db, [post(11, reply_to_id=10, lanes=own)], source="t")
        # Our reply first, then (delivered late) the post it answers.
        await write_batch(db, [post(21, reply_to_id=20, lanes=own)], source="t")
        await write_batch(db, [post(20, lanes=inbox), post(30, lanes=inbox)], source="t")
        # Both in one batch, with two replies of ours: the earlier one (lower id) answers it.
        replies = [post(42, reply_to_id=40, lanes=own), post(41, reply_to_id=40, lanes=own)]
        await write_batch(db, [post(40, lanes=inbox), *replies], source="t")
        rows = await db.fetchall("SELECT id, answered_by FROM posts WHERE in_inbox ORDER BY id")
        assert [tuple(r) for r in rows] == [(10, 11), (20, 21), (30, None), (40, 41)]
    finally:
        await db.close()


def test_a_connection_left_open_by_an_error_does_not_keep_the_process_alive(
    db_path: Path,
) -> None:
    import subprocess
    import sys

    script = (
        "import asyncio, sys\n"
        "from storage import Database\n"
        "kept = []\n"
        "async def main():\n"
        f"    kept.append(await Database.open({str(db_path)!r}))\n"
        "    raise RuntimeError('a bug on the way out')\n"
        "try:\n"
        "    asyncio.run(main())\n"
        "except RuntimeError:\n"
        "    sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=30, capture_output=True)
    assert done.returncode == 3, done.stderr


async def test_replies_to_our_posts_are_still_found_by_an_index_at_schema_10(
    db_path: Path,
) -> None:
    db = await Database.open(db_path)
    try:
        indexes = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert "posts_reply_to" not in indexes and "posts_lane_own_replies" in indexes
        plan = await db.fetchall(
            "EXPLAIN QUERY PLAN SELECT min(id), reply_to_id FROM posts WHERE in_own AND "
            "reply_to_id IN (?, ?) GROUP BY reply_to_id",
            (1, 2),
        )
        assert any("posts_lane_own_replies" in row[-1] for row in plan), [r[-1] for r in plan]
    finally:
        await db.close()


async def test_a_version_9_database_loses_only_the_reply_to_index(db_path: Path) -> None:
    from storage.schema import MIGRATIONS

    conn = sqlite3.connect(db_path)
    for script in MIGRATIONS[:9]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 9")
    conn.close()
    db = await Database.open(db_path)
    try:
        await write_batch(db, [post(1), post(2)], source="t")
        assert await db.scalar("PRAGMA user_version") == LATEST == 10
        names = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master")}
        assert "posts_reply_to" not in names and "posts_conversation" in names
        assert await db.scalar("SELECT count(*) FROM posts") == 2
    finally:
        await db.close()


async def test_missing_values_are_stored_as_null_and_look_alikes_are_kept(
    db_path: Path,
) -> None:
    """A row stands in '' for a missing number and 0 for a missing text, which the
    INSERT stores as NULL; real values that look like the stand-ins stay as they are."""
    bare = post(1, sentiment=None, lang=None, conversation_id=None)
    lookalike = post(
        2,
        text="0",
        author_name="",
        sentiment=Sentiment(0.0, 0.0, 1.0, 0.0),
        lang="0",
        in_reply_to_user_id="0",
        reply_to_id=1,
        conversation_id=1,
        urgency=Urgency("0", "0"),
    )
    rows = [prepare(p).row for p in (bare, lookalike)]
    # Nothing but an int, a float or a str reaches sqlite3's binding (see storage.rows).
    assert {type(value) for row in rows for value in row} <= {int, float, str}
    db = await Database.open(db_path)
    try:
        await write_batch(db, [bare, lookalike], source="t")
        first, second = [r async for r in iter_posts(db, _all())]
        nullable = [
            "conversation_id", "in_reply_to_user_id", "reply_to_id", "quote_of_id",
            "repost_of_id", "lang", "sentiment_compound", "sentiment_pos", "sentiment_neu",
            "sentiment_neg", "urgent_category", "urgent_reason",
        ]  # fmt: skip
        assert {key: first[key] for key in nullable} == dict.fromkeys(nullable)
        assert (first["urgent"], first["in_hashtag"], first["in_inbox"]) == (0, 1, 0)
        assert {key: second[key] for key in nullable} == {
            "conversation_id": 1, "in_reply_to_user_id": "0", "reply_to_id": 1,
            "quote_of_id": None, "repost_of_id": None, "lang": "0",
            "sentiment_compound": 0.0, "sentiment_pos": 0.0, "sentiment_neu": 1.0,
            "sentiment_neg": 0.0, "urgent_category": "0", "urgent_reason": "0",
        }  # fmt: skip
        assert (second["text"], second["author_name"], second["urgent"]) == ("0", "", 1)
        types = await db.fetchall(
            "SELECT typeof(lang), typeof(in_reply_to_user_id), typeof(sentiment_compound) "
            "FROM posts ORDER BY id"
        )
        assert [tuple(row) for row in types] == [
            ("null", "null", "null"),
            ("text", "text", "real"),
        ]
    finally:
        await db.close()
