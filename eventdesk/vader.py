"""VADER's scores, computed the same way with less work per word.

vaderSentiment 3.3.2 rebuilds a lower-cased copy of the whole post for every check
around every sentiment word, walks the text a character at a time to replace emoji, and
tests negations against a list: most of its time goes there, not into its rules. Two
things grow with the square of a post's length: the copies (several per sentiment word),
and `_but_check`, which looks each word's valence up with `list.index` and moves it with
`pop` and `insert`. The `Vader` here keeps VADER's lexicon, constants and rules as they
are, and VADER's own `score_valence` and `scalar_inc_dec`; it lower-cases the words once,
skips the emoji walk when a post has none, looks negations up in a set, answers a post
without a rated word at once, and repeats `_but_check`'s steps with a heap per valence,
so its time grows with a post's length, not its square. Its scores equal
`SentimentIntensityAnalyzer.polarity_scores` exactly (tests/test_vader.py compares them
on the VADER authors' 4,200 rated tweets, the demo event and generated edge cases).
"""

from __future__ import annotations

import heapq
import string

from vaderSentiment import vaderSentiment as _v

_NEGATE = frozenset(_v.NEGATE)
_BOOSTERS = _v.BOOSTER_DICT
_SPECIAL = _v.SPECIAL_CASES
_PUNCTUATION = string.punctuation
_REPLACES = 32  # distinct emoji up to which one replace each beats one translate (~50)
_MARK = "\x00"  # where a description goes in _describe_emoji; a text holding one is walked


def _negated(word: str) -> bool:
    """VADER's `negated([word])` for one already lower-cased word."""
    return word in _NEGATE or "n't" in word


class Vader:
    """`polarity_scores(text)` with VADER's results. Build one per process: it loads
    VADER's lexicon and emoji descriptions."""

    def __init__(self) -> None:
        self._analyzer = _v.SentimentIntensityAnalyzer()
        self._lexicon = self._analyzer.lexicon
        self._emojis = self._analyzer.emojis
        # VADER replaces emoji one character at a time, so only one-character entries
        # of its emoji lexicon can ever match.
        self._emoji_chars = frozenset(key for key in self._emojis if len(key) == 1)
        # Each emoji as its description after a mark where VADER may put a space: see
        # _describe_emoji. Only right while no description begins or ends with a
        # space or holds the mark; otherwise every post takes VADER's own walk.
        self._marked = {char: _MARK + self._emojis[char] for char in self._emoji_chars}
        self._marked_table = {ord(char): marked for char, marked in self._marked.items()}
        self._walk = any(
            d != d.strip(" ") or _MARK in d for d in map(self._emojis.get, self._emoji_chars)
        )

    def polarity_scores(self, text: str) -> dict[str, float]:
        """neg, neu, pos and compound, exactly as VADER computes them."""
        text = self._describe_emoji(text).strip()
        # SentiText's tokens: outer punctuation stripped unless that leaves two
        # characters or fewer (then it was probably an emoticon, kept whole).
        words = [s if len(s := t.strip(_PUNCTUATION)) > 2 else t for t in text.split()]
        lower = list(map(str.lower, words))
        allcaps = sum(map(str.isupper, words))
        cap_diff = 0 < len(words) - allcaps < len(words)
        lexicon = self._lexicon
        last = len(words) - 1
        sentiments: list[float] = []
        rated = False  # whether any word has a valence
        for i, word in enumerate(lower):
            if word in _BOOSTERS or (i < last and word == "kind" and lower[i + 1] == "of"):
                sentiments.append(0)
            elif word in lexicon:
                sentiments.append(self._valence(words, lower, i, cap_diff))
                rated = True
            else:
                sentiments.append(0)
        if sentiments and not rated:
            # VADER's arithmetic on nothing but zeros (a quarter of the demo's posts):
            # a sum of 0, so no punctuation emphasis and all of it neutral.
            return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
        if "but" in lower:  # VADER's _but_check changes nothing without one
            sentiments = _but_check(lower, sentiments)
        return self._analyzer.score_valence(sentiments, text)

    def _describe_emoji(self, text: str) -> str:
        # Every emoji VADER describes is outside ASCII; most posts are ASCII, and
        # isascii() answers without looking at a character.
        if text.isascii():
            return text
        present = self._emoji_chars.intersection(text)
        if not present:
            return text
        if self._walk or _MARK in text:
            return self._walked(text)
        # VADER walks the text a character at a time and puts each emoji's description
        # in its place, with a space before it unless it starts the text or follows a
        # space. The same, by one replace per distinct emoji (about a third of the
        # walk's time): a mark before each description, then the marks made spaces.
        # Each replace reads the whole text, so a text with many distinct emoji (up to
        # VADER's 3,500) is translated in one pass instead, slower per character than a
        # replace but done once (25,000 characters with 1,200 distinct emoji: 0.18 s of
        # replaces, 5 ms translated).
        if len(present) <= _REPLACES:
            for char in present:
                text = text.replace(char, self._marked[char])
        else:
            text = text.translate(self._marked_table)
        if text[0] == _MARK:
            text = text[1:]
        return text.replace(" " + _MARK, " ").replace(_MARK, " ")

    def _walked(self, text: str) -> str:
        """VADER's own walk over the characters (for a text holding the mark)."""
        out: list[str] = []
        after_space = True
        for char in text:
            description = self._emojis.get(char)  # only one-character keys can match
            if description is not None:
                if not after_space:
                    out.append(" ")
                out.append(description)
                after_space = False
            else:
                out.append(char)
                after_space = char == " "
        return "".join(out)

    def _valence(self, words: list[str], lower: list[str], i: int, cap_diff: bool) -> float:
        """The valence of the lexicon word at `i` in its context (VADER's
        sentiment_valence, with the lower-cased words passed in)."""
        lexicon = self._lexicon
        word = lower[i]
        valence = lexicon[word]
        if word == "no" and i != len(lower) - 1 and lower[i + 1] in lexicon:
            valence = 0.0  # "no" negates the next word instead of counting itself
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[word] * _v.N_SCALAR
        if words[i].isupper() and cap_diff:
            valence = valence + _v.C_INCR if valence > 0 else valence - _v.C_INCR
        for back in range(3):
            if i > back and lower[i - back - 1] not in lexicon:
                scalar = _v.scalar_inc_dec(words[i - back - 1], valence, cap_diff)
                if back == 1 and scalar != 0:
                    scalar = scalar * 0.95
                if back == 2 and scalar != 0:
                    scalar = scalar * 0.9
                valence = valence + scalar
                valence = _negation(valence, lower, back, i)
                if back == 2:
                    valence = _idioms(valence, lower, i)
        return _least(valence, lower, i, lexicon)


