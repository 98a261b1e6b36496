"""What the desk asks X for: filtered-stream rules and search queries from the config.

Every rule the desk makes carries a tag naming the event (`eventdesk:<event>:<what>`), so
a sync can tell our stale rules from rules other tools put on the same app, and leave
those alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import tweepy

from eventdesk.config import EventConfig
from eventdesk.xapi import Refused, call

RULE_LIMIT = 512  # characters in one rule or query (X's smallest access level)


@dataclass(frozen=True, slots=True)
class Rule:
    value: str
    tag: str


@dataclass(frozen=True, slots=True)
class RulePlan:
    """What a sync changes: rules to add, and ids of our stale rules to delete."""

    add: tuple[Rule, ...]
    delete: tuple[str, ...]
    kept: int  # our rules already in place
    foreign: int  # rules on the app that are not this event's


def event_tag(config: EventConfig) -> str:
    """'eventdesk:kingsmere-police-24:2026-11-19:'; the prefix of all our rule tags."""
    name = re.sub(r"[^a-z0-9]+", "-", config.event.name.lower()).strip("-") or "event"
    return f"eventdesk:{name}:{config.event.start_utc:%Y-%m-%d}:"


def _hashtag_terms(config: EventConfig) -> list[str]:
    return [f"#{tag}" for tag in config.event.hashtags]


def _account_terms(config: EventConfig) -> list[str]:
    # Mentions of our accounts, and replies to them (a reply need not mention anyone).
    return [term for a in config.accounts for term in (f"@{a.handle}", f"to:{a.handle}")]


def _chunks(terms: Iterable[str], limit: int = RULE_LIMIT) -> list[str]:
    """Join terms with OR into as few values as fit within `limit` characters each."""
    values: list[str] = []
    current = ""
    for term in terms:
        joined = f"{current} OR {term}" if current else term
        if len(joined) > limit and current:
            values.append(current)
            joined = term
        current = joined
    if current:
        values.append(current)
    return values


def wanted_rules(config: EventConfig) -> list[Rule]:
    """The stream rules for the event: its hashtags, and mentions of and replies to our
    accounts."""
    prefix = event_tag(config)
    rules = []
    for what, terms in (("hashtags", _hashtag_terms(config)), ("accounts", _account_terms(config))):
        values = _chunks(terms)
        for n, value in enumerate(values, 1):
            rules.append(Rule(value, prefix + what + (f"-{n}" if len(values) > 1 else "")))
    return rules


def search_query(config: EventConfig, *, with_accounts: bool) -> str:
    """One search query for what the stream rules match: the hashtags and, when asked,
    mentions of and replies to accounts the mentions endpoint does not cover."""
    terms = _hashtag_terms(config)
    if with_accounts:
        terms += _account_terms(config)
    return " OR ".join(terms)


def plan(existing: Iterable[dict], wanted: Iterable[Rule], prefix: str) -> RulePlan:
    """Compare the app's rules with the event's: add the missing, delete our stale ones."""
    want = set(wanted)
    have, stale, foreign = set(), [], 0
    for rule in existing:
        tag = rule.get("tag") or ""
        if not tag.startswith(prefix):
            foreign += 1
            continue
        current = Rule(rule.get("value", ""), tag)
        if current in want and current not in have:
            have.add(current)
        else:
            stale.append(str(rule.get("id")))
    missing = tuple(rule for rule in want if rule not in have)
    return RulePlan(add=tuple(sorted(missing, key=lambda r: r.tag)), delete=tuple(stale),
                    kept=len(have), foreign=foreign)  # fmt: skip


async def current_rules(stream: tweepy.StreamingClient) -> list[dict]:
    response = await call(stream.get_rules)
    return list(json.loads(response.text).get("data") or [])


async def sync_rules(stream: tweepy.StreamingClient, config: EventConfig) -> RulePlan:
    """Make the app's rules match the event's. Raises Refused (403 on access levels
    without the stream), RateLimited or Unavailable."""
    prefix = event_tag(config)
    changes = plan(await current_rules(stream), wanted_rules(config), prefix)
    if changes.delete:
        await call(stream.delete_rules, list(changes.delete))
    if changes.add:
        response = await call(
            stream.add_rules, [tweepy.StreamRule(r.value, tag=r.tag) for r in changes.add]
        )
        errors = json.loads(response.text).get("errors") or []
        if errors:
            first = errors[0]
            detail = first.get("title") or first.get("detail") or "rule refused"
            raise Refused(f"X refused a stream rule: {detail} ({first.get('value', '')[:80]})")
    return changes
