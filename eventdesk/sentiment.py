"""Sentiment: VADER's compound score on a post's original text.

VADER reads case, punctuation and emoji, so the text is never cleaned first. Every post
is scored whole, however long, and gets VADER's own scores: `eventdesk.vader` computes
VADER's exact numbers in time that grows with a post's length, where vaderSentiment's
grows with its square (a 16,000-character emoji-heavy post: seconds there, ~20 ms here;
a million characters: 0.5-1.8 s; longer lines are rejected before scoring, see
`eventdesk.scoring.MAX_LINE`). Long posts were scored in pieces before, their valence
sums added back: not VADER's compound, since "but" weighs the whole post and
punctuation emphasis counts once per text (10 labels flipped on 200 long texts built
from the rated tweets).
"""

from __future__ import annotations

from eventdesk.model import Sentiment
from eventdesk.vader import Vader

RECENT = 8192  # texts whose scores are remembered, in each of two generations
RECENT_CHARS = 320  # the longest text remembered: a repost of a full post fits, and a
# stream of long posts cannot make the memory grow past some tens of megabytes


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
        s = self._vader.polarity_scores(text)
        return s["compound"], s["pos"], s["neu"], s["neg"]
