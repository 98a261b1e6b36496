"""Urgency: does a post mean a possible risk to life or a crime in progress?

A post is checked in four steps:
1. Normalise without moving any character: control characters and odd spaces become
   spaces, curly apostrophes straight ones, hyphens and dashes spaces; lower-case.
2. Find idioms ("this traffic is killing me", "i'd die for a coffee"): a rule match that
   overlaps one is dropped, while the rest of the post is still read.
3. Find rule matches: a post holding none of the phrases some rule needs (see
   `urgency_phrases`) ends here, before it is tokenised; otherwise only the rules
   whose anchor words occur in the post run.
4. Keep a match only if its context allows: a rule's own `requires` / `unless`, then
   the shared guards looked for within GUARD_WINDOW characters of the match: the force's
   own reporting language and fiction always veto; past events, news, campaigns,
   hypothetical questions ("what should I do if...") and questions about an incident
   veto unless the post also says it is happening now ("right now", "please help").

The first kept match in rule order gives the category; the reason names the rule and
quotes the post's own words, e.g. "knife: 'man with a knife'".

Every default pattern is linear (bounded gaps, no nested unbounded quantifiers), so a
25,000-character post of emoji, markup and control characters is checked in
milliseconds. Standard library only.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eventdesk import urgency_rules as defaults
from eventdesk.model import Urgency
from eventdesk.urgency_analysis import anchors, gate
from eventdesk.urgency_anchors import _KeyIndex, heads
from eventdesk.urgency_phrases import PhraseGate

if TYPE_CHECKING:
    from eventdesk.config import UrgencyConfig

log = logging.getLogger(__name__)

GUARD_WINDOW = 150  # characters either side of a match where context is looked for
QUOTE_MAX = 80  # characters of the post quoted in a reason
_SHORT_POST = 4 * GUARD_WINDOW  # longer posts find each guard's matches once, not per match
EVENT_CATEGORY = defaults.EMERGENCY  # the category of the event config's own phrases
RECENT = 8192  # texts whose answers are remembered, in each of two generations
RECENT_CHARS = 320  # the longest text remembered (see eventdesk.sentiment)
_UNSEEN: Any = object()  # a text not remembered (None is an answer)

_SPACE = " "
_ASCII = {code: chr(code) for code in range(0x80)}  # a full ASCII table: translate's fast path
_INVISIBLE = {*range(0x20), *range(0x7F, 0xA1), 0x1680, 0x180E, *range(0x2000, 0x2010)}
_INVISIBLE |= {0x2028, 0x2029, *range(0x202A, 0x2030), *range(0x205F, 0x2070), 0x3000, 0xFEFF}
_INVISIBLE -= {ord("\t"), ord("\n")}  # kept: tab is a space already, a newline ends a sentence
_APOSTROPHES = "\u2018\u2019\u201b\u02bc\u02b9\u0060\u00b4\u2032\uff07"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
# For quoting the author's words: invisible and control characters become spaces.
_CONTROLS = _ASCII | {code: _SPACE for code in _INVISIBLE}
# For matching: also one apostrophe, and hyphens and dashes as spaces.
_TABLE = _CONTROLS | {ord(c): "'" for c in _APOSTROPHES} | {ord(c): _SPACE for c in _DASHES}


class _WordBreaks(dict[int, str]):
    """A str.translate table turning every non-word character into a space, so that
    str.split() yields exactly the text's \\w+ runs."""

    LIMIT = 20_000  # distinct non-ASCII characters remembered

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = char if char.isalnum() or char == "_" else _SPACE
        if len(self) < self.LIMIT:
            self[code] = value
        return value


_BREAKS = _WordBreaks(
    {code: chr(code) if chr(code).isalnum() or code == 0x5F else _SPACE for code in range(0x80)}
)


def words(low: str) -> list[str]:
    """The \\w+ runs of `low`, as `re.findall(r"\\w+", low)` would give, faster."""
    return low.translate(_BREAKS).split()


def normalise(text: str) -> str:
    """Lower-cased text with every character at its original index."""
    clean = text.translate(_TABLE)
    lowered = clean.lower()
    if len(lowered) != len(clean):  # a few characters lower-case to two ("İ")
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in clean)
    return lowered


def _compile(source: str) -> re.Pattern[str]:
    return re.compile(defaults.rx(source))


_HARD = _compile(defaults.HARD_GUARD)
_SOFT = _compile(defaults.SOFT_GUARD)
_NOW = _compile(defaults.NOW)
_OPENER = _compile(defaults.QUESTION_OPENER)
_HYPOTHETICAL = re.compile(r"\b(?:if|whether)\b")


