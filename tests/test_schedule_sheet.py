"""The run-of-show sheet: every problem with its CSV line, before anything is imported."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventdesk.config import EventConfig
from eventdesk.errors import UserError
from eventdesk.paths import bundled
from eventdesk.schedule import read_sheet

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
SIGNED = "ACC MJ: Out with the early turn #KP24"


def write(tmp_path: Path, text: str, name: str = "plan.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def where(sheet) -> list[tuple[int, str | None]]:
    return [(p.line, p.column) for p in sheet.problems]


def test_the_bundled_demo_sheet_validates_cleanly(config: EventConfig) -> None:
    sheet = read_sheet(bundled("demo_run_of_show.csv"), config)
    assert sheet.ok, [str(p) for p in sheet.problems]
    assert len(sheet.slots) == sheet.rows >= 55
    assert {s.account for s in sheet.slots} == {"KingsmerePolice", "KingsmereCOs", "KingsmereAir"}
    assert min(s.at for s in sheet.slots) == config.event.start_utc
    assert max(s.at for s in sheet.slots) < config.event.end_utc
    questions = [s for s in sheet.slots if re.match(r"Q\d: ", s.text)]
    assert [q.text[:2] for q in questions] == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]
    assert all(q.account == "KingsmerePolice" and "#polchat" in q.text for q in questions)
    assert all(13 <= q.at.hour < 14 for q in questions)  # GMT in November: UTC = local


def test_every_problem_is_reported_with_the_line_its_row_starts_on(
    tmp_path: Path, config: EventConfig
) -> None:
    (tmp_path / "notes.jpg").write_text("not a picture")
    big = tmp_path / "big.png"
    with big.open("wb") as handle:
        handle.write(PNG)
        handle.truncate(5 * 1024 * 1024 + 1)
    (tmp_path / "ok.png").write_bytes(PNG)
    (tmp_path / "clip.mp4").write_bytes(MP4)
    long_text = "x" * 258 + " https://example.org/" + "a" * 300  # 258 + 1 + 23 = 282
    path = write(tmp_path, (
        "at,account,text,media,key\n"
        "07:00,KingsmerePolice,\"Good morning,\nKingsmere #KP24\",,launch\n"  # lines 2-3: fine
        "06:30 tomorrow,KingsmerePolice,Bad time #KP24,,\n"                   # 4
        "2026-11-20 07:00,KingsmerePolice,At the very end #KP24,,\n"          # 5: window is [ )
        "08:00,@nobody,Who? #KP24,,\n"                                        # 6
        f"08:10,KingsmerePolice,{long_text},,\n"                              # 7
        "08:20,KingsmereCOs,Unsigned chief officer post #KP24,,\n"            # 8
        "08:30,KingsmerePolice,Pictures #KP24,missing.png;notes.jpg;big.png,\n"  # 9
        "08:40,KingsmerePolice,Two kinds #KP24,ok.png;clip.mp4,\n"            # 10
        "\n"                                                                  # 11: blank, skipped
        "08:50,KingsmerePolice,Again #KP24,,launch\n"                         # 12
        "09:00,KingsmerePolice,Too many cells #KP24,,,surprise\n"             # 13
        "09:10,KingsmereAir,,,\n"                                             # 14
    ))  # fmt: skip
    sheet = read_sheet(path, config)
    assert where(sheet) == [
        (4, "at"), (5, "at"), (6, "account"), (7, "text"), (8, "text"),
        (9, "media"), (9, "media"), (9, "media"), (10, "media"), (12, "key"), (13, None),
        (14, "text"),
    ]  # fmt: skip
    messages = [str(p) for p in sheet.problems]
    assert "outside the event window" in messages[1]
    assert "unknown account 'nobody'; ours are KingsmerePolice" in messages[2]
    assert (
        messages[3].startswith("line 7, text: 282 long as X counts it") and "2 over" in messages[3]
    )
    assert "must start with a rank and initials" in messages[4]
    assert "no such file" in messages[5]
    assert "not a JPEG, PNG, GIF, WebP or MP4 file (by its content)" in messages[6]
    assert "5.0 MB, X takes a image up to 5 MB" in messages[7]
    assert "must be the only attachment" in messages[8]
    assert "same key as line 2" in messages[9]
    assert [s.line for s in sheet.slots] == [2]
    assert sheet.slots[0].text == "Good morning,\nKingsmere #KP24"


def test_x_weighs_links_as_23_and_emoji_as_2(tmp_path: Path, config: EventConfig) -> None:
    url = "https://example.org/" + "a" * 200
    rows = [
        "x" * 256 + " " + url,  # 256 + 1 + 23 = 280: fits although it is 477 characters
        "😀" * 140,  # 280
        "😀" * 141,  # 282
        "x" * 281,
    ]
    body = "".join(f"{7 + i:02d}:00,KingsmerePolice,{text}\n" for i, text in enumerate(rows))
    sheet = read_sheet(write(tmp_path, "at,account,text\n" + body), config)
    assert where(sheet) == [(4, "text"), (5, "text")]


def test_media_named_for_one_type_but_holding_another_is_refused(
    tmp_path: Path, config: EventConfig
) -> None:
    (tmp_path / "photo.jpg").write_bytes(PNG)
    (tmp_path / "photo.png").write_bytes(PNG)
    (tmp_path / "a.jpeg").write_bytes(JPEG)
    path = write(tmp_path, "at,account,text,media\n"
                 "07:00,KingsmerePolice,One #KP24,photo.jpg\n"
                 "07:10,KingsmerePolice,Two #KP24, photo.png ; a.jpeg \n")  # fmt: skip
    sheet = read_sheet(path, config)
    assert where(sheet) == [(2, "media")]
    assert "named .jpg but its content is png" in str(sheet.problems[0])
    assert sheet.slots[0].media == (str(tmp_path / "photo.png"), str(tmp_path / "a.jpeg"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty, expected a header row"),
        (b"   \n\n", "empty, expected a header row"),
        (b"at,account\n07:00,KingsmerePolice\n", "line 1: missing column text"),
        (b"at,text\n", "line 1: missing column account;"),
        (b"text\n", "line 1: missing columns at, account;"),
        (b"at,account,text,colour\n", "line 1: unknown column 'colour'"),
        (b"at,account,text,at\n", "line 1: column 'at' appears twice"),
        (b"at,account,text\n", "no rows under the header"),
        (b"at,account,text\n07:00,KingsmerePolice,caf\xe9\n", "line 2: not UTF-8 text"),
        (b'at,account,text\n07:00,KingsmerePolice,"open quote\n', "line 2: not valid CSV"),
    ],
)
def test_a_file_that_is_not_a_sheet_is_one_plain_error(
    tmp_path: Path, config: EventConfig, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UserError, match="^" + str(path).replace(".", r"\.")) as caught:
        read_sheet(path, config)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_file_or_folder_is_one_plain_error(tmp_path: Path, config) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_sheet(tmp_path / "nope.csv", config)
    with pytest.raises(UserError, match="is a folder"):
        read_sheet(tmp_path, config)
    if os.geteuid() != 0:  # root reads anything
        locked = write(tmp_path, "at,account,text\n")
        locked.chmod(0)
        with pytest.raises(UserError, match="permission denied"):
            read_sheet(locked, config)


def test_a_spreadsheet_byte_order_mark_and_crlf_are_handled(tmp_path: Path, config) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfAt, Account ,TEXT\r\n07:00,kingsmerepolice,Hello #KP24\r\n")
    sheet = read_sheet(path, config)
    assert sheet.ok
    slot = sheet.slots[0]
    assert (slot.account, slot.text) == ("KingsmerePolice", "Hello #KP24")
    assert slot.key == "kingsmerepolice@2026-11-19 07:00"
    assert slot.at == datetime(2026, 11, 19, 7, 0, tzinfo=UTC)


def test_times_of_day_fall_in_the_event_window(tmp_path: Path, config: EventConfig) -> None:
    path = write(tmp_path, "at,account,text\n"
                 "07:00,KingsmerePolice,start #KP24\n"
                 "06:59,KingsmerePolice,last minute #KP24\n"
                 "2026-11-19T12:00:00+01:00,KingsmerePolice,offset #KP24\n"
                 "2026-11-19 23:15,KingsmerePolice,naive date #KP24\n")  # fmt: skip
    sheet = read_sheet(path, config)
    assert [s.at for s in sheet.slots] == [
        datetime(2026, 11, 19, 7, 0, tzinfo=UTC),
        datetime(2026, 11, 20, 6, 59, tzinfo=UTC),
        datetime(2026, 11, 19, 11, 0, tzinfo=UTC),
        datetime(2026, 11, 19, 23, 15, tzinfo=UTC),
    ]
