"""Slot banks and the public's hashtag chatter for the demo day.

Templates name their slots in braces, e.g. "{area}"; `fill` picks a value for each slot
from BANKS (or from the values passed in). Everything is invented: the town of Kingsmere,
its streets, pubs and people.
"""

from __future__ import annotations

import random
import re

from eventdesk.demo.people import FIRST_NAMES

# Hand-laid tables of text: keep the formatter out.
# fmt: off
BANKS: dict[str, tuple[str, ...]] = {
    "area": (
        "Northgate", "Saltmarsh", "Eastfield", "Brookhill", "Old Town", "Westbury Park",
        "Kingsmere Quay", "Hollins Green", "Ashby Vale", "Marlow End", "Fenwick",
        "St Aldric's", "Abbeygate", "Carrow Heath", "Quayside",
    ),
    "street": (
        "Market Street", "Mill Lane", "Station Road", "Harbour Way", "Chapel Row",
        "Fenwick Road", "Ropewalk", "Tanners Lane", "Gasworks Road", "Albion Terrace",
        "Bridge Street", "Cooper's Yard", "Linden Avenue", "Quarry Hill", "Victoria Parade",
        "Saltmarsh Road", "Northgate High Street", "Orchard Close", "Priory Walk",
        "Sandpit Lane", "Ferry Road", "Wharf Street", "Beacon Lane", "Holloway Rise",
    ),
    "road": (
        "ring road", "bypass", "Quay bridge", "Northgate roundabout", "Eastfield flyover",
        "Fenwick Road", "Brookhill link road", "coast road",
    ),
    "pub": (
        "The Ferryman", "The Crooked Anchor", "The Salt House", "The Drovers",
        "The Jolly Cooper", "The Kingsmere Arms", "The Tanners", "The Old Lock",
    ),
    "shop": (
        "corner shop", "late shop", "chippy", "bookies", "vape shop", "petrol station",
        "takeaway", "newsagents", "launderette", "bakery",
    ),
    "place": (
        "the bus station", "the train station", "the retail park", "the leisure centre",
        "the Quay", "the market", "the hospital", "the library", "the skate park",
        "Westbury Park", "the canal towpath", "the precinct", "the big supermarket car park",
        "the school gates", "the community centre",
    ),
    "team": (
        "response", "custody", "control room", "dogs", "roads policing", "neighbourhood",
        "CID", "call handlers", "PCSOs", "specials", "air support", "marine unit", "CSI",
        "cadets", "night shift",
    ),
    "drink": ("coffee", "brew", "cuppa", "tea", "hot chocolate", "flat white"),
    "food": ("bacon butty", "sausage roll", "pasty", "curry", "kebab", "chippy tea", "doughnut"),
    "pos": ("👏", "💙", "🙌", "👍", "💪", "😊", "🙏", "❤️", "👮‍♀️", "👮‍♂️", "🚓", "💙💙", "👏👏👏"),
    "lol": ("😂", "🤣", "😆", "😅", "lol", "haha", "😂😂"),
    "neg": ("🙄", "😡", "🤡", "👎", "😤", "🤦‍♂️", "🤦‍♀️"),
    "weather": ("rain", "drizzle", "fog", "wind", "cold", "frost", "sleet"),
    "weather_adj": ("rainy", "foggy", "windy", "freezing", "grey", "sunny (for once)"),
    "weather_ok": ("clear", "some low cloud", "gusty but flyable", "light rain"),
    "who": ("teenager", "older man with dementia", "walker", "woman"),
    "until": ("11am", "noon", "1pm", "2pm", "4pm", "5pm"),
    "n2": ("2", "3", "4", "5", "6"),
    "first": FIRST_NAMES[::2],
    "first2": FIRST_NAMES[1::2],
    "surname": ("Holt", "Okafor", "Marsh", "Whitfield", "Carrow", "Mehta", "Dunn", "Pike"),
    "relative": (
        "dad", "mum", "brother", "sister", "son", "daughter", "cousin", "uncle", "auntie",
        "best mate", "other half", "grandad", "nan",
    ),
    "n": ("2", "3", "4", "5", "6", "7", "8"),
    "years": ("12", "15", "18", "20", "22", "25", "27", "30"),
    "dog": ("Bramble", "Ziggy", "Murphy", "Koda", "Jet", "Skye", "Bruno", "Nell", "Tui", "Odin"),
    "thing": (
        "bike", "e-scooter", "catalytic converter", "parcel", "wheelie bin", "strimmer",
        "toolbox", "trailer", "handbag", "mobility scooter", "lawnmower", "kid's bike",
    ),
}

