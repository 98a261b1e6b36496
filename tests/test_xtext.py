"""X's weighted length, as the compose dialog and the schedule import count it."""

from eventdesk.xtext import LIMIT, weigh


def test_plain_text_counts_characters() -> None:
    assert weigh("Road closed on the A34").length == 22


def test_a_url_counts_23_whatever_its_length() -> None:
    url = "https://example.org/" + "a" * 200
    assert weigh(f"Report it online: {url}").length == len("Report it online: ") + 23


def test_emoji_and_cjk_count_two() -> None:
    assert weigh("👮").length == 2
    assert weigh("警察").length == 4


def test_limit_and_empty() -> None:
    assert weigh("x" * LIMIT).valid
    over = weigh("x" * (LIMIT + 3))
    assert not over.valid and over.over == 3
    assert not weigh("").valid
