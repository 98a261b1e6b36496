"""Hostile and awkward text that a real stream carries, for the display to survive.

Markup that Rich or Textual would act on, terminal escape sequences, a bidi override,
emoji sequences, CJK, combining marks, and one very long post. Stored as received.
"""

from __future__ import annotations

import random

# (text, lang). The event tag is "{tag}"; every one matches a stream rule.
HOSTILE = (
    ("[bold red]URGENT[/] read this before it gets deleted {tag}", "en"),
    ("[@click=app.quit]click me[/] for free tickets to the {tag} open day", "en"),
    ("a [/] b {tag} is this thing on", "en"),
    ("\x1b[31mRED ALERT\x1b[0m everyone stay calm {tag}", "en"),
    ("copy this code for a prize \x1b]52;c;aGVsbG8=\x07 {tag}", "en"),
    ("{tag} \u202eecilop eht ot olleh", "en"),
    ("👮‍♀️🚓🚨💙💙💙🙌🏽🙌🏽🔥🔥👏🏿👏🏻🇬🇧🏴󠁧󠁢󠁥󠁮󠁧󠁿 {tag} 👨‍👩‍👧‍👦🐕‍🦺🚁", "und"),
    ("キングズミア警察の24時間、応援しています！ {tag}", "ja"),
    ("金斯米尔警察辛苦了，谢谢你们 {tag}", "zh"),
    ("Z̷̢a̴͍l̶̰g̵̱o̸̹ says hi {tag} [link=https://example.invalid]totally safe[/link]", "en"),
)

# Display names a stranger may choose (usernames cannot carry these; names can).
ODD_NAMES = (
    ("[reverse]Sally[/]", "sally_reverse"),
    ("Kaz \x1b[5mblink\x1b[0m", "kaz_blinks"),
    ("\u202eyllaS", "rtl_sally"),
)

_LONG_PARTS = (
    "Honestly I have been following {tag} since 7am and I need to say something 🙏",
    "The control room 📞📞📞 never stops, I don't know how you do it 😮‍💨",
    "PD dogs 🐕🐕‍🦺🐾 are the real stars of this whole day and nobody can change my mind",
    "My grandad was a bobby in Kingsmere in the 70s 👴💙 and he'd have loved all of this",
    "Night shift 🌙✨🌃 you are heroes, that's it, that's the post",
    "Custody 🔐🕰️ sounds like the hardest job in the building",
    "Roads policing 🚓🛣️💨 please keep catching the phone-at-the-wheel lot",
    "Air support 🚁🌌🔦 the thermal camera stuff is unreal",
    "Thank you thank you thank you 🙌🏽🙌🏽🙌🏽💙💙💙",
    "Anyway that's my long post 📝 done, back to work 😅",
)


def long_post(rng: random.Random, tag: str, target: int = 16_000) -> str:
    """One X-style long post of about `target` characters, emoji-heavy, in paragraphs."""
    paragraphs: list[str] = []
    size = 0
    while size < target:
        sentences = [rng.choice(_LONG_PARTS).replace("{tag}", tag) for _ in range(5)]
        paragraph = " ".join(sentences) + " " + "💙" * rng.randrange(1, 12)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    text = "\n\n".join(paragraphs)
    return text[:target].rstrip() + f"\n\n{tag} 💙"
