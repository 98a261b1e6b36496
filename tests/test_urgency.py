"""Urgency detection: the labelled evaluation set, reasons and categories, idioms, the
event config's own phrases, and hostile input."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from eventdesk.config import EventConfig, UrgencyConfig, parse_config
from eventdesk.errors import UserError
from eventdesk.model import Urgency
from eventdesk.urgency import UrgencyDetector, UrgencySettings, normalise, words
from eventdesk.urgency_anchors import anchor_keys
from eventdesk.urgency_eval import Row, evaluate, load_rows, main
from eventdesk.urgency_rules import CATEGORIES

EVAL_FILE = Path(__file__).parent / "data" / "urgency_eval.tsv"


@pytest.fixture(scope="module")
def detector() -> UrgencyDetector:
    return UrgencyDetector.from_config(UrgencyConfig())


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return load_rows(EVAL_FILE)


# The evaluation set ---------------------------------------------------------------


def test_eval_set_is_big_and_balanced_enough(rows: list[Row]) -> None:
    urgent = [r for r in rows if r.label == "urgent"]
    calm = [r for r in rows if r.label == "not"]
    assert len(urgent) >= 200 and len(calm) >= 250
    for kind in (urgent, calm):
        held = sum(r.split == "holdout" for r in kind)
        assert 0.4 <= held / len(kind) <= 0.6
    texts = [r.text.casefold() for r in rows]
    assert len(texts) == len(set(texts)), "a sentence is in the set twice"


def test_holdout_recall_and_false_alarms(detector: UrgencyDetector, rows: list[Row]) -> None:
    result = evaluate(detector, [r for r in rows if r.split == "holdout"])
    assert result["recall"] >= 0.90, result["misses"]
    assert result["false_alarm_rate"] <= 0.05, result["false_alarm_posts"]


def test_dev_recall_and_false_alarms(detector: UrgencyDetector, rows: list[Row]) -> None:
    result = evaluate(detector, [r for r in rows if r.split == "dev"])
    assert result["recall"] >= 0.90, result["misses"]
    assert result["false_alarm_rate"] <= 0.05, result["false_alarm_posts"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I can smell gas in the flats on Park Road", "explosion: 'smell gas'"),
        ("smelling gas on our landing, whole stairwell stinks", "explosion: 'smelling gas'"),
        ("someone has been locked in the boot of a car on Mill Lane",
         "abduction: 'someone has been locked in the boot'"),
        ("lad tied up in the boot of a silver astra", "abduction: 'lad tied up in the boot'"),
        ("a man lured a child into his car by the park", "abduction: 'lured a child into his car'"),
    ],
)  # fmt: skip
def test_gas_and_a_person_in_a_car_boot_raise_the_alarm(
    detector: UrgencyDetector, text: str, reason: str
) -> None:
    alarm = detector.check(text)
    assert alarm is not None and alarm.reason == reason


@pytest.mark.parametrize(
    "text",
    ["my keys are locked in the boot again", "locked my phone in the boot lol",
     "I smell gas prices going up again", "our gas bills smell of daylight robbery"],
)  # fmt: skip
def test_keys_in_the_boot_and_gas_prices_do_not(detector: UrgencyDetector, text: str) -> None:
    assert detector.check(text) is None


def test_evaluate_counts_misses_and_false_alarms() -> None:
    only_knives = UrgencyDetector.from_config(UrgencyConfig(use_defaults=False, phrases=("knife",)))
    result = evaluate(
        only_knives,
        [
            ("urgent", "dev", "man with a knife"),
            ("urgent", "dev", "house on fire"),
            ("not", "dev", "new kitchen knife"),
            ("not", "dev", "lovely day"),
        ],
    )
    assert (result["urgent"], result["hits"], result["not_urgent"]) == (2, 1, 2)
    assert result["recall"] == 0.5 and result["false_alarm_rate"] == 0.5
    assert result["misses"] == ["house on fire"]
    assert result["false_alarm_posts"][0]["text"] == "new kitchen knife"


def test_eval_command_prints_figures_and_lists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--split", "dev", "--file", str(EVAL_FILE)]) == 0
    out = capsys.readouterr().out
    assert "recall:" in out and "false-alarm rate:" in out


def test_eval_command_refuses_a_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("label\tsplit\ttext\nmaybe\tdev\tsomething\n", encoding="utf-8")
    assert main(["--file", str(bad)]) == 2


# Reasons and categories -------------------------------------------------------------


def test_reason_names_the_rule_and_quotes_the_words(detector: UrgencyDetector) -> None:
    result = detector.check("@KingsmerePolice theres a MAN WITH A KNIFE outside the co-op")
    assert result == Urgency("Offenders nearby", "knife: 'MAN WITH A KNIFE'")


@pytest.mark.parametrize(
    ("text", "category", "rule"),
    [
        ("my mate says hes going to kill himself tonight", "Life at risk", "suicide risk"),
        ("bloke collapsed outside the pub and isnt breathing", "Life at risk", "not breathing"),
        ("my nan has gone missing she has dementia", "Life at risk", "missing person"),
        ("lad just been stabbed on the high st", "Injury", "stabbing"),
        ("cyclist hit by a van on the ring road", "Injury", "hit by a vehicle"),
        ("house fire on elm road smoke everywhere", "Emergency", "fire"),
        ("bad crash on the m5 car on its roof", "Emergency", "crash"),
        ("the guy who mugged me is still on the bus", "Offenders nearby", "offender still here"),
        ("bloke waving a machete about in the park", "Offenders nearby", "knife"),
        ("theres a lad with a gun on the estate", "Offenders nearby", "gun"),
        ("shots fired near the retail park", "Emergency", "gunfire"),
        ("im being followed by a man in a grey hoodie", "Offenders nearby", "being followed"),
        ("someone is breaking into my car right now", "Crime in progress", "break-in"),
        ("massive brawl outside the station", "Crime in progress", "fight"),
    ],
)
def test_clear_cases_get_the_right_category(
    detector: UrgencyDetector, text: str, category: str, rule: str
) -> None:
    result = detector.check(text)
    assert result is not None, text
    assert result.category == category
    assert result.reason.startswith(f"{rule}: '")


def test_every_default_rule_has_a_known_category(detector: UrgencyDetector) -> None:
    assert {rule.category for rule in detector.rules} <= set(CATEGORIES)


def test_the_more_serious_rule_names_the_category(detector: UrgencyDetector) -> None:
    result = detector.check("fight outside the chippy and a lad has been stabbed")
    assert result is not None and result.category == "Injury"


@pytest.mark.parametrize(
    "text",
    [
        "there’s a man with a knife outside",  # curly apostrophe
        "there's a man with a knife outside",
        "theres a man with a knife outside",
        "THERE'S A MAN WITH A KNIFE OUTSIDE",
        "there's a man\u00a0with a\tknife\noutside",
        "there's a man with a\x00 knife outside",
    ],
)
def test_case_apostrophes_and_odd_spaces_do_not_matter(
    detector: UrgencyDetector, text: str
) -> None:
    assert detector.check(text) is not None


# Idioms and other calm posts --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "this traffic is killing me",
        "I'd die for a coffee",
        "I’d die for a coffee right now",
        "you killed it today",
        "dying of laughter 😂",
        "dead funny that",
        "my feet are killing me",
        "shoot me now lol",
        "I'm dead 😂",
        "fire emoji 🔥",
        "this heat will be the death of me",
        "he's a lifesaver",
        "drop dead gorgeous",
        "could murder a curry",
        "stabbing pain in my back from the gym",
        "my bike was stolen last week, how do I report it",
        "what should I do if I see a knife?",
        "Our officers attended a report of a fire on Elm Road.",
    ],
)
def test_idioms_and_calm_posts_are_not_urgent(detector: UrgencyDetector, text: str) -> None:
    assert detector.check(text) is None


def test_an_idiom_does_not_hide_an_emergency_in_the_same_post(
    detector: UrgencyDetector,
) -> None:
    result = detector.check("this traffic is killing me, theres a car on its roof at the lights")
    assert result is not None and result.reason.startswith("crash:")


def test_saying_it_is_happening_now_overrides_a_question(detector: UrgencyDetector) -> None:
    assert detector.check("what do i do if a man with a knife is outside?") is None
    assert detector.check("what do i do theres a man with a knife outside right now?")


# The event config ------------------------------------------------------------------


def _settings(config: UrgencyConfig, plain: bool) -> UrgencyConfig | UrgencySettings:
    """The config as the desk's own process has it, or as a scoring process gets it."""
    return UrgencySettings.of(config) if plain else config


