"""The public's side of the demo day: chatter, the inbox, reactions to our posts,
#truepicture, a few emergencies and the awkward texts the display must survive."""

from __future__ import annotations

import bisect

from eventdesk.demo import inbox, oddities, ourposts, phrases
from eventdesk.demo.people import User
from eventdesk.demo.planner import Planner
from eventdesk.demo.render import Link, Planned

MAX_LENGTH = 280
EXTRA_TAGS = ("#Kingsmere", "#policing", "#community", "#nightshift", "#respect", "#bluelight")
_KEEP_CAPITAL = ("I ", "I'", "PD ", "PC ", "PCSO", "Kingsmere", "CID", "KP")


_BANKS = {
    name: phrases.by_hour(getattr(phrases, name))
    for name in ("CHATTER", "IDIOMS", "MISINFO_CHATTER", "BUSINESS", "COUNCILLOR", "JOURNALIST")
}


# Posts a day by the local organisations (whatever the size of the crowd).
ORGANISATION_POSTS = {"business": 100, "councillor": 50, "journalist": 125}


def _chatter_author(plan: Planner, odds: dict[str, float]) -> tuple[User, str]:
    roll = plan.rng.random()
    for kind, chance in odds.items():
        if roll < chance:
            return plan.people.organisation(kind), kind.upper()
        roll -= chance
    user = plan.people.someone()
    roll = plan.rng.random()
    if roll < 0.12:
        return user, "IDIOMS"
    if roll < 0.15:
        return user, "MISINFO_CHATTER"
    return user, "CHATTER"


def _hour_words(hour: int) -> str:
    return f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"


def vary(plan: Planner, body: str, warm: bool = False) -> str:
    """The same thought in someone's own style: a lead-in, a tail, lower case."""
    rng = plan.rng
    prefix = rng.choice(phrases.PREFIXES)
    if (
        prefix
        and not prefix.endswith(". ")
        and body[1:2].islower()
        and not body.startswith(_KEEP_CAPITAL)
    ):
        body = body[0].lower() + body[1:]
    if body[-1:].isalnum():
        tails = phrases.WARM if warm and rng.random() < 0.6 else phrases.SUFFIXES
        body += plan.fill(rng.choice(tails))
    body = prefix + body
    return body.lower() if rng.random() < 0.1 else body


def public_text(plan: Planner, template: str, tag: str | None = None, **slots: str) -> str:
    """A member of the public's words: template, a turn of phrase, the tag somewhere."""
    rng = plan.rng
    tag = tag if tag is not None else plan.event_tag()
    if "{tag}" in template:
        text = vary(plan, plan.fill(template, tag=tag, **slots))
    elif not tag:
        text = vary(plan, plan.fill(template, **slots))
    elif rng.random() < 0.7:
        text = f"{vary(plan, plan.fill(template, **slots))} {tag}"
    else:
        text = f"{tag} {vary(plan, plan.fill(template, **slots))}"
    if rng.random() < 0.07:
        text += " " + rng.choice(EXTRA_TAGS)
    if len(text) <= MAX_LENGTH:
        return text
    plain = plan.fill(template, tag=tag, **slots)  # too long dressed up: say it plainly
    return plain if "{tag}" in template or not tag else f"{plain} {tag}"


def chatter(plan: Planner, count: int) -> None:
    """Hashtag chatter through the day, following its rhythm."""
    rng, clock = plan.rng, plan.clock
    odds = {kind: min(0.01, n / max(count, 1)) for kind, n in ORGANISATION_POSTS.items()}
    for at in clock.times(rng, count):
        author, bank = _chatter_author(plan, odds)
        hour = clock.hour(at)
        text = public_text(plan, rng.choice(_BANKS[bank][hour]), hour=_hour_words(hour))
        if author.kind == "public" and rng.random() < 0.04:
            friend = plan.people.someone()
            if friend is not author:
                at_friend = "@" + friend.username
                text = f"{at_friend} {text}" if rng.random() < 0.5 else f"{text} {at_friend}"
        links: tuple[Link, ...] = ()
        if author.kind == "journalist" and rng.random() < 0.5:
            link = plan.link(
                "https://www.kingsmere-echo.example/live/24-hours-of-policing",
                "kingsmere-echo.example/live/24-hou…",
            )
            text, links = f"{text} {link.short}", (link,)
        plan.add(at, author, text, "chatter", links=links)


def _target(plan: Planner) -> User:
    roll = plan.rng.random()
    if plan.cos and roll < 0.07:
        return plan.cos
    if plan.air and roll < 0.13:
        return plan.air
    return plan.main


def mentions(plan: Planner, count: int) -> None:
    """Posts to our accounts that are not replies: questions, reports, thanks, complaints."""
    rng = plan.rng
    kinds = list(inbox.MENTION_WEIGHTS)
    weights = list(inbox.MENTION_WEIGHTS.values())
    for at in plan.clock.times(rng, count):
        kind = rng.choices(kinds, weights)[0]
        us = "@" + _target(plan).username
        body = plan.fill(rng.choice(inbox.MENTIONS[kind]), polchat=plan.polchat or plan.tag)
        if kind in ("question", "report", "misinfo"):
            tail = rng.choice(inbox.MENTION_TAILS)
            if body[-1:] == "?" and tail.startswith("."):
                tail = tail[1:]
            body += tail
        text = f"{us} {body}" if rng.random() < 0.8 else f"{body[0].upper()}{body[1:]} {us}"
        if rng.random() < 0.12:
            text += " " + plan.event_tag()
        post = plan.add(at, plan.people.someone(), text, f"mention:{kind}")
        if post:
            plan.inbox.append(post)


