"""The `eventdesk` command: summaries, exports, and one plain line with exit 2 on mistakes."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eventdesk.cli import main
from eventdesk.paths import bundled
from tests.conftest import times, tweet_line, write_lines

OURS = ("1400000000000000001", "KingsmerePolice", "Kingsmere Police")


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main([*map(str, args)])
        raise SystemExit(0)
    out = capsys.readouterr()
    return caught.value.code or 0, out.out, out.err


def polchat(tmp_path: Path) -> Path:
    """A small #polchat hour: a question, answers, our reply, and an unrelated post."""
    t = times(6, step=120)
    q1 = 1861500000000000001
    a1 = 1861500000000000002
    lines = [
        tweet_line("Q1: What would you like to see more of from us online? #polchat", at=t[0],
                   author=OURS, hashtags=("polchat",), post_id=q1),
        tweet_line("A1: More updates about [local] *road* closures <b>please</b> #polchat",
                   at=t[1], hashtags=("polchat",), reply_to=(q1, OURS[0]), post_id=a1),
        tweet_line("@KingsmerePolice A1 - behind the scenes of the control room #polchat",
                   at=t[2], hashtags=("polchat",), reply_to=(q1, OURS[0]),
                   author=("901", "second_person", "Second")),
        tweet_line("@member_of_public Thanks, noted for our roads team #polchat", at=t[3],
                   author=OURS, hashtags=("polchat",), reply_to=(a1, "900"),
                   conversation_id=str(q1)),
        tweet_line("=HYPERLINK(\"http://evil.example\") not a hashtag chat post", at=t[4]),
        tweet_line("Q2: How do you prefer to report non-urgent crime? #polchat", at=t[5],
                   author=OURS, hashtags=("polchat",)),
    ]  # fmt: skip
    return write_lines(tmp_path / "polchat.jsonl", lines)


@pytest.fixture
def loaded(tmp_path, capsys) -> Path:
    db = tmp_path / "e.db"
    code, out, _ = run(
        capsys, "ingest", "--db", db, "--replay", polchat(tmp_path), "--workers", "0"
    )
    assert code == 0
    assert "ingested=6 duplicates=0 ignored=0 rejected=0" in out
    return db


