"""Required phrases: one quick test that no urgency rule can match a post.

Each rule's compiled pattern is read (through the standard library's regex parser) for
a set of phrases one of which occurs in every text it matches: RE2's prefilter idea,
kept to one set of phrases a rule. "kill (?:him|her)self" needs "kill himself" or
"kill herself"; "dogs? (?:\\w+ ){0,2}(?:biting|mauled)" needs "dog" or "dogs" as a
word. All the rules' phrases are compiled into one regular expression (a trie, tried
only where a word starts); a post it does not match cannot match any rule, and its
check ends before the post is tokenised. A pattern whose phrases cannot be worked out
switches the test off (every post goes on to the rules), so it never changes a result.

Phrases are written in a small alphabet: a space stands for a run of whitespace,
`_START` for "no word character before here" and `_END` for "no word character after
here" (the rules' `(?<!\\w)` and `(?!\\w)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from eventdesk.urgency_anchors import _COMMON, _VERY_COMMON, parsed

MAX_EXACT = 128  # phrases a piece of pattern may be known to match before it is summarised
# Characters of a phrase the gate looks for: any start of a required phrase is required
# too, and on the demo the first 12 let through as few posts as whole phrases while
# the gate's expression compiled in 0.08 s instead of 0.13 (in every scoring process).
GATE_CHARS = 12
# Words a police desk sees far more often than everyday text does: poor phrases to test.
_DESK_WORDS = frozenset(
    [
        "dog",
        "dogs",
        "police",
        "officer",
        "officers",
        "team",
        "station",
        "went",
        "going",
        "happening",
    ]
)

_START, _END = "\x02", "\x03"  # normalised text never holds these: they became spaces
# What a piece of pattern is known to match: every string it can match (while few), or
# a set one of which occurs in every match; and whether a match always ends with a
# non-word character.
_Info = tuple[frozenset[str] | None, frozenset[str] | None, bool]


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what `\w` matches in a str pattern


def required_phrases(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Phrases one of which occurs in every text `pattern` matches, or None when that
    cannot be worked out (then no post may be turned away on the pattern's account)."""
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None
    try:
        from re import _parser  # type: ignore[attr-defined]  # the stdlib's regex parser

        exact, required, _ = _Phrases(_parser).sequence(parsed(pattern.pattern))
    except Exception:  # noqa: BLE001 - any surprise means "no test", never an error
        return None
    found = exact if exact is not None else required
    return found if _usable(found) else None


def _join(left: str, right: str) -> str | None:
    """`left` followed by `right`, simplified so that `_START` can only begin a phrase
    and `_END` only end one; None when no text can be both (a word character against
    a marker that says there is none)."""
    if not left or not right:
        return left + right
    before, after = left[-1], right[0]
    if before == " " and after == " ":
        return left + right[1:]  # one run of whitespace
    if before == _END:
        if after in (_START, _END):
            return _join(left, right[1:])  # kept as the one marker
        if _word(after):
            return None
        return left[:-1] + right  # a non-word character follows: said already
    if after == _START:
        if before != _START and _word(before):
            return None
        return left + right[1:]  # a non-word character (or the marker) is before
    return left + right


def _usable(phrases: frozenset[str] | None) -> bool:
    """Whether `phrases` can stand as a test: none of them empty of characters."""
    return phrases is not None and all(p.strip(" " + _START + _END) for p in phrases)