def reactions(plan: Planner, budget: int) -> None:
    """Replies, reposts, quotes and replies-to-replies under our posts, soon after each."""
    rng, clock = plan.rng, plan.clock
    targets = [p for p in plan.own if p.kind == "own"]
    factor = {"polchat": 0.3, "air support": 1.4, "chief officers": 0.8}
    weights = [
        clock.weight(p.at) * factor.get(p.team, 1.0) * rng.lognormvariate(0, 0.5) for p in targets
    ]
    total = sum(weights) or 1.0
    moods, mood_weights = list(inbox.REPLY_WEIGHTS), list(inbox.REPLY_WEIGHTS.values())
    for post, weight in zip(targets, weights, strict=True):
        share = budget * weight / total
        count = int(share) + (rng.random() < share - int(share))
        replies: list[Planned] = []
        for _ in range(count):
            roll = rng.random()
            author = plan.people.someone()
            at = post.at + plan.delay(6, 1.1)
            if roll < 0.35:
                text = _repost_text(post)
                links = tuple(link for link in post.links if link.short in text)
                plan.add(at, author, text, "retweet", retweeted=post, links=links, lang=post.lang)
            elif roll < 0.45:
                text = public_text(plan, rng.choice(inbox.QUOTES), team=post.team)
                plan.add(at, author, text, "quote", quoted=post)
            elif roll < 0.55 and replies:
                parent = rng.choice(replies)
                if parent.author is author:
                    continue
                body = vary(plan, plan.fill(rng.choice(inbox.THREAD_REPLIES)))
                text = f"@{parent.author.username} @{post.author.username} {body}"
                plan.add(parent.at + plan.delay(5), author, text, "thread", parent=parent)
            else:
                mood = rng.choices(moods, mood_weights)[0]
                body = plan.fill(rng.choice(inbox.REPLIES[mood]), team=post.team)
                body = vary(plan, body, warm=mood == "praise")
                reply = plan.add(
                    at, author, f"@{post.author.username} {body}", f"reply:{mood}", parent=post
                )
                if reply:
                    replies.append(reply)
                    plan.inbox.append(reply)


def _repost_text(post: Planned) -> str:
    text = f"RT @{post.author.username}: {post.text}"
    if len(text) <= MAX_LENGTH:
        return text
    cut = text.rfind(" ", 0, MAX_LENGTH - 1)
    return text[:cut] + "…"


def truepicture(plan: Planner, count: int) -> None:
    """Officers and staff summing up their shifts."""
    if plan.truepicture is None:
        return
    rng = plan.rng
    # Most officers sum up a shift once or twice; a few are keen.
    officers = plan.people.officers(count // 2)
    for user in officers:
        plan.users[user.username.lower()] = user
    for at in plan.clock.times(rng, count):
        shift = _shift(plan.clock.hour(at))
        tp = plan.truepicture + (f" {plan.tag}" if rng.random() < 0.5 else "")
        text = plan.fill(rng.choice(ourposts.TRUEPICTURE[shift]), tp=tp, hhmm=plan.clock.hhmm(at))
        author = rng.choice(officers) if rng.random() < 0.85 else plan.people.someone()
        plan.add(at, author, text, "truepicture")


def _shift(hour: int) -> str:
    """Which shift is ending (or half done) at a local hour."""
    if 6 <= hour < 10:
        return "nights"
    if 14 <= hour < 17:
        return "earlies"
    return "lates" if hour >= 22 or hour < 2 else "days"


def emergencies(plan: Planner) -> None:
    """A handful of genuine emergencies, to us or under one of our posts."""
    rng = plan.rng
    count = rng.randrange(8, 13)
    own = sorted(plan.own, key=lambda p: p.at)
    own_times = [p.at for p in own]
    for template, at in zip(
        rng.sample(inbox.EMERGENCIES, count), plan.clock.times(rng, count), strict=True
    ):
        before = bisect.bisect_left(own_times, at) - 1
        parent = own[before] if before >= 0 and rng.random() < 0.5 else None
        to = parent.author if parent else plan.main
        text = f"@{to.username} {plan.fill(template)}"
        plan.add(at, plan.people.someone(), text, "emergency", parent=parent)


def awkward(plan: Planner) -> None:
    """Markup, escapes, bidi, emoji and CJK, one very long post, and odd display names."""
    rng, clock = plan.rng, plan.clock
    times = clock.times(rng, len(oddities.HOSTILE) + 1)
    for (template, lang), at in zip(oddities.HOSTILE, times[:-1], strict=True):
        plan.add(at, plan.people.someone(), template.replace("{tag}", plan.tag), "odd", lang=lang)
    plan.add(times[-1], plan.people.someone(), oddities.long_post(rng, plan.tag), "odd")
    for name, username in oddities.ODD_NAMES:
        user = plan.people.add(name, username, "public")
        plan.users[username.lower()] = user
        for at in clock.times(rng, rng.randrange(2, 4)):
            hour = clock.hour(at)
            text = public_text(plan, rng.choice(_BANKS["CHATTER"][hour]), hour=_hour_words(hour))
            plan.add(at, user, text, "chatter")
