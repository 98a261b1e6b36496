"""Exports of stored posts: JSON lines, CSV, and the readable threaded transcript."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from eventdesk.model import Sentiment
from eventdesk.text import UNSAFE, visible

FIELDS = (
    "id", "created_at", "author_id", "author_username", "author_name", "text",
    "conversation_id", "reply_to_id", "hashtags", "mentions", "urls", "lang", "lanes",
    "sentiment_compound", "sentiment_label", "sentiment_pos", "sentiment_neu",
    "sentiment_neg", "urgent", "urgent_category", "urgent_reason",
)  # fmt: skip


def record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored post row as the export's flat record."""
    compound = row["sentiment_compound"]
    lanes = [lane for lane in ("hashtag", "inbox", "own") if row[f"in_{lane}"]]
    return {
        "id": str(row["id"]),
        "created_at": row["created_at"],
        "author_id": row["author_id"],
        "author_username": row["author_username"],
        "author_name": row["author_name"],
        "text": row["text"],
        "conversation_id": _id(row["conversation_id"]),
        "reply_to_id": _id(row["reply_to_id"]),
        "hashtags": row["hashtags"],
        "mentions": row["mentions"],
        "urls": row["urls"],
        "lang": row["lang"],
        "lanes": lanes,
        "sentiment_compound": compound,
        "sentiment_label": None if compound is None else Sentiment(compound, 0, 0, 0).label,
        "sentiment_pos": row["sentiment_pos"],
        "sentiment_neu": row["sentiment_neu"],
        "sentiment_neg": row["sentiment_neg"],
        "urgent": bool(row["urgent"]),
        "urgent_category": row["urgent_category"],
        "urgent_reason": row["urgent_reason"],
    }


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


# What a terminal would act on (eventdesk.text.UNSAFE) that JSON still writes raw: DEL
# and the C1 controls (CSI among them), the bidi marks, the line and paragraph
# separators (JSON escapes the C0 controls itself). They only ever stand inside strings,
# so escaping them loses nothing.


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


async def write_jsonl(rows: AsyncIterator[dict[str, Any]], out: IO[str]) -> int:
    """One JSON object a line, every text exact (JSON's escapes for controls, so the
    output is safe on a terminal too)."""
    count = 0
    async for row in rows:
        out.write(UNSAFE.sub(_escaped, json.dumps(record(row), ensure_ascii=False)) + "\n")
        count += 1
    return count


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA):
        # A spreadsheet would run the cell as a formula (CSV injection).
        return "'" + value
    return value


async def write_csv(
    rows: AsyncIterator[dict[str, Any]], out: IO[str], *, terminal: bool = False
) -> int:
    """CSV with every text exact, for a file or a pipe. CSV has no escapes, so for a
    `terminal` the characters it would act on are shown as visible stand-ins (␛)."""
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    count = 0
    async for row in rows:
        cells = {key: _cell(value) for key, value in record(row).items()}
        if terminal:
            cells = {k: visible(v) if isinstance(v, str) else v for k, v in cells.items()}
        writer.writerow(cells)
        count += 1
    return count


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~!])")
# What starts a list, a heading's underline or a rule only at the start of a line:
# "- ", "+ ", "=====", "---", "1. ", "2) ". Escaped there only, so "well-being" stays.
_MD_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+(?=[.)]))", re.MULTILINE)


def md_text(text: str) -> str:
    """Strangers' text for Markdown: shown literally, never as links, HTML, headings,
    lists or rules."""
    escaped = _MD_SPECIAL.sub(r"\\\1", visible(text))
    return _MD_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark = match.groups()
    if mark.isdigit():  # "12." stays a number: its "." is escaped instead
        return f"{indent}{mark}\\"
    return f"{indent}\\{mark}"


def _thread_order(posts: list[dict[str, Any]]) -> Iterable[tuple[int, dict[str, Any]]]:
    """Posts of one conversation, depth-first by time, with their reply depth."""
    by_id = {p["id"]: p for p in posts}
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for post in posts:
        parent = post["reply_to_id"]
        children[parent if parent in by_id and parent != post["id"] else None].append(post)
    stack = [(0, p) for p in reversed(children[None])]
    while stack:
        depth, post = stack.pop()
        yield depth, post
        stack.extend((depth + 1, c) for c in reversed(children.get(post["id"], [])))


