"""The reply dialog: write a reply to a post, checked, confirmed, and queued exactly once.

The idempotency key is taken when the dialog opens (storage.outbox.reply_key), so a
double key press, or two operators who opened the dialog on the same post, make one
outbox row. Sending means queueing: the desk's sender publishes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from eventdesk.compose import ReplyTarget, canned_replies, check_reply, signature_prefix
from eventdesk.config import CannedReply, EventConfig, Operator
from eventdesk.xtext import LIMIT, weigh
from storage import Database, outbox
from storage import actions as acts
from tui.claiming import claim_notice, claim_or_ask, operator_name
from tui.dialogs import ConfirmScreen
from tui.quote import post_quote


def default_account(config: EventConfig, post: Mapping[str, Any]) -> str:
    """The account the post addressed (the one it answers, else the first one it
    mentions), else the main account (listed first in the config)."""
    by_user_id = {a.user_id: a.handle for a in config.accounts if a.user_id}
    if post.get("in_reply_to_user_id") in by_user_id:
        return by_user_id[post["in_reply_to_user_id"]]
    for mention in post.get("mentions") or ():
        if (account := config.account(mention)) is not None:
            return account.handle
    return config.accounts[0].handle


class CannedList(OptionList):
    """The canned replies, numbered; a number key or Enter inserts one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(n), f"pick({n - 1})", f"Canned {n}", show=False) for n in range(1, 10)
    ]

    def action_pick(self, index: int) -> None:
        if index < self.option_count:
            self.highlighted = index
            self.action_select()


