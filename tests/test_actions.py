"""Flags, hand-offs, claims and the lease, on real files, seen across connections."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from eventdesk.model import Urgency
from storage import Database, audit
from storage import lease as leases
from storage.actions import (
    AssignmentState,
    FlagCategory,
    PhoneConfirmationRequired,
    Refused,
    active_assignments,
    active_claims,
    claim,
    complete,
    flag,
    flagged_queue,
    flags_on,
    hand_off,
    my_queue,
    release_claim,
    take,
    unflag,
)
from storage.feed import ChangeFeed
from storage.posts import write_batch
from tests.test_storage import post

T0 = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
URGENT = Urgency("Life at risk", "help me")


@pytest.fixture
async def db(db_path):
    database = await Database.open(db_path)
    await write_batch(database, [post(1), post(2), post(3, urgency=URGENT)], source="t")
    yield database
    await database.close()


async def test_flag_note_unflag_and_the_flagged_queue(db) -> None:
    await flag(db, 1, FlagCategory.FOLLOW_UP, "mjones", note="ring back at 3", now=T0)
    await flag(db, 2, "abuse", "tokafor", now=T0 + timedelta(minutes=1))
    await flag(db, 1, "crime_report", "tokafor", now=T0 + timedelta(minutes=2))
    queue = await flagged_queue(db)
    assert [(f.post_id, f.category) for f in queue] == [
        (1, FlagCategory.CRIME_REPORT),
        (2, FlagCategory.ABUSE),
        (1, FlagCategory.FOLLOW_UP),
    ]
    assert [f.post_id for f in await flagged_queue(db, "abuse")] == [2]
    assert (await flags_on(db, 1))[0].note == "ring back at 3"
    assert FlagCategory.AMPLIFY.label == "good story to amplify"
    assert await unflag(db, 1, "follow_up", "mjones")
    assert not await unflag(db, 1, "follow_up", "mjones")  # nothing left to take off
    assert [f.category for f in await flags_on(db, 1)] == [FlagCategory.CRIME_REPORT]
    with pytest.raises(ValueError):
        await flag(db, 1, "not-a-category", "mjones")
    with pytest.raises(Refused, match="no post"):
        await flag(db, 99, "abuse", "mjones")
    kinds = [(e.kind, e.operator) for e in await audit.entries(db)]
    assert kinds[-1] == ("unflag", "mjones") and len(kinds) == 4


async def test_hand_off_to_a_team_then_taken_then_done(db) -> None:
    item = await hand_off(db, 1, "mjones", to_team="control-room", note="burglary report")
    assert item.state is AssignmentState.OPEN
    assert [a.id for a in await my_queue(db, "sbrennan", "control-room")] == [item.id]
    assert await my_queue(db, "sbrennan", "press-office") == []
    taken = await take(db, item.id, "sbrennan")
    assert (taken.state, taken.to_operator) == (AssignmentState.ASSIGNED, "sbrennan")
    assert [a.id for a in await my_queue(db, "sbrennan")] == [item.id]
    with pytest.raises(Refused, match="outcome"):
        await complete(db, item.id, "sbrennan", "  ")
    done = await complete(db, item.id, "sbrennan", "crime number KP/123 given")
    assert done.state is AssignmentState.DONE
    assert await active_assignments(db) == []
    with pytest.raises(Refused, match="already done"):
        await take(db, item.id, "mjones")


async def test_handing_on_closes_the_earlier_hand_off(db) -> None:
    first = await hand_off(db, 2, "mjones", to_operator="tokafor")
    second = await hand_off(db, 2, "tokafor", to_team="press-office")
    (active,) = await active_assignments(db)
    assert active.id == second.id
    rows = await db.fetchall("SELECT outcome FROM assignments WHERE id = ?", (first.id,))
    assert rows[0]["outcome"] == "handed on to team press-office"
    with pytest.raises(Refused, match="operator or a team"):
        await hand_off(db, 2, "mjones")


async def test_an_urgent_hand_off_needs_the_phone_confirmation(db) -> None:
    with pytest.raises(PhoneConfirmationRequired, match="by phone"):
        await hand_off(db, 3, "mjones", to_team="control-room")
    assert await active_assignments(db) == []
    item = await hand_off(db, 3, "mjones", to_team="control-room", phoned=True)
    assert item.urgent and item.phoned
    (entry,) = [e for e in await audit.entries(db) if e.kind == "handoff"]
    assert entry.after["phoned"] is True and entry.operator == "mjones"


async def test_a_second_claim_returns_the_holder_and_claims_expire(db) -> None:
    mine = await claim(db, 1, "mjones", "reply", seconds=120, now=T0)
    assert mine.mine
    theirs = await claim(db, 1, "tokafor", "handoff", seconds=120, now=T0 + timedelta(seconds=5))
    assert not theirs.mine and theirs.claim.operator == "mjones" and theirs.claim.purpose == "reply"
    assert [c.operator for c in await active_claims(db, T0 + timedelta(seconds=60))] == ["mjones"]
    assert await active_claims(db, T0 + timedelta(seconds=121)) == []  # stale
    late = await claim(db, 1, "tokafor", "handoff", seconds=120, now=T0 + timedelta(seconds=121))
    assert late.mine
    assert not await release_claim(db, 1, "mjones")  # no longer theirs
    assert await release_claim(db, 1, "tokafor")


async def test_two_dashboards_see_each_others_flags_and_claims_through_the_feed(db_path) -> None:
    one, two = await Database.open(db_path), await Database.open(db_path)
    try:
        await write_batch(one, [post(1)], source="t")
        feed = ChangeFeed(two, interval=0.01)
        await feed.start_from_now()
        follow = feed.follow()
        await flag(one, 1, "abuse", "mjones")
        await claim(one, 1, "mjones", "reply", seconds=120)
        seen = []
        while len(seen) < 2:
            seen += await asyncio.wait_for(follow.__anext__(), 2)
        assert [(c.kind, c.first_id) for c in seen] == [("actions", 1), ("claims", 1)]
        # What the feed announced is there to read on the other connection.
        assert [f.operator for f in await flags_on(two, 1)] == ["mjones"]
        assert [c.operator for c in await active_claims(two)] == ["mjones"]
        await follow.aclose()
    finally:
        await one.close()
        await two.close()


async def test_lease_is_taken_when_free_expired_or_its_holder_is_dead(db) -> None:
    got = await leases.acquire(db, "h:1:a", seconds=10, operator="a", now=T0)
    assert got.holder == "h:1:a"
    refused = await leases.acquire(
        db, "h:2:b", seconds=10, operator="b", now=T0 + timedelta(seconds=5)
    )
    assert refused.holder == "h:1:a"
    assert await leases.heartbeat(db, "h:1:a", seconds=10, now=T0 + timedelta(seconds=6))
    # Renewed at +6: still live at +15, expired at +16.
    still = await leases.acquire(
        db, "h:2:b", seconds=10, operator="b", now=T0 + timedelta(seconds=15)
    )
    assert still.holder == "h:1:a"
    taken = await leases.acquire(
        db, "h:2:b", seconds=10, operator="b", now=T0 + timedelta(seconds=16)
    )
    assert taken.holder == "h:2:b"
    assert not await leases.heartbeat(db, "h:1:a", seconds=10)  # the old holder learns it lost
    # A known-dead holder is replaced at once; naming the wrong one changes nothing.
    wrong = await leases.acquire(db, "h:3:c", seconds=10, operator="c", dead_holder="h:1:a",
                                 now=T0 + timedelta(seconds=17))  # fmt: skip
    assert wrong.holder == "h:2:b"
    right = await leases.acquire(db, "h:3:c", seconds=10, operator="c", dead_holder="h:2:b",
                                 now=T0 + timedelta(seconds=17))  # fmt: skip
    assert right.holder == "h:3:c"
    assert not await leases.release(db, "h:2:b", operator="b")
    assert await leases.release(db, "h:3:c", operator="c")
    assert await leases.current(db) is None
    kinds = [e.kind for e in await audit.entries(db)]
    assert kinds == ["desk.acquire", "desk.acquire", "desk.acquire", "desk.release"]