_LABEL = re.compile(r"^(?:@\w+\s+)*([QA])(\d{1,2})\b", re.IGNORECASE)


def _answers_under_questions(
    conversations: dict[int, list[dict[str, Any]]], ours: frozenset[str]
) -> dict[int, list[dict[str, Any]]]:
    """In a chat many answer with a post of their own ("A2: ...") rather than a reply:
    put each such thread under the latest of our questions with that number ("Q2")
    posted before it. Questions count only from our accounts (`ours`, lower-cased)."""
    questions: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for key, posts in conversations.items():
        label = _LABEL.match(posts[0]["text"])
        if label and label[1].upper() == "Q" and posts[0]["author_username"].lower() in ours:
            questions[label[2]].append((posts[0]["created_at"], posts[0]["id"], key))
    selected = {post["id"] for posts in conversations.values() for post in posts}
    merged = dict(conversations)
    for key, posts in conversations.items():
        root, label = posts[0], _LABEL.match(posts[0]["text"])
        if not label or label[1].upper() != "A" or root["reply_to_id"] in selected:
            continue
        earlier = [q for q in questions.get(label[2], []) if q[0] <= root["created_at"]]
        if earlier:
            _, question_id, question_key = max(earlier)
            moved = [{**root, "reply_to_id": question_id}, *posts[1:]]
            merged[question_key] = sorted(
                merged[question_key] + moved, key=lambda p: (p["created_at"], p["id"])
            )
            del merged[key]
    return merged


async def write_markdown(
    rows: AsyncIterator[dict[str, Any]], out: IO[str], *, title: str, zone: ZoneInfo,
    ours: frozenset[str] = frozenset(),
) -> int:  # fmt: skip
    """The transcript a team publishes after a hashtag chat: one section per thread,
    replies indented under what they answer, answers under their question (see
    `_answers_under_questions`), times in the event's zone."""
    conversations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    count = 0
    async for row in rows:
        conversations[row["conversation_id"] or row["id"]].append(row)
        count += 1
    conversations = _answers_under_questions(conversations, ours)

    def local(row: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")).astimezone(zone)

    out.write(f"# {md_text(title)}\n\n")
    if not count:
        out.write("_No posts in this selection._\n")
        return 0
    first = min(local(p) for posts in conversations.values() for p in posts)
    last = max(local(p) for posts in conversations.values() for p in posts)
    out.write(
        f"_{first:%A %d %B %Y, %H:%M} to {last:%H:%M} ({zone.key}) · {count} posts "
        f"in {len(conversations)} threads_\n"
    )
    for posts in sorted(conversations.values(), key=lambda ps: (ps[0]["created_at"], ps[0]["id"])):
        for depth, post in _thread_order(posts):
            who = f"@{md_text(post['author_username'] or post['author_id'] or 'unknown')}"
            body = md_text(post["text"]).replace("\n", "  \n" + "  " * (depth + 1))
            if depth == 0:
                out.write(f"\n## {local(post):%H:%M} · {who}\n\n{body}\n\n")
            else:
                out.write(f"{'  ' * (depth - 1)}- **{local(post):%H:%M} {who}**: {body}\n")
    return count


AUDIT_FIELDS = ("seq", "at", "operator", "kind", "post_id", "target", "before", "after", "hash")


async def write_audit_csv(entries: AsyncIterator[Any], out: IO[str]) -> int:
    """The audit log as CSV, one row per action, before/after as JSON, with each hash."""
    writer = csv.DictWriter(out, fieldnames=AUDIT_FIELDS)
    writer.writeheader()
    count = 0
    async for entry in entries:
        row = {
            "seq": entry.seq,
            "at": entry.at,
            "operator": entry.operator,
            "kind": entry.kind,
            "post_id": _id(entry.post_id),
            "target": entry.target,
            "before": json.dumps(entry.before, ensure_ascii=False, sort_keys=True),
            "after": json.dumps(entry.after, ensure_ascii=False, sort_keys=True),
            "hash": entry.hash,
        }
        writer.writerow({key: _cell(value) for key, value in row.items()})
        count += 1
    return count