@pytest.mark.parametrize("plain", [False, True])
def test_config_phrases_patterns_and_idioms_extend_the_defaults(plain: bool) -> None:
    detector = UrgencyDetector.from_config(
        _settings(
            UrgencyConfig(
                phrases=("crush at gate 4",),
                patterns=(r"gate\s*\d+\s+(?:closed|blocked)",),
                idioms=(r"on fire at the gig",),
            ),
            plain,
        )
    )
    assert detector.check("CRUSH at Gate-4 please") == Urgency(
        "Emergency", "event phrase: 'CRUSH at Gate-4'"
    )
    assert detector.check("Gate 7 BLOCKED and people pushing") == Urgency(
        "Emergency", "event pattern: 'Gate 7 BLOCKED'"
    )
    assert detector.check("man with a knife outside") is not None  # defaults still there
    assert UrgencyDetector.from_config(UrgencyConfig()).check("the drummer was on fire at the gig")
    assert detector.check("the drummer was on fire at the gig") is None  # event idiom
    assert detector.check("this traffic is killing me") is None  # default idiom still there


@pytest.mark.parametrize("plain", [False, True])
def test_use_defaults_false_drops_the_default_rules_and_idioms(plain: bool) -> None:
    detector = UrgencyDetector.from_config(
        _settings(UrgencyConfig(use_defaults=False, phrases=("killing me",)), plain)
    )
    assert detector.check("man with a knife outside") is None
    assert detector.check("this traffic is killing me") == Urgency(
        "Emergency", "event phrase: 'killing me'"
    )
    assert UrgencyDetector.from_config(UrgencyConfig(use_defaults=False)).check("stabbed") is None


