"""Our accounts' posts: the run-of-show of a 24-hour day, #polchat and #truepicture.

Slots filled per post: {tag} the event hashtag, {hhmm} the local time, {calls} the
control room's running total since {since} (the event's start), {air} and {cos} mentions
of our other accounts.
"""

from __future__ import annotations

# Hand-laid tables of text: keep the formatter out.
# fmt: off
LAUNCH = (
    "Good morning Kingsmere! For the next 24 hours we're showing you what policing your town "
    "really looks like: every team, every shift. Follow {tag} and ask us anything {pos}"
)
WRAP = (
    "That's it: 24 hours, {calls} calls to our control room, and thousands of you following "
    "along. Thank you to every officer, member of staff and volunteer, and to you. {tag} 💙"
)

# (when, team, template): when is "am" (07-12), "day" (07-20), "night" (20-07) or "any".
MAIN = (
    ("any", "control room", "It's {hhmm} and our control room has taken {calls} calls since "
     "{since}. Every one of them is someone who needed us. {tag}"),
    ("any", "control room", "Meet {first}, one of our call handlers. {years} years on the "
     "phones and still says no two calls are the same. {tag}"),
    ("any", "control room", "Reminder: 999 is for emergencies. For everything else use 101 or "
     "report online, and help our call handlers help the people who need it most. {tag}"),
    ("day", "control room", "Brew round in the control room ☕ {calls} calls so far today and "
     "the phones haven't stopped. {tag}"),
    ("any", "response", "Response officers in {area} have been to {n} jobs since the start of "
     "shift: a shoplifter, a collision, a welfare check and a very lost tortoise 🐢 {tag}"),
    ("any", "response", "Our {area} response team are out now: {n} cars, {n2} officers and one "
     "very big flask of tea. {tag}"),
    ("night", "response", "{hhmm} and response are still going. A concern for welfare, a "
     "crash on the {road} and a fight that turned out to be two very loud friends. {tag}"),
    ("night", "custody", "Custody at {hhmm}: {n} people in the cells, {n2} waiting for "
     "interview, one nurse, and a sergeant who hasn't sat down since teatime. {tag}"),
    ("any", "custody", "Behind the scenes in custody: everyone brought in sees a healthcare "
     "professional and has their rights explained. It's not like the telly. {tag}"),
    ("day", "custody", "Our detention officers look after everyone in custody, feed them and "
     "check on them through the day and night. Hard, important work. {tag}"),
    ("any", "dogs", "Say hello to PD {dog}, {n} years old and one of our general purpose dogs "
     "🐕 Tracked a suspect across {area} last week. {tag}"),
    ("any", "dogs", "PD {dog} and PC {surname} have been out since the start of shift. "
     "Current status: muddy. {tag}"),
    ("am", "dogs", "Puppy training at HQ this morning. Future police dogs learning to ignore "
     "a squeaky toy is harder than it looks {tag}"),
    ("day", "roads policing", "Roads Policing have stopped {n} vehicles on the {road} today: no "
     "insurance, bald tyres and one phone at the wheel. Drive safe. {tag}"),
    ("night", "roads policing", "Our roads team are out on the {road} tonight looking for "
     "drink and drug drivers. Don't risk it. {tag}"),
    ("day", "neighbourhood", "The {area} neighbourhood team are at {place} until {until} for "
     "a street surgery. Come and say hello, or tell us what's bothering you. {tag}"),
    ("am", "neighbourhood", "PCSOs {first} and {first2} have been checking in on older "
     "residents in {area} this morning. Cuppas so far: {n}. {tag}"),
    ("day", "neighbourhood", "You told us about speeding on {street}, so the {area} team have "
     "been out with the speed gun. {n} drivers spoken to in an hour. {tag}"),
    ("am", "CID", "Our detectives start the day reviewing overnight crimes: what happened, "
     "what evidence is there, who needs to be spoken to. {tag}"),
    ("any", "CSI", "Our crime scene investigators have been at {n} scenes today, from "
     "burglaries to a stolen van. Fingerprints, footwear marks, patience. {tag}"),
    ("am", "marine unit", "The marine unit are out on the water at Kingsmere Quay this "
     "morning checking moorings. Chilly one! {tag}"),
    ("night", "specials", "Special constables are volunteers with full police powers, and "
     "{n} of them are on duty tonight after a day at their other jobs. {tag}"),
    ("day", "cadets", "Our volunteer police cadets are helping at {place} today. Ages 13-17, "
     "applications open in the new year. {tag}"),
    ("day", "neighbourhood", "Fraudsters are calling people pretending to be police. We will "
     "NEVER ask for your bank details or for cash. Hang up and tell us. {tag}"),
    ("night", "response", "Out with the night-time economy team in the town centre. Pubs are "
     "busy, street pastors are out, everyone's getting home safely so far. {tag}"),
    ("any", "control room", "Our force incident manager keeps an eye on everything happening "
     "across Kingsmere right now. Tonight that's {n} live incidents. {tag}"),
    ("day", "air support", "Ever wondered who's flying overhead? {air} cover the whole force "
     "area, day and night. Give them a follow {tag}"),
    ("any", "response", "Our chief officers {cos} are out with teams today. Say hello if "
     "you see them! {tag}"),
    ("day", "missing persons", "Every day we look for people reported missing, most of them "
     "found within hours. Today our teams have found {n} people safe. {tag}"),
    ("any", "wellbeing", "Meet {dog}, our wellbeing dog. Visits teams after difficult jobs "
     "and is very good at it 🐾 {tag}"),
    ("day", "recruitment", "Could you do this? We're recruiting officers, call handlers and "
     "detention officers now {tag}"),
    ("night", "custody", "{hhmm}: custody is full, the kettle is on, the nurse is doing her "
     "rounds. Night shift don't get much quiet. {tag}"),
    ("night", "control room", "{hhmm} in the control room. The phones don't stop just "
     "because it's dark. {calls} calls since {since}. {tag}"),
    ("any", "training", "Officer safety training today: keeping officers and the public safe "
     "when things get difficult. {tag}"),
    ("day", "canteen", "Lunch in the canteen is a sausage roll eaten standing up. The true "
     "picture of policing {tag}"),
    ("any", "control room", "Not every call is a crime. Tonight's so far: a lost child "
     "found at {place}, a horse on the {road} and someone locked out in their pyjamas. {tag}"),
    ("day", "neighbourhood", "Our {area} team have been into two schools today talking "
     "about staying safe online. Tough questions from Year 6! {tag}"),
    ("am", "response", "Shift briefing at {hhmm}: who's wanted, who's missing, which "
     "streets need extra patrols. Then out the door. {tag}"),
    ("night", "response", "It's {hhmm}. {n} officers covering the whole of Kingsmere "
     "right now, plus the people in the control room and custody. {tag}"),
    ("night", "control room", "Quieter hour in the control room. Time for a {drink} before "
     "the pubs empty out. {tag}"),
    ("any", "roads policing", "Every crash our roads team go to is someone's worst day. "
     "Slow down, belt up, phone away. {tag}"),
    ("day", "CSI", "A single fingerprint on a car window led to an arrest for {n} burglaries "
     "in {area} this year. Small things matter. {tag}"),
    ("night", "dogs", "PD {dog} found a suspect hiding in a garden shed in {area} tonight "
     "after a break-in. Good dog. {tag} 🐕"),
    ("day", "volunteers", "Our volunteers give thousands of hours a year, from front desks "
     "to cadets. Thank you to every one of you {tag}"),
    ("any", "control room", "{calls} calls since {since}. Please keep 999 for emergencies "
     "so we can get to the people who need us most. {tag}"),
)

