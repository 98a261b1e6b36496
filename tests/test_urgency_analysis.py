"""The shipped patterns' analysis, kept in data/urgency_analysis.json so that no scoring
process reads them again: it must be exactly what reading them gives, and a pattern not
in it must still be read."""

from __future__ import annotations

import re

import pytest

from eventdesk import urgency_analysis
from eventdesk.model import Urgency
from eventdesk.urgency import (
    Rule,
    UrgencyDetector,
    UrgencySettings,
    default_idioms,
    default_rules,
    normalise,
)
from eventdesk.urgency_analysis import analyse, shipped, shipped_patterns
from eventdesk.urgency_rules import CRIME


def test_the_table_is_what_reading_every_shipped_pattern_gives() -> None:
    # Fails when a rule or idiom changed and the table was not written again:
    # python -m eventdesk.urgency_analysis
    patterns = shipped_patterns()
    assert len(patterns) == len(default_rules()) + len(default_idioms()) > 60
    assert shipped() == {(p.pattern, p.flags): analyse(p) for p in patterns}
    # The gate holds on what it reads: no shipped rule leaves it open.
    assert all(shipped()[(rule.pattern.pattern, rule.pattern.flags)][1] for rule in default_rules())


def test_a_default_detector_reads_no_pattern_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def read(pattern: re.Pattern[str]) -> None:
        raise AssertionError(f"read again: {pattern.pattern[:60]}")

    monkeypatch.setattr(urgency_analysis, "anchor_keys", read)
    monkeypatch.setattr(urgency_analysis, "gate_terms", read)
    detector = UrgencyDetector.from_config(UrgencySettings())
    assert detector.check("there's a man with a knife outside") is not None


def test_a_pattern_not_in_the_table_is_read_and_gated() -> None:
    van = re.compile(r"(?<!\w)(?:purple (?:van|car)s?)(?!\w)")
    assert (van.pattern, van.flags) not in shipped()
    detector = UrgencyDetector([*default_rules(), Rule("purple van", CRIME, van)], default_idioms())
    gate = detector._gate
    assert not gate.open  # the new rule's phrases were worked out, not given up on
    assert gate.passes(normalise("Two PURPLE cars outside"))
    assert not gate.passes(normalise("a purple hat, a car and a van"))
    assert detector.check("a purple van outside my house") == Urgency(
        CRIME, "purple van: 'purple van'"
    )
    assert detector.check("a purple hat, a car and a van") is None


def test_an_event_pattern_still_alarms_past_the_gate() -> None:
    # The config's patterns are case-insensitive, which the analysis cannot read: the
    # gate stays open for them rather than turn their posts away.
    detector = UrgencyDetector.from_config(UrgencySettings(patterns=(r"gate\s*\d+\s+blocked",)))
    assert detector._gate.open
    assert detector.check("GATE 7 blocked, people pushing") == Urgency(
        "Emergency", "event pattern: 'GATE 7 blocked'"
    )
