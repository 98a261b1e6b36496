"""The plan of the demo day: who posts what, when. Our accounts' side lives here.

The Planner holds the shared state (the clock, the people, every planned post) and plans
our own run-of-show, #polchat hour and the desk's replies; `crowd` plans the public.
"""

from __future__ import annotations

import itertools
import math
import random
import string
from datetime import datetime

from eventdesk.config import EventConfig
from eventdesk.demo import inbox, ourposts, phrases
from eventdesk.demo.people import People, User
from eventdesk.demo.phrases import fill
from eventdesk.demo.render import Link, Planned
from eventdesk.demo.timeline import MINUTE, Clock

CO_TIMES = ((8, 15), (11, 40), (16, 5), (20, 30), (23, 20), (2, 40))
AIR_TIMES = ((9, 40), (15, 20), (19, 10), (21, 45), (23, 50), (1, 30), (4, 10))
KNOWN_INITIALS = {"CC": "AT", "DCC": "SR", "ACC": "MJ"}
SPARE_INITIALS = ("KP", "DL", "HW", "RB", "CN")
A_LABELS = ("A{k}:", "A{k}:", "A{k}:", "A{k}:", "A{k} -", "A{k}.", "a{k}:")
# How people start an answer; after one that ends mid-sentence the answer runs on.
A_OPENERS = ("", "", "", "", "", "Honestly? ", "For me: ", "Easy. ", "Hmm, ", "Simple: ",
             "Tbh ", "Has to be: ")  # fmt: skip
A_TAILS = ("", "", "", " {pos}", ". Great question.", ". Every time.", ". Love this chat",
           ". Easy one for me", " 💯")  # fmt: skip
_ALPHABET = string.ascii_letters + string.digits


def _tag_of(config: EventConfig, name: str) -> str | None:
    return next(("#" + t for t in config.event.hashtags if t.lower() == name), None)


def _clock_words(moment: datetime) -> str:
    """7am, 9:30pm: a time as people write it."""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