# fmt: on
_SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, rng: random.Random, values: dict[str, str] | None = None) -> str:
    """The template with each {slot} replaced: from `values` first, else from BANKS."""
    given = values or {}

    def pick(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in given:
            return given[name]
        return rng.choice(BANKS[name])

    return _SLOT.sub(pick, template)


PERIODS = {
    "morning": range(6, 12),
    "day": range(8, 19),
    "afternoon": range(12, 18),
    "evening": range(17, 24),
    "night": (23, 0, 1, 2, 3, 4, 5),
    "late": (20, 21, 22, 23, 0, 1, 2, 3, 4, 5),
}


def by_hour(bank: tuple[str, ...]) -> list[tuple[str, ...]]:
    """For each local hour, the templates of `bank` that fit it.

    A template may start with a period and a bar, e.g. "morning|Fog on the {road}".
    """
    hours: list[list[str]] = [[] for _ in range(24)]
    for template in bank:
        period, bar, text = template.partition("|")
        if not bar:
            text, fits = template, range(24)
        else:
            fits = PERIODS[period]  # type: ignore[assignment]
        for hour in fits:
            hours[hour].append(text)
    return [tuple(templates) for templates in hours]


# fmt: off
# The public on the event hashtag. The tag is placed by the generator (start, end or
# inside), unless the template says where with {tag}.
CHATTER = (
    "Watching {tag} from the sofa. Had no idea the {team} team did all that",
    "Loving {tag} so far. The {team} posts are my favourite {pos}",
    "Proper eye-opener this {tag} thing",
    "My {relative} is on shift in {area} today, proud of you {pos}",
    "late|Fair play to everyone working through the night {pos}",
    "Didn't realise how many calls a day the control room gets",
    "Anyone else following {tag}? Some of these jobs are wild",
    "morning|Morning Kingsmere! Proper {weather_adj} one in {area} today",
    "day|It's {weather} AGAIN in {area}. Respect to the lot of you out in it",
    "Honestly the dog unit posts are the best part of my day {pos}",
    "Still can't believe the custody numbers. Where do they put everyone?",
    "morning|Good to see the {area} neighbourhood team out on {street} this morning",
    "day|Saw two officers getting a {drink} at {place}, hope they got it on the house",
    "afternoon|Kids loved seeing the police car at {place} today {pos}",
    "Nice to see what goes on behind the scenes for once",
    "Interesting thread from the roads policing lot about phones at the wheel",
    "day|Not much happening on {street} today, which is how I like it",
    "morning|The {team} team look shattered and it's not even lunchtime",
    "day|Been following {tag} all day instead of working, don't tell my boss",
    "Big up the call handlers. I couldn't do that job for a day",
    "day|Roads are rammed around {place} again",
    "Heard sirens going down {street} about ten minutes ago",
    "Helicopter's been over {area} for a while now, anyone know what's going on?",
    "That air support footage is unreal",
    "Anyone know if the {road} is open again?",
    "My {relative} did {years} years in Kingsmere Police. Would have loved {tag}",
    "Genuinely useful this. Didn't know you could report stuff online",
    "evening|Well that's my evening sorted, catching up on {tag}",
    "late|Lots of police about in {area} tonight",
    "late|Bit quiet on here now. Everyone watching the telly?",
    "night|Who's still up following {tag}? Night owls unite",
    "night|Can't sleep so reading about the night shift. Respect",
    "night|Early shift at the hospital, nice to see {tag} going strong at this hour",
    "night|{hour} and the custody team are still going. Hats off",
    "Anyone know what all the blue lights were on {street}?",
    "day|Just had a lovely chat with a PCSO outside {place}",
    "day|Great to see the cadets out today, good bunch of kids",
    "morning|The police dog posts have done more for my mood than my actual {drink}",
    "What happened to the speed van that used to sit on {street}?",
    "Why are there never any officers on {street} when the kids are messing about",
    "All very nice this PR but I still can't get anyone to look at my CCTV",
    "Would be great if this was every day, not just for {tag}",
    "Great work today {pos} Kingsmere is lucky to have you",
    "Not a fan of the police generally but these posts are decent",
    "Surely you lot have better things to do than post all day",
    "Who else read the custody thread and now wants to be a detention officer?",
    "late|Right, bed. Good luck to the night shift {pos}",
    "Absolute respect to the roads policing team, horrible job some days",
    "morning|Rush hour on the {road} is a nightmare today",
    "evening|Chippy queue at {place} is out the door. Worth it though",
    "morning|Does anyone know if the market's on today with all this {weather}?",
    "morning|Fog is thick on the {road} this morning, drive carefully everyone",
    "First time I've seen inside a custody suite and I'd like to keep it that way",
    "Thanks for sharing all this. Really good insight",
    "{tag} is brilliant, more of this please",
    "Not gonna lie the marine unit post made me want to join",
    "Respect to the specials doing this for free on top of their day jobs",
    "Didn't know Kingsmere even had a helicopter",
    "Learnt more about policing today than in {years} years of living here",
    "Kettle's on, {tag} on, let's go",
    "The bit about wellbeing dogs got me {pos}",
    "Nice one Kingsmere Police, really enjoying this",
    "Showing my {relative} the {team} posts, they want to join now",
    "Reading {tag} on the bus into town. Didn't know half of this",
    "So much of this is mental health calls. That's a lot to ask of anyone",
    "The {team} lot deserve a pay rise after today",
    "The tortoise story has made my day {lol}",
    "Whoever runs the {tag} account today deserves a medal",
    "day|Lunch break reading about custody. As you do",
    "evening|Friday feeling on a Thursday in the town centre tonight",
    "Went to school with one of the PCSOs in these pictures {lol}",
    "That's a lot of calls for one control room. Hope they're getting breaks",
    "Everyone moans about the police till they need them",
    "Would love to see a day with the dog handlers",
    "Didn't know you could do a ride-along. Signing up",
    "These numbers are mad for a town our size",
    "Really enjoying the behind-the-scenes stuff today",
    "Are you doing this again next year? Hope so",
    "This is the kind of stuff that actually builds trust",
    "Respect to the families of everyone working today too",
    "evening|Pubs busy in the town centre, plenty of officers about. Good to see",
    "night|Taxi rank on {street} is carnage but the officers there are keeping it calm",
    "My {relative} is a call handler and says it's even busier than it looks",
)

# Everyday exaggeration that must NOT raise the urgency alarm.
IDIOMS = (
    "This queue at {place} is killing me",
    "I'd die for a {drink} right now",
    "You lot absolutely killed it today {pos}",
    "The traffic on the {road} is killing me {lol}",
    "That PD {dog} video killed me {lol}",
    "late|Dead proud of my {relative}, on nights in custody tonight",
    "I'd kill for a {food} after reading all this",
    "Dying at the tortoise story {lol}",
    "This {weather} is the death of me",
    "Traffic is not moving on the {road}, send help lol",
    "day|My feet are killing me after the market, no idea how you lot walk all day",
    "day|Bored to death at work so {tag} it is",
    "Nearly had a heart attack when the helicopter came over the house {lol}",
    "Murdering a {food} while reading about custody, sorry",
    "I'm dead {lol} the dog handler's face",
    "The control room lot are smashing it today {pos}",
    "day|Stuck in this queue at {place} dying of boredom",
    "Absolutely killing it with the posts today {pos}",
    "This {weather} is killing me, respect to anyone out in it",
    "I'd murder a {drink}. Hats off to the lot of you",
)

MISINFO_CHATTER = (
    "Apparently they're turning off all the speed cameras for {tag} lol",
    "Heard the whole of {area} is on lockdown tonight, anyone know more?",
    "Someone on the local Facebook group says the {road} is shut for a week from tomorrow",
    "My mate says the police are stopping every car on the {road} to check licences",
    "Rumour is they're closing {place} for good after last weekend",
    "Heard they've stopped answering 101 altogether, true?",
)

BUSINESS = (
    "day|Free {drink} for any officer or staff popping into the shop today {pos}",
    "day|Thanks to the {area} neighbourhood team for the crime prevention chat today",
    "evening|Open till late tonight. Nice to see the officers walking past on {street}",
    "We've dropped a tray of {food}s off at the station for the night shift {pos}",
    "Proud to support {tag}. Thank you for keeping {area} safe",
    "Big thanks to PC {surname} for helping us after the break-in last month",
)

COUNCILLOR = (
    "morning|Great to join the {area} neighbourhood team on patrol this morning",
    "late|Thank you to everyone working through the night across Kingsmere",
    "Residents on {street} have raised parking and speeding with me again. Will pass on.",
    "day|Brilliant to see the cadets in action today. Our young people are a credit to us",
    "Spent an hour in the control room. Calm, professional, and relentless.",
    "Have been asked about the {road} works: the council will update residents this week",
)

JOURNALIST = (
    "Following {tag} all day for tomorrow's paper. Get in touch if you've got a story",
    "Live blog: 24 hours of policing in Kingsmere, updated through the night",
    "Custody figures from {tag} so far are striking. More in our round-up",
    "afternoon|Spoke to the {area} neighbourhood team this afternoon. Story up later",
    "night|Quiet few hours on {tag}. Night shift still going in the control room",
)

POLCHAT_CHATTER = (
    "Joining {polchat} today from a {weather_adj} {area} {pos}",
    "Lurking on {polchat}, some great answers already",
    "First {polchat} for me, be gentle",
    "Love {polchat} on a Thursday lunchtime",
    "Good questions on {polchat} today",
    "Catching up on {polchat} on my lunch break",
)

PREFIXES = (
    *("",) * 14, "Honestly, ", "Ok ", "So ", "Not gonna lie, ", "Right, ", "Wow. ", "Ngl ",
    "Tbh ", "Genuinely, ", "Just saying, ", "Hmm. ", "Oh and ", "Also ", "Well. ",
)
# Tails that suit any mood, and warm ones for praise.
SUFFIXES = (
    *("",) * 8, ".", ".", "!", "!!", " {lol}", " 👀", " tbh", ". Mad.", ". Who knew?",
    " honestly", " though", ". Just saying.", " 🤔", "...",
)
WARM = (
    " {pos}", " {pos}", " {pos}{pos}", " x", " 🙏", ". Respect.", ". Love it.", ". Legends.",
    ". More of this please.", ", fair play.", ". Proper job.", " ❤️",
)