class ComposeScreen(ModalScreen[outbox.Enqueued | None]):
    """Reply to `post` (a row from storage.panes.post) as `operator`.

    Dismisses with the queued outbox row, or None when cancelled. The dialog claims the
    post while it is open and releases the claim when it closes.
    """

    DEFAULT_CSS = """
    ComposeScreen { align: center middle; }
    ComposeScreen > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ComposeScreen #compose-post { max-height: 6; overflow-y: auto; color: $text-muted; }
    ComposeScreen #compose-claim { display: none; background: $warning; color: $text; }
    ComposeScreen #compose-claim.-shown { display: block; }
    ComposeScreen #compose-from { height: auto; }
    ComposeScreen #compose-from > Static { width: auto; padding: 1 1 0 0; }
    ComposeScreen #compose-account { width: 1fr; }
    ComposeScreen #compose-text { height: 7; }
    ComposeScreen #compose-count { text-align: right; }
    ComposeScreen #compose-count.-over { color: $error; text-style: bold; }
    ComposeScreen #compose-canned { height: auto; max-height: 5; }
    ComposeScreen #compose-problems { color: $error; }
    ComposeScreen #compose-buttons { height: auto; }
    ComposeScreen #compose-buttons > Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, post: Mapping[str, Any], config: EventConfig, operator: Operator, db: Database
    ) -> None:
        super().__init__()
        self.post = post
        self.config = config
        self.operator = operator
        self.db = db
        self.target = ReplyTarget.from_post(post)
        self.account = default_account(config, post)
        self.key: str | None = None  # made when the dialog opens; None until then
        self._claimed = False
        self._answered_from: frozenset[str] = frozenset()
        self._busy = False
        self._canned: list[CannedReply] = canned_replies(config, urgent=self.target.urgent)

    # -- layout -------------------------------------------------------------------------

    def _prefix(self, handle: str) -> str:
        account = self.config.account(handle)
        return "" if account is None else signature_prefix(account, self.operator)

    def compose(self) -> ComposeResult:
        accounts = [(Content(f"@{a.handle} — {a.name}"), a.handle) for a in self.config.accounts]
        with Vertical():
            yield Static(post_quote(self.post, "Reply to"), id="compose-post", markup=False)
            yield Static("", id="compose-claim", markup=False)
            with Horizontal(id="compose-from"):
                yield Static("Send as")
                yield Select(accounts, value=self.account, allow_blank=False, id="compose-account")
            yield TextArea(self._prefix(self.account), id="compose-text", soft_wrap=True)
            yield Static("", id="compose-count", markup=False)
            yield CannedList(
                *(
                    Option(Content(f"{n} {reply.title}"), id=reply.key)
                    for n, reply in enumerate(self._canned, start=1)
                ),
                id="compose-canned",
            )
            yield Static("", id="compose-problems", markup=False)
            with Horizontal(id="compose-buttons"):
                yield Button("Send (ctrl+s)", id="compose-send", variant="primary", disabled=True)
                yield Button("Cancel", id="compose-cancel")

    def on_mount(self) -> None:
        text = self.query_one("#compose-text", TextArea)
        text.focus()
        text.move_cursor(text.document.end)
        self._count()
        self.open_reply()

    @work(name="compose-open", group="compose", exit_on_error=False)
    async def open_reply(self) -> None:
        """Take the key, learn who already answers the thread, claim the post."""
        self.key = await outbox.reply_key(self.db, self.target.post_id)
        thread = self.post.get("conversation_id") or self.target.post_id
        self._answered_from = await outbox.accounts_answering(self.db, thread)
        result = await claim_or_ask(
            self, self.db, self.config,
            post_id=self.target.post_id, login=self.operator.login, purpose="reply",
        )  # fmt: skip
        if result is None:
            self.dismiss(None)
            return
        self._claimed = result.mine
        if not result.mine:
            notice = self.query_one("#compose-claim", Static)
            notice.update(Content(claim_notice(self.config, result.claim)))
            notice.add_class("-shown")
        self.query_one("#compose-send", Button).disabled = False

    # -- the draft ----------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.query_one("#compose-text", TextArea).text

    def _count(self) -> None:
        length = weigh(self.text).length
        count = self.query_one("#compose-count", Static)
        over = f"  ({length - LIMIT} over)" if length > LIMIT else ""
        count.update(Content(f"{length}/{LIMIT}{over}"))
        count.set_class(length > LIMIT, "-over")

    @on(TextArea.Changed)
    def _changed(self) -> None:
        self._count()
        self.query_one("#compose-problems", Static).update("")

    @on(Select.Changed, "#compose-account")
    def _account_changed(self, event: Select.Changed) -> None:
        """Swap the signature to the new account's, if the draft still starts with it."""
        if not isinstance(event.value, str) or event.value == self.account:
            return
        old, new = self._prefix(self.account), self._prefix(event.value)
        self.account = event.value
        area = self.query_one("#compose-text", TextArea)
        if old != new and area.text.startswith(old):
            area.text = new + area.text[len(old) :]
            area.move_cursor(area.document.end)

    @on(OptionList.OptionSelected, "#compose-canned")
    def _insert_canned(self, event: OptionList.OptionSelected) -> None:
        reply = self._canned[event.option_index]
        area = self.query_one("#compose-text", TextArea)
        area.insert(reply.text)
        area.focus()

    # -- sending ------------------------------------------------------------------------

    def _show_problems(self, lines: tuple[str, ...] | list[str]) -> None:
        self.query_one("#compose-problems", Static).update(Content("\n".join(lines)))

    @on(Button.Pressed, "#compose-send")
    def _send_pressed(self) -> None:
        self.action_send()

    @work(name="compose-send", group="compose-send", exit_on_error=False)
    async def action_send(self) -> None:
        if self._busy or self.key is None:
            return
        self._busy = True
        try:
            await self._send(self.key)
        finally:
            self._busy = False

    async def _send(self, key: str) -> None:
        text, account = self.text, self.account
        check = check_reply(
            self.config, self.operator, account=account, text=text,
            target=self.target, answered_from=self._answered_from,
        )  # fmt: skip
        if check.errors:
            self._show_problems(check.errors)
            return
        question: list[str | tuple[str, str]] = []
        for warning in check.warnings:
            question.append((f"⚠ {warning}\n", "bold"))
        question.append(f"\nSend as @{account}? ")
        if not await self.app.push_screen_wait(ConfirmScreen(Content.assemble(*question))):
            self._show_problems(["Not sent."])
            return
        queued = await outbox.enqueue(
            self.db, key=key, account=account, text=text, operator=self.operator.login,
            in_reply_to=self.target.post_id,
        )  # fmt: skip
        if not queued.created:
            self.query_one("#compose-send", Button).disabled = True
            self._show_problems([
                f"{operator_name(self.config, queued.item.operator)} queued a reply to this post "
                f"first (@{queued.item.account}, {queued.item.state.value}): yours was not "
                "queued. Close and open the reply again to send a follow-up."
            ])  # fmt: skip
            return
        await self._close(queued)

    # -- closing ------------------------------------------------------------------------

    @on(Button.Pressed, "#compose-cancel")
    def _cancel_pressed(self) -> None:
        self._leave()

    @work(name="compose-cancel", group="compose-send", exit_on_error=False)
    async def action_cancel(self) -> None:
        """Escape: ask before throwing away anything written past the signature."""
        draft = self.text.removeprefix(self._prefix(self.account)).strip()
        if draft and not await self.app.push_screen_wait(
            ConfirmScreen(Content("Discard this draft? Nothing has been sent."))
        ):
            return
        await self._close(None)

    @work(name="compose-close", group="compose-send", exit_on_error=False)
    async def _leave(self) -> None:
        await self._close(None)

    async def _close(self, result: outbox.Enqueued | None) -> None:
        if self._claimed:
            await acts.release_claim(self.db, self.target.post_id, self.operator.login)
            self._claimed = False
        self.dismiss(result)