CO_POSTS = (
    ("am", "Out with our {area} neighbourhood team this morning. The knowledge they have of "
     "their patch is remarkable. Thank you all. {tag}"),
    ("day", "Just visited custody and the control room: {calls} calls since {since} and the team "
     "are calm, kind and professional. Proud of you. {tag}"),
    ("day", "Policing Kingsmere takes 24 hours a day, every day. Today we're showing you what "
     "that looks like. Thank you for following {tag}"),
    ("day", "Enjoyed answering questions with our cadets this afternoon. The future of "
     "Kingsmere Police is in good hands {tag}"),
    ("night", "Night shift check-in at {hhmm}: huge thanks to everyone working through the "
     "night, and to the families who make it possible. {tag}"),
    ("night", "Out with the night-time economy team. Thank you to the street pastors, door "
     "staff and taxi marshals who keep our town centre safe {tag}"),
    ("day", "Reading your replies today. Thank you for the kind words, and for the tough "
     "questions too: both make us better. {tag}"),
)

AIR_POSTS = (
    ("any", "{hhmm} Kingsmere Air 1 tasked to search for a vulnerable missing person near "
     "{place}. Located on the thermal camera and ground crews are with them now. {tag}"),
    ("night", "Kingsmere Air 1 is over {area} supporting ground units looking for a vehicle "
     "that failed to stop. Sorry for the noise! {tag} 🚁"),
    ("any", "Crew briefing at {hhmm}: weather {weather_ok}, aircraft serviceable, {n} jobs "
     "already waiting. Another busy one ahead. {tag} 🚁"),
    ("night", "Why's the helicopter circling? Tonight Kingsmere Air 1 is helping search for "
     "a missing {who} in {area}. We'll update when we can. {tag}"),
    ("night", "Wheels down at base after {n} hours flying. {n2} jobs tonight, including a "
     "search along the canal and a pursuit on the {road}. {tag}"),
    ("am", "Good morning from the hangar. Engineers are checking Kingsmere Air 1 before "
     "the day crew's first flight. {tag}"),
    ("day", "Kingsmere Air 1 helped ground units find a stolen van hidden in a barn near "
     "{area} today. Owner reunited. {tag}"),
    ("night", "{hhmm}: Kingsmere Air 1 up again, this time to help ambulance colleagues "
     "find a crash on an unlit lane near {area}. {tag} 🚁"),
)

