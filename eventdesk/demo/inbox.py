"""What the public send our accounts, and what the desk sends back.

Mentions and replies: questions, non-urgent crime reports, thanks, complaints, mild abuse,
misinformation and a few genuine emergencies. The generator puts the "@handle" in front
(as X does for a reply) unless a template places "{us}" itself. "{link}" becomes a t.co
link to the page named by the kind of answer.
"""

from __future__ import annotations

# Hand-laid tables of text: keep the formatter out.
# fmt: off
QUESTIONS = (
    "how do I report a {thing} stolen? Do I have to ring 101?",
    "what time is the {polchat} chat today?",
    "is the {road} still closed after this morning?",
    "who do I speak to about cars parked on the pavement on {street}?",
    "how do I get a crime reference number for my insurance?",
    "can I report noisy neighbours online or do I need to call?",
    "what's the number for lost property?",
    "do you still do free bike marking at {place}?",
    "how do I apply to be a special constable?",
    "are e-scooters allowed on the road now or not?",
    "where do I hand in a wallet I found on {street}?",
    "when does the {area} team do their next street surgery?",
    "how long does it take to hear back after reporting online? Did mine on Monday",
    "are you recruiting call handlers at the moment?",
    "why were there 5 police cars on {street} earlier?",
    "what do I do about a scam text pretending to be my bank?",
    "is there a way to check a car isn't stolen before I buy it?",
    "is it true you can report a drink driver anonymously?",
    "what's the best way to get a message to the {area} neighbourhood team?",
    "can you tell me if the {road} is open yet? Sat nav says no",
)
REPORTS = (
    "my {thing} was nicked from outside {place} last night. Reported online. Anyone seen it?",
    "car broken into on {street} overnight, window smashed and sat nav gone",
    "someone's dumped a mattress and a fridge on {street} again. Third time this month",
    "music blaring from the flat above again, every weekend. Who do I even contact?",
    "kids on motorbikes tearing round Westbury Park every evening, it's getting worse",
    "my van was broken into on {street} last night, all my tools gone. Gutted",
    "parcel taken off my doorstep on {street} this afternoon, got it on the doorbell camera",
    "shoplifting at the {shop} on {street} is getting ridiculous, staff are fed up",
    "cars racing on the {road} every night after 11, it's like a racetrack",
    "graffiti all over the underpass by {place} again",
    "scam caller rang my {relative} pretending to be from the bank, luckily they hung up",
    "fly-tipping down the lane behind {street}, tyres and building rubble everywhere",
    "catalytic converter gone from my car on {street} overnight. Third on our road this month",
    "someone's been trying car doors on {street} at night, caught on my camera at 3am",
    "my {thing} went missing from the shared garden on {street} last week",
    "bins set on fire behind the shops on {street} again last night. Fire brigade came",
    "people dealing openly on the corner of {street} every afternoon. Everyone knows",
)
THANKS = (
    "huge thanks to the officers who helped my {relative} when they fell on {street} "
    "yesterday {pos}",
    "just want to say thank you to PC {surname} for sorting out our neighbour dispute",
    "thank you for getting my {relative}'s bike back, didn't think we'd see it again {pos}",
    "the call handler I spoke to last week was so kind. Thank you",
    "shout out to the officers at {place} this morning, brilliant with my kids {pos}",
    "thank you for everything you do, especially tonight {pos}",
    "your PCSO in {area} is a credit to you. Knows everyone by name",
)
COMPLAINTS = (
    "waited 3 hours for someone to come about my shed break-in. Not good enough",
    "rang 101 and waited 40 minutes before giving up. What's the point",
    "reported the dealing on {street} four times now and nothing happens",
    "your officer was really rude to me at {place} today",
    "why do I see more of you on here than on {street}?",
    "nobody's called me back about my {thing}, it's been two weeks",
    "police car parked on double yellows outside the station again {neg}",
    "speeding on {street} every single night and never once seen a speed check",
)
ABUSE = (
    "absolute clowns the lot of you {neg}",
    "useless. Completely useless.",
    "go and catch some real criminals instead of posting selfies",
    "nobody cares about your PR stunt {neg}",
    "you lot couldn't find a cow in a field",
    "bunch of jobsworths {neg}",
    "what a waste of taxpayers' money this is",
    "cringe. Delete your account {neg}",
)
MISINFO = (
    "is it true you're shutting {area} off tonight? Everyone on the buy and sell group says so",
    "someone on Facebook says officers are knocking on doors asking for bank details. Real?",
    "heard you're fining people for dogs off leads in Westbury Park from today, true?",
    "my neighbour says you've stopped investigating burglaries altogether. Is that right?",
    "is it right there's a curfew for under 16s in the town centre now?",
)
MENTIONS = {
    "question": QUESTIONS,
    "report": REPORTS,
    "thanks": THANKS,
    "complaint": COMPLAINTS,
    "abuse": ABUSE,
    "misinfo": MISINFO,
}
MENTION_TAILS = ("", "", "", "", ". Thanks", ". Cheers", " x", " 🙏", ". Thank you", " pls")
MENTION_WEIGHTS = {
    "question": 30, "report": 25, "thanks": 16, "complaint": 12, "abuse": 8, "misinfo": 9,
}

