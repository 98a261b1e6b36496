"""Anchor words: which rules can possibly match a post, found before any regex runs.

Each compiled pattern is read (through the standard library's regex parser) for the word
prefixes one of which must begin a word of any text it matches. A post is tokenised
once; only the rules and idioms whose anchors occur in it are run. A pattern whose
anchors cannot be worked out runs on every post, so the shortcut never changes a result.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Sequence
from typing import Any

KEY_LENGTH = 4  # a word matches an anchor when they share their first KEY_LENGTH characters


def anchor_keys(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Word prefixes one of which begins a word in every text the pattern matches, or
    None when that cannot be worked out (the pattern then runs on every post).

    Worked out from the parsed pattern: a literal run counts only where it is known to
    start a word (after a `(?<!\\w)` lookbehind, whitespace or a non-word character).
    """
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        return None
    try:
        from re import _parser  # type: ignore[attr-defined]  # the stdlib's regex parser

        literals, _ = _Anchors(_parser).required(parsed(pattern.pattern), True)
    except Exception:  # noqa: BLE001 - any surprise means "no shortcut", never an error
        return None
    if not literals:
        return None
    return frozenset(_key(literal) for literal in literals)


@functools.lru_cache(maxsize=512)
def parsed(source: str) -> Any:
    """The standard library's parse tree of a pattern, read once for both the anchor
    words and the required phrases (`urgency_phrases`); nothing changes the tree."""
    from re import _parser  # type: ignore[attr-defined]

    return _parser.parse(source)


def _key(literal: str) -> str:
    word = re.match(r"\w*", literal)
    return word.group()[:KEY_LENGTH] if word else ""


class _Anchors:
    """Walks a parsed pattern (the standard library's `re._parser` tree)."""

    def __init__(self, parser: Any) -> None:
        self.p = parser
        self.repeats = {parser.MAX_REPEAT, parser.MIN_REPEAT}
        if hasattr(parser, "POSSESSIVE_REPEAT"):
            self.repeats.add(parser.POSSESSIVE_REPEAT)

    def required(self, items: Any, aligned: bool) -> tuple[set[str] | None, bool]:
        """(a set of word-start literals one of which occurs in every match of `items`,
        or None; whether a match of `items` is known to end where a word can start)."""
        p = self.p
        sets: list[set[str]] = []
        run, run_aligned = "", False
        for op, av in items:
            if op is p.LITERAL:
                if not run:
                    run_aligned = aligned
                run += chr(av)
                aligned = not (chr(av).isalnum() or chr(av) == "_")
                continue
            prefix = run if run and run_aligned and _key(run) else ""
            if prefix:
                sets.append({prefix})
            run = ""
            found: set[str] | None = None
            if op is p.SUBPATTERN:
                if not av[1] & re.IGNORECASE:
                    found, aligned = self.required(av[-1], aligned)
                else:
                    aligned = False
            elif op is p.BRANCH:
                results = [self.required(alt, aligned) for alt in av[1]]
                if all(found for found, _ in results):
                    found = set().union(*(found for found, _ in results if found))
                if prefix:  # the parser moved the alternatives' common start out
                    sets.append({prefix + self.leading(alt) for alt in av[1]})
                aligned = all(end for _, end in results)
            elif op in self.repeats:
                low, _high, item = av
                inner, end = self.required(item, aligned)
                found = inner if low >= 1 else None
                aligned = end if low >= 1 else aligned and end
            elif op is p.IN:
                aligned = av == [(p.CATEGORY, p.CATEGORY_SPACE)]
            elif op is p.ASSERT_NOT:
                if av[0] < 0 and list(av[1]) == [(p.IN, [(p.CATEGORY, p.CATEGORY_WORD)])]:
                    aligned = True
            elif op is p.AT:
                aligned = av is p.AT_BEGINNING
            elif op is not p.ASSERT:
                aligned = False
            if found:
                sets.append(found)
        if run and run_aligned and _key(run):
            sets.append({run})
        return (max(sets, key=_selectivity) if sets else None), aligned

    def leading(self, items: Any) -> str:
        """The literal characters an alternative starts with."""
        chars = []
        for op, av in items:
            if op is not self.p.LITERAL:
                break
            chars.append(chr(av))
        return "".join(chars)


def _selectivity(literals: set[str]) -> int:
    """Minus how often the anchor keys' words are expected in everyday posts."""
    return -sum(_cost(key) for key in {_key(literal) for literal in literals})


def _cost(key: str) -> int:
    cost = {0: 10_000, 1: 300, 2: 100, 3: 8}.get(len(key), 1)
    if key in _VERY_COMMON:
        cost += 150
    elif key in _COMMON:
        cost += 30
    return cost


# Word starts seen in most posts, and in many: poor anchors (keys are 4 characters).
_VERY_COMMON_WORDS = (
    "a an and the to of in on at is it i me my he she we you they be do go up has had got "
    "for with have that this what who can not all now get off by was so but just are out "
    "if no one day your like then when will them his her him from some been there"
)
_COMMON_WORDS = (
    "want need take come find head bad big car bus van man men kid kids boy girl home hear "
    "peop good call send cut run ran end hit two over into down away back time well toda "
    "toni shou afte stil bein gett goin thin know love look make said says see tell"
)
_VERY_COMMON = frozenset(_VERY_COMMON_WORDS.split())
_COMMON = frozenset(_COMMON_WORDS.split())


_WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # ASCII \\w after lower-casing


class _KeyIndex:
    """Which patterns could match a text, from the first KEY_LENGTH characters of its
    words (its `heads`). A key shorter than that also stands for every ASCII way of
    continuing it, so an ASCII post needs one set lookup per word; a post with other
    characters also looks its heads' shorter prefixes up (see `heads`)."""

    def __init__(self, keys: Sequence[frozenset[str] | None]) -> None:
        self.size = len(keys)
        self.always = [i for i, k in enumerate(keys) if k is None or min(map(len, k)) < 2]
        self.by_key: dict[str, list[int]] = {}
        for index, group in enumerate(keys):
            if index in self.always or group is None:
                continue
            for key in group:
                for variant in _continued(key):
                    self.by_key.setdefault(variant, []).append(index)
        self.keys = frozenset(self.by_key)

    def hits(self, heads: set[str] | None) -> list[int]:
        """Indexes of the patterns to run, in order, given the text's `heads`; all of
        them when heads is None."""
        if heads is None:
            return list(range(self.size))
        matched = self.keys.intersection(heads)
        if not matched:
            return self.always
        hit = set(self.always)
        for key in matched:
            hit.update(self.by_key[key])
        return sorted(hit)


def _continued(key: str) -> list[str]:
    """`key` and every ASCII word-character continuation of it up to KEY_LENGTH."""
    found, layer = [key], [key]
    for _ in range(KEY_LENGTH - len(key)):
        layer = [stem + char for stem in layer for char in _WORD_CHARS]
        found.extend(layer)
    return found


_HEAD = operator.itemgetter(slice(None, KEY_LENGTH))


def heads(found: list[str], ascii_only: bool = False) -> set[str]:
    """The first KEY_LENGTH characters of each word, what anchor keys are looked up by;
    unless the text is ASCII, also their first 2 and 3 characters."""
    first = set(map(_HEAD, found))
    if not ascii_only:
        first.update([head[:n] for head in list(first) for n in (2, 3) if len(head) > n])
    return first
