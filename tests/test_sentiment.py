"""Sentiment: VADER on the original text, bounded cost on long posts."""

import statistics

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from eventdesk.model import Sentiment
from eventdesk.sentiment import SentimentScorer
from tests.conftest import GROUNDTRUTH


def groundtruth() -> list[tuple[float, str]]:
    rows = []
    for line in GROUNDTRUTH.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3:
            rows.append((float(parts[1]), parts[2]))
    return rows


def test_groundtruth_file_is_complete() -> None:
    assert len(groundtruth()) >= 4000


def test_scorer_matches_human_ratings_as_well_as_raw_vader() -> None:
    rows = groundtruth()
    human = [rating for rating, _ in rows]
    ours = SentimentScorer()
    raw = SentimentIntensityAnalyzer()
    r_ours = statistics.correlation(human, [ours.score(text).compound for _, text in rows])
    r_raw = statistics.correlation(human, [raw.polarity_scores(t)["compound"] for _, t in rows])
    assert r_ours >= 0.87
    assert r_ours == pytest.approx(r_raw, abs=0.002)


@pytest.mark.parametrize(
    ("compound", "label"),
    [(0.05, "positive"), (0.0499, "neutral"), (-0.0499, "neutral"), (-0.05, "negative")],
)
def test_labels_use_vaders_thresholds(compound: float, label: str) -> None:
    assert Sentiment(compound, 0, 0, 0).label == label


def test_case_punctuation_and_emoji_count() -> None:
    scorer = SentimentScorer()
    assert scorer.score("GREAT work!!!").compound > scorer.score("great work").compound
    assert scorer.score("on patrol 😠").compound < 0 < scorer.score("on patrol 😀").compound


class CountingVader:
    def __init__(self, real: SentimentIntensityAnalyzer) -> None:
        self.real, self.lengths = real, []

    def polarity_scores(self, text: str) -> dict:
        self.lengths.append(len(text))
        return self.real.polarity_scores(text)


def test_a_long_post_gets_vaders_own_scores() -> None:
    from tests.test_vader import _long_texts

    raw = SentimentIntensityAnalyzer()
    mixed = (
        "The officer who came was kind and patient. "
        "But we waited four hours and nobody rang back, which is awful. "
        "Still, thank you to the control room staff! 👏 "
    )
    texts = [mixed * repeat for repeat in (5, 12, 20)] + _long_texts(seed=8, count=4, length=6000)
    scorer = SentimentScorer()
    for text in texts:
        theirs = raw.polarity_scores(text)
        expected = (theirs["compound"], theirs["pos"], theirs["neu"], theirs["neg"])
        assert scorer.scores(text) == expected


def test_scoring_time_grows_with_the_length_not_its_square() -> None:
    # A replay line can be any size. A ratio measured in one run, not a wall-clock
    # limit: 4x the text must take far less than the square's 16x.
    from tests.test_vader import _best_time, _long_texts

    megabyte = (" ".join(_long_texts(seed=9, count=4, length=250_000)))[:1_000_000]
    scorer = SentimentScorer()
    small = _best_time(scorer.score, megabyte)
    large = _best_time(scorer.score, " ".join([megabyte] * 4))
    assert large / small < 8
    assert not scorer._recent and not scorer._older  # long texts are not remembered


def test_a_repeated_text_gets_the_scores_it_got_the_first_time() -> None:
    scorer = SentimentScorer()
    spy = CountingVader(scorer._vader)
    scorer._vader = spy  # type: ignore[assignment]
    repost = "RT @KingsmerePolice: Great work by the night shift 👏 #KP24"
    first = scorer.scores(repost)
    assert scorer.scores(repost) == first == SentimentScorer().scores(repost)
    assert len(spy.lengths) == 1  # scored once


def test_remembered_scores_stay_bounded_and_right(monkeypatch: pytest.MonkeyPatch) -> None:
    import eventdesk.sentiment as sentiment

    monkeypatch.setattr(sentiment, "RECENT", 5)
    scorer, fresh = SentimentScorer(), SentimentScorer()
    texts = [f"post {i % 13} is {'great' if i % 3 else 'awful'}" for i in range(200)]
    for text in texts:
        assert scorer.scores(text) == fresh._scored(text)
        assert len(scorer._recent) <= 5 and len(scorer._older) <= 5


def test_long_texts_are_not_remembered() -> None:
    import eventdesk.sentiment as sentiment

    scorer = SentimentScorer()
    long_text = "great " * (sentiment.RECENT_CHARS // 6 + 1)
    assert scorer.scores(long_text) == SentimentScorer()._scored(long_text)
    assert long_text not in scorer._recent and "great" not in scorer._recent
    scorer.scores("great")
    assert "great" in scorer._recent
