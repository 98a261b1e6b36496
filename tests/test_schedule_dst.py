"""An event across the night the clocks go back (Sunday 25 October 2026, Europe/London:
02:00 BST becomes 01:00 GMT) keeps every local time right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from eventdesk.config import EventConfig, parse_config
from eventdesk.eventtime import TimeProblem, local_text, parse_moment, wall_to_utc
from eventdesk.schedule import read_sheet
from storage import Database
from storage.release import mark_enqueued, release_due
from storage.schedule import import_sheet

LONDON = ZoneInfo("Europe/London")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def autumn() -> EventConfig:
    return parse_config({
        "event": {"name": "Autumn 24", "start": datetime(2026, 10, 24, 7),
                  "end": datetime(2026, 10, 25, 7), "hashtags": ["KP24"]},
        "accounts": [{"handle": "KingsmerePolice", "name": "Kingsmere Police"}],
    })  # fmt: skip


def test_the_window_is_25_hours_long(autumn: EventConfig) -> None:
    assert autumn.event.start_utc == utc(2026, 10, 24, 6)  # 07:00 BST
    assert autumn.event.end_utc == utc(2026, 10, 25, 7)  # 07:00 GMT
    assert autumn.event.end_utc - autumn.event.start_utc == timedelta(hours=25)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("07:00", utc(2026, 10, 24, 6, 0)),  # BST, the start
        ("23:30", utc(2026, 10, 24, 22, 30)),  # BST
        ("00:30", utc(2026, 10, 24, 23, 30)),  # still BST after midnight
        ("02:00", utc(2026, 10, 25, 2, 0)),  # GMT: the first moment after the change
        ("06:59", utc(2026, 10, 25, 6, 59)),  # GMT, the last minute
        ("2026-10-25T01:30+01:00", utc(2026, 10, 25, 0, 30)),  # the first 01:30 (BST)
        ("2026-10-25T01:30+00:00", utc(2026, 10, 25, 1, 30)),  # the second 01:30 (GMT)
        ("2026-10-25T00:30Z", utc(2026, 10, 25, 0, 30)),
    ],
)
def test_local_times_become_the_right_moments(autumn, written, expected) -> None:
    assert parse_moment(written, autumn.event) == expected


@pytest.mark.parametrize("written", ["01:30", "2026-10-25 01:30", "01:00", "01:59"])
def test_the_repeated_hour_is_refused_unless_given_an_offset(autumn, written) -> None:
    with pytest.raises(TimeProblem) as caught:
        parse_moment(written, autumn.event)
    message = str(caught.value)
    assert "happens twice in Europe/London (the clocks go back that night)" in message
    assert "+01:00 (BST) or 2026-10-25T" in message and "+00:00 (GMT)" in message


def test_the_missing_hour_in_spring_is_refused() -> None:
    with pytest.raises(TimeProblem, match="does not exist in Europe/London"):
        wall_to_utc(datetime(2026, 3, 29, 1, 30), LONDON)
    assert wall_to_utc(datetime(2026, 3, 29, 2, 30), LONDON) == utc(2026, 3, 29, 1, 30)


def test_local_text_marks_which_of_the_repeated_hours_it_means() -> None:
    first, second = utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)
    assert local_text(first, LONDON) == "2026-10-25T01:30+01:00"
    assert local_text(second, LONDON) == "2026-10-25T01:30+00:00"
    assert local_text(utc(2026, 10, 25, 3), LONDON) == "2026-10-25 03:00"
    # What it writes reads back to the same moment.
    zone_event = parse_config({
        "event": {"name": "x", "start": datetime(2026, 10, 24, 7),
                  "end": datetime(2026, 10, 25, 7), "hashtags": ["KP24"]},
        "accounts": [{"handle": "KingsmerePolice", "name": "K"}],
    }).event  # fmt: skip
    for moment in (first, second):
        assert parse_moment(local_text(moment, LONDON), zone_event) == moment


async def test_items_either_side_of_the_change_go_out_at_their_local_times(
    tmp_path: Path, autumn: EventConfig
) -> None:
    path = tmp_path / "autumn.csv"
    path.write_text(
        "at,account,text\n"
        "00:45,KingsmerePolice,quarter to one BST #KP24\n"
        "2026-10-25T01:30+01:00,KingsmerePolice,first half past one #KP24\n"
        "2026-10-25T01:30+00:00,KingsmerePolice,second half past one #KP24\n"
        "01:30,KingsmerePolice,which one? #KP24\n"
        "03:00,KingsmerePolice,three GMT #KP24\n"
    )
    sheet = read_sheet(path, autumn)
    assert [(p.line, p.column) for p in sheet.problems] == [(5, "at")]
    keys = [slot.key for slot in sheet.slots]
    assert len(set(keys)) == 4  # the two 01:30s have different keys
    db = await Database.open(tmp_path / "e.db")
    try:
        await import_sheet(db, sheet.slots, operator="lead", now=utc(2026, 10, 20))
        released: dict[str, datetime] = {}
        moment = utc(2026, 10, 24, 23, 0)
        while moment <= utc(2026, 10, 25, 3, 0):
            for item in (await release_due(db, moment, timedelta(minutes=10))).due:
                released[item.outgoing.text.split(" #")[0]] = moment
                await mark_enqueued(db, item.key, item.outgoing.key, now=moment)
            moment += timedelta(minutes=5)
        assert released == {
            "quarter to one BST": utc(2026, 10, 24, 23, 45),
            "first half past one": utc(2026, 10, 25, 0, 30),
            "second half past one": utc(2026, 10, 25, 1, 30),
            "three GMT": utc(2026, 10, 25, 3, 0),
        }
    finally:
        await db.close()