# Replies under one of our posts. {team} is the post's team.
REPLIES = {
    "praise": (
        "Brilliant work {pos}", "Thank you {team} team {pos}", "Love this. Keep it up",
        "Great to see", "Stay safe out there {pos}", "Respect to all of you",
        "You lot are amazing {pos}", "What a team", "This is why I love Kingsmere",
        "Fantastic, thank you for sharing", "Proper good this", "Well done all {pos}",
        "Brilliant to see the {team} team getting some credit", "Thank you for all you do",
        "Great post", "Loving these updates", "Really interesting, thank you",
        "So glad you're sharing this", "Huge respect", "Take care out there tonight",
        "Keep up the good work", "Thanks for everything {pos}", "Didn't know that, thanks",
        "Shared with my {relative}, they'll love this", "Top work as always",
    ),
    "question": (
        "How many officers are on tonight?", "Do you get a break on a 12 hour shift?",
        "How do you join the {team} team?", "Is this every day or just today?",
        "What's the best way to contact the {area} team?", "How old is PD {dog}?",
        "Can schools visit the control room?", "What's the busiest night of the year?",
        "Do you get paid overtime for this?", "How many calls is that compared to normal?",
        "How long is the training for the {team} team?", "Is the {area} team hiring?",
        "Are there more of these later?", "What time does the night shift start?",
    ),
    "complaint": (
        "Would be nice to see some of you on {street}", "Funny how you've got time for this",
        "Where were you when my car got done?", "Lovely. Now answer 101",
        "Nice PR, shame about the response times", "All show this {neg}",
    ),
    "abuse": ("Clowns {neg}", "Nobody asked", "Get off Twitter and do some work", "Cringe {neg}"),
    "idiom": (
        "The tortoise though {lol}", "I'd die for a {food} like that",
        "PD {dog} for chief constable {lol}", "This is killing me {lol}",
        "Send the dog round to mine, my lot won't come in from the garden {lol}",
        "You absolutely killed it with this one {pos}",
    ),
}
REPLY_WEIGHTS = {"praise": 50, "question": 18, "complaint": 13, "abuse": 6, "idiom": 13}
THREAD_REPLIES = (
    "Agreed {pos}", "Exactly this", "Same here on {street}",
    "They came out for us last year, can't fault them",
    "Nah they're doing their best, give them a break", "Tell me about it",
    "Report it online, it's quicker than 101", "My {relative} says the same",
    "Not my experience but fair enough", "Ha same {lol}", "This ^", "Couldn't agree more",
)
QUOTES = (
    "This is brilliant {pos}", "Proper respect for the {team} teams", "Everyone should read this",
    "More of this please", "Well worth a read", "Not sure about this one {neg}",
    "My {relative} is in this photo {pos}", "Have a read of this, fascinating",
)

