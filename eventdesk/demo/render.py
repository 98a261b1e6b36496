"""Planned posts → X API v2 filtered-stream messages.

Entities are found in the final text the way X finds them (offsets in code points), the
stream rules each post matches are named, and the referenced post rides along in
`includes.tweets` when the generator kept it.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

from eventdesk.config import EventConfig
from eventdesk.demo.people import User
from eventdesk.demo.timeline import Clock, Snowflakes

_HASHTAG = re.compile(r"(?<![\w&/])#(\w*[^\W\d]\w*)")
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])")


@dataclass(slots=True, frozen=True)
class Link:
    """A t.co link in a post's text. `expanded` may hold "{id}": the post's own id."""

    short: str
    expanded: str
    display: str


@dataclass(slots=True, eq=False)
class Planned:
    """One post, planned before ids exist. Parents are planned (and sort) before children."""

    at: int  # ms since the Unix epoch
    author: User
    text: str
    kind: str = "chatter"
    parent: Planned | None = None  # replied to
    quoted: Planned | None = None
    retweeted: Planned | None = None
    links: tuple[Link, ...] = ()
    lang: str = "en"
    team: str = ""  # for our posts: which team the post is about
    keep: bool = False  # referenced later: keep the rendered tweet for includes.tweets
    order: int = 0  # planning order, breaks ties in time
    id: int = 0
    conversation: int = 0
    tweet: dict[str, Any] | None = field(default=None, repr=False)
    tweet_json: str | None = field(default=None, repr=False)

    @property
    def reference(self) -> Planned | None:
        return self.parent or self.quoted or self.retweeted


@dataclass(slots=True, frozen=True)
class Rule:
    id: str
    tag: str
    kind: str  # hashtag | mention | from
    value: str  # lower-cased


def stream_rules(config: EventConfig) -> list[Rule]:
    """The filtered-stream rules a desk would set up for this event, with stable ids."""
    rng = random.Random("eventdesk-demo-rules")
    rules = [Rule("", f"hashtag:{tag}", "hashtag", tag.lower()) for tag in config.event.hashtags]
    for kind in ("mention", "from"):
        rules += [Rule("", f"{kind}:{a.handle}", kind, a.handle.lower()) for a in config.accounts]
    return [
        Rule(
            str(rng.randrange(1_700_000_000_000_000_000, 1_900_000_000_000_000_000)),
            r.tag,
            r.kind,
            r.value,
        )
        for r in rules
    ]


@dataclass(slots=True)
class _Parts:
    """What one message is made of, before it becomes a dict or a line of JSON."""

    post: Planned
    id_text: str
    stamp: str
    tags: list[tuple[int, int, str]]
    mentions: list[tuple[int, int, str, User]]
    metrics: tuple[dict[str, int], str]
    users: list[User]
    rules: tuple[int, ...]


class Renderer:
    """Assigns ids in time order and turns each planned post into a stream message.

    `message` gives the message as a dict; `line` gives the same message as compact JSON
    text, written directly because it runs for every post of a replay file.
    """

    def __init__(
        self, config: EventConfig, clock: Clock, users: dict[str, User], rng: random.Random
    ) -> None:
        self._clock = clock
        self._users = users  # lower-cased username → user
        self._ids = Snowflakes(rng)
        self._rng = rng
        self._rules = stream_rules(config)
        self._rule_index = {(r.kind, r.value): i for i, r in enumerate(self._rules)}
        self._rule_json: dict[tuple[int, ...], str] = {}
        self._user_json: dict[str, str] = {}
        # Most posts' counts are small: draw them from a pool rather than afresh.
        self._pool = [self._with_json(self._public_metrics()) for _ in range(1 << 11)]

    # the two shapes of a message -------------------------------------------------
    def message(self, post: Planned) -> dict[str, Any] | None:
        """The stream message for `post`, or None if no stream rule would deliver it."""
        parts = self._parts(post)
        text = post.text
        tweet: dict[str, Any] = {
            "id": parts.id_text,
            "text": text,
            "created_at": parts.stamp,
            "author_id": post.author.id,
            "conversation_id": str(post.conversation),
        }
        if post.parent is not None:
            tweet["in_reply_to_user_id"] = post.parent.author.id
        ref = post.reference
        if ref is not None:
            tweet["referenced_tweets"] = [{"type": _ref_kind(post), "id": str(ref.id)}]
        entities: dict[str, Any] = {}
        if parts.tags:
            entities["hashtags"] = [{"start": s, "end": e, "tag": t} for s, e, t in parts.tags]
        if parts.mentions:
            entities["mentions"] = [
                {"start": s, "end": e, "username": name, "id": user.id}
                for s, e, name, user in parts.mentions
            ]
        if post.links:
            entities["urls"] = [_url(text, link, parts.id_text) for link in post.links]
        if entities:
            tweet["entities"] = entities
        tweet["public_metrics"] = dict(parts.metrics[0])
        tweet["lang"] = post.lang
        tweet["edit_history_tweet_ids"] = [parts.id_text]
        if post.keep:
            post.tweet = tweet
        if not parts.rules:
            return None
        includes: dict[str, Any] = {}
        if ref is not None and ref.tweet is not None:
            includes["tweets"] = [ref.tweet]
        includes["users"] = [user.as_json() for user in parts.users]
        matching = [{"id": self._rules[i].id, "tag": self._rules[i].tag} for i in parts.rules]
        return {"data": tweet, "includes": includes, "matching_rules": matching}

    def line(self, post: Planned) -> str | None:
        """`message(post)` as one line of compact JSON (no newline), or None."""
        parts = self._parts(post)
        text, id_text = post.text, parts.id_text
        out = [
            f'{{"id":"{id_text}","text":{_quote(text)},"created_at":"{parts.stamp}",'
            f'"author_id":"{post.author.id}","conversation_id":"{post.conversation}"'
        ]
        if post.parent is not None:
            out.append(f',"in_reply_to_user_id":"{post.parent.author.id}"')
        ref = post.reference
        if ref is not None:
            out.append(f',"referenced_tweets":[{{"type":"{_ref_kind(post)}","id":"{ref.id}"}}]')
        if parts.tags or parts.mentions or post.links:
            entities = []
            if parts.tags:
                entities.append(
                    '"hashtags":['
                    + ",".join(
                        f'{{"start":{s},"end":{e},"tag":{_quote(t)}}}' for s, e, t in parts.tags
                    )
                    + "]"
                )
            if parts.mentions:
                entities.append(
                    '"mentions":['
                    + ",".join(
                        f'{{"start":{s},"end":{e},"username":"{name}","id":"{user.id}"}}'
                        for s, e, name, user in parts.mentions
                    )
                    + "]"
                )
            if post.links:
                entities.append('"urls":' + _dumps([_url(text, x, id_text) for x in post.links]))
            out.append(',"entities":{' + ",".join(entities) + "}")
        out.append(
            f',"public_metrics":{parts.metrics[1]},"lang":{_quote(post.lang)},'
            f'"edit_history_tweet_ids":["{id_text}"]}}'
        )
        data = "".join(out)
        if post.keep:
            post.tweet_json = data
        if not parts.rules:
            return None
        includes = ""
        if ref is not None and ref.tweet_json is not None:
            includes = f'"tweets":[{ref.tweet_json}],'
        users = ",".join(self._user(u) for u in parts.users)
        return (
            f'{{"data":{data},"includes":{{{includes}"users":[{users}]}},'
            f'"matching_rules":{self._matching_json(parts.rules)}}}'
        )

    # shared --------------------------------------------------------------------------
    def _parts(self, post: Planned) -> _Parts:
        post.id = self._ids.next(post.at)
        post.conversation = post.parent.conversation if post.parent else post.id
        text = post.text
        users = [post.author]
        tags: list[tuple[int, int, str]] = []
        if "#" in text:
            tags = [(m.start(), m.end(), m.group(1)) for m in _HASHTAG.finditer(text)]
        mentions: list[tuple[int, int, str, User]] = []
        if "@" in text:
            for m in _MENTION.finditer(text):
                user = self._users.get(m.group(1).lower())
                if user is not None:
                    mentions.append((m.start(), m.end(), m.group(1), user))
                    if user not in users:
                        users.append(user)
        ref = post.reference
        if ref is not None and ref.author not in users:
            users.append(ref.author)
        metrics = (
            self._pool[self._rng.getrandbits(11)]
            if post.author.kind != "ours"
            else self._with_json(self._our_metrics())
        )
        rules = self._matching(tags, mentions, post.author.username.lower())
        return _Parts(
            post, str(post.id), self._clock.stamp(post.at), tags, mentions, metrics, users, rules
        )

    def _user(self, user: User) -> str:
        text = self._user_json.get(user.id)
        if text is None:
            text = self._user_json[user.id] = _dumps(user.as_json())
        return text

    def _matching_json(self, rules: tuple[int, ...]) -> str:
        text = self._rule_json.get(rules)
        if text is None:
            text = self._rule_json[rules] = _dumps(
                [{"id": self._rules[i].id, "tag": self._rules[i].tag} for i in rules]
            )
        return text

    def _matching(
        self,
        tags: list[tuple[int, int, str]],
        mentions: list[tuple[int, int, str, User]],
        author: str,
    ) -> tuple[int, ...]:
        index = self._rule_index
        found = [index.get(("hashtag", tag.lower())) for _, _, tag in tags]
        found += [index.get(("mention", name.lower())) for _, _, name, _ in mentions]
        found.append(index.get(("from", author)))
        return tuple(sorted({i for i in found if i is not None}))

    @staticmethod
    def _with_json(metrics: dict[str, int]) -> tuple[dict[str, int], str]:
        return metrics, _dumps(metrics)

    def _our_metrics(self) -> dict[str, int]:
        rng = self._rng
        likes = int(rng.lognormvariate(4.3, 0.8))
        return {
            "retweet_count": likes // rng.randrange(4, 9),
            "reply_count": likes // rng.randrange(6, 15),
            "like_count": likes,
            "quote_count": likes // rng.randrange(20, 60),
            "bookmark_count": likes // rng.randrange(15, 40),
            "impression_count": likes * rng.randrange(40, 120),
        }

    def _public_metrics(self) -> dict[str, int]:
        rng = self._rng
        likes = int(rng.expovariate(0.6))
        return {
            "retweet_count": int(rng.expovariate(2.5)),
            "reply_count": int(rng.expovariate(3.0)),
            "like_count": likes,
            "quote_count": 0 if rng.random() < 0.97 else 1,
            "bookmark_count": 0 if rng.random() < 0.95 else 1,
            "impression_count": likes * 30 + int(rng.lognormvariate(4.0, 1.0)),
        }


def _ref_kind(post: Planned) -> str:
    return "replied_to" if post.parent else "quoted" if post.quoted else "retweeted"


def _url(text: str, link: Link, id_text: str) -> dict[str, Any]:
    start = text.find(link.short)
    return {
        "start": start,
        "end": start + len(link.short),
        "url": link.short,
        "expanded_url": link.expanded.replace("{id}", id_text),
        "display_url": link.display,
    }


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_quote = json.encoder.encode_basestring  # a JSON string literal, as json.dumps writes it
