"""The shipped default urgency rules, idioms and context guards.

Patterns are written in a small shorthand, expanded by `rx()`:
- a space means "one or more whitespace characters";
- an apostrophe is optional ("can't" also matches "cant"); the text's curly
  apostrophes are straightened before matching;
- the text is lower-cased and hyphens become spaces, so patterns are lower case
  and say "hit and run", not "hit-and-run".

Every rule is matched on word boundaries. Patterns stay linear: no quantifier is
nested inside another unbounded one, and word gaps are bounded, e.g. `(?:\\w+ ){0,3}`.

A rule is (name, category, pattern, requires, unless): `requires` must also occur
near the match, `unless` must not. Rules come in priority order: when several
match, the first in this list names the post's category.
"""

from __future__ import annotations

LIFE = "Life at risk"
INJURY = "Injury"
EMERGENCY = "Emergency"
OFFENDERS = "Offenders nearby"
CRIME = "Crime in progress"
CATEGORIES = (LIFE, INJURY, EMERGENCY, OFFENDERS, CRIME)


def rx(source: str) -> str:
    """Expand the shorthand: ' ' → one or more spaces, "'" → optional apostrophe."""
    return source.replace("'", "'?").replace(" ?", r"\s*").replace(" ", r"\s+")


# Shared fragments ------------------------------------------------------------------
WHO = (
    r"(?:man|men|woman|women|bloke|blokes|lad|lads|guy|guys|fella|geezer|someone|somebody|some1"
    r"|sum1|person|people|kid|kids|boy|boys|girl|girls|youth|youths|teen|teens|one|teenager"
    r"|teenagers|gang|group|he|she|they|them|driver|neighbour|stranger|thief|thieves|shoplifter"
    r"|burglar|burglars|robber|robbers|ex|partner|husband|boyfriend)"
)
BE = r"(?:'s|'re| is| are| was| has| have| got| just| still| now| been| being){0,3}"
KNIFE = r"(?:zombie knife|knife|knives|blades?|machetes?|swords?|cleaver|meat cleaver)"
GUN = r"(?:guns?|handgun|pistol|rifle|shotgun|firearm|sawn off)"
OTHER_WEAPON = (
    r"(?:axe|hatchet|hammer|crowbar|baseball bat|bats?|iron bar|metal bar|screwdriver"
    r"|broken bottle|bottle(?! of)|weapons?|taser|knuckle duster)"
)
# What counts as a weapon when a person merely has it (no hammers, bottles or bats).
HELD_OTHER = r"(?:axe|crowbar|baseball bat|iron bar|metal bar|broken bottle|weapons?|taser)"
PERSON = (
    r"(?:(?:a|the|his|my|some|an|that|this|her|their) (?:old |young |little |poor )?(?:man|woman"
    r"|lad|girl|boy|kid|child|bloke|guy|wife|partner|girlfriend|son|daughter|pensioner|lady|fella"
    r"|teenager|person|neighbour|homeless \w+))"
)
ADJ = (
    r"(?:(?:a|an|his|her|their|two|2|big|huge|massive|long|large|zombie|kitchen|broken|small|metal"
    r"|wooden|baseball|cricket|what looks like a|what looked like a|some sort of"
    r"|some kind of) ){0,3}"
)
WATER = (
    r"(?:river|canal|sea|water|lake|harbour|reservoir|pond|quarry|ice|weir|rocks|docks?|marina"
    r"|estuary|waves|current|tide|lock)"
)
BODY = r"(?:house|home|flat|flats|building|shop|school|garden|loft|shed|garage|property)"
VICTIM = (
    r"(?:me|us|her|him|them|someone|somebody|a man|a woman|a lad|a girl|a boy|a kid|a child"
    r"|his wife|his partner|his girlfriend|his missus|his kids|her kids|the kids|the baby|my mum"
    r"|my mam|my mom|my sister|my brother|my nan|my son|my daughter|my friend|my mate|mum"
    r"|the woman|the girl|people|staff|the staff)"
)
OFFENCE = (
    r"(?:robbed|mugged|attacked|assaulted|stabbed|hit|punched|flashed|smashed|stole|nicked|broke"
    r"|threatened|glassed|jumped|hurt|beat|kicked|burgled|exposed|snatched|knife|blade|weapon"
    r"|restraining)"
)
NEAR = (
    r"(?:still|running|ran|legged|heading|outside|hanging|around|about|here|there|now|rn|sat"
    r"|sitting|standing|waiting|in the (?:park|pub|shop|area|car park|street|waiting room)"
    r"|on the (?:bus|train|tram))"
)

