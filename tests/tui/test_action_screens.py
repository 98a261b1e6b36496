"""The operator-action screens, each driven with Pilot in a small App on a real database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import OptionList, Select, Static, TextArea

from eventdesk.identity import operator_for
from eventdesk.text import visible
from storage import Database, outbox
from storage import actions as acts
from storage import panes as queries
from storage.outbox import OutboxState
from tests.conftest import tweet_line
from tests.tui.conftest import HOSTILE, ingest_lines, settle
from tests.tui.test_hostile_text import assert_inert_content
from tui.compose_screen import ComposeScreen
from tui.dialogs import ConfirmScreen

ASKER = 1862000000000002001  # "@KingsmerePolice question number 1 about parking"
URGENT = 1862000000000005000  # "@KingsmerePolice there's a man with a knife ..."
HOSTILE_POST = 1862000000000009000
HOSTILE_TEXT = "@KingsmerePolice " + " ".join(HOSTILE[k] for k in ("click", "close", "esc"))
HOSTILE_NAME = "[@click=app.quit]x[/]"


class Harness(App[None]):
    """Opens one screen on mount and keeps what it was dismissed with."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


@pytest.fixture
async def db(desk_db, config):
    await ingest_lines(
        desk_db,
        config,
        [
            tweet_line(
                HOSTILE_TEXT,
                mentions=("KingsmerePolice",),
                author=("66", "a_[/]_b", HOSTILE_NAME),
                post_id=HOSTILE_POST,
            )
        ],
        "hostile.jsonl",
    )
    database = await Database.open(desk_db)
    yield database
    await database.close()


async def rows(db: Database) -> list[outbox.OutboxItem]:
    return await outbox.in_states(db, list(OutboxState))


def text_of(screen: Screen[Any], selector: str) -> str:
    return screen.query_one(selector, Static).render().plain


# -- compose ------------------------------------------------------------------------------


async def open_compose(db, config, post_id: int, login: str = "mjones") -> ComposeScreen:
    post = await queries.post(db, post_id)
    assert post is not None
    return ComposeScreen(post, config, operator_for(config, login), db)


async def ready(pilot, screen: ComposeScreen) -> None:
    await settle(pilot, lambda: screen.key is not None and pilot.app.screen is screen)


@pytest.mark.parametrize(
    ("account", "text", "message"),
    [
        (
            "KingsmerePolice",
            "🚓" * 141,
            "too long: 282 of 280 characters as X counts them (2 over)",
        ),
        ("KingsmerePolice", "   ", "the reply is empty"),
        ("KingsmereCOs", "ACC TO: Great work", "signed TO, but your initials are MJ"),
        ("KingsmereCOs", "Great work", "@KingsmereCOs posts must start with a rank and initials"),
    ],
    ids=["over-limit", "empty", "wrong-initials", "unsigned"],
)
async def test_compose_errors_are_shown_and_nothing_is_sent(
    db, config, account: str, text: str, message: str
) -> None:
    screen = await open_compose(db, config, ASKER)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        screen.query_one("#compose-account", Select).value = account
        await pilot.pause()
        screen.query_one("#compose-text", TextArea).text = text
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: message in text_of(screen, "#compose-problems"))
        assert app.screen is screen  # no confirmation was offered
    assert await rows(db) == []


async def test_the_count_is_xs_weighted_length_and_turns_red_over_the_limit(db, config) -> None:
    screen = await open_compose(db, config, ASKER)
    async with Harness(lambda: screen).run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        area = screen.query_one("#compose-text", TextArea)
        area.text = "See https://example.org/" + "a" * 300  # a URL weighs 23
        await pilot.pause()
        count = screen.query_one("#compose-count", Static)
        assert count.render().plain == "27/280" and not count.has_class("-over")
        area.text = "👮" * 141
        await pilot.pause()
        assert count.render().plain == "282/280  (2 over)" and count.has_class("-over")