class Planner:
    """Everything planned so far, and the helpers every part of the plan uses."""

    def __init__(self, config: EventConfig, clock: Clock, rng: random.Random, crowd: int):
        self.clock, self.rng = clock, rng
        self.tag = "#" + config.event.hashtags[0]
        self.polchat = _tag_of(config, "polchat")
        self.truepicture = _tag_of(config, "truepicture")
        ours = []
        for number, account in enumerate(config.accounts, 1):
            user_id = account.user_id or str(1_399_999_999_999_999_000 + number)
            ours.append(User(user_id, account.name, account.handle, "ours"))
        self.main = ours[0]
        signed = [i for i, a in enumerate(config.accounts) if a.signature.kind == "initials"]
        self.cos = ours[signed[0]] if signed and signed[0] != 0 else None
        self.signature = config.accounts[signed[0]].signature if self.cos else None
        rest = [u for u in ours[1:] if u is not self.cos]
        self.air = rest[0] if rest else None
        self.people = People(rng, crowd, {u.id for u in ours})
        self.users: dict[str, User] = {u.username.lower(): u for u in ours}
        for user in [*self.people.public, *self.people.organisations, *self.people.staff]:
            self.users[user.username.lower()] = user
        self.posts: list[Planned] = []
        self.own: list[Planned] = []  # our root posts, which the public react to
        self.inbox: list[Planned] = []  # posts to us the desk might answer
        self.total_calls = rng.randrange(1700, 2300)
        self._order = itertools.count()
        self._recent: list[int] = []

    # helpers ---------------------------------------------------------------------
    def add(
        self,
        at: int,
        author: User,
        text: str,
        kind: str,
        *,
        parent: Planned | None = None,
        quoted: Planned | None = None,
        retweeted: Planned | None = None,
        links: tuple[Link, ...] = (),
        lang: str = "en",
        team: str = "",
        keep: bool = False,
    ) -> Planned | None:
        """Plan a post; None when `at` falls outside the event window."""
        if not self.clock.start <= at < self.clock.end:
            return None
        post = Planned(
            at, author, text, kind, parent=parent, quoted=quoted, retweeted=retweeted,
            links=links, lang=lang, team=team, keep=keep, order=next(self._order),
        )  # fmt: skip
        ref = post.reference
        if ref is not None:
            ref.keep = True  # render it, then include it with the posts that refer to it
        self.posts.append(post)
        return post

    def fill(self, template: str, **values: str) -> str:
        return fill(template, self.rng, values)

    def greet(self, template: str, user: User, **values: str) -> str:
        """Fill a template that names the user by first name, when they show one."""
        first = user.first
        if not first:
            template = template.replace(" {first}", "")
        return self.fill(template, first=first, **values)

    def event_tag(self) -> str:
        roll = self.rng.random()
        return self.tag if roll < 0.93 else self.tag.lower() if roll < 0.99 else self.tag.title()

    def link(self, expanded: str, display: str) -> Link:
        code = "".join(self.rng.choices(_ALPHABET, k=10))
        return Link(f"https://t.co/{code}", expanded, display)

    def delay(self, median_minutes: float, sigma: float = 1.0) -> int:
        """A reaction delay in ms: log-normal, at least five seconds."""
        mu = math.log(median_minutes * MINUTE)
        return max(5_000, int(self.rng.lognormvariate(mu, sigma)))

    def is_night(self, at: int) -> bool:
        hour = self.clock.hour(at)
        return hour >= 20 or hour < 7

    def fits(self, at: int) -> tuple[str, ...]:
        """Which of our templates' "when" values suit the local time `at`."""
        hour = self.clock.hour(at)
        if 7 <= hour < 12:
            return ("any", "am", "day")
        return ("any", "day") if 12 <= hour < 20 else ("any", "night")

    def _walls(self, times: tuple[tuple[int, int], ...]) -> list[int]:
        days = (self.clock.end - self.clock.start) // (24 * 60 * MINUTE) + 2
        walls = [self.clock.wall(day, h, m) for day in range(days) for h, m in times]
        return sorted(t for t in walls if self.clock.start < t < self.clock.end - 10 * MINUTE)

    def _slots(self, at: int) -> dict[str, str]:
        slots = {
            "tag": self.tag,
            "hhmm": self.clock.hhmm(at),
            "calls": str(int(self.total_calls * self.clock.progress(at))),
            "since": _clock_words(self.clock.local(self.clock.start)),
            "pos": self.rng.choice(("💙", "👏", "🙌", "💪", "👮")),
        }
        if self.air:
            slots["air"] = "@" + self.air.username
        if self.cos:
            slots["cos"] = "@" + self.cos.username
        return slots

    # our run-of-show -------------------------------------------------------------
    def our_day(self) -> None:
        """The main account's posts, the chief officers' and air support's."""
        clock, rng = self.clock, self.rng
        launch_at = clock.start + rng.randrange(40_000)
        self._own(
            launch_at, self.main, self.fill(ourposts.LAUNCH, **self._slots(launch_at)), "launch"
        )
        wrap_at = clock.end - rng.randrange(4, 9) * MINUTE
        quiet = self.polchat_window()
        at = launch_at
        while True:
            hour = clock.hour(at)
            at += int(rng.uniform(18, 30) if 7 <= hour < 22 else rng.uniform(45, 75)) * MINUTE
            at += rng.randrange(MINUTE)
            if at >= wrap_at - 10 * MINUTE:
                break
            if quiet and quiet[0] - 15 * MINUTE <= at < quiet[1] + 5 * MINUTE:
                continue
            self._main_post(at)
        self._own(wrap_at, self.main, self.fill(ourposts.WRAP, **self._slots(wrap_at)), "wrap")
        if self.cos and self.signature:
            spare = iter(SPARE_INITIALS)
            officers = [
                (rank, KNOWN_INITIALS.get(rank) or next(spare, "ZZ"))
                for rank in self.signature.ranks
            ]
            unused = list(ourposts.CO_POSTS)
            for at in self._walls(CO_TIMES):
                at += rng.randrange(-8 * MINUTE, 8 * MINUTE)
                template = self._pick(unused, at)
                signed = self.signature.prefix(*rng.choice(officers))
                self._own(at, self.cos, signed + self.fill(template, **self._slots(at)),
                          "chief officers")  # fmt: skip
        if self.air:
            unused = list(ourposts.AIR_POSTS)
            for at in self._walls(AIR_TIMES):
                at += rng.randrange(-10 * MINUTE, 10 * MINUTE)
                template = self._pick(unused, at)
                self._own(at, self.air, self.fill(template, **self._slots(at)), "air support")

    def _pick(self, unused: list[tuple[str, str]], at: int) -> str:
        """A template that suits the time, not used before (used ones are removed)."""
        fits = self.fits(at)
        choices = [item for item in unused if item[0] in fits] or unused
        item = self.rng.choice(choices)
        unused.remove(item)
        return item[1]

    def _own(self, at: int, author: User, text: str, team: str, photo: bool = False) -> Planned:
        links: tuple[Link, ...] = ()
        if photo and len(text) <= 256:
            code = "".join(self.rng.choices(_ALPHABET, k=10))
            link = self.link(
                f"https://x.com/{author.username}/status/{{id}}/photo/1", f"pic.x.com/{code}"
            )
            text, links = f"{text} {link.short}", (link,)
        post = self.add(at, author, text, "own", team=team, links=links, keep=True)
        assert post is not None, "our posts are planned inside the window"
        self.own.append(post)
        return post

    def _main_post(self, at: int) -> None:
        fits = self.fits(at)
        choices = [
            i
            for i, (when, _, text) in enumerate(ourposts.MAIN)
            if when in fits
            and i not in self._recent
            and (self.air or "{air}" not in text)
            and (self.cos or "{cos}" not in text)
        ]
        index = self.rng.choice(choices)
        self._recent = [*self._recent[-24:], index]
        _, team, template = ourposts.MAIN[index]
        photo = self.rng.random() < 0.45
        self._own(at, self.main, self.fill(template, **self._slots(at)), team, photo)

    # #polchat --------------------------------------------------------------------
    def polchat_window(self) -> tuple[int, int] | None:
        """13:00-14:00 local on the first day of the window that has it."""
        if self.polchat is None:
            return None
        for day in range(3):
            start = self.clock.wall(day, 13)
            if self.clock.start <= start - 10 * MINUTE and start + 75 * MINUTE < self.clock.end:
                return start, start + 60 * MINUTE
        return None

    def polchat_hour(self, budget: int) -> None:
        """Intro, Q1-Q6, the public's A-replies in each Q's thread, our thanks, a close."""
        window = self.polchat_window()
        if window is None or self.polchat is None:
            return
        rng, start = self.rng, window[0]
        slots = {**self._slots(start), "polchat": self.polchat}
        self._own(
            start - 5 * MINUTE, self.main, self.fill(ourposts.POLCHAT_INTRO, **slots), "polchat"
        )
        questions = []
        for k, template in enumerate(ourposts.POLCHAT_QUESTIONS):
            at = start + k * 10 * MINUTE + rng.randrange(40_000)
            post = self.add(
                at, self.main, self.fill(template, **slots), "polchat_q", team="polchat", keep=True
            )
            assert post is not None
            questions.append(post)
        self._own(
            window[1] + rng.randrange(1, 4) * MINUTE,
            self.main,
            self.fill(ourposts.POLCHAT_CLOSE, **slots),
            "polchat",
        )
        answers = []
        for _ in range(round(budget * 0.7)):
            k = rng.choices(range(6), weights=(1.3, 1.2, 1.1, 1.0, 0.9, 0.8))[0]
            question = questions[k]
            at = question.at + min(self.delay(3.5, 0.7), 30 * MINUTE)
            label = rng.choice(A_LABELS).format(k=k + 1)
            body = rng.choice(ourposts.POLCHAT_ANSWERS[k])
            opener = rng.choice(A_OPENERS)
            if opener and not opener.rstrip().endswith((":", ".", "?")):
                body = body[0].lower() + body[1:]
            body = opener + body
            tail = self.fill(rng.choice(A_TAILS))
            body += tail[1:] if body[-1] in ".!?" and tail.startswith(".") else tail
            extra = f" {self.tag}" if rng.random() < 0.1 else ""
            text = f"@{self.main.username} {label} {body} {self.polchat}{extra}"
            post = self.add(at, self.people.someone(), text, "polchat_a", parent=question)
            if post:
                answers.append(post)
        for answer in rng.sample(answers, min(len(answers), rng.randrange(8, 13))):
            text = f"@{answer.author.username} " + self.greet(
                rng.choice(ourposts.POLCHAT_OUR_REPLIES), answer.author, **slots
            )
            self.add(answer.at + self.delay(3, 0.5), self.main, text, "answer", parent=answer)
        for _ in range(budget - len(answers)):
            at = start - 10 * MINUTE + rng.randrange(80 * MINUTE)
            text = self.fill(rng.choice(phrases.POLCHAT_CHATTER), polchat=self.polchat)
            if text[-1:].isalnum():
                text += self.fill(rng.choice(phrases.WARM))
            self.add(at, self.people.someone(), text, "polchat_chatter")

    # the desk's replies ------------------------------------------------------------
    def desk_answers(self, count: int) -> None:
        """Our replies to some of the inbox, and now and then the public's reply back."""
        rng = self.rng
        answerable = [p for p in self.inbox if p.kind in ANSWER_KINDS]
        for parent in sorted(
            rng.sample(answerable, min(count, len(answerable))), key=lambda p: p.order
        ):
            kind = ANSWER_KINDS[parent.kind]
            night = self.is_night(parent.at)
            at = parent.at + self.delay(28 if night else 14, 0.8)
            op = rng.choice(inbox.OPERATORS_NIGHT if self.is_night(at) else inbox.OPERATORS_DAY)
            template = rng.choice(inbox.ANSWERS[kind])
            links: tuple[Link, ...] = ()
            short = ""
            if "{link}" in template:
                expanded, display = inbox.LINKS[kind]
                link = self.link(expanded, display)
                links, short = (link,), link.short
            text = f"@{parent.author.username} " + self.greet(
                template, parent.author, op=op, link=short, tag=self.tag
            )
            answer = self.add(at, self.main, text, "answer", parent=parent, links=links)
            if answer and rng.random() < 0.25:
                follow = f"@{self.main.username} " + self.fill(rng.choice(inbox.FOLLOW_UPS))
                self.add(answer.at + self.delay(6), parent.author, follow, "follow", parent=answer)


ANSWER_KINDS = {
    "mention:question": "question",
    "mention:report": "report",
    "mention:thanks": "thanks",
    "mention:complaint": "complaint",
    "mention:misinfo": "misinfo",
    "reply:question": "reply_q",
    "reply:praise": "praise",
    "reply:complaint": "complaint",
}