# name, category, pattern, requires (near the match), unless (near the match)
RULES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    # Life at risk -------------------------------------------------------------------
    ("suicide risk", LIFE,
     r"kill (?:him|her|my|them|our)sel(?:f|ves)|killing (?:him|her|my|them)sel(?:f|ves)"
     r"|end (?:it all|my life|his life|her life|their life|it tonight|it now|it today)|take (?:my"
     r"|his|her|their) (?:own )?life|suicid(?:e|al)|wants? to die|(?:don't|do not"
     r"|doesn't) want to (?:live|be here|be alive|go on|wake up)|can't (?:go on|do this anymore"
     r"|take it anymore)|goodbye (?:message|note|letter|post|text)",
     None, r"prevention|awareness|squad|mission|bomber"),
    ("jumping", LIFE,
     r"(?:going to|gonna|about to|threatening to|saying (?:s?he's )?going to|trying to"
     r"|wants to) jump|wrong side of the (?:railings|barrier|barriers|fence|railing)|(?:on"
     r"|over) the edge of the (?:roof|bridge|cliff|building|car park|multi storey)",
     r"bridge|roof|edge|cliff|building|car park|multi storey|window|balcony|tower|flats|railings"
     r"|viaduct|ledge|motorway", None),
    ("self-harm", LIFE,
     r"cut(?:ting)? (?:my|his|her|their) wrists|(?:cutting|harming|hurting|hurt|harm|cut) (?:my"
     r"|him|her|them)sel(?:f|ves)",
     None, None),
    ("overdose", LIFE,
     r"overdos(?:e|ed|ing)|(?:taken|took|swallowed|had) (?:an |a load of |loads of |lots of "
     r"|all (?:his|her|my|the|of) |too many |a bunch of |a handful of |a box of |\d+ )(?:pills"
     r"|tablets|paracetamol|painkillers|meds)|pills in front of me",
     None, None),
    ("not breathing", LIFE,
     r"(?:not|isn't|is not|stopped|hardly|barely) breathing|can't breathe?|cannot breathe"
     r"|struggling to breathe|(?:no|without a) pulse|(?:unconscious|unresponsive)|not (?:waking up"
     r"|responding|responsive)|won't wake up|can't wake (?:him|her|them)|barely conscious"
     r"|passed out|collapsed|collapsing|(?:having|had|in) a (?:seizure|fit)|(?:he|she|someone|man"
     r"|woman|lad|girl|boy|kid|child|baby)(?:'s| is)? fitting|started fitting"
     r"|fitting on the (?:floor|ground)|choking|heart attack|cardiac arrest|anaphyla\w*|(?:lips"
     r"|face|he's|she's|is|are|has) (?:gone|going|turning|turned) blue|(?:not|isn't|is not"
     r"|aren't) (?:moving|getting up)|hypotherm\w*",
     None, r"seizure of|training|first aid|course"),
    ("missing person", LIFE,
     r"(?:gone|went|go|is|are|been|reported|still|child|kid|boy|girl|son|daughter|toddler|baby|man"
     r"|woman|person|teen\w*|lad|pensioner|yo|year old|years old|yr old|nan|mum|dad|grandad"
     r"|grandma) missing(?! (?:out|the|a|an|you|him|her|it|my|his|their|our|some|that|this|me|us"
     r"|home|them)\b)|missing (?:child|kid|boy|girl|toddler|baby|person|man|woman|teen\w*|lad"
     r"|pensioner|\d+ (?:yo|year old))|missing from (?:home|care|school|hospital|the (?:ward|home"
     r"|care home|hospital|school))|(?:hasn't|has not|haven't|didn't|not) come home"
     r"|can't find (?:my|our) (?:son|daughter|child|kid|little|boy|girl|baby|toddler|\d+ ?(?:yo"
     r"|year old))|lost (?:my|our|a|his|her) (?:son|daughter|child|kid|little \w+|boy|girl"
     r"|toddler)(?! to)|(?:child|kid|boy|girl|toddler) (?:is |got )?lost(?! (?:his|her|their|a|an"
     r"|the|my|it|to|out|interest|weight|tooth|teeth|game|match)\b)|wandered off"
     r"|ran away from home",
     None, r"\b(?:cats?|dogs?|pup|puppy|kitten|pets?|tortoise|rabbit|parrot|budgie|keys|wallet"
     r"|purse|parcel|phone|bag|bike|car|van|ring|passport|card|money|post|package|letter|remote"
     r"|glasses|airpods|laptop|things|stuff|items|picture|photo|list|squad|team|menu|line up"
     r"|found|safe and well|home safe|turned up|back home|now home|located|finding|thank"
     r"|lol|haha)\b|😂|🤣"),
    ("in the water", LIFE,
     r"drowning|drowned|(?:fallen|fell|gone|went|jumped|slipped|swept|pulled|washed|dragged|driven"
     r"|drove|rolled|crashed) (?:off |out |away |under |in |into |through "
     r"|over )?(?:the )?" + WATER + r"|(?:someone|somebody|person|man|woman|kid|child|boy|girl|lad"
     r"|bloke|guy|people|kids|children|he|she|they|car|van) (?:is |are |'s |still |stuck ){0,3}"
     r"(?:in|under) the " + WATER,
     None, r"swim\w*|paddl\w*|\bdip\b|refreshing|lovely|wetsuit|holiday|surf\w*|\bfun\b"
     r"|selfie|\blol\b|haha"),
    ("in trouble in the water", LIFE,
     r"(?:in trouble|in difficulty|struggling) (?:in|off|at|near) the|struggling to (?:stay afloat"
     r"|swim|keep (?:his|her|their) head)|can't swim|went under|gone under|going under|(?:swept"
     r"|pulled|dragged) out to sea",
     WATER + r"|swimmer|pier|beach|bay", None),
    ("child in a hot car", LIFE,
     r"(?:baby|kid|child|toddler|little one|kids|children) (?:\w+ ){0,2}(?:locked|left"
     r"|trapped) in (?:a|the|his|her) (?:hot )?(?:car|van)", None, None),
    ("railway", LIFE,
     r"(?:" + WHO + r"|kids|children) (?:\w+ ){0,2}on the (?:railway|train|rail|tram)"
     r" (?:line|lines|tracks?)|(?:onto|on) the (?:tracks|rails)|hit by a (?:train|tram)",
     None, None),
    ("crush", LIFE,
     r"crowd crush|crush (?:at|in|by|near) the|(?:being|getting) crushed|crushed (?:against|in|by"
     r"|someone|a)|(?:lorry|car|bus|van|tractor|forklift) (?:has )?crushed",
     None, None),
    ("in danger", LIFE,
     r"life (?:is )?at risk|risk to life|(?:he's|she's|someone's|man's|woman's|kid's|baby's"
     r"|person's|someone is|man is|he is|she is) dying|screaming for help|shouting for help"
     r"|crying for help|calling for help|cries for help",
     None, None),
    # Injury -------------------------------------------------------------------------
    ("stabbing", INJURY,
     r"stabbed|stabbing|stab wound|knifed|been slashed|got slashed|slashed (?:across|him|her"
     r"|someone|in the)|glassed|(?:got|been|getting|was|were|just) bottled|bottled (?:him|her"
     r"|someone|me|a \w+)", None, r"pain|wound care|headache|finger|thumb|needle|sewing|fork"
     r"|in the back"),
    ("shot", INJURY,
     r"(?:been|got|getting|was|is|just|being) shot(?! (?:down|at goal|a |the |some|me a))"
     r"|shot (?:dead|him|her|someone|a man|a woman|a lad)", None, None),
    ("acid attack", INJURY,
     r"acid (?:attack|thrown|in (?:his|her|their|my) face)|(?:threw|thrown|throwing) acid",
     None, None),
    ("beating", INJURY,
     r"beaten up|beating (?:up|him|her|them|someone|somebody|" + PERSON + r")|head (?:kicked"
     r"|stamped) in|kicked in by|kicking (?:him|her|them|someone|somebody|" + PERSON + r")"
     r"|stamping on|stamped on|punched (?:him|her|them|someone|somebody|" + PERSON + r")"
     r"|knocked (?:out|unconscious|him out|her out|someone out)|(?:got|been|getting) jumped"
     r"|jumped by|hit (?:over|on) the head|(?:smashed|hit|whacked|bashed|broke|broken)"
     r" (?:a |an )?(?:bottle|glass|pint glass|brick|chair|bat) (?:over|on|across) (?:\w+ ){0,2}"
     r"head"
     r"|(?:hit|smashed|whacked|bashed) (?:\w+ ){0,2}with (?:a|an) (?:bottle|bat|brick"
     r"|hammer|glass|bar|pole|plank|rock)", None, r"\bpub quiz|cup|round|tooth|teeth"),
    ("bleeding", INJURY,
     r"bleeding (?:badly|heavily|bad|loads|a lot|everywhere|from|out|profusely|to death|all over)"
     r"|(?:is|'s|are|'re|keeps|still|he's|she's|they're|hes|shes) bleeding|blood everywhere"
     r"|(?:lots|loads|so much|pool|covered) (?:of|in) blood|losing (?:a lot of |loads of )?blood"
     r"|pouring with blood|head (?:injury|wound)",
     None, r"nose|money|pouring with rain"),
    ("hit by a vehicle", INJURY,
     r"(?:hit|knocked down|knocked over|knocked off|struck|clipped|mown down) by (?:a|the"
     r"|an) (?:car|van|bus|lorry|truck|taxi|motorbike|bike|moped|driver|vehicle)|(?:been|got|just"
     r"|was|is|being|getting) run over|run over (?:by (?:a|the)|someone|him|her)"
     r"|knocked off (?:his|her|their) (?:bike|scooter|motorbike)|hit and run",
     None, None),
    ("fall", INJURY,
     r"(?:fallen|fell) (?:down (?:the )?stairs|off (?:a|the) (?:roof|ladder|cliff|bridge|balcony"
     r"|wall|scaffolding)|from (?:a|the) (?:roof|window|balcony|bridge|height))|hit (?:his|her"
     r"|their|my) head", None, r"last week|recovering|\blol\b|haha|cupboard"
     r"|shelf|😂"),
    ("dog attack", INJURY,
     r"dogs? (?:\w+ ){0,2}(?:attack\w*|mauling|mauled|biting|bitten|savag\w*|has hold of"
     r"|got hold of)|(?:attacked|mauled|bitten|savaged) by (?:a|the|\w+) dogs?",
     None, None),
    *(
        (name, OFFENDERS, pattern, None, None)
        for name, held, used in (
            ("knife", KNIFE, KNIFE),
            ("gun", GUN, GUN),
            ("weapon", HELD_OTHER, OTHER_WEAPON),
        )
        for pattern in (
            WHO + BE + r" (?:\w+ ){0,3}(?:with|holding|carrying|got|has|has got|armed with"
            r"|tooled up with) " + ADJ + held,
            r"(?:waving|brandishing|swinging|wielding|pulled|pulling|pulls|flashing|pointing)"
            r" (?:out )?" + ADJ + used + r"|(?:fight|fighting|brawl|attacked|attacking|chasing"
            r"|chased|threatening|threatened|hitting|smashing|beating|whacked|bashed|swinging at"
            r"|going for|went for) (?:\w+ ){0,3}with " + ADJ + used,
        )
    ),
    # Emergency ----------------------------------------------------------------------
    ("gunfire", EMERGENCY,
     r"shots fired|gun ?shots|gunfire|shots (?:being fired|going off|heard|ringing out)"
     r"|heard (?:\w+ ){0,2}(?:shots|bangs like)|opened fire|firing (?:a gun|shots|at)"
     r"|shooting (?:at|in|on|outside|near) (?:the|a|people|cars|houses|us|me)",
     None, r"\bfilm|movie|photo|goal|hoops|basket|tequila|jager|vodka|sambuca|drinks?\b"),
    ("fire", EMERGENCY,
     r"(?:flames|smoke) (?:coming|pouring|billowing|everywhere|from (?:the|a)|out of (?:the|a))"
     r"|(?:loads of|lots of|thick|black|so much) smoke|(?:house|flat|building|shop|car|van|bin"
     r"|grass|field|garage|kitchen|chip pan|wood|woods|forest|moorland|warehouse|factory|barn"
     r"|school|hotel|pub|tower|block) fire|fire (?:at|in|on) (?:the|a|our|my|number)|(?:big|huge"
     r"|massive|bad|major|serious|large|raging) fire|on fire|set (?:fire to|alight)|set (?:a |the "
     r"|my )?\w+ (?:on fire|alight)|fire (?:is )?spreading|burning (?:car|house|building|flat|van"
     r"|bus)|(?:house|building|flat|car|shop) (?:is )?burning",
     None, r"\bdrill\b|alarm test|emoji|🔥|form|season|scoring|curry|chilli|spicy|hot sauce"),
    ("explosion", EMERGENCY,
     r"explosion|(?:something|car|van|house|building|gas|bomb|bus|tank|cylinder) (?:has "
     r"|just )?(?:exploded|blown up)|gas leak|smell(?:s|ing)? (?:strongly )?(?:of )?gas"
     r"|suspicious (?:package|device|bag|item)|unattended (?:bag|package)|bomb (?:threat|scare)"
     r"|(?:pipe|petrol) bomb",
     None, r"flavour|colour|taste|population|popularity|gas (?:prices?|bills?)"),
    ("collapse", EMERGENCY,
     r"(?:roof|wall|ceiling|bridge|building|scaffolding|balcony|stand"
     r"|stage) (?:\w+ ){0,2}(?:collapsed|fallen down|come down|caved in)|people (?:are )?(?:under"
     r"|underneath) (?:it|the)", None, r"talks|deal|negotiations"),
    ("crash", EMERGENCY,
     r"(?:bad|serious|major|huge|massive|big|nasty|horrific|awful|terrible|multi|multiple|car"
     r"|head on|motorbike|bike|bus|lorry|\d car) (?:car )?(?:crash|accident|collision|smash|rtc"
     r"|pile up)|(?:crash|accident|collision|rtc) (?:on|at|in) the (?:a\d+|m\d+|\w+ (?:road|rd"
     r"|street|st|lane|roundabout|junction|bypass))|(?:car|van|vehicle|lorry|bus|truck|taxi)(?: is"
     r"|'s| upside down)? on (?:its|it's|their) roof|(?:car|van|lorry|bus|vehicle|truck|tractor"
     r"|boat) (?:has )?overturned|overturned (?:car|van|lorry|bus|vehicle)|(?:crashed|smashed"
     r"|ploughed|driven|drove|careered|veered) into (?:a|the) (?:wall|tree|shop|house|crowd|people"
     r"|building|bus stop|lamp post|front)|(?:car|van|lorry|bus|truck|taxi|vehicle|motorbike"
     r"|train) (?:has |just |'s )?(?:crashed|hit (?:the|a) (?:bridge|wall|tree|pedestrian|cyclist"
     r"|child|kid))|(?:people|someone|person|driver|kids?|man|woman|family)(?: is| are|'s"
     r"| still){0,2} trapped|trapped (?:in|inside|under|on) (?:the|a|their|his|her) (?:car|vehicle"
     r"|van|lorry|building|house|flat|fire|rubble|wreckage|water|mud)", None, None),
    ("dangerous driving", EMERGENCY,
     r"wrong way (?:down|up|on|along|round)|driv(?:ing|en|es) (?:\w+ ){0,2}(?:at|into"
     r"|towards) (?:people|kids|children|pedestrians|the crowd|a crowd|everyone|me|us)|(?:driving"
     r"|driven|drove|mounted) (?:on|onto) the pavement|swerving all over|weaving all over|(?:drunk"
     r"|drink|dangerous|mad|crazy) driver (?:\w+ ){0,2}(?:swerving|weaving|all over|heading"
     r"|going)", None, None),
    ("call for help", EMERGENCY,
     r"send (?:an )?(?:ambulance|ambo|police|the police|help|someone|officers)"
     r"|needs? (?:an )?(?:ambulance|ambo)|need (?:the )?police (?:now|asap|urgently|quick|here)"
     r"|need help (?:now|asap|urgently|quick|please|pls)|(?:ambulance|ambo) (?:isn't here|not here"
     r"|hasn't (?:come|arrived|turned up)|still not|been called|needed|asap|on (?:its|the) way"
     r"|won't)|999 (?:won't|not|isn't|is not|wont) (?:answer|answering|picking up)"
     r"|can't get through (?:to|on) 999|no answer on 999",
     None, r"\bair ambulance|donat|\bif\b"),
    # Offenders nearby ---------------------------------------------------------------
    ("offender still here", OFFENDERS,
     r"(?:who|that) (?:just |has just |have just |had just )?" + OFFENCE
     + r"|(?:thief|thieves|robbers?|burglars?|muggers?|attackers?|suspect|offenders?"
     r"|shoplifters?|he|they|the man|the guy|the bloke|the lad|the men|the lads)"
     r"(?:'s|'re| is| are)? still (?:here|there|outside|inside|in|on|at|hanging|around"
     r"|about|sat|sitting|standing|nearby)",
     NEAR, None),
    ("offender fleeing", OFFENDERS,
     r"(?:legged it|ran off|run off|running off|made off|drove off|sped off|fled|running away"
     r"|ran away|did a runner|done a runner) (?:\w+ ){0,2}(?:towards|toward|down|up|into|along"
     r"|through|onto|across|in the direction|on foot|heading)",
     r"just|now|rn|mins?|minutes|seconds|still|wearing|hoodie|coat|jacket|trackies|tracksuit",
     None),
    ("breach of order", OFFENDERS,
     r"(?:restraining|non molestation|protection) order|bail conditions|injunction",
     r"outside|here|at my|turned up|again|near|in my|following|followed|won't leave|knocking"
     r"|banging", None),
    ("being followed", OFFENDERS,
     r"(?:following|followed|stalking) (?:me|us)(?! (?:back|on))|being followed|following (?:me|us"
     r"|my|her|him) (?:home|round|around|down|along|for|from)",
     None, r"twitter|insta|tiktok|account|page|thanks for|followers|bots?\b|\bdogs?\b|\bcats?\b"
     r"|puppy|toddler|\blol\b"),
    # Crime in progress --------------------------------------------------------------
    ("break-in", CRIME,
     r"(?:breaking|break|trying to get|tryna get|trying to break|getting|broke|climbing) (?:in"
     r"|into) (?:my|the|our|a|his|her|their|next door|cars|houses|vans|sheds|number)"
     r"|kicking (?:the|my|our|his|her|a) (?:\w+ )?doors? in|kicking in (?:the|my|our"
     r"|a) (?:\w+ )?door|smashing (?:\w+ ){0,2}(?:doors?|windows?)|trying (?:the |all the |car "
     r"|house )?door handles|trying (?:to open|doors|handles)|intruders?|burglars? (?:in|are|is"
     r"|inside|next door|upstairs|downstairs)|(?:someone|somebody|people|men|they|burglars?"
     r"|intruders?|he|she|a man|a guy)(?:'s|'re| is| are)?(?: still)? (?:in|inside) (?:my|our"
     r"|the) " + BODY + r"|still (?:inside|in the house|in there|in the flat)"
     r"|torches (?:moving|going|in)|can hear (?:them|someone|somebody|people|footsteps"
     r"|noises?) (?:downstairs|upstairs|inside|in the)|banging on (?:the|my|our) (?:door"
     r"|window)", None, r"broken into (?:on|last|over)|shop window|window locks"),
    ("robbery", CRIME,
     r"armed robbery|robbery (?:in progress|happening|going on)|ram raid|(?:held|hold) up (?:at"
     r"|the)|(?:being|getting) (?:robbed|mugged|burgled|stolen|broken into|attacked|assaulted"
     r"|chased|threatened|beaten|stabbed|kicked(?! out| off)|punched|dragged|kidnapped|abducted"
     r"|raped)|(?<!keeps\s)(?<!keep\s)(?<!been\s)(?<!always\s)(?:stealing|nicking|pinching|robbing"
     r"|looting|snatching) (?:(?:a|the|my|our|his|her|their|some|all the) \w+|cars?|bikes?|phones?"
     r"|bags?|handbags?|people's|stuff|things|from)|trying to (?:nick|steal|pinch|rob|mug|snatch"
     r"|hotwire|take (?:my|the|a) (?:car|van|bike))|(?:thieves|thief|burglars?|robbers?"
     r"|muggers?) (?:are |is )?(?:on|in|at|outside|inside|still|trying|breaking)|snatched (?:a "
     r"|her |his |my |someone's )?(?:phone|bag|handbag|purse)|looting|looted"
     r"|rioting", None, r"\bfilm|movie|game"),
    ("fight", CRIME,
     r"(?:fight|fights|brawl|punch up|scrap|trouble|disorder|riot)(?: is|'s| has"
     r"| just)? (?:kicking off|kicked off|going on|broke out|breaking out|happening)|(?:it's|its"
     r"|all|it is) kicking off|(?:lads|men|people|blokes|someone|guy|bloke|man|woman|group|gang"
     r"|youths|fans|they|he|she)(?:'s|'re| are| is)? kicking off|kicking off (?:outside|big time)"
     r"|(?:massive|mass|huge|big|large|bad|violent|nasty) (?:fight|brawl|punch up|scrap)|brawl"
     r"|(?:lads|men|people|blokes|gang|youths|women|girls|crowd|fans|guys|teenagers|two men"
     r"|2 men) (?:are |is |'re )?(?:fighting|scrapping|brawling)|fighting (?:outside|in the|at the"
     r"|on the)|fight (?:outside|at|on|in) (?:the|a)|(?:attacking|attack|beating|punching|kicking"
     r"|hitting) (?:a |the |some )?(?:man|woman|lad|girl|boy|kid|bloke|guy|pensioner"
     r"|someone)", None, r"\bmatch\b|boxing|ufc|on tv"
     r"|fight (?:for|against)"),
    ("domestic", CRIME,
     r"domestic (?:going on|happening|kicking off|next door|upstairs|downstairs|in progress)"
     r"|(?:beating|hitting|punching|strangling|choking|throttling|slapping|hurting|battering"
     r"|dragging) " + VICTIM + r"|(?:ex|partner|husband|boyfriend|dad|stepdad|he|she)"
     r"(?:'s| is)? (?:hitting|beating|punching|strangling|attacking|threatening)"
     r"|smashing (?:the house|everything|the place|the flat)(?: up)?|smashing up (?:the|my"
     r"|our|everything)|locked (?:myself|ourselves|herself|in) (?:in )?(?:the )?(?:bathroom"
     r"|bedroom|toilet|room)|hiding (?:in|under) the (?:wardrobe|cupboard|bathroom|bedroom|loft"
     r"|bed|toilet|shed)|hiding from (?:him|her|them|my (?:ex|partner|husband|boyfriend|dad))"
     r"|(?:woman|girl|lady|someone|somebody|neighbour)(?:'s| is)? screaming|can hear (?:\w+ )"
     r"{0,4}(?:screaming|screams|hitting|shouting for help)",
     None, r"laugh|lol|haha|😂|🤣|tantrum|at the telly|at the tv"),
    ("threat to kill", CRIME,
     r"(?:going to|gonna|says (?:he|she|they)(?:'ll| will)|said (?:he|she|they)(?:'d| would)"
     r"|threaten(?:ing|s|ed)? to|he'll|she'll|they'll|he will|she will|they will) (?:kill|stab"
     r"|shoot|murder|hurt|batter|knife) (?:me|us|her|him|them|my|someone|everyone|the)"
     r"|threatening " + VICTIM,
     r"\b(?:he|she|they|he's|she's|ex|partner|husband|boyfriend|dad|stepdad|neighbour|man|bloke"
     r"|guy|lad|someone|somebody|threat\w*)\b", None),
    ("abduction", CRIME,
     r"kidnap\w*|abduct\w*|(?:dragged|dragging|pulled|pulling|bundled|bundling|forced|forcing"
     r"|shoved|pushed|being dragged) (?:\w+ ){0,2}into (?:a|the|his|their|an) (?:van|car|vehicle"
     r"|boot|motor)|(?:" + WHO + r"|child|baby)(?: \w+){0,3} (?:locked|trapped|tied up) in (?:a|the"
     r"|his|her|their) (?:car |van )?(?:boot|trunk)|(?:lure|lured|luring|get|getting|entice"
     r"|enticing)"
     r" (?:kids|children|a child|girls?|boys?|a kid|young \w+) (?:in|into) (?:his|a|the|their)"
     r" (?:car|van)",
     None, r"aliens|your (?:dog|puppy|cat)"),
    ("indecent exposure", CRIME,
     r"exposing (?:him|her)self|flashing (?:at|kids|children|women|girls|people|himself)"
     r"|flashed (?:at|my|me|kids|women|her|a girl)", None, None),
    ("criminal damage now", CRIME,
     r"(?:smashing|trashing|wrecking) (?:up )?(?:the |a |my |our |his |her |their |your |people's "
     r"|car |house |shop )?(?:cars?|windows?|windscreens?|houses?|shop|bus shelter|shelter|doors?"
     r"|everything|the place)|(?:throwing|threw|thrown|chucking|chucked|lobbing) (?:a |an "
     r"|some )?(?:stones|bricks|brick|rocks|rock|stone|bottles|bottle|fireworks|eggs|glass) (?:at"
     r"|through|around)",
     None, None),
)

