"""Claiming a post while a dialog is open on it, and warning when someone else has.

The claim is a courtesy, not a lock (storage.actions.claim): an operator told that a
colleague "is replying" may still go ahead after saying so.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.screen import Screen

from eventdesk.config import EventConfig
from eventdesk.text import visible
from storage import Database
from storage import actions as acts
from tui.dialogs import ConfirmScreen

_DOING = {"reply": "is replying to", "handoff": "is handing off"}


def operator_name(config: EventConfig, login: str) -> str:
    """The configured name for a login, else the login itself (shown literally)."""
    name = next((o.name for o in config.operators if o.login == login), login)
    return visible(name, newlines=False)


def claim_notice(config: EventConfig, held: acts.Claim) -> str:
    """'Megan Jones is replying to this post' for a colleague's claim."""
    return f"{operator_name(config, held.operator)} {_DOING.get(held.purpose, 'has')} this post"


async def claim_or_ask(
    screen: Screen[Any],
    db: Database,
    config: EventConfig,
    *,
    post_id: int,
    login: str,
    purpose: str,
) -> acts.ClaimResult | None:
    """Claim the post; if a colleague holds it, ask whether to go on (None: do not).

    Must run in a worker (it waits for the answer).
    """
    result = await acts.claim(db, post_id, login, purpose, seconds=config.desk.claim_expiry)
    if result.mine:
        return result
    question = Content.assemble(
        (claim_notice(config, result.claim), "bold"),
        ".\nGo on anyway? Two operators acting on one post can confuse the public.",
    )
    if await screen.app.push_screen_wait(ConfirmScreen(question)):
        return result
    return None