def test_export_jsonl_has_the_contract_fields(loaded, capsys) -> None:
    code, out, _ = run(capsys, "export", "--db", loaded, "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 6
    for field in ("id", "created_at", "author_username", "text", "lanes", "sentiment_compound",
                  "sentiment_label", "urgent", "urgent_reason"):  # fmt: skip
        assert field in records[0]
    assert records[0]["lanes"] == ["hashtag", "own"]
    assert records[1]["text"].startswith("A1: More updates about [local]")


def test_export_filters_by_hashtag_and_time(loaded, capsys) -> None:
    _, out, _ = run(capsys, "export", "--db", loaded, "--hashtag", "#PolChat")
    assert len(out.splitlines()) == 5
    # Naive times are the event's zone (Europe/London, GMT in November).
    _, out, _ = run(capsys, "export", "--db", loaded, "--since", "2026-11-19T09:03",
                    "--until", "2026-11-19T09:09")  # fmt: skip
    assert [json.loads(x)["text"][:3] for x in out.splitlines()] == ["@Ki", "@me", "=HY"]


def test_export_csv_defuses_formulas(loaded, capsys) -> None:
    _, out, _ = run(capsys, "export", "--db", loaded, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 6
    assert rows[4]["text"].startswith("'=HYPERLINK")


HOSTILE = "ok \x1b[2J\x1b]0;pwn\x07 \x9b31m \u202eevil\u202c [bold]x[/] 😀"


@pytest.fixture
def hostile(tmp_path, capsys) -> Path:
    db = tmp_path / "h.db"
    replay = write_lines(tmp_path / "h.jsonl", [tweet_line(HOSTILE)])
    assert run(capsys, "ingest", "--db", db, "--replay", replay, "--workers", "0")[0] == 0
    return db


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\r") or 0x7F <= ord(c) <= 0x9F
            or c in "\u202a\u202b\u202c\u202d\u202e"]  # fmt: skip


def test_jsonl_export_keeps_hostile_text_exact_and_escaped(hostile, capsys) -> None:
    code, out, _ = run(capsys, "export", "--db", hostile, "--format", "jsonl")
    assert code == 0 and _raw_controls(out) == []
    assert json.loads(out)["text"] == HOSTILE


def test_csv_export_is_exact_to_a_file_and_visible_on_a_terminal(
    hostile, capsys, monkeypatch
) -> None:
    _, out, _ = run(capsys, "export", "--db", hostile, "--format", "csv")
    assert next(csv.DictReader(io.StringIO(out)))["text"] == HOSTILE  # a file or a pipe
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    _, out, _ = run(capsys, "export", "--db", hostile, "--format", "csv")
    assert _raw_controls(out) == []
    assert "␛[2J␛]0;pwn␇" in out and "⟨RLO⟩evil⟨PDF⟩" in out and "😀" in out


def test_markdown_transcript_is_threaded_and_literal(loaded, capsys) -> None:
    _, out, _ = run(capsys, "export", "--db", loaded, "--format", "md", "--hashtag", "polchat")
    lines = out.splitlines()
    assert lines[0] == "# Transcript: \\#polchat"
    q1 = next(i for i, line in enumerate(lines) if line.startswith("## 09:00"))
    assert "Q1: What would you like" in lines[q1 + 2]
    answer = lines[q1 + 4]
    assert answer.startswith(
        "- **09:02 @member\\_of\\_public**: A1: More updates about \\[local\\]"
    )
    assert "\\<b\\>please\\</b\\>" in answer
    assert lines[q1 + 5].startswith("  - **09:06 @KingsmerePolice**: @member\\_of\\_public Thanks")
    assert lines[q1 + 6].startswith("- **09:04 @second\\_person**")
    assert any(line.startswith("## 09:10") for line in lines)
    assert "HYPERLINK" not in out


def test_rejects_lists_lines_with_escapes_made_visible(tmp_path, capsys) -> None:
    replay = write_lines(tmp_path / "bad.jsonl", [tweet_line("ok"), "\x1b[2J{oops", "[]"])
    db = tmp_path / "e.db"
    run(capsys, "ingest", "--db", db, "--replay", replay, "--workers", "0")
    code, out, _ = run(capsys, "rejects", "--db", db)
    assert code == 0
    assert out.splitlines()[0].startswith("line 2: not JSON")
    assert "␛[2J{oops" in out and "\x1b" not in out
    assert out.splitlines()[1].startswith("line 3: not a JSON object")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "--db", "{t}/e.db", "--replay", "{t}/missing.jsonl"], "no such replay file"),
        (["ingest", "--db", "{t}/e.db", "--replay", "{t}", "--speed", "x"], "speed must be"),
        (["ingest", "--db", "{t}/e.db", "--replay", "{t}/ok.jsonl", "--config", "{t}/bad.toml"],
         "not valid TOML"),
        (["ingest", "--db", "{t}", "--replay", "{t}/ok.jsonl"], "is a folder"),
        (["export", "--db", "{t}/missing.db"], "no such database"),
        (["export", "--db", "{t}/junk.db"], "not a usable eventdesk database"),
        (["export", "--db", "{t}/e.db", "--format", "pdf"], "'pdf' is not one of"),
        (["export", "--db", "{t}/e.db", "--since", "soon"], "--since: expected a date"),
        (["export", "--db", "{t}/e.db", "--since", "9999-12-31T23:59:59-01:00"],
         "--since: '9999-12-31T23:59:59-01:00' is out of range"),
        (["export", "--db", "{t}/e.db", "--until", "0001-01-01T00:30+01:00"], "is out of range"),
        (["export", "--db", "{t}/e.db", "--since", "2026-11-19T14:00", "--until",
          "2026-11-19T14:00"], "--since 2026-11-19T14:00 is not before --until 2026-11-19T14:00"),
        (["export", "--db", "{t}/e.db", "--since", "2026-11-19T14:00", "--until",
          "2026-11-19T13:00"], "is not before --until 2026-11-19T13:00: nothing is between"),
        (["export", "--db", "/dev/null"], "/dev/null: is a device or a pipe, expected a database"),
        (["ingest", "--db", "/dev/null", "--replay", "{t}/ok.jsonl"], "is a device or a pipe"),
        (["demo", "--posts", "-5"], "'--posts': -5 is not in the range"),
        (["demo", "--theme", "nope"], "--theme: no theme 'nope'; try one of: "),
        (["desk", "--config", "{t}/ok.toml", "--db", "{t}/e.db", "--theme", "nope"],
         "--theme: no theme 'nope'"),
        (["ingest", "--replay", "x"], "Missing option '--db'"),
        (["frobnicate"], "No such command"),
    ],
)  # fmt: skip
def test_user_mistakes_get_one_line_and_exit_code_2(tmp_path, capsys, args, message) -> None:
    write_lines(tmp_path / "ok.jsonl", [tweet_line("fine")])
    (tmp_path / "bad.toml").write_text("[event\n")
    (tmp_path / "ok.toml").write_text(bundled("demo_event.toml").read_text(encoding="utf-8"))
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    code, out, err = run(capsys, *(a.replace("{t}", str(tmp_path)) for a in args))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("eventdesk: ")
    assert message in err
    assert "Traceback" not in err + out


