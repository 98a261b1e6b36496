"""Whether a regular expression can backtrack catastrophically.

An urgency pattern is run on every post, and a post is a stranger's text: a repeat
inside an unbounded repeat (`(a+)+`, `(\\w+\\s?)*`) lets one crafted post of a few
thousand characters take minutes, and the ingest would stall on it. The shipped
patterns are written without that shape (a test checks), and an event config's own are
refused with it (`eventdesk.config`).
"""

from __future__ import annotations

from typing import Any

try:  # the standard library's own parser of patterns (private, stable since 3.11)
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - an older layout
    import sre_parse as _parser  # type: ignore[no-redef]

_REPEATS = (_parser.MAX_REPEAT, _parser.MIN_REPEAT)


def nested_unbounded(pattern: str) -> bool:
    """True if `pattern` has a repeat inside an unbounded repeat. It must compile."""
    return _nested(_parser.parse(pattern), inside=False)


def _nested(items: Any, inside: bool) -> bool:
    for op, av in items:
        children: list[Any] = []
        if op in _REPEATS:
            _low, high, item = av
            if inside and (high is _parser.MAXREPEAT or high > 1):
                return True
            if _nested(item, inside or high is _parser.MAXREPEAT):
                return True
        elif op is _parser.SUBPATTERN:
            children = [av[-1]]
        elif op is _parser.BRANCH:
            children = list(av[1])
        elif op in (_parser.ASSERT, _parser.ASSERT_NOT):
            children = [av[1]]
        if any(_nested(child, inside) for child in children):
            return True
    return False
