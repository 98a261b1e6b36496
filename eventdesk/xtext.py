"""How X counts a post's length, by the maintained twitter-text rules (not hand-rolled).

URLs count 23 whatever their length, emoji and CJK count 2, most other characters 1;
a post may weigh at most 280.
"""

from __future__ import annotations

from dataclasses import dataclass

LIMIT = 280


@dataclass(frozen=True, slots=True)
class Weighed:
    length: int  # X's weighted length
    valid: bool  # within the limit, not empty, and no characters X refuses

    @property
    def over(self) -> int:
        return max(0, self.length - LIMIT)


def weigh(text: str) -> Weighed:
    # Imported here: twitter-text compiles its emoji patterns on import (about half a
    # second), which every ingest worker process would pay without ever weighing a post.
    from twitter_text import parse_tweet

    parsed = parse_tweet(text)
    return Weighed(parsed.weightedLength, parsed.valid)
