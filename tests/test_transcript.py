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


HOSTILE_LINES = [
    "# a heading", "Heading by underline", "===", "---", "***", "___", "- a list", "+ a list",
    "* a list", "1. ordered", "12) ordered", "> a quote", "<script>alert(1)</script>",
    "[click](javascript:alert(1))", "![img](http://x/y.png)", "<http://auto.link>",
    "`code` and ``` fences", "    indented", "| a | b |", "|---|---|", "~~struck~~",
    "<!-- comment -->", "\\[escaped\\]", "a line\\", "&lt;b&gt; &amp;",
]  # fmt: skip


def test_strangers_lines_render_as_plain_text_in_the_transcript(tmp_path: Path, capsys):
    """Rendered by a real CommonMark parser, a transcript of answers full of Markdown
    and HTML has no heading, list, rule, quote, link, image, code or HTML of theirs:
    only our own thread's structure, and their words as text."""
    from markdown_it import MarkdownIt

    t = times(3, step=60)
    q1 = 1861700000000000001
    answer = "A1: " + "\n".join(HOSTILE_LINES) + " #polchat"
    lines = [
        tweet_line("Q1: Anything? #polchat", at=t[0], author=OURS, hashtags=("polchat",),
                   post_id=q1),
        tweet_line(answer, at=t[1], hashtags=("polchat",), reply_to=(q1, OURS[0])),
        tweet_line("\n".join(HOSTILE_LINES), at=t[2], hashtags=("polchat",)),
    ]  # fmt: skip
    db = tmp_path / "e.db"
    replay = write_lines(tmp_path / "chat.jsonl", lines)
    assert run(capsys, "ingest", "--db", db, "--replay", replay, "--workers", "0")[0] == 0
    _, out, _ = run(capsys, "export", "--db", db, "--format", "md", "--hashtag", "polchat")
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(out)
    kinds = {token.type for token in tokens}
    # Ours: the title, a heading per thread, the list of answers, emphasis on who posted.
    assert kinds <= {
        "heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline",
        "bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close",
    }  # fmt: skip
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert len(headings) == 3  # the title and the two threads, none of theirs
    inline = [child.type for t in tokens if t.type == "inline" for child in t.children or []]
    assert set(inline) <= {"text", "softbreak", "hardbreak", "em_open", "em_close",
                           "strong_open", "strong_close"}  # fmt: skip
    text = "".join(c.content for t in tokens if t.type == "inline" for c in t.children or [])
    for line in HOSTILE_LINES[:-1]:  # every word of theirs is there, as written
        assert line.strip().replace("\\", "") in text.replace("\\", ""), line
    # X sends a post's & < > as &amp; &lt; &gt;: a reader sees what its author typed.
    assert "<b> &" in text
