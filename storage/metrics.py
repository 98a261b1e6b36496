"""Desk metrics: how fast the desk answers its inbox, what still waits, who replied.

An inbox post counts as answered by our first reply either way it can show: a reply
from one of our accounts that came back through the source (`posts.answered_by`), or
an outbox row the desk sent. Post times are X's `created_at` and an outbox row's is
when the publisher accepted it: both wall-clock time on a live event. (On a replay of
an old event only the replies recorded in it give meaningful times.)
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime

from storage import audit
from storage.db import Database

# Upper bounds in minutes of the "unanswered by age" buckets; the last is open-ended.
AGE_BUCKETS = (15, 60, 240)


def bucket_label(index: int) -> str:
    """'<15m', '15m-1h', '1h-4h', '4h+' for the bucket at `index`."""

    def span(minutes: int) -> str:
        return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"

    if index == 0:
        return f"<{span(AGE_BUCKETS[0])}"
    if index == len(AGE_BUCKETS):
        return f"{span(AGE_BUCKETS[-1])}+"
    return f"{span(AGE_BUCKETS[index - 1])}-{span(AGE_BUCKETS[index])}"


@dataclass(frozen=True, slots=True)
class DeskMetrics:
    """The desk's figures for inbox posts created in [since, now)."""

    inbox_posts: int
    answered: int
    median_response_seconds: float | None
    p90_response_seconds: float | None
    unanswered_by_age: tuple[tuple[str, int], ...]  # (bucket label, posts), youngest first
    replies_by_operator: tuple[tuple[str, int], ...]  # most first


def _seconds(later: str, earlier: str) -> float:
    return (_parse(later) - _parse(earlier)).total_seconds()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def p90(values: list[float]) -> float:
    """The nearest-rank 90th percentile (a value that occurred, no interpolation)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


async def desk_metrics(db: Database, *, since: str, now: datetime | None = None) -> DeskMetrics:
    """Time to first response (median, p90), unanswered posts by age, replies per operator."""
    at = audit.stamp(now)
    rows = await db.fetchall(
        "SELECT p.created_at, "
        "(SELECT r.created_at FROM posts r WHERE r.id = p.answered_by) AS replied, "
        "(SELECT min(o.sent_at) FROM outbox o WHERE o.in_reply_to = p.id AND o.state = 'sent') "
        "AS sent FROM posts p WHERE p.in_inbox AND p.created_at >= ? AND p.created_at < ?",
        (since, at),
    )
    responses: list[float] = []
    buckets = [0] * (len(AGE_BUCKETS) + 1)
    for row in rows:
        firsts = [t for t in (row["replied"], row["sent"]) if t]
        if firsts:
            responses.append(max(0.0, _seconds(min(firsts), row["created_at"])))
            continue
        minutes = _seconds(at, row["created_at"]) / 60
        buckets[sum(minutes >= bound for bound in AGE_BUCKETS)] += 1
    per_operator = await db.fetchall(
        "SELECT operator, count(*) AS n FROM outbox WHERE state = 'sent' AND kind = 'reply' "
        "AND sent_at >= ? AND sent_at < ? GROUP BY operator ORDER BY n DESC, operator",
        (since, at),
    )
    return DeskMetrics(
        inbox_posts=len(rows),
        answered=len(responses),
        median_response_seconds=statistics.median(responses) if responses else None,
        p90_response_seconds=p90(responses) if responses else None,
        unanswered_by_age=tuple((bucket_label(i), n) for i, n in enumerate(buckets)),
        replies_by_operator=tuple((row["operator"], row["n"]) for row in per_operator),
    )