@dataclass(frozen=True, slots=True)
class Rule:
    """One way of saying "this may be urgent".

    `requires` must also occur within GUARD_WINDOW characters of the match, `unless`
    must not. `guarded` rules are also subject to the shared context guards; the event
    config's own phrases and patterns are not (only its idioms suppress them).
    """

    name: str
    category: str
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    guarded: bool = True


def default_rules() -> list[Rule]:
    """The shipped rule set, in priority order."""
    return [
        Rule(
            name,
            category,
            re.compile(rf"(?<!\w)(?:{defaults.rx(pattern)})(?!\w)"),
            _compile(requires) if requires else None,
            _compile(unless) if unless else None,
        )
        for name, category, pattern, requires, unless in defaults.RULES
    ]


def default_idioms() -> list[re.Pattern[str]]:
    return [re.compile(rf"(?<!\w)(?:{defaults.rx(idiom)})") for idiom in defaults.IDIOMS]


def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """A literal phrase, case-insensitive, on word boundaries, normalised like the text
    (curly apostrophes, hyphens) and tolerant of extra spaces and a left-out apostrophe.
    None for a phrase with nothing in it."""
    parts = normalise(phrase).split()
    if not parts:
        return None
    body = r"\s+".join(re.escape(part).replace("'", "'?") for part in parts)
    # Case-insensitive as the shipped rules are: lower-cased phrase, lower-cased text
    # (`normalise`). Compiled with IGNORECASE, the gate could not read its phrases and
    # let every post through to the rules, however few held the phrase.
    return re.compile(rf"(?<!\w){body}(?!\w)")


@dataclass(frozen=True, slots=True)
class UrgencySettings:
    """The event config's urgency section (`UrgencyConfig`) as plain values: what a
    scoring process is given, as it has no config model (pydantic) to unpickle."""

    use_defaults: bool = True
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    idioms: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: UrgencyConfig) -> UrgencySettings:
        return cls(config.use_defaults, config.phrases, config.patterns, config.idioms)


class UrgencyDetector:
    """Marks posts that may mean a risk to life or a crime in progress.

    `rules` are tried in order of priority; a rule match that overlaps a match of one of
    the `idioms` is dropped. Patterns are matched against the normalised text (see
    `normalise`). A post goes no further than one search for the phrases the rules
    need (see `PhraseGate`) unless it holds one; then a rule or idiom only runs when a
    word it needs begins a word of the post (see `urgency_anchors.anchor_keys`).
    """

    def __init__(self, rules: Sequence[Rule], idioms: Sequence[re.Pattern[str]]) -> None:
        self.rules = tuple(rules)
        self.idioms = tuple(idioms)
        # What each pattern is read for comes from a table for the shipped ones (see
        # urgency_analysis): reading them took a scoring process about 0.3 s.
        self._rule_index = _KeyIndex([anchors(rule.pattern) for rule in self.rules])
        self._idiom_index = _KeyIndex([anchors(idiom) for idiom in self.idioms])
        # About 9 posts in 10 of the demo hold no phrase any rule needs (6 in 10 hold
        # a rule's anchor word): they cost one search, no tokenising and no rule.
        self._gate = PhraseGate([gate(rule.pattern) for rule in self.rules])
        self._recent: dict[str, Urgency | None] = {}
        self._older: dict[str, Urgency | None] = {}

    @classmethod
    def from_config(cls, config: UrgencyConfig | UrgencySettings) -> UrgencyDetector:
        """Defaults (unless use_defaults=false) plus the config's phrases (literal,
        case-insensitive, word-bounded), patterns (regex, case-insensitive) and idioms
        (suppressing)."""
        rules = default_rules() if config.use_defaults else []
        idioms = default_idioms() if config.use_defaults else []
        for phrase in config.phrases:
            pattern = phrase_pattern(phrase)
            if pattern is not None:
                rules.append(Rule("event phrase", EVENT_CATEGORY, pattern, guarded=False))
        for source in config.patterns:
            rules.append(
                Rule(
                    "event pattern",
                    EVENT_CATEGORY,
                    re.compile(source, re.IGNORECASE),
                    guarded=False,
                )
            )
        idioms.extend(re.compile(source, re.IGNORECASE) for source in config.idioms)
        return cls(rules, idioms)

    def check(self, text: str) -> Urgency | None:
        """Urgency(category=..., reason=...) or None. reason quotes what matched, e.g.
        "knife: 'man with a knife'". Never raises."""
        if not isinstance(text, str) or not text or not self.rules:
            return None
        # A text seen lately gets the answer it got then (the answer depends on the
        # text alone): in the demo about one post in six repeats a recent one word for
        # word. Two generations, as SentimentScorer keeps its scores.
        found = self._recent.get(text, _UNSEEN)
        if found is _UNSEEN:
            found = self._older.get(text, _UNSEEN)
            if found is _UNSEEN:
                try:
                    found = self._check(text)
                except Exception:  # never stop ingest; the post's author can fix nothing
                    log.exception("urgency check failed on a post of %d characters", len(text))
                    return None
                if len(text) > RECENT_CHARS:
                    return found
            if len(self._recent) >= RECENT:
                self._older, self._recent = self._recent, {}
            self._recent[text] = found
        return found

    def _check(self, text: str, exhaustive: bool = False) -> Urgency | None:
        low = normalise(text)
        if not exhaustive and not self._gate.passes(low):
            return None
        found = None if exhaustive else heads(words(low), low.isascii())
        candidates = self._rule_index.hits(found)
        if not candidates:
            return None
        idioms = [self.idioms[index] for index in self._idiom_index.hits(found)]
        post = _Post(low, idioms)
        for index in candidates:
            rule = self.rules[index]
            for match in rule.pattern.finditer(low):
                start, end = match.span()
                if (
                    end > start
                    and not post.in_idiom(start, end)
                    and _accept(rule, post, start, end)
                ):
                    return Urgency(
                        category=rule.category,
                        reason=f"{rule.name}: '{_quote(text, start, end)}'",
                    )
        return None