def test_an_invalid_config_pattern_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        UrgencyConfig(patterns=("(unclosed",))
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        UrgencyConfig(idioms=("[a-",))


def test_an_invalid_pattern_in_the_event_file_names_the_key(config: EventConfig) -> None:
    data = config.model_dump(mode="json", exclude={"source"})
    data["urgency"] = {"patterns": ["(unclosed"]}
    with pytest.raises(UserError, match=r"urgency\.patterns"):
        parse_config(data)


# Hostile and long input ------------------------------------------------------------


def _hostile() -> list[str]:
    rnd = random.Random(2026)
    alphabet = "ab knife '’\n\t.?!-😂🔪<b>&amp;\x00\x1b[31m\u202e\u200b\ud800İ"
    return [
        ("🔪😂<b>&amp;</b>\x1b[31m\u202e\x00 " * 2000)[:25_000],
        "a" * 25_000,
        ("man with a knife last week " * 1000)[:25_000],
        ("threatening " + "x " * 12) * 700,
        ("he is still he is still " * 1100)[:25_000],
        ("is missing " * 2500)[:25_000],
        "'" * 25_000,
        "".join(rnd.choice(alphabet) for _ in range(25_000)),
    ]


@pytest.mark.parametrize("text", _hostile())
def test_hostile_25k_text_returns_without_error(detector: UrgencyDetector, text: str) -> None:
    result = detector.check(text)
    assert result is None or isinstance(result, Urgency)


def test_an_emergency_at_the_end_of_a_long_post_is_found(detector: UrgencyDetector) -> None:
    text = "lol 😂 " * 4000 + "there is a man with a knife outside the school"
    result = detector.check(text)
    assert result is not None and result.reason == "knife: 'man with a knife'"


def test_empty_and_blank_posts_are_not_urgent(detector: UrgencyDetector) -> None:
    assert detector.check("") is None
    assert detector.check(" \n\t ") is None


# The shortcut that keeps it fast ---------------------------------------------------