# Idioms: a rule match that overlaps one of these is dropped ------------------------
IDIOMS: tuple[str, ...] = (
    r"(?:is|are|was|were|'s|'re|keeps?|be|been) (?:slowly |literally |actually "
    r"|absolutely )?killing (?:me|us|my|it)",
    r"kill(?:ing|ed|s)? it|killed (?:me|us) (?:lol|haha|😂|🤣|off)|that (?:joke )?killed me",
    r"(?:would|'d|could|i'd|id) (?:kill|die|murder) for|kill for|dying (?:of|for|to|at|laughing"
    r"|with|inside)|dying at",
    r"(?:kill|murder) (?:me|us|you|him|her) (?:if|when)(?! (?:i|we) (?:call|ring|tell|go to|leave"
    r"|report))",
    r"(?:nearly|almost) (?:killed|died|had a heart attack)|gave me a (?:mini )?heart attack",
    r"i'm (?:literally |actually |so |absolutely |ded |deceased )?dead|(?:so|literally) dead",
    r"dead (?:funny|tired|good|easy|serious|keen|chuffed|right|jealous|excited|nice|hungry|bored"
    r"|proud|sound|lush|cute|gorgeous|buried|and buried|on)|drop dead",
    r"death of me|(?:bored|scared|sick|worried|frightened|done) to death|to death of",
    r"murder(?:ing)? (?:a|an|my) (?:\w+ )?(?:curry|kebab|pint|brew|tea|coffee|cuppa|burger|pizza"
    r"|bacon|butty|sandwich|drink|beer|feet|chippy)|is murder|murder mystery",
    r"stabbing (?:pain|headache)|shooting pains?|(?:have|take|taking|had|took) a stab at",
    r"shoot me(?: now)?|shot down|(?:on|in) fire (?:today|tonight|lately|this \w+|with|again)"
    r"|(?:mouth|tongue|throat|legs|lungs|calves|thighs|skin|feet|belly|stomach) (?:is |are |was "
    r"|were |'s |'re |feels? |felt )?(?:like it's |like they're )?on fire",
    r"life ?saver|killer (?:heels|headache|view|tune|line|app|outfit|look|smile)|a killer",
    r"drowning in (?!(?:the|a|an) " + WATER + r")|bleeding money|crying laughing",
    r"can't breathe (?:for|from|with|i'm|im) laugh\w*|laughing so much i can't breathe"
    r"|can't breathe (?:lol|lmao|haha|😂|🤣)",
    r"send (?:help|backup) (?:lol|lmao|haha|pls lol|😂|🤣|😭)",
    r"(?:traffic|queue|queues|bus|train|line|lane|lanes|the m\d+|motorway|road) (?:is |are |'s "
    r"|still |has been )?(?:not|isn't|aren't|hasn't been) moving",
    r"(?:gonna|going to|will|'ll) die (?:of|from|if|lol|haha)|want to die (?:of|lol|😂)",
    r"bottled it|knocked out of (?:the )?\w+|(?:a|an absolute|absolute|total) riot|(?:had|have"
    r"|having) a (?:real |total |absolute )?blast",
    r"trapped wind|(?:feel|feeling|felt) trapped|choking (?:on my|hazard)|unconscious bias"
    r"|passed out (?:of|from)|car crash (?:tv|telly|interview|of a)|crash course|(?:trapped"
    r"|stuck) in (?:traffic|a queue|the queue|a meeting|meetings|a lift|the lift|work|this job)",
    r"suicide (?:squad|mission|doors)|(?:social|career|political) suicide|kicking (?:my|your|his"
    r"|her|our) (?:ass|arse|butt|backside)",
    r"(?:kidnap|steal) (?:your|ur) (?:dog|puppy|cat|horse|pup)|stole (?:my|the) show",
    r"stab(?:bed|bing|s)? (?:me|us|him|her|them|you) in the back|back ?stab\w*|shot (?:my|him|her"
    r"|them|your)sel(?:f|ves) in the foot|kill (?:my|him|her)self laughing",
    r"(?:kill|murder|strangle) (?:him|her|them|you|me|my \w+)(?: \w+)? (?:lol|lmao|haha|😂|🤣)",
    r"collapsed (?:into|onto|on) (?:bed|the sofa|the couch|my bed)|fire in (?:my|his|her|your"
    r"|their) belly|set (?:the )?(?:world|stage|place|dancefloor|internet) (?:on fire|alight)",
    r"can't breathe (?:in|with) (?:this|the) (?:heat|humidity|smog|pollen)|(?:if|in case) (?:i|you"
    r"|he|she) (?:get|gets|got|was|were) hit by a bus",
)