class _Phrases:
    """Walks a parsed pattern (the standard library's `re._parser` tree) for its phrases.

    Each method takes whether the text just before the piece is known to end with a
    non-word character (`gap`), so that a phrase after a skipped run of words
    (`(?:\\w+ ){0,2}into`) still counts as starting a word.
    """

    def __init__(self, parser: Any) -> None:
        self.p = parser
        self.repeats = {parser.MAX_REPEAT, parser.MIN_REPEAT}
        if hasattr(parser, "POSSESSIVE_REPEAT"):
            self.repeats.add(parser.POSSESSIVE_REPEAT)

    def sequence(self, items: Iterable[Any], gap: bool = False) -> _Info:
        candidates: list[frozenset[str]] = []
        current: set[str] = {""}
        run_gap = gap  # whether the text before `current` ends with a non-word character
        whole = True  # every item so far has exact strings

        def summary() -> frozenset[str]:
            if not run_gap:
                return frozenset(current)
            return frozenset(j for s in current if (j := _join(_START, s)) is not None)

        for op, av in items:
            exact, required, after = self.item(op, av, _ends_gap(current, run_gap))
            if exact is not None:
                product = {
                    joined
                    for left in current
                    for right in exact
                    if (joined := _join(left, right)) is not None
                }
                if len(product) <= MAX_EXACT:
                    current = product
                    continue
                whole = False
                candidates.append(summary())
                run_gap = _ends_gap(current, run_gap)
                current = set(exact)
                continue
            whole = False
            candidates.append(summary())
            if required is not None:
                candidates.append(required)
            current, run_gap = {""}, after
        end_gap = _ends_gap(current, run_gap)
        if whole:
            return frozenset(current), None, end_gap
        candidates.append(summary())
        usable = [c for c in candidates if _usable(c)]
        return None, (min(usable, key=_expected) if usable else None), end_gap

    def item(self, op: Any, av: Any, gap: bool) -> _Info:
        p = self.p
        if op is p.LITERAL:
            char = chr(av)
            if char in (_START, _END):
                return None, None, False
            return _exact({" " if char.isspace() else char})
        if op is p.IN:
            if av == [(p.CATEGORY, p.CATEGORY_SPACE)]:
                return _exact({" "})
            chars = [chr(value) for kind, value in av if kind is p.LITERAL]
            if len(chars) == len(av) <= 8 and not {_START, _END} & set(chars):
                return _exact({" " if c.isspace() else c for c in chars})
            return None, None, False
        if op is p.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                return None, None, False
            return self.sequence(av[-1], gap)
        if op is p.BRANCH:
            return self.branch(av[1], gap)
        if op in self.repeats:
            low, high, item = av
            return self.repeat(low, high, item, gap)
        if op is p.ASSERT_NOT:
            direction, inner = av
            if list(inner) == [(p.IN, [(p.CATEGORY, p.CATEGORY_WORD)])]:
                return _exact({_START if direction < 0 else _END})
            return _exact({""})
        if op in (p.ASSERT, p.AT):
            return _exact({""})  # zero-width: nothing of the text is consumed
        return None, None, False

    def branch(self, alternatives: Sequence[Any], gap: bool) -> _Info:
        results = [self.sequence(alt, gap) for alt in alternatives]
        after = all(end for _, _, end in results)
        if all(exact is not None for exact, _, _ in results):
            union = frozenset().union(*(exact for exact, _, _ in results if exact is not None))
            if len(union) <= MAX_EXACT:
                return union, None, after
        phrases: set[str] = set()
        for exact, required, _ in results:
            found = exact if exact is not None else required
            if found is None or not _usable(found):
                return None, None, after
            # An exact alternative read on its own: it starts where the branch does.
            phrases |= _after_gap(found) if gap and exact is not None else found
        return None, frozenset(phrases), after

    def repeat(self, low: int, high: int, item: Any, gap: bool) -> _Info:
        exact, required, after = self.sequence(item, gap)
        if low == high == 1:
            return exact, required, after
        if exact == {" "}:  # \s+ or \s*: whitespace runs are one space here
            return _exact({" "} if low >= 1 else {"", " "})
        # Each repetition after the first starts where the last ended, which is known
        # to end with a gap exactly when the first does (knowing more about the start
        # never tells less about the end), so `after` holds for every repetition.
        ends = after and (low >= 1 or gap)
        if low == 0:
            if high == 1 and exact is not None:
                return exact | {""}, None, ends
            return None, None, ends
        if exact is not None and _usable(exact):
            return None, (_after_gap(exact) if gap else exact), ends
        return None, required, ends


def _exact(strings: Iterable[str]) -> _Info:
    found = frozenset(strings)
    return found, None, all(s and not _word(s[-1]) and s[-1] != _END for s in found)


def _ends_gap(current: Iterable[str], gap: bool) -> bool:
    """Whether text matching any of `current` (after text that ends with a non-word
    character when `gap`) ends with a non-word character."""
    return all(
        gap if not s else s[-1] == _START or (s[-1] != _END and not _word(s[-1])) for s in current
    )


def _after_gap(phrases: frozenset[str]) -> frozenset[str]:
    return frozenset(j for s in phrases if (j := _join(_START, s)) is not None)