POLCHAT_INTRO = (
    "Welcome to {polchat}! Today's theme is 24 hours of policing, as part of {tag}. "
    "Questions from 1pm: answer with A1, A2 and so on, and include {polchat}"
)
POLCHAT_CLOSE = (
    "That's it for this week's {polchat}: thank you for some brilliant answers. The "
    "transcript will be on our website later {tag}"
)
POLCHAT_QUESTIONS = (
    "Q1: How do you prefer to contact us about something that isn't an emergency: phone, "
    "online, social media or in person? Why? {polchat}",
    "Q2: What's one thing you think people misunderstand about a police shift? {polchat}",
    "Q3: How should we share what's happening in your area? What would you actually "
    "read? {polchat}",
    "Q4: What makes you trust, or not trust, what a police account posts online? {polchat}",
    "Q5: What support should officers and staff get after a difficult job? {polchat}",
    "Q6: If you could spend an hour with any team in Kingsmere Police, which would it be and "
    "why? {polchat}",
)
POLCHAT_ANSWERS = (
    (
        "Online for me, I can do it at midnight without waiting on hold",
        "Phone. I want to talk to a person, not fill in a form",
        "Social media if I'm honest, it's where I already am",
        "In person at a street surgery, you get a proper conversation",
        "Online, but I never know if anyone reads it",
        "Depends. Phone if it's happening, online if it's already happened",
        "The online form, as long as it doesn't time out halfway through again",
        "A DM. Quicker than 101 and I've got the screenshot of what I sent",
        "Phone for anything with a person involved, online for the rest",
    ),
    (
        "That it's not all blue lights, most of it is paperwork and welfare checks",
        "How long one arrest takes off the street. Hours and hours",
        "That officers don't finish on time. Ever.",
        "How much of it is mental health and missing people",
        "That a 'quiet' night still means six hours of statements",
        "The driving. Hours of it, between jobs at opposite ends of the county",
        "That they eat at 3am out of a lunchbox in the car, if they eat at all",
        "How often the same handful of people call, night after night",
        "That one incident can take the whole shift off the streets",
    ),
    (
        "Short posts with a map. I don't read long press releases",
        "Tell us what happened after we reported something, that's what's missing",
        "A weekly round-up for my area would be perfect",
        "Videos of the neighbourhood team, not just appeals",
        "Ward by ward. Nobody on my estate reads about the other side of town",
        "Tell us when a road reopens, not just when it shuts",
        "Plain words, no jargon. What happened, where, and what to do",
        "Facebook group posts for my mum, X for me",
    ),
    (
        "When you admit mistakes, honestly",
        "Real names and faces, not just logos",
        "When the same thing is on the website and not only on social media",
        "Trust goes when every post is an appeal for help and no updates",
        "Answering the awkward questions in the replies, not just the nice ones",
        "Numbers with some context. '50 arrests' means nothing on its own",
        "Consistency. Same tone whether the news is good or bad",
        "Replies from a named person, not a wall of copy and paste",
    ),
    (
        "Proper time off after the worst jobs, not straight back out",
        "Someone to talk to who isn't their sergeant",
        "Wellbeing dogs! Saw the post earlier, more of those",
        "Support for families too, they carry it home as well",
        "A proper debrief the same day, not a form weeks later",
        "Time to finish the shift quietly instead of going to the next call",
        "Checks months later, that's when it hits people",
        "The same support for control room staff, they hear all of it",
    ),
    (
        "Dogs, obviously 🐕",
        "Control room. I want to hear what a busy hour sounds like",
        "Air support, for the view",
        "Custody. Morbid curiosity",
        "The marine unit, never knew we had one",
        "Roads policing. Want to know what the worst part of the job is",
        "The neighbourhood team on my patch, to see what they actually do all day",
        "Firearms. Mostly to ask how much of it is waiting around",
        "Whoever answers 101 at 2am, they must have stories",
    ),
)
POLCHAT_OUR_REPLIES = (
    "Thanks {first}, really useful. We'll share this with the team {polchat}",
    "Great answer {first}. This is exactly why we run {polchat}",
    "Couldn't agree more {first} {pos} {polchat}",
    "Thank you {first}, that's given us plenty to think about {polchat}",
)