def test_word_split_matches_the_regex_definition_of_a_word() -> None:
    rnd = random.Random(7)
    alphabet = "ab_1 ’'-😂🔪é\u0301ß\x00\n.,#@İ\u200b"
    for _ in range(2000):
        text = normalise("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30))))
        assert words(text) == re.findall(r"\w+", text)


def test_every_default_rule_and_idiom_has_anchor_words(detector: UrgencyDetector) -> None:
    assert all(anchor_keys(rule.pattern) for rule in detector.rules)
    assert all(anchor_keys(idiom) for idiom in detector.idioms)


def test_the_anchor_shortcut_never_changes_a_result(
    detector: UrgencyDetector, rows: list[Row]
) -> None:
    extra = [
        "gunshots",
        "the kids are screaming lol",
        "someone's fitting",
        "an ambo please",
        "hit-and-run",
        "🔪knife",
        "knife🔪man",
        "stab_bed",
        "a&e",
        "some1 has a gun",
        "he overdosedé",
        "hypothermiaß",
        "man with a gunß",
        "lad wíth a knife",
        "İSTANBUL fire",
    ]
    for text in [r.text for r in rows] + extra + _hostile()[:3]:
        assert detector._check(text) == detector._check(text, exhaustive=True), text


def test_default_patterns_have_no_nested_unbounded_repeats(detector: UrgencyDetector) -> None:
    from eventdesk.regex_shape import nested_unbounded

    patterns = [r.pattern for r in detector.rules] + list(detector.idioms)
    patterns += [p for r in detector.rules for p in (r.requires, r.unless) if p is not None]
    nested = [p.pattern[:60] for p in patterns if nested_unbounded(p.pattern)]
    assert nested == []


@pytest.mark.parametrize(
    ("pattern", "backtracks"),
    [
        ("(a+)+b", True),
        (r"(\w+\s?)*$", True),
        (r"(?:x|(?:y{2,})+)+", True),
        (r"(?=(a*)*)b", True),
        (r"((ab){2,})*", True),
        (r"man\s+with\s+a\s+(?:knife|gun)", False),
        (r"(?:\w+ ){0,3}stabbed", False),
        (r"(ab)?+c|(?:de)*f", False),
        ("shots? fired", False),
    ],
)  # fmt: skip
def test_the_shape_that_backtracks_is_found(pattern: str, backtracks: bool) -> None:
    from eventdesk.regex_shape import nested_unbounded

    assert nested_unbounded(pattern) is backtracks


def test_a_repeated_text_gets_the_answer_it_got_before(monkeypatch: pytest.MonkeyPatch) -> None:
    import eventdesk.urgency as urgency

    monkeypatch.setattr(urgency, "RECENT", 4)
    detector, fresh = (
        UrgencyDetector.from_config(UrgencyConfig()),
        UrgencyDetector.from_config(UrgencyConfig()),
    )
    texts = ["there's a man with a knife outside", "lovely day", "help he's not breathing"]
    for text in texts * 5 + [f"post {i}" for i in range(20)] + texts:
        assert detector.check(text) == fresh._check(text)
        assert len(detector._recent) <= 4 and len(detector._older) <= 4
    calls = []
    monkeypatch.setattr(detector, "_check", lambda text: calls.append(text))
    detector.check(texts[-1])
    assert calls == []  # answered from memory


def test_long_texts_are_not_remembered(detector: UrgencyDetector) -> None:
    import eventdesk.urgency as urgency

    text = "man with a knife " + "x" * urgency.RECENT_CHARS
    assert detector.check(text) is not None
    assert text not in detector._recent and text not in detector._older


@pytest.mark.parametrize("plain", [False, True])
def test_event_phrases_keep_the_gate_closed_and_match_in_any_case(plain: bool) -> None:
    """An event's phrases are read by the gate like the shipped rules, so a post with
    none of them still costs one search; they match whatever the case."""
    detector = UrgencyDetector.from_config(
        _settings(UrgencyConfig(phrases=("blue lorry", "Crush at gate 4")), plain)
    )
    assert not detector._gate.open
    assert not detector._gate.passes(normalise("lovely day at the open day"))
    for text in ("A BLUE  LORRY is here", "a blue lorry", "CRUSH AT GATE 4"):
        assert detector._gate.passes(normalise(text))
        assert detector.check(text) is not None and detector.check(text).reason.startswith(
            "event phrase"
        )
    assert detector.check("a bluelorry") is None
    # User patterns stay regular expressions matched case-insensitively: the gate
    # cannot read those, and opens.
    with_pattern = UrgencyDetector.from_config(_settings(UrgencyConfig(patterns=("A&E",)), plain))
    assert with_pattern._gate.open
    assert with_pattern.check("queue at a&e is huge") is not None