def aligned(phrase: str) -> str | None:
    """`phrase` from its first character known to start a word (what the gate looks
    for, after a non-word character); None when no character of it is known to."""
    after_gap = False  # whether the character before is known not to be a word character
    for index, char in enumerate(phrase):
        if _word(char):
            if after_gap:
                return phrase[index:]  # `_START` only begins a phrase, `_END` ends one
            after_gap = False
        else:
            after_gap = char != _END
    return None


def _expected(phrases: frozenset[str]) -> float:
    """How many posts in one a set of phrases is expected to let through (roughly)."""
    return sum(_chance(aligned(phrase)) for phrase in phrases)


_TOKEN = re.compile(r"(\w+)(\W|$)")


def _chance(phrase: str | None) -> float:
    if phrase is None:
        return 1.0
    chance = 1.0
    for word, after in _TOKEN.findall(phrase):
        chance *= _word_chance(word, whole=bool(after))
    return chance


def _word_chance(word: str, whole: bool) -> float:
    """A rough chance that a post holds `word` (or, not `whole`, a word starting so)."""
    if word in _VERY_COMMON or len(word) <= 2:
        return 0.3
    if word in _DESK_WORDS:
        return 0.1
    if word[:4] in _COMMON or word[:4] in _VERY_COMMON:
        return 0.05 if whole else 0.1
    return 0.02 * 0.8 ** (len(word) - 3) * (1 if whole else 2)


# What may stand before a word: anything but an ASCII word character. Non-ASCII word
# characters (é, ß) are let in too, which only lets a few more posts through: a search
# led by this class runs about a third faster than one led by `\W`, whose every
# character is looked up in Unicode's tables.
_GAP = "[^0-9A-Za-z_]"


# What the gate looks for on one pattern's account: (phrases looked for where a word
# starts, phrases looked for anywhere), each at most GATE_CHARS long.
GateTerms = tuple[frozenset[str], frozenset[str]]


def gate_terms(pattern: re.Pattern[str]) -> GateTerms | None:
    """What the gate looks for so as to let through every text `pattern` matches, or
    None when its required phrases cannot be worked out (the gate is then open)."""
    phrases = required_phrases(pattern)
    if phrases is None:
        return None
    starts: set[str] = set()
    loose: set[str] = set()
    for phrase in phrases:
        start = aligned(phrase)
        if start is not None:
            starts.add(start[:GATE_CHARS])
        else:
            loose.add(phrase.replace(_START, "").replace(_END, "")[:GATE_CHARS])
    return frozenset(starts), frozenset(loose)


class PhraseGate:
    """Whether a normalised post holds one of the rules' required phrases.

    Made from each rule pattern's `gate_terms`. `open` is True when some rule's phrases
    could not be worked out: then every post passes. Phrases are looked for where a
    word starts, after a non-word character, so the text is searched with a space put
    before it (its start is a word start too).
    """

    def __init__(self, terms: Sequence[GateTerms | None]) -> None:
        self.open = any(found is None for found in terms)
        starts: set[str] = set()
        loose: set[str] = set()
        for found in terms:
            if found is not None:
                starts |= found[0]
                loose |= found[1]
        self.phrases = frozenset(starts), frozenset(loose)
        self._starts = re.compile(_GAP + _trie(starts)) if starts else None
        self._loose = re.compile(_trie(loose)) if loose else None

    def passes(self, low: str) -> bool:
        """False only when no rule can match the normalised text `low`."""
        if self.open:
            return True
        if self._starts is not None and self._starts.search(" " + low) is not None:
            return True
        return self._loose is not None and self._loose.search(low) is not None


def _trie(phrases: Iterable[str]) -> str:
    """One regular expression matching any of `phrases` (in their alphabet), written as
    a trie so that each position tries each first character once. A phrase that starts
    another makes the longer one redundant."""
    root: dict[str, Any] = {}
    for phrase in sorted(phrases, key=len):
        node = root
        for char in phrase:
            if "" in node:
                break
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = {}
    return _written(root)


def _written(node: dict[str, Any]) -> str:
    if "" in node:
        return ""
    pieces = []
    for char, child in sorted(node.items()):
        if char == " ":
            head = r"\s+"
        elif char == _END:
            head = r"(?!\w)"
        else:
            head = re.escape(char)
        pieces.append(head + _written(child))
    return pieces[0] if len(pieces) == 1 else "(?:" + "|".join(pieces) + ")"
