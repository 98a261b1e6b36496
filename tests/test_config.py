"""The event config: typed, validated once, mistakes named with file and key."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventdesk.config import load_config
from eventdesk.errors import UserError

GOOD = """
[event]
name = "Test Event"
timezone = "Europe/London"
start = 2026-10-24T07:00:00
end = 2026-10-25T07:00:00
hashtags = ["#CP24", "polchat"]

[[accounts]]
handle = "TestPolice"
name = "Test Police"

[[accounts]]
handle = "TestCOs"
name = "Chief Officers"
signature = { kind = "initials", ranks = ["ACC", "DCC"] }

[paths]
db = "event.db"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "event.toml"
    path.write_text(text)
    return path


def test_good_config_loads_with_zone_aware_window_and_relative_paths(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    # 25 October 2026 is the last Sunday of October: BST ends during this event.
    assert config.event.start_utc == datetime(2026, 10, 24, 6, 0, tzinfo=UTC)
    assert config.event.end_utc == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    assert config.tracked == {"cp24", "polchat"}
    assert config.handles == {"testpolice", "testcos"}
    assert config.paths.db == tmp_path / "event.db"
    assert config.account("@testcos").signature.problem("ACC MJ: on patrol") is None
    assert "rank and initials" in config.account("TestCOs").signature.problem("on patrol")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('name = "Test Event"', 'name = "Test Event"\ncolour = "blue"'),
            "unknown key 'event.colour'",
        ),
        (("[paths]", '[paths]\ncache = "x"'), "unknown key 'paths.cache'"),
        (('"Europe/London"', '"Europe/Londn"'), "key 'event.timezone': unknown time zone"),
        (('"Europe/London"', '"localtime"'), "'localtime' is this machine's own zone; name"),
        (('hashtags = ["#CP24", "polchat"]', 'hashtags = ["#CP24", "pol chat"]'),
         "key 'event.hashtags.1': expected a hashtag: letters, digits or _ (up to 100), '#' "
         "optional, not 'pol chat'"),
        (("end = 2026-10-25T07:00:00", "end = 2026-10-23T07:00:00"), "end must be after start"),
        (('hashtags = ["#CP24", "polchat"]', "hashtags = []"), "key 'event.hashtags'"),
        (('handle = "TestPolice"', 'handle = "Test Police!"'),
         "key 'accounts.0.handle': expected an X handle: 1 to 15 letters, digits or _, not "),
        (('handle = "TestCOs"', 'handle = "testpolice"'), "listed twice"),
        (('kind = "initials"', 'kind = "rank"'), "key 'accounts.1.signature.kind'"),
        (('name = "Test Police"\n', ""), "missing key 'accounts.0.name'"),
        (
            ("[paths]", "[urgency]\npatterns = ['(unclosed']\n[paths]"),
            "not a valid regular expression",
        ),
        (
            # 24 letters and a '!' kept this one busy 2.3 s; each 2 more, three times as long.
            ("[paths]", "[urgency]\npatterns = ['ok', '(\\w+\\s?)+ help']\n[paths]"),
            "key 'urgency.patterns': '(\\\\w+\\\\s?)+ help' repeats a repeat without bound "
            "(like (a+)+), which one crafted post can keep busy for minutes",
        ),
        (
            ("[paths]", "[urgency]\nidioms = ['(\\w+ ?)* killing me']\n[paths]"),
            "key 'urgency.idioms': '(\\\\w+ ?)* killing me' repeats a repeat without bound",
        ),
    ],
)
def test_bad_config_is_refused_naming_file_and_key(tmp_path: Path, change, expected) -> None:
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(UserError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_unreadable_and_invalid_files_are_one_line_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such config file"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(UserError, match="not valid TOML"):
        load_config(write(tmp_path, "[event\nname="))
    with pytest.raises(UserError, match="is a folder"):
        load_config(tmp_path)


def test_desk_sections_default_when_absent_and_load_when_present(tmp_path: Path) -> None:
    bare = load_config(write(tmp_path, GOOD))
    assert bare.operators == () and bare.desk.lease_seconds == 10
    assert bare.desk.claim_expiry == 120
    config = load_config(write(tmp_path, GOOD + """
[[teams]]
key = "night-shift"
name = "Night shift"

[[operators]]
login = "mjones"
name = "Megan Jones"
initials = "MJ"
rank = "ACC"
team = "night-shift"

[[canned_replies]]
key = "danger"
title = "Call 999"
text = "If you are in danger now, call 999."
urgent_first = true

[desk]
lease_seconds = 6
"""))  # fmt: skip
    assert config.operators[0].team == "night-shift" and config.canned_replies[0].urgent_first
    assert config.desk.lease_seconds == 6


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[[operators]]\nlogin = "a"\nname = "A"\nteam = "nope"\n', "no [[teams]] key 'nope'"),
        ('[[operators]]\nlogin = "a"\nname = "A"\ninitials = "mj"\n',
         "key 'operators.0.initials': expected initials: 2 or 3 capital letters, not 'mj'"),
        ('[[canned_replies]]\nkey = "k"\ntitle = "T"\ntext = "' + "x" * 281 + '"\n',
         "longer than X allows (281 of 280)"),
        ("[desk]\nlease = 5\n", "unknown key 'desk.lease'"),
    ],
)  # fmt: skip
def test_desk_section_mistakes_are_named(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(UserError, match=re.escape(message)):
        load_config(write(tmp_path, GOOD + extra))