# Genuine emergencies, worded as people word them. A handful a day.
EMERGENCIES = (
    "there's a man with a knife outside the {shop} on {street} right now, he's shouting at "
    "people",
    "my neighbour's house on {street} is on fire and I think someone's still inside",
    "someone is trying to break in my back door right now, I'm upstairs with the kids",
    "my friend has taken loads of pills and won't wake up, what do I do",
    "pls help sum1 tryna get in my flat rn the door handle keeps going",
    "two lads fighting outside {pub}, one of them is on the floor and not moving",
    "a car's just ploughed into the bus stop on {street}, people trapped underneath",
    "my ex is outside my house again, he's got a restraining order and he's banging on the door",
    "a kid has gone in the river by the Quay bridge and we can't see him",
    "woman screaming for help in the flats on {street}, sounds like someone's hurting her",
    "my dad's collapsed at the bus station and he's not breathing properly",
    "someone on the wrong side of the railings on the Quay bridge saying they're going to jump",
    "just seen a lad stabbed outside {place}, he's bleeding loads, please send help",
    "my 6 year old has wandered off at {place} and we can't find him anywhere",
    "bloke in a balaclava with a machete running down {street} right now",
)

# The desk's answers. {op} is the operator's initials, as desks sign their replies.
ANSWERS = {
    "question": (
        "Hi {first}, you can find that on our website: {link} or call 101. ^{op}",
        "Thanks for asking {first}. The quickest way is online: {link} ^{op}",
        "Hi {first}, good question. Everything you need is here: {link} Thanks ^{op}",
    ),
    "report": (
        "Sorry to hear this {first}. Please report it online so it gets a crime number and "
        "reaches the right team: {link} ^{op}",
        "That's not what anyone wants. If you haven't already, please report it at {link} "
        "and mention any CCTV. ^{op}",
        "Thanks for letting us know. We can't take reports on here, but you can report it "
        "online in a few minutes: {link} ^{op}",
    ),
    "thanks": (
        "Thank you {first}, that's really kind. We'll pass it on to the team {pos} ^{op}",
        "That's lovely to hear, thank you. We'll make sure they see this ^{op}",
    ),
    "complaint": (
        "Sorry to hear that {first}. We'd like to look into it: please DM us or use {link} "
        "^{op}",
        "We understand the frustration. Call volumes are high today; reporting online is "
        "often quicker: {link} ^{op}",
    ),
    "misinfo": (
        "Hi {first}, that's not right: there's nothing like that planned. Accurate updates "
        "are always on our website: {link} ^{op}",
        "Thanks for checking with us first. That isn't true. Our news page has the facts: "
        "{link} ^{op}",
    ),
    "praise": ("Thank you {first} {pos}", "Cheers {first}, we'll tell the team! ^{op}"),
    "reply_q": (
        "Hi {first}, great question: we'll cover that later today, keep an eye on {tag}",
        "Good question! Have a look at {link} for more ^{op}",
    ),
}
LINKS = {
    "question": ("https://www.kingsmere.police.uk/contact-us", "kingsmere.police.uk/contact-us"),
    "report": ("https://www.kingsmere.police.uk/report", "kingsmere.police.uk/report"),
    "complaint": ("https://www.kingsmere.police.uk/feedback", "kingsmere.police.uk/feedback"),
    "misinfo": ("https://www.kingsmere.police.uk/news", "kingsmere.police.uk/news"),
    "reply_q": ("https://www.kingsmere.police.uk/join-us", "kingsmere.police.uk/join-us"),
}
FOLLOW_UPS = (
    "Thanks, will do {pos}", "Done, cheers", "Appreciate the reply", "Ok thanks",
    "Brilliant, thank you", "Cheers for getting back to me",
)
OPERATORS_DAY = ("SK", "JB", "RN")
OPERATORS_NIGHT = ("AL", "MW")