# Context guards: checked near a match -----------------------------------------------
# Always veto: the force's own reporting language, fiction and games.
HARD_GUARD = (
    r"\b(?:we (?:were|have been|are) called|our officers|officers (?:attended|responded"
    r"|are investigating|were called|have arrested|arrested)|(?:attended|responded to) (?:a "
    r"|the )?reports?|reports? of (?:a|an)|has been (?:arrested|charged)|(?:was|were) arrested"
    r"|arrested (?:a|on suspicion)|charged with|appeal(?:ing)? for|quoting (?:log|ref|crime)"
    r"|please avoid the area|road (?:is )?closed following|following (?:a|an) (?:collision"
    r"|stabbing|assault|incident|fire|report)|treated as suspicious|found safe|safe and well"
    r"|stable condition|minor injuries|remains? in hospital|turned out to be|film|movie|tv show"
    r"|drama|scene|episode|novel|call of duty|fortnite|gta|paintball|airsoft|nerf|laser tag"
    r"|cops and robbers|murder mystery|true crime|podcast|documentary"
    r"|concerned for (?:the )?(?:welfare|safety)|have you seen|if you have (?:seen"
    r"|any information)|call 101|quote (?:log|ref|incident))\b|\b(?:appeal|update) ?:"
)
# Veto unless the post also says it is happening now: past, news, questions, campaigns.
SOFT_GUARD = (
    r"\b(?:(?<!since\s)(?:last (?:night|week|month|year|weekend|time|summer|winter|\w+day)"
    r"|yesterday|the other (?:day|night)|(?:a|two|few|couple of|\d+) (?:days|weeks|months"
    r"|years) ago|in (?:19|20)\d\d|(?:on|over|at) the weekend|on (?:mon|tues|wednes|thurs|fri"
    r"|satur|sun)day|in (?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december))|crime (?:number|ref|reference)|reference number|reported it"
    r"|for (?:my )?insurance|any (?:news|update)|no update|news|article|bbc|dies|died in|(?:one"
    r"|two|three|\d+|man|woman) dead|found dead|reported dead|dead after|named as|tributes|lyrics"
    r"|album|song|(?:still|now|is it) (?:closed|open)|open again|reopen\w*|reading about"
    r"|read about|heard about|sad to hear|thoughts (?:are )?with|condolences|rip|rest in peace"
    r"|anniversary|victims of|affected by|awareness|campaign|amnesty|knifefree|knife crime"
    r"|prevention|safety (?:week|day|tips?)|help is available|not alone|reach out|talk to someone"
    r"|first aid|cpr|training|course|workshop|demo|open day|exercise|drill|what to do"
    r"|how to (?:report|spot|help|deal|respond|stay|keep|protect|get)|how (?:do|can|should) (?:i"
    r"|you|we) (?:report|tell|know)|whether|in case|for next time|in future|is it (?:legal|illegal"
    r"|ok|okay|allowed|an offence)|what happens|(?:what|how) (?:\w+ ){0,4}if (?:i|you|we|someone"
    r"|somebody|anyone|a|people)|if (?:you|u) (?:see|find|witness|think|are)|more likely"
    r"|talk to your (?:kids|children)|dangers of|sentenced|trial)\b"
)
# A question about the incident (sentence opens with one of these and ends with "?").
QUESTION_OPENER = (
    r"(?:@\w+ ){0,5}(?:how|what|when|where|why|was|were|has|have|had|did|can (?:i|you|we|u)"
    r"|could (?:i|you|we|u)|should|do (?:i|you|we|u)|(?:does )?(?:anyone|any1) know (?:what|why"
    r"|if)|will|would|is it|is the|are the|is that|is there (?:a|any) (?:reason|update|news))\b"
)
# Says it is happening now: overrides SOFT_GUARD.
NOW = (
    r"\b(?:right now|rn|as we speak|as i type|happening now|going on now|just now|please help"
    r"|pls help|plz help|help me|help us|send help|hurry|asap|sos|urgent|urgently)\b"
)
