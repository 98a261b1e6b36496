"""What a detector reads from each urgency pattern, read once for the shipped patterns.

A detector reads every rule's and idiom's parse tree for its anchor words (see
`urgency_anchors`), and every rule's for what the phrase gate looks for (see
`urgency_phrases`). For the shipped rules and idioms that took about 0.3 s in every
scoring process before its first post, yet the answers depend on the pattern alone: the
shipped patterns' answers are kept in data/urgency_analysis.json, looked up by pattern
and flags. A pattern not in it (an event config's own) is read when the detector is
made. After changing the shipped rules or idioms, write the file again with

    python -m eventdesk.urgency_analysis

(a test reads every shipped pattern again and compares, so the file cannot fall behind).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import orjson

from eventdesk.urgency_anchors import anchor_keys
from eventdesk.urgency_phrases import GateTerms, gate_terms

TABLE = Path(__file__).parent / "data" / "urgency_analysis.json"

Analysis = tuple[frozenset[str] | None, GateTerms | None]  # (anchor keys, gate terms)


def anchors(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """`anchor_keys(pattern)`, from the table for a shipped pattern."""
    known = shipped().get((pattern.pattern, pattern.flags))
    return anchor_keys(pattern) if known is None else known[0]


def gate(pattern: re.Pattern[str]) -> GateTerms | None:
    """`gate_terms(pattern)`, from the table for a shipped pattern."""
    known = shipped().get((pattern.pattern, pattern.flags))
    return gate_terms(pattern) if known is None else known[1]


def analyse(pattern: re.Pattern[str]) -> Analysis:
    """What a pattern is read for, read from its parse tree now."""
    return anchor_keys(pattern), gate_terms(pattern)


@functools.cache
def shipped() -> dict[tuple[str, int], Analysis]:
    """The table: each shipped pattern's analysis, by (pattern, flags)."""
    return {(e["pattern"], e["flags"]): _read(e) for e in orjson.loads(TABLE.read_bytes())}


def _read(entry: dict[str, Any]) -> Analysis:
    terms = entry["gate"]
    return (
        None if entry["anchors"] is None else frozenset(entry["anchors"]),
        None if terms is None else (frozenset(terms[0]), frozenset(terms[1])),
    )


def shipped_patterns() -> list[re.Pattern[str]]:
    """The shipped rules' and idioms' patterns, compiled as a detector compiles them."""
    # Imported here: eventdesk.urgency imports this module.
    from eventdesk.urgency import default_idioms, default_rules

    return [rule.pattern for rule in default_rules()] + default_idioms()


def _entry(pattern: re.Pattern[str]) -> dict[str, Any]:
    found, terms = analyse(pattern)
    return {
        "pattern": pattern.pattern,
        "flags": pattern.flags,
        "anchors": None if found is None else sorted(found),
        "gate": None if terms is None else [sorted(terms[0]), sorted(terms[1])],
    }


def main() -> None:
    """Write the table for the shipped patterns."""
    entries = [_entry(pattern) for pattern in shipped_patterns()]
    TABLE.write_bytes(orjson.dumps(entries, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"{TABLE}: {len(entries)} patterns")


if __name__ == "__main__":
    main()
