"""The invented people of Kingsmere who post on the demo day.

Members of the public (a few heavy posters, many occasional ones), local businesses,
councillors, journalists and officers' own accounts. Every name here is made up from
common first names and surnames; none is meant to be anyone real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Aaron Abbie Adam Aisha Alex Alfie Amara Amy Andrew Anika Ben Beth Bilal Bryony Callum "
    "Carl Cerys Charlie Chloe Chris Ciara Connor Dan Dani Darren Dave Dean Declan Dev Dom "
    "Ellie Emma Erin Ewan Faye Finn Freya Gary Gemma Grace Hamza Hannah Harry Hayley Imran "
    "Isla Jack Jade Jake Jamal Jas Jen Jess Jo Joe Josh Kai Karen Kate Kayleigh Kerry Kieran "
    "Kofi Lauren Leah Lee Liam Lily Lucy Luke Maddie Marcus Mark Megan Mia Mo Nadia Nat "
    "Neil Niamh Nikki Noah Olly Owen Paige Paul Pete Priya Rachel Raj Rhys Rob Rosie Ryan "
    "Sadia Sam Sara Scott Sean Shannon Simon Sophie Stacey Steph Steve Tariq Tash Tom Tony "
    "Tyler Vicky Wes Yusuf Zara Zoe Agnieszka Tomasz Ngozi Tunde Mei Hiroshi Leila Omar"
)
SURNAMES = _words(
    "Ahmed Akhtar Allen Appleby Ashworth Bailey Barker Begum Bell Bennett Bhatt Birch "
    "Bradley Brooks Carter Chambers Chapman Clarke Coleman Cooper Cox Crane Dale Davies "
    "Dawson Denton Doyle Dunn Ellis Evans Farrow Fenton Fisher Fletcher Foster Fox Gill "
    "Gordon Grant Hale Hall Harding Hart Hayes Heald Holt Hussain Hughes Iqbal Jackson "
    "Jarvis Jenkins Kaur Kelly Kemp Khan Knight Lamb Lane Lawson Lees Lloyd Lowe Malik "
    "Marsh Mason Mills Moss Murray Nash Nowak Obi Okafor Osei Owen Palmer Parker Patel "
    "Pearce Pike Price Quinn Rahman Read Reeve Riley Rowe Russell Shah Sharp Singh Slater "
    "Stone Sutton Taylor Thorne Turner Tyler Walsh Ward Webb Wells Whitfield Wong Wood "
    "Wright Yates"
)
LOCAL_BITS = _words(
    "Kingsmere Quayside Northgate Saltmarsh Eastfield Brookhill OldTown Westbury Fenwick "
    "Hollins Ashby Carrow Marlow"
)
_FIRST = frozenset(FIRST_NAMES)
NOUNS = _words("Mum Dad Lad Lass Nan Runner Cyclist Walker Dog Baker Fan Local Grandad Gran")
# Hand-laid tables: keep the formatter out.
# fmt: off
NAME_EMOJI = ("🌻", "💙", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "⚽", "🐾", "🌈", "☕", "🎸", "🍀", "✨", "🚴", "🏃‍♀️")

# Local organisations and people with a public role: (name, username, kind)
ORGANISATIONS = (
    ("Kingsmere Bakehouse", "KingsmereBakes", "business"),
    ("The Quayside Café", "QuaysideCafe", "business"),
    ("Brookhill Motors", "BrookhillMotors", "business"),
    ("Northgate Pharmacy", "NorthgatePharm", "business"),
    ("Old Town Books", "OldTownBooks", "business"),
    ("Saltmarsh Fish Bar", "SaltmarshChips", "business"),
    ("The Ferryman Inn", "TheFerrymanInn", "business"),
    ("Eastfield Leisure Centre", "EastfieldLC", "business"),
    ("Kingsmere Market Traders", "KMarketTraders", "business"),
    ("Hollins Green Garden Centre", "HollinsGardens", "business"),
    ("Marlow End Barbers", "MarlowEndCuts", "business"),
    ("Kingsmere Town Centre BID", "KingsmereBID", "business"),
    ("Cllr Priya Danvers", "CllrPDanvers", "councillor"),
    ("Cllr Martin Eckersley", "CllrEckersley", "councillor"),
    ("Cllr Joanne Pilling", "CllrJoPilling", "councillor"),
    ("Cllr Kwame Asante-Boyd", "CllrKAsanteBoyd", "councillor"),
    ("Cllr Ruth Garside", "CllrRuthG", "councillor"),
    ("Kingsmere Echo", "KingsmereEcho", "journalist"),
    ("Tom Reeve | Kingsmere Echo", "TomReeveEcho", "journalist"),
    ("Hana Lowther (crime reporter)", "HanaLowtherNews", "journalist"),
    ("Radio Kingsmere News", "RadioKingsmere", "journalist"),
    ("Gethin Prys, freelance", "GethinPrys", "journalist"),
)

# Officers' and staff's own accounts (not the force's accounts in the config).
STAFF = (
    ("PC Sam Holt", "PC_SamHolt"),
    ("Sgt Ade Okafor", "KP_SgtOkafor"),
    ("Kingsmere Police Dogs", "KingsmereDogs"),
    ("KP Roads Policing", "KPRoadsPolicing"),
    ("Northgate Neighbourhood Team", "KPNorthgateNPT"),
    ("Saltmarsh & Quay NPT", "KPSaltmarshNPT"),
    ("Kingsmere Custody", "KPCustodySgt"),
    ("KP Control Room", "KPControlRoom"),
    ("PCSO Bex Marsh", "PCSOBexMarsh"),
    ("Insp Leanne Carrow", "InspLCarrow"),
    ("Kingsmere Specials", "KPSpecials"),
    ("KP Marine Unit", "KPMarineUnit"),
    ("DS Ravi Mehta", "DS_RaviMehta"),
    ("Kingsmere Police Cadets", "KPCadets"),
    ("PC Jo Whitfield", "PCJoWhitfield"),
    ("Ch Insp Dan Pryor", "ChInspPryor"),
    ("Kingsmere Rural Crime", "KPRuralCrime"),
    ("Kingsmere CSI", "KingsmereCSI"),
)


# fmt: on


RANKS = ("PC", "PC", "PC", "PCSO", "PCSO", "Sgt", "DC", "Insp", "SC")


@dataclass(slots=True, eq=False)
class User:
    """One account: X's user object fields, plus what the generator needs to know."""

    id: str
    name: str
    username: str
    kind: str = "public"  # public | business | councillor | journalist | staff | ours | odd

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "username": self.username}

    @property
    def first(self) -> str:
        """The first name the account shows, or "" when it shows none."""
        word = self.name.split(" ")[0]
        return word if word in _FIRST else ""