def test_console_script_never_shows_a_traceback(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "eventdesk", "export", "--db", str(tmp_path / "none.db")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == f"eventdesk: {tmp_path / 'none.db'}: no such database\n"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "md"])
def test_an_export_to_a_full_disk_is_one_line(loaded, fmt) -> None:
    with open("/dev/full", "w") as full:  # every write fails: no space left
        result = subprocess.run(
            [sys.executable, "-m", "eventdesk", "export", "--db", str(loaded), "--format", fmt],
            stdout=full, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == "eventdesk: cannot write the output: No space left on device\n"


def test_the_desk_on_a_file_that_is_no_database_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all " * 300)
    result = subprocess.run(
        [sys.executable, "-m", "eventdesk", "desk", "--config", str(bundled("demo_event.toml")),
         "--db", str(junk)],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        f"eventdesk: {junk}: not a usable eventdesk database: file is not a database\n"
    )
    assert result.stdout == ""  # the screen was never drawn


def test_unreadable_database_is_one_line(loaded, capsys, monkeypatch) -> None:
    if os.geteuid() == 0:
        # Root reads any file, so file modes cannot make one unreadable here; report it
        # as the OS would to an operator without the group's read bit.
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == loaded else real(p, m))
    else:
        os.chmod(loaded, 0o000)
    code, out, err = run(capsys, "export", "--db", loaded)
    assert code == 2
    assert err == f"eventdesk: {loaded}: cannot read the database (permission denied)\n"


def test_serve_live_refuses_credentials_others_can_read(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    """Without a replay, `serve` goes live on X; a secrets file open to others, or no
    token, stops it with one plain line before anything starts."""
    from eventdesk.paths import bundled

    config = tmp_path / "event.toml"
    text = bundled("demo_event.toml").read_text(encoding="utf-8")
    config.write_text(text, encoding="utf-8")
    secrets = tmp_path / "kp24-secrets.toml"
    secrets.write_text('bearer_token = "AAAA-not-a-real-token"\n', encoding="utf-8")
    secrets.chmod(0o644)
    for name in [name for name in os.environ if name.startswith("EVENTDESK_X_")]:
        monkeypatch.delenv(name)
    code, out, err = run(capsys, "serve", "--config", config, "--db", tmp_path / "e.db")
    assert code == 2 and "chmod 600" in err and "AAAA" not in err + out
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "e.db").exists()  # nothing started
