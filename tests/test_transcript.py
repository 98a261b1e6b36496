"""The #polchat transcript threads by question: answers posted as replies, and answers
posted on their own ("A1: ..."), both appear under our Q1."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import times, tweet_line, write_lines
from tests.test_cli import OURS, run


def test_standalone_answers_go_under_our_question_with_that_number(tmp_path: Path, capsys):
    t = times(8, step=60)
    q1, q2 = 1861600000000000001, 1861600000000000005
    stranger = ("902", "asker", "Asker")
    lines = [
        tweet_line("Q1: How do you like to contact us? #polchat", at=t[0], author=OURS,
                   hashtags=("polchat",), post_id=q1),
        tweet_line("A1: online, any time of day #polchat", at=t[1], hashtags=("polchat",)),
        tweet_line("Q1: is anyone from the council here? #polchat", at=t[2], author=stranger,
                   hashtags=("polchat",)),
        tweet_line("@KingsmerePolice a1 phone, always #polchat", at=t[3], hashtags=("polchat",),
                   author=("903", "caller", "Caller")),
        tweet_line("Q2: What do people misunderstand about a shift? #polchat", at=t[4],
                   author=OURS, hashtags=("polchat",), post_id=q2),
        tweet_line("A2 the paperwork! #polchat", at=t[5], hashtags=("polchat",)),
        tweet_line("A1 (late) in person at a surgery #polchat", at=t[6], hashtags=("polchat",),
                   author=("904", "late", "Late")),
        tweet_line("A3: there is no Q3 yet #polchat", at=t[7], hashtags=("polchat",)),
    ]  # fmt: skip
    db = tmp_path / "e.db"
    replay = write_lines(tmp_path / "chat.jsonl", lines)
    assert run(capsys, "ingest", "--db", db, "--replay", replay, "--workers", "0")[0] == 0
    code, out, _ = run(capsys, "export", "--db", db, "--format", "md", "--hashtag", "polchat")
    assert code == 0
    sections = out.split("\n## ")[1:]
    heads = [section.splitlines()[2][:12] for section in sections]
    assert heads == ["Q1: How do y", "Q1: is anyon", "Q2: What do ", "A3: there is"]
    q1_answers = [line for line in sections[0].splitlines() if line.startswith("- **")]
    assert [line.split("**: ")[1][:14] for line in q1_answers] == [
        "A1: online, an", "@KingsmerePoli", "A1 (late) in p",
    ]  # fmt: skip
    assert "A2 the paperwork" in sections[2]
