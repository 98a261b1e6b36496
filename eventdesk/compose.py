"""Checking a reply before it is queued: length, signature, and the account it goes from.

Errors stop the send; warnings ask the operator to confirm. Each bad input gets one
message that says what to change. The rules on accounts:

- the sending account must be one of ours (error);
- a post addressed to some of our accounts (it mentions them, or answers one of their
  posts) is normally answered from one of those: replying from another one warns;
- a conversation we already answered (or are answering) from another account warns,
  so the public does not get two voices in one thread;
- an urgent post answered without the 999 advice warns.

A shared account whose posts are signed ("ACC MJ: ") needs the operator's own initials:
someone not in `[[operators]]` with initials cannot post from it (error).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eventdesk.config import Account, CannedReply, EventConfig, Operator
from eventdesk.xtext import LIMIT, weigh


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """What the checks need to know about the post being answered."""

    post_id: int
    author_username: str
    mentions: tuple[str, ...] = ()
    in_reply_to_user_id: str | None = None
    urgent: bool = False

    @classmethod
    def from_post(cls, post: Mapping[str, Any]) -> ReplyTarget:
        """From a stored post as storage.panes.post returns it."""
        return cls(
            post_id=post["id"],
            author_username=post["author_username"],
            mentions=tuple(post.get("mentions") or ()),
            in_reply_to_user_id=post.get("in_reply_to_user_id"),
            urgent=bool(post.get("urgent")),
        )


@dataclass(frozen=True, slots=True)
class ComposeCheck:
    """The verdict on a draft: `errors` block sending, `warnings` need a confirmation."""

    length: int  # X's weighted length
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def signature_prefix(account: Account, operator: Operator) -> str:
    """What a signed account's post should start with for this operator ('' if unsigned)."""
    if account.signature.kind == "none" or operator.initials is None:
        return ""
    rank = operator.rank if operator.rank in account.signature.ranks else None
    return account.signature.prefix(rank or account.signature.ranks[-1], operator.initials)


def canned_replies(config: EventConfig, *, urgent: bool) -> list[CannedReply]:
    """The canned replies in offer order: on an urgent post the 999 advice comes first."""
    if not urgent:
        return list(config.canned_replies)
    return sorted(config.canned_replies, key=lambda reply: not reply.urgent_first)


def _signature_errors(account: Account, operator: Operator, text: str) -> list[str]:
    rule = account.signature
    if rule.kind == "none":
        return []
    if operator.initials is None:
        return [
            f"@{account.handle} posts are signed with the author's initials, and "
            f"{operator.login} has none: add them under [[operators]] in the event config"
        ]
    if (problem := rule.problem(text)) is not None:
        return [f"@{account.handle} posts {problem}"]
    signed = text.split(":", 1)[0].split()[-1]
    if signed != operator.initials:
        return [f"signed {signed}, but your initials are {operator.initials}"]
    return []


def _account_warnings(
    config: EventConfig, account: Account, target: ReplyTarget, answered_from: frozenset[str]
) -> list[str]:
    warnings = []
    ours = config.handles
    addressed = {m.lower() for m in target.mentions} & ours
    by_user_id = {a.user_id: a.handle.lower() for a in config.accounts if a.user_id}
    if target.in_reply_to_user_id in by_user_id:
        addressed.add(by_user_id[target.in_reply_to_user_id])
    sender = account.handle.lower()
    if addressed and sender not in addressed:
        to = ", ".join(f"@{_proper(config, h)}" for h in sorted(addressed))
        warnings.append(f"the post is addressed to {to}; you are replying as @{account.handle}")
    others = sorted((answered_from & ours) - {sender})
    if others:
        names = ", ".join(f"@{_proper(config, h)}" for h in others)
        warnings.append(
            f"this conversation is answered from {names}; you are replying as @{account.handle}"
        )
    if target.author_username.lower() in ours:
        warnings.append(f"this is our own post (@{target.author_username})")
    return warnings


def _proper(config: EventConfig, handle: str) -> str:
    account = config.account(handle)
    return account.handle if account else handle


def check_reply(
    config: EventConfig,
    operator: Operator,
    *,
    account: str,
    text: str,
    target: ReplyTarget | None = None,
    answered_from: frozenset[str] = frozenset(),
) -> ComposeCheck:
    """Check a draft. `answered_from`: our handles already in the conversation
    (storage.outbox.accounts_answering)."""
    weighed = weigh(text)
    sender = config.account(account)
    if sender is None:
        return ComposeCheck(
            weighed.length, errors=(f"@{account.lstrip('@')} is not one of our accounts",)
        )
    if not text.strip():
        return ComposeCheck(weighed.length, errors=("the reply is empty",))
    errors: list[str] = []
    if weighed.over:
        errors.append(
            f"too long: {weighed.length} of {LIMIT} characters as X counts them "
            f"({weighed.over} over)"
        )
    elif not weighed.valid:
        errors.append("X would refuse this text: it holds characters X does not accept")
    errors += _signature_errors(sender, operator, text)
    warnings: list[str] = []
    if target is not None:
        warnings += _account_warnings(config, sender, target, answered_from)
        if target.urgent and "999" not in text:
            warnings.append("this post is urgent and the reply does not give the 999 advice")
    return ComposeCheck(weighed.length, tuple(errors), tuple(warnings))
