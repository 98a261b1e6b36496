"""Desk metrics and the shift handoff report, from a small event built through the storage API."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from eventdesk.model import Lane, Urgency
from storage import Database, outbox
from storage import lease as leases
from storage.actions import Refused, hand_off
from storage.handoff import accept_handoff, add_lead_note, handoff_report
from storage.metrics import bucket_label, desk_metrics, p90
from storage.panes import acknowledge
from storage.posts import utc_text, write_batch
from tests.test_storage import post

T0 = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
START = utc_text(datetime(2026, 11, 19, 7, 0, tzinfo=UTC))
INBOX = frozenset({Lane.INBOX})


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def build(db: Database) -> None:
    """Three inbox posts: one answered on X after 5 min, one by the outbox after 20 min,
    one urgent and waiting; an unknown outbox row; a team hand-off; a lead's note."""
    await write_batch(db, [
        post(100, created_at=at(0), lanes=INBOX),
        post(101, created_at=at(10), lanes=INBOX),
        post(102, created_at=at(20), lanes=INBOX, urgency=Urgency("Life at risk", "help"),
         text="[click](http://evil.example) help"),
        post(200, created_at=at(5), lanes=frozenset({Lane.OWN}), reply_to_id=100,
             author_username="KingsmerePolice"),
    ], source="t")  # fmt: skip
    await leases.acquire(db, "h:1:x", seconds=7200, operator="desk", now=at(20))
    reply = await outbox.enqueue(db, key="r1", account="KingsmerePolice", text="On it",
                                 operator="mjones", in_reply_to=101, now=at(25))  # fmt: skip
    await outbox.enqueue(db, key="r2", account="KingsmerePolice", text="Stuck one",
                         operator="tokafor", in_reply_to=100, now=at(26))  # fmt: skip
    assert (await outbox.take_next(db, "h:1:x", now=at(30))).id == reply.item.id
    await outbox.record_sent(db, reply.item.id, "555", now=at(30))
    await outbox.take_next(db, "h:1:x", now=at(31))
    await outbox.recover_sending(db, now=at(32))
    await acknowledge(db, 102, "sbrennan", utc_text(at(21)))
    await hand_off(db, 102, "sbrennan", to_team="control-room", phoned=True, now=at(22))
    await add_lead_note(db, "mjones", "Road closure on the A34 until 18:00", now=at(40))


@pytest.fixture
async def db(db_path):
    database = await Database.open(db_path)
    await build(database)
    yield database
    await database.close()


def test_percentile_and_bucket_labels() -> None:
    assert p90([10, 1, 5, 7, 3, 9, 2, 8, 6, 4]) == 9
    assert p90([42]) == 42
    assert [bucket_label(i) for i in range(4)] == ["<15m", "15m-1h", "1h-4h", "4h+"]


async def test_metrics_first_response_unanswered_ages_and_replies(db) -> None:
    metrics = await desk_metrics(db, since=START, now=at(120))
    assert (metrics.inbox_posts, metrics.answered) == (3, 2)
    assert metrics.median_response_seconds == (300 + 1200) / 2
    assert metrics.p90_response_seconds == 1200
    assert metrics.unanswered_by_age == (("<15m", 0), ("15m-1h", 0), ("1h-4h", 1), ("4h+", 0))
    assert metrics.replies_by_operator == (("mjones", 1),)


async def test_report_gathers_what_the_next_shift_needs(db) -> None:
    report = await handoff_report(db, start=START, now=at(120))
    assert report.since == START and report.last is None
    (urgent,) = report.urgent
    assert urgent.acknowledged_by == "sbrennan" and urgent.assignments[0].phoned
    assert [p.post_id for p in report.unanswered] == [102]
    assert report.unanswered[0].age_seconds == 100 * 60
    assert [(o.key, o.state.value) for o in report.outbox] == [("r2", "unknown")]
    assert [a.to_team for a in report.assignments] == ["control-room"]
    assert [n.text for n in report.notes] == ["Road closure on the A34 until 18:00"]
    assert {v.lane: v.posts for v in report.volume} == {"inbox": 3, "own": 1}
    assert report.schedule == ()


async def test_an_accepted_handoff_starts_the_next_report(db) -> None:
    with pytest.raises(Refused):
        await accept_handoff(db, "mjones", "mjones")
    done = await accept_handoff(db, "mjones", "sbrennan", "all clear", now=at(60))
    report = await handoff_report(db, start=START, now=at(120))
    assert report.last == done and report.since == utc_text(at(60))
    assert report.notes == ()  # the lead's note was before the handoff
    assert report.urgent  # still handed off and not done: carried over
    assert report.metrics.inbox_posts == 0


def test_cli_handoff_markdown(db_path) -> None:
    import asyncio

    async def go() -> None:
        database = await Database.open(db_path)
        try:
            await build(database)
        finally:
            await database.close()

    asyncio.run(go())
    done = subprocess.run(
        [sys.executable, "-m", "eventdesk", "handoff", "--db", str(db_path), "--format", "md",
         "--at", "2026-11-19T11:00"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = done.stdout
    for heading in ("## Notes from the lead", "## Urgent posts and where they stand",
                    "## Open and assigned hand-offs", "## Outbox: not yet sent",
                    "## Unanswered inbox posts", "## Run of show, next 12 hours",
                    "## Volume and sentiment", "## Desk metrics"):  # fmt: skip
        assert heading in text
    assert "seen by Siobhan Brennan; handed to 101 control room (open, phoned)" in text
    assert "unknown — check on X" in text and "by Tunde Okafor" in text
    assert "median 12m, p90 20m" in text
    assert "\\[click\\](http://evil.example)" in text  # strangers' text never becomes a link
    bad = subprocess.run(
        [sys.executable, "-m", "eventdesk", "handoff", "--db", str(db_path), "--at", "teatime"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 2 and "--at" in bad.stderr


async def test_report_lists_the_next_12_hours_of_the_run_of_show(db, config) -> None:
    import io

    from eventdesk.handoff import write_handoff
    from eventdesk.paths import bundled
    from eventdesk.schedule import read_sheet
    from storage.schedule import import_sheet

    sheet = read_sheet(bundled("demo_run_of_show.csv"), config)
    await import_sheet(db, sheet.slots, operator="lead", now=at(0))
    noon = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
    report = await handoff_report(db, start=START, now=noon)
    expected = [slot.key for slot in sheet.slots if noon <= slot.at < noon + timedelta(hours=12)]
    assert expected and [item.key for item in report.schedule] == expected
    out = io.StringIO()
    write_handoff(report, config, out)
    first = next(slot for slot in sheet.slots if slot.key == expected[0])
    assert f"{first.at:%H:%M} @{first.account} planned" in out.getvalue()
