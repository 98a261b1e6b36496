"""Sentiment: VADER's compound score on a post's original text.

VADER reads case, punctuation and emoji, so the text is never cleaned first. VADER's
cost grows with the square of a text's length (16,000 emoji-heavy characters take
seconds), so a long post is scored in pieces of at most CHUNK characters and the pieces'
valence sums are added back together: the result follows VADER's own arithmetic while
no single post can stall the pipeline. The scores come from `eventdesk.vader`, which
computes VADER's exact numbers with less work per word.
"""

from __future__ import annotations

import math
import re

from eventdesk.model import Sentiment
from eventdesk.vader import Vader

CHUNK = 500  # characters; short posts (≤ 280, most long ones) go through VADER whole
RECENT = 8192  # texts whose scores are remembered, in each of two generations
RECENT_CHARS = 320  # the longest text remembered: a repost of a full post fits, and a
# stream of long posts cannot make the memory grow past some tens of megabytes
_ALPHA = 15.0  # VADER's normalisation constant: compound = s / sqrt(s² + α)
_BREAK = re.compile(r"(?<=[.!?\n])\s+|\s+")


def split_text(text: str, size: int = CHUNK) -> list[str]:
    """Pieces of at most `size` characters, cut after a sentence end where one is near,
    else at whitespace, else hard (a 25,000-character run without spaces)."""
    pieces: list[str] = []
    rest = text
    while len(rest) > size:
        window = rest[:size]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "), window.rfind("\n"))
        if cut < size // 2:
            cut = window.rfind(" ")
        if cut < size // 4:
            cut = size - 1
        pieces.append(rest[: cut + 1])
        rest = rest[cut + 1 :]
    if rest.strip() or not pieces:
        pieces.append(rest)
    return pieces


def _unnormalize(compound: float) -> float:
    """The valence sum VADER normalised into `compound`."""
    compound = max(min(compound, 0.9999), -0.9999)
    return compound * math.sqrt(_ALPHA / (1.0 - compound * compound))


class SentimentScorer:
    """Scores post texts with VADER. One per process: building it loads the lexicon.

    The scores of recent texts are remembered: on an event, many posts repeat one
    text word for word (every repost of a post is "RT @who: " and the same words; in
    the demo a quarter of the posts a scoring process sees repeat one it saw among
    its last few thousand), and VADER's scores depend on the text alone.
    """

    def __init__(self) -> None:
        self._vader = Vader()  # VADER's exact scores, about twice as fast
        # Two generations: when the newer fills, it becomes the older and the older
        # goes, so a text seen again is found whether or not a generation just began.
        self._recent: dict[str, tuple[float, float, float, float]] = {}
        self._older: dict[str, tuple[float, float, float, float]] = {}

    def score(self, text: str) -> Sentiment:
        return Sentiment(*self.scores(text))

    def scores(self, text: str) -> tuple[float, float, float, float]:
        """`score` as a plain tuple: compound, pos, neu, neg."""
        found = self._recent.get(text)
        if found is None:
            found = self._older.get(text)
            if found is None:
                found = self._scored(text)
                if len(text) > RECENT_CHARS:
                    return found
            if len(self._recent) >= RECENT:
                self._older, self._recent = self._recent, {}
            self._recent[text] = found
        return found

    def _scored(self, text: str) -> tuple[float, float, float, float]:
        if len(text) <= CHUNK:
            s = self._vader.polarity_scores(text)
            return s["compound"], s["pos"], s["neu"], s["neg"]
        total = pos = neu = neg = 0.0
        weight = 0
        for piece in split_text(text):
            s = self._vader.polarity_scores(piece)
            total += _unnormalize(s["compound"])
            n = len(piece)
            pos, neu, neg = pos + s["pos"] * n, neu + s["neu"] * n, neg + s["neg"] * n
            weight += n
        compound = round(total / math.sqrt(total * total + _ALPHA), 4)
        return compound, round(pos / weight, 3), round(neu / weight, 3), round(neg / weight, 3)
