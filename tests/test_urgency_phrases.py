"""The urgency rules' required phrases, and the gate built from them: a post it turns
away must be one no rule can match, on the evaluation set, the demo event and texts
generated from the rules' own patterns."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from eventdesk.config import UrgencyConfig, load_config
from eventdesk.demo import generate_event
from eventdesk.paths import bundled
from eventdesk.urgency import UrgencyDetector, normalise
from eventdesk.urgency_eval import load_rows
from eventdesk.urgency_phrases import aligned, required_phrases

EVAL_FILE = Path(__file__).parent / "data" / "urgency_eval.tsv"
START, END = "\x02", "\x03"


@pytest.fixture(scope="module")
def detector() -> UrgencyDetector:
    return UrgencyDetector.from_config(UrgencyConfig())


def _rule(source: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{source})(?!\w)")


def _any_rule_matches(detector: UrgencyDetector, low: str) -> bool:
    return any(rule.pattern.search(low) for rule in detector.rules)


def test_phrases_are_the_products_of_a_patterns_literals() -> None:
    phrases = required_phrases(_rule(r"kill (?:him|her)sel(?:f|ves)"))
    assert phrases == {
        f"{START}kill{sp}{who}sel{end}{END}"
        for sp in [" "]
        for who in ("him", "her")
        for end in ("f", "ves")
    }
    assert required_phrases(_rule(r"dogs?\s+barking")) == {
        f"{START}dog barking{END}",
        f"{START}dogs barking{END}",
    }
    # Whitespace runs, optional or not, are one space; an optional apostrophe is both.
    assert required_phrases(_rule(r"can'?t\s*swim")) == {
        f"{START}{can}{gap}swim{END}" for can in ("can't", "cant") for gap in ("", " ")
    }


def test_a_phrase_after_skipped_words_still_starts_a_word() -> None:
    phrases = required_phrases(_rule(r"dogs? (?:\w+ ){0,2}(?:mauled|biting)"))
    assert phrases is not None
    assert {aligned(p) for p in phrases} <= {"dog ", "dogs ", f"mauled{END}", f"biting{END}"}
    assert all(aligned(p) is not None for p in phrases)


def test_no_phrases_for_what_cannot_be_read() -> None:
    assert required_phrases(re.compile("knife", re.IGNORECASE)) is None
    assert required_phrases(re.compile(r"\w+ with \w+")) is not None  # " with " is needed
    assert required_phrases(re.compile(r"\w+|knife")) is None
    assert required_phrases(re.compile(r"(?:knife)?")) is None


def test_the_gate_turns_away_ordinary_posts(detector: UrgencyDetector) -> None:
    gate = detector._gate
    assert not gate.open
    assert not gate.passes(normalise("Lovely day at the open day, thanks to the team!"))
    assert gate.passes(normalise("There's a man with a KNIFE outside"))
    assert gate.passes(normalise("#knife"))
    assert gate.passes(normalise("knife"))


def test_the_gate_lets_through_every_eval_post_a_rule_matches(
    detector: UrgencyDetector,
) -> None:
    matched = 0
    for row in load_rows(EVAL_FILE):
        low = normalise(row.text)
        if _any_rule_matches(detector, low):
            matched += 1
            assert detector._gate.passes(low), row.text
    assert matched > 200


def test_the_gate_lets_through_every_demo_post_a_rule_matches(
    detector: UrgencyDetector,
) -> None:
    config = load_config(bundled("demo_event.toml"))
    seen = 0
    for message in generate_event(config, posts=4000):
        text = message["data"]["text"]
        low = normalise(text)
        seen += 1
        if _any_rule_matches(detector, low):
            assert detector._gate.passes(low), text
        assert detector._check(text) == detector._check(text, exhaustive=True), text
    assert seen > 3000


# Texts generated from the patterns themselves -------------------------------------

_WORDS = ("the", "a", "police", "now", "he", "with", "lol", "my", "x", "9", "é", "ß")
_BEFORE = ("", "", "hey ", "#", "(", "...", "😂", "rt @x: ", "\n", "'", "well,", "‘")
_AFTER = ("", "", " now", "!", "?", "😂", ".", " lol", "'s", "\n", "—ok", ")")


def _sample(items: Any, rnd: random.Random) -> str:
    """A random string shaped like `items` (a parsed pattern); it need not match it
    (lookarounds are ignored): callers keep only the strings that do."""
    from re import _parser as p  # type: ignore[attr-defined]

    out = []
    for op, av in items:
        if op is p.LITERAL:
            out.append(chr(av))
        elif op is p.NOT_LITERAL or op is p.ANY:
            out.append(rnd.choice("ab .,'"))
        elif op is p.IN:
            kinds = dict(av)
            if av == [(p.CATEGORY, p.CATEGORY_SPACE)]:
                out.append(rnd.choice((" ", "  ", "\n", "\t", " \u00a0")))
            elif av == [(p.CATEGORY, p.CATEGORY_WORD)]:
                out.append(rnd.choice("abz9_é"))
            elif av == [(p.CATEGORY, p.CATEGORY_DIGIT)]:
                out.append(rnd.choice("0123456789"))
            elif p.NEGATE in kinds:
                out.append(rnd.choice(" .,!x"))
            else:
                kind, value = rnd.choice(av)
                out.append(chr(value) if kind is p.LITERAL else rnd.choice("az"))
        elif op is p.BRANCH:
            out.append(_sample(rnd.choice(av[1]), rnd))
        elif op is p.SUBPATTERN:
            out.append(_sample(av[-1], rnd))
        elif op in (p.MAX_REPEAT, p.MIN_REPEAT):
            low, high, item = av
            count = rnd.randint(low, min(high, low + 3))
            out.extend(_sample(item, rnd) for _ in range(count))
    return "".join(out)


def test_the_gate_lets_through_every_generated_match(detector: UrgencyDetector) -> None:
    from re import _parser  # type: ignore[attr-defined]

    rnd = random.Random(11)
    checked = 0
    for rule in detector.rules:
        tree = _parser.parse(rule.pattern.pattern)
        for _ in range(150):
            middle = _sample(tree, rnd)
            if rnd.random() < 0.3:
                middle = f"{rnd.choice(_WORDS)} {middle} {rnd.choice(_WORDS)}"
            text = rnd.choice(_BEFORE) + middle + rnd.choice(_AFTER)
            low = normalise(text)
            if rule.pattern.search(low):
                checked += 1
                assert detector._gate.passes(low), (rule.name, text)
                assert detector._check(text) == detector._check(text, exhaustive=True), text
    assert checked > 40 * 100