class People:
    """Everyone who posts, with who is likely to post how often."""

    def __init__(self, rng: random.Random, count: int, taken_ids: set[str]) -> None:
        self._rng = rng
        self._ids = set(taken_ids)
        self._names: set[str] = set()
        self.public: list[User] = []
        weights: list[float] = []
        for _ in range(count):
            user = self._person()
            tier = rng.random()
            # A few heavy posters, a body of regulars, a long tail of once-a-day people.
            weights.append(15.0 if tier < 0.02 else 4.0 if tier < 0.2 else 1.0)
            self.public.append(user)
        self._public_cum = _cumulative(weights)
        self.organisations = [
            self._make(name, username, kind) for name, username, kind in ORGANISATIONS
        ]
        self.staff = [self._make(name, username, "staff") for name, username in STAFF]

    def _new_id(self) -> str:
        rng = self._rng
        while True:
            if rng.random() < 0.35:  # older accounts have short ids
                value = str(rng.randrange(10_000_000, 4_000_000_000))
            else:
                value = str(rng.randrange(700_000_000_000_000_000, 1_980_000_000_000_000_000))
            if value not in self._ids:
                self._ids.add(value)
                return value

    def _make(self, name: str, username: str, kind: str) -> User:
        self._names.add(username.lower())
        return User(self._new_id(), name, username, kind)

    def _person(self) -> User:
        rng = self._rng
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            username = self._username(first, last)
            if username.lower() not in self._names and len(username) <= 15:
                break
        return self._make(self._display_name(first, last), username, "public")

    def _username(self, first: str, last: str) -> str:
        rng = self._rng
        year = rng.choice(("", str(rng.randrange(70, 100)), str(rng.randrange(0, 12)).zfill(2)))
        shape = rng.randrange(9)
        if shape == 0:
            return f"{first}{last}"
        if shape == 1:
            return f"{first}_{last[0]}{year}"
        if shape == 2:
            return f"{first.lower()}{last.lower()}{rng.randrange(1, 999)}"
        if shape == 3:
            return f"{last}{first[0]}{year}"
        if shape == 4:
            return f"{rng.choice(LOCAL_BITS)}{rng.choice(NOUNS)}{rng.randrange(1, 99)}"
        if shape == 5:
            return f"the_real_{first.lower()}"[:15]
        if shape == 6:
            return f"{first[0]}{last}_{rng.randrange(1, 99)}"
        if shape == 7:
            return f"{first}{rng.choice(NOUNS)}{year}"
        return f"{first.lower()}_{last.lower()}"

    def _display_name(self, first: str, last: str) -> str:
        rng = self._rng
        shape = rng.random()
        if shape < 0.45:
            return f"{first} {last}"
        if shape < 0.6:
            return first
        if shape < 0.72:
            return f"{first} {last[0]}"
        if shape < 0.84:
            return f"{first} {rng.choice(NAME_EMOJI)}"
        if shape < 0.9:
            return f"{first.lower()} {last.lower()}"
        if shape < 0.95:
            return f"{first} {last} {rng.choice(NAME_EMOJI)}"
        return f"{rng.choice(NOUNS)} from {rng.choice(LOCAL_BITS)}"

    def officers(self, count: int) -> list[User]:
        """The officers' and staff's own accounts: the named ones and `count` more."""
        rng = self._rng
        pool = list(self.staff)
        while len(pool) < count:
            rank = rng.choice(RANKS)
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            username = rng.choice(
                (f"{rank}{first}{last[0]}", f"{rank}_{first}{last}", f"KP_{rank}{last}",
                 f"{first}{last}{rank}", f"{rank}{last}{rng.randrange(10, 99)}")
            )  # fmt: skip
            if len(username) > 15 or username.lower() in self._names:
                continue
            pool.append(self._make(f"{rank} {first} {last}", username, "staff"))
        return pool

    def add(self, name: str, username: str, kind: str) -> User:
        """An extra account (the odd names the display must survive)."""
        return self._make(name, username, kind)

    def someone(self) -> User:
        """A member of the public, heavy posters more likely."""
        return self._rng.choices(self.public, cum_weights=self._public_cum)[0]

    def organisation(self, kind: str | None = None) -> User:
        pool = [u for u in self.organisations if kind is None or u.kind == kind]
        return self._rng.choice(pool)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out
