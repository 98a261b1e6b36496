"""Pane queries on a real database: order, windows across the inbox's two parts, search."""

from dataclasses import replace

import pytest

from eventdesk.model import Lane
from storage import Database, actions, panes
from storage.panes import SEARCH_CAP, PaneQuery, fts_terms
from storage.posts import write_batch
from tests.test_storage import post

INBOX = frozenset({Lane.INBOX})
OWN = frozenset({Lane.OWN})


@pytest.fixture
async def db(db_path):
    database = await Database.open(db_path)
    try:
        inbox = [post(i, f"question {i} about a stolen bike", lanes=INBOX) for i in range(1, 11)]
        replies = [post(100 + i, "answered", lanes=OWN, reply_to_id=i) for i in (2, 5, 7)]
        await write_batch(database, inbox + replies, source="t")
        yield database
    finally:
        await database.close()


async def test_inbox_waiting_first_pages_across_both_parts(db) -> None:
    query = PaneQuery(lane="inbox", waiting_first=True)
    everything = [row["id"] for row in await panes.window(db, query, 0, 100)]
    assert everything == [1, 3, 4, 6, 8, 9, 10, 7, 5, 2]
    for offset in range(12):
        for limit in (1, 3, 7):
            page = [row["id"] for row in await panes.window(db, query, offset, limit)]
            assert page == everything[offset : offset + limit]
    for index, post_id in enumerate(everything):
        row = next(r for r in await panes.window(db, query, 0, 100) if r["id"] == post_id)
        assert await panes.position(db, query, row) == index


async def test_an_inbox_window_counts_the_unanswered_only_when_it_lies_past_them(
    db, monkeypatch
) -> None:
    """Counting every unanswered post took tens of milliseconds over a big inbox, on the
    connection every other read waits for: a window that starts among them needs no
    count (where the answered begin follows from what it found)."""
    query = PaneQuery(lane="inbox", waiting_first=True)
    counted = []
    scalar = db.scalar

    async def counting(sql, params=()):
        counted.append(sql)
        return await scalar(sql, params)

    monkeypatch.setattr(db, "scalar", counting)
    assert len(await panes.window(db, query, 0, 200)) == 10  # both parts: no count
    assert len(await panes.window(db, query, 5, 3)) == 3
    assert counted == []
    assert [row["id"] for row in await panes.window(db, query, 8, 5)] == [5, 2]
    assert len(counted) == 1  # past the 7 unanswered: they had to be counted


async def test_newest_first_and_counts(db) -> None:
    query = PaneQuery(lane="inbox")
    assert [row["id"] for row in await panes.window(db, query, 0, 3)] == [10, 9, 8]
    assert await panes.count(db, query) == (10, 10)
    assert await panes.count(db, query, after_id=7) == (3, 10)
    assert await panes.count(db, replace(query, urgent_only=True)) == (0, None)


@pytest.mark.parametrize(
    "query",
    [
        PaneQuery(lane="inbox"),  # from the per-minute totals
        PaneQuery(lane="inbox", sentiment="positive"),  # counted row by row
        PaneQuery(lane="inbox", search="bike"),  # through the search index
    ],
)
async def test_a_count_up_to_an_id_leaves_out_later_posts(db, query) -> None:
    """The rows a pane first shows were read up to their newest post; the count made
    after them stops there too, and posts arriving meanwhile are counted once, later."""
    later = [post(i, f"question {i} about a stolen bike", lanes=INBOX) for i in (11, 12)]
    await write_batch(db, later, source="t")
    assert (await panes.count(db, query))[0] == 12
    assert await panes.count(db, query, upto_id=10) == (10, 10)
    assert await panes.count(db, query, upto_id=4) == (4, 4)
    assert await panes.count(db, query, after_id=10) == (2, 12)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("stolen", 10),
        ("STOLEN bikes", 10),  # any case, and the same word stem
        ("bik", 0),  # only whole words...
        ("bik*", 10),  # ...unless asked for a prefix
        ("question 7", 1),
        ('"bike', 10),  # a stray quote is a character to find, not FTS5 syntax
        ("bike OR NOT", 0),  # operators are words here
        ("[@click=app.quit]", 0),
        ("*", 0),  # punctuation only: looked for literally
    ],
)
async def test_search_finds_words_and_never_breaks(db, words: str, expected: int) -> None:
    total, _ = await panes.count(db, PaneQuery(lane="inbox", search=words))
    assert total == expected
    rows = await panes.window(db, PaneQuery(lane="inbox", search=words), 0, 50)
    assert len(rows) == expected


def test_fts_terms_quote_everything() -> None:
    assert fts_terms('knife "high st" NEAR(x)') == '"knife" "high" "st" "NEAR" "x"'
    assert fts_terms("bik* a*b*") == '"bik"* "a" "b"*'


async def test_search_counts_stop_at_the_cap(db_path) -> None:
    database = await Database.open(db_path)
    try:
        many = [post(i, "same words", lanes=INBOX) for i in range(1, SEARCH_CAP + 50)]
        await write_batch(database, many, source="t")
        total, _ = await panes.count(database, PaneQuery(lane="inbox", search="same"))
        assert total == SEARCH_CAP + 1
    finally:
        await database.close()


async def test_the_flagged_and_my_queue_filters(db) -> None:
    """Only posts with a standing flag, or handed to me (or my team) and not done."""
    await actions.flag(db, 3, "crime_report", "mj")
    await actions.flag(db, 3, "follow_up", "mj")  # two flags: still one post
    await actions.flag(db, 8, "abuse", "mj")
    await actions.flag(db, 9, "abuse", "mj")
    await actions.unflag(db, 9, "abuse", "mj")
    await actions.hand_off(db, 4, "lead", to_operator="mj")
    await actions.hand_off(db, 6, "lead", to_team="cyber")
    await actions.hand_off(db, 7, "lead", to_operator="sam")
    done = await actions.hand_off(db, 5, "lead", to_operator="mj")
    await actions.complete(db, done.id, "mj", "answered by phone")
    flagged = PaneQuery(lane="inbox", flagged_only=True)
    assert [row["id"] for row in await panes.window(db, flagged, 0, 50)] == [8, 3]
    assert await panes.count(db, flagged) == (2, 8)
    queue = PaneQuery(lane="inbox", queue=("mj", "cyber"))
    assert [row["id"] for row in await panes.window(db, queue, 0, 50)] == [6, 4]
    assert await panes.count(db, queue) == (2, 6)
    both = replace(queue, flagged_only=True, search="bike")
    assert await panes.window(db, both, 0, 50) == []