class _Post:
    """One normalised post and where the idioms and guard patterns match in it, each
    found once (lazily) so that a long post with many rejected matches stays linear."""

    def __init__(self, low: str, idioms: Sequence[re.Pattern[str]]) -> None:
        self.low = low
        self._idioms = idioms
        self._idiom_starts: list[int] | None = None
        self._idiom_reach: list[int] = []  # the furthest idiom end so far, by start order
        self._spans: dict[int, tuple[list[int], list[int]]] = {}  # by id(pattern)

    def in_idiom(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps an idiom."""
        if self._idiom_starts is None:
            spans = sorted(
                match.span()
                for idiom in self._idioms
                for match in idiom.finditer(self.low)
                if match.end() > match.start()
            )
            self._idiom_starts = [left for left, _ in spans]
            reach = 0
            for _, right in spans:
                reach = max(reach, right)
                self._idiom_reach.append(reach)
        before = bisect_left(self._idiom_starts, end)  # idioms starting before `end`
        return before > 0 and self._idiom_reach[before - 1] > start

    def near(self, pattern: re.Pattern[str], lo: int, hi: int) -> bool:
        """Whether `pattern` matches somewhere inside [lo, hi)."""
        if len(self.low) <= _SHORT_POST:
            return pattern.search(self.low, lo, hi) is not None
        spans = self._spans.get(id(pattern))
        if spans is None:
            starts: list[int] = []
            ends: list[int] = []
            for match in pattern.finditer(self.low):
                if match.end() > match.start():
                    starts.append(match.start())
                    ends.append(match.end())
            spans = self._spans[id(pattern)] = (starts, ends)
        starts, ends = spans
        first = bisect_left(starts, lo)  # matches do not overlap: ends rise with starts
        return first < len(starts) and ends[first] <= hi


def _accept(rule: Rule, post: _Post, start: int, end: int) -> bool:
    """Whether the context near a match of `rule` at [start, end) lets it stand."""
    low = post.low
    lo, hi = max(0, start - GUARD_WINDOW), min(len(low), end + GUARD_WINDOW)
    if rule.requires is not None and not post.near(rule.requires, lo, hi):
        return False
    if rule.unless is not None and post.near(rule.unless, lo, hi):
        return False
    if not rule.guarded:
        return True
    if post.near(_HARD, lo, hi):
        return False
    if post.near(_SOFT, lo, hi) or _is_question(low, start, end, lo, hi):
        return post.near(_NOW, lo, hi)
    return True


def _is_question(low: str, start: int, end: int, lo: int, hi: int) -> bool:
    """The match's sentence opens like a question and ends with '?' (or is hypothetical)."""
    first = max(lo, *(low.rfind(mark, lo, start) + 1 for mark in ".!?\n"))
    ends = [pos for pos in (low.find(mark, end, hi) for mark in ".!?\n") if pos >= 0]
    last = min(ends) if ends else hi
    sentence = low[first:last].lstrip()
    if not _OPENER.match(sentence):
        return False
    return (last < len(low) and low[last] == "?") or _HYPOTHETICAL.search(sentence) is not None


def _quote(text: str, start: int, end: int) -> str:
    """The matched words as the author wrote them, on one line, at most QUOTE_MAX long."""
    quoted = " ".join(text[start:end].translate(_CONTROLS).split())
    if len(quoted) > QUOTE_MAX:
        quoted = quoted[: QUOTE_MAX - 1] + "…"
    return quoted