def _but_check(lower: list[str], sentiments: list[float]) -> list[float]:
    """VADER's `_but_check`, in O(n log n) where VADER's takes O(n²).

    VADER walks the sentiments by position; for the value at each position it finds
    the *first* position holding an equal value (`list.index`) and halves it there if
    that position is before the first "but", or multiplies it by 1.5 if after. Found
    by `index`, that first position is often not the one walked (equal values, zeros
    above all), and a value already scaled can be scaled again, so the result is not
    simply "halve before, boost after". Here each value keeps a heap of the positions
    holding it, whose smallest is what `index` would find: the same positions are
    scaled in the same order by the same factors, so the numbers are VADER's.
    """
    but = lower.index("but")
    out = list(sentiments)
    holding: dict[float, list[int]] = {}  # value -> heap of the positions holding it
    for position, value in enumerate(out):
        holding.setdefault(value, []).append(position)  # ascending: already a heap
    for value in out:  # VADER's loop too reads each position after earlier scalings
        positions = holding[value]
        first = positions[0]
        if first == but:
            continue
        scaled = value * 0.5 if first < but else value * 1.5
        out[first] = scaled
        if scaled != value:  # only a zero stays equal to itself
            heapq.heappop(positions)
            heapq.heappush(holding.setdefault(scaled, []), first)
    return out


def _negation(valence: float, lower: list[str], back: int, i: int) -> float:
    """VADER's `_negation_check`: a negation one to three words before word `i`."""
    if back == 0:
        if _negated(lower[i - 1]):
            valence = valence * _v.N_SCALAR
    elif back == 1:
        if lower[i - 2] == "never" and lower[i - 1] in ("so", "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * _v.N_SCALAR
    else:
        if (lower[i - 3] == "never" and lower[i - 2] in ("so", "this")) or lower[i - 1] in (
            "so",
            "this",
        ):
            valence = valence * 1.25
        elif lower[i - 3] == "without" and "doubt" in (lower[i - 2], lower[i - 1]):
            pass
        elif _negated(lower[i - 3]):
            valence = valence * _v.N_SCALAR
    return valence


def _idioms(valence: float, lower: list[str], i: int) -> float:
    """VADER's `_special_idioms_check` around word `i` (i ≥ 3)."""
    one_zero = f"{lower[i - 1]} {lower[i]}"
    two_one_zero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    two_one = f"{lower[i - 2]} {lower[i - 1]}"
    three_two_one = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    three_two = f"{lower[i - 3]} {lower[i - 2]}"
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if sequence in _SPECIAL:
            valence = _SPECIAL[sequence]
            break
    if len(lower) - 1 > i:
        zero_one = f"{lower[i]} {lower[i + 1]}"
        if zero_one in _SPECIAL:
            valence = _SPECIAL[zero_one]
    if len(lower) - 1 > i + 1:
        zero_one_two = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zero_one_two in _SPECIAL:
            valence = _SPECIAL[zero_one_two]
    for n_gram in (three_two_one, three_two, two_one):
        if n_gram in _BOOSTERS:
            valence = valence + _BOOSTERS[n_gram]
    return valence


def _least(valence: float, lower: list[str], i: int, lexicon: dict[str, float]) -> float:
    """VADER's `_least_check`: "least" before word `i` negates it, but not "at least"
    or "very least"."""
    if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence = valence * _v.N_SCALAR
    elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
        valence = valence * _v.N_SCALAR
    return valence