async def test_replying_from_another_account_than_addressed_warns_and_no_sends_nothing(
    db, config
) -> None:
    screen = await open_compose(db, config, ASKER)
    async with Harness(lambda: screen).run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        assert screen.query_one("#compose-account", Select).value == "KingsmerePolice"
        screen.query_one("#compose-account", Select).value = "KingsmereAir"
        screen.query_one("#compose-text", TextArea).text = "We'll look into it."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        question = text_of(pilot.app.screen, "#confirm-question")
        assert "the post is addressed to @KingsmerePolice; you are replying as @KingsmereAir" in (
            question
        )
        assert "Send as @KingsmereAir?" in question
        await pilot.press("n")
        await settle(pilot, lambda: "Not sent." in text_of(screen, "#compose-problems"))
    assert await rows(db) == []


async def test_a_valid_reply_makes_one_pending_row_even_when_send_is_pressed_twice(
    db, config
) -> None:
    screen = await open_compose(db, config, ASKER, login="tokafor")
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        assert [(c.post_id, c.operator) for c in await acts.active_claims(db)] == [
            (ASKER, "tokafor")
        ]
        screen.query_one("#compose-text", TextArea).text = "Thanks, passed to the team."
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y", "ctrl+s", "y")
        await settle(pilot, lambda: app.results != [])
    [queued] = app.results
    assert await acts.active_claims(db) == []  # released on close
    assert queued.created and queued.item.key == f"reply:{ASKER}:1"
    [row] = await rows(db)
    assert (row.state, row.account, row.text, row.operator, row.in_reply_to) == (
        OutboxState.PENDING, "KingsmerePolice", "Thanks, passed to the team.", "tokafor", ASKER,
    )  # fmt: skip


async def test_the_signed_account_is_prefilled_with_the_operators_signature(db, config) -> None:
    screen = await open_compose(db, config, ASKER)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        area = screen.query_one("#compose-text", TextArea)
        assert area.text == ""
        screen.query_one("#compose-account", Select).value = "KingsmereCOs"
        await settle(pilot, lambda: area.text == "ACC MJ: ")
        await pilot.press(*"Thank you all")
        screen.query_one("#compose-account", Select).value = "KingsmerePolice"
        await settle(pilot, lambda: area.text == "Thank you all")


async def test_the_999_advice_is_offered_first_on_an_urgent_post(db, config) -> None:
    # Listed last in this config, so only the urgent ordering can bring it first.
    late = config.model_copy(update={"canned_replies": tuple(reversed(config.canned_replies))})
    screen = await open_compose(db, late, URGENT)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        canned = screen.query_one("#compose-canned", OptionList)
        assert canned.get_option_at_index(0).id == "danger-999"
        canned.focus()
        await pilot.press("1")
        area = screen.query_one("#compose-text", TextArea)
        await settle(pilot, lambda: area.text.startswith("If you are in danger now, call 999."))
    calm = await open_compose(db, late, ASKER)
    async with Harness(lambda: calm).run_test(size=(120, 40)) as pilot:
        await ready(pilot, calm)
        assert calm.query_one("#compose-canned", OptionList).get_option_at_index(0).id == (
            "call-101"
        )


async def test_a_second_operator_sees_who_is_replying_and_one_reply_is_queued(db, config) -> None:
    first = await open_compose(db, config, ASKER, login="mjones")
    app = Harness(lambda: first)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, first)
        second = await open_compose(db, config, ASKER, login="tokafor")
        late: list[Any] = []
        app.push_screen(second, late.append)
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Megan Jones is replying to this post" in text_of(app.screen, "#confirm-question")
        await pilot.press("y")
        await settle(pilot, lambda: second.key is not None and app.screen is second)
        assert text_of(second, "#compose-claim") == "Megan Jones is replying to this post"
        assert second.key == first.key  # both opened before either sent
        second.query_one("#compose-text", TextArea).text = "Tunde here: we are on it."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: late != [] and app.screen is first)
        first.query_one("#compose-text", TextArea).text = "Megan here: we are on it."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: "queued a reply" in text_of(first, "#compose-problems"))
        assert "Tunde Okafor queued a reply to this post first" in text_of(
            first, "#compose-problems"
        )
    [row] = await rows(db)
    assert (row.operator, row.text) == ("tokafor", "Tunde here: we are on it.")


async def test_compose_shows_a_hostile_post_literally(db, config) -> None:
    screen = await open_compose(db, config, HOSTILE_POST)
    app = Harness(lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, screen)
        plain = assert_inert_content(screen.query_one("#compose-post", Static).render())
        assert "@a_[/]_b" in plain
        assert visible(HOSTILE_TEXT) in plain
        assert app.is_running