# #truepicture: officers and staff summing up their shift. {shift} chosen by the hour.
TRUEPICTURE = {
    "nights": (
        "Nights done. {n} jobs: a domestic, two shoplifters, a concern for welfare, a very "
        "lost tortoise and {n2} hours of paperwork. Home to sleep. {tp}",
        "End of nights. Cold tea, three crashes on the {road} and a lovely chat with a "
        "man who'd lost his dog (found). {tp}",
        "Nights finished at {hhmm}. Sat with a vulnerable man for 4 hours waiting for a bed. "
        "Not on the telly, but it's the job {tp}",
    ),
    "earlies": (
        "Earlies done: {n} calls, one arrest, a missing teenager found safe in {area}, no "
        "lunch. {tp}",
        "Finished my early. Most of the shift on a sudden death, supporting the family. "
        "That's the bit people don't see {tp}",
        "Early shift: school visit, two shoplifters, {n2} statements. {tp}",
    ),
    "lates": (
        "Lates done. Town centre busy, {n} arrests, one officer assaulted (she's ok). {tp}",
        "Home at {hhmm} after a late. Three hours of it on one mental health call. {tp}",
        "Late shift: burglary in {area}, a lot of shouting at {pub}, a stolen car recovered. "
        "{tp}",
    ),
    "days": (
        "Halfway through my shift: {n} jobs, {n2} cups of tea, zero sitting down. {tp}",
        "Control room so far: {n} 999 calls answered by me alone this shift. {tp}",
        "Custody: {n} in, {n2} out, one very patient nurse. {tp}",
    ),
}
