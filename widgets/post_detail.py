"""PostDetail: everything about the selected post, its thread and what was done about it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from eventdesk.model import Sentiment
from eventdesk.text import post_text, visible
from widgets.post_list import sentiment_glyph


def _when(created_at: str, zone: ZoneInfo) -> str:
    moment = datetime.fromisoformat(created_at.replace("Z", "+00:00")).astimezone(zone)
    return f"{moment:%a %d %b %H:%M:%S}"


def render_detail(
    post: dict[str, Any],
    thread: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    zone: ZoneInfo,
    claim: str | None = None,
    replies: list[dict[str, Any]] | None = None,
) -> Content:
    """The detail as Content. Every stranger's string goes through `visible` and is
    assembled as plain text: nothing here is ever parsed as markup."""
    name = visible(post["author_name"] or "", newlines=False)
    user = visible(post["author_username"] or "?", newlines=False)
    compound = post["sentiment_compound"]
    glyph, _ = sentiment_glyph(compound)
    label = Sentiment(compound, 0, 0, 0).label if compound is not None else "not scored"
    metrics = " · ".join(
        f"{key.removesuffix('_count')} {value}" for key, value in post["metrics"].items()
    )
    lanes = ", ".join(lane for lane in ("hashtag", "inbox", "own") if post[f"in_{lane}"])
    parts: list[str | tuple[str, str]] = [
        (f"{name} ", "bold"),
        (f"@{user}", "italic"),
        f"  {_when(post['created_at'], zone)}  ·  id {post['id']}\n",
        (f"✎ {visible(claim, newlines=False)}\n" if claim else "", "bold reverse"),
        "\n",
        post_text(post["text"]),
        "\n\n",
    ]
    if post["urgent"]:
        reason = visible(post["urgent_reason"] or "", newlines=False)
        parts += [(f"⚠ URGENT: {post['urgent_category']}: {reason}\n", "bold reverse")]
    parts += [
        f"{glyph} sentiment {label} {compound if compound is not None else ''}",
        f" (pos {post['sentiment_pos']} neu {post['sentiment_neu']} neg {post['sentiment_neg']})\n",
        f"lanes: {lanes or 'none'}   {metrics}\n",
    ]
    if post.get("answered_by"):
        parts.append(("✓ answered\n", "bold"))
    if len(thread) > 1:
        parts += [("\nConversation\n", "bold underline")]
        for item in thread:
            mark = "▶ " if item["id"] == post["id"] else "  "
            ours = " (us)" if item["in_own"] else ""
            who = visible(item["author_username"] or "?", newlines=False)
            text = post_text(item["text"][:200], newlines=False)
            parts.append(f"{mark}{_when(item['created_at'], zone)[-8:-3]} @{who}{ours}: {text}\n")
    if replies:
        parts += [("\nOur replies in this thread\n", "bold underline")]
        for reply in replies:
            state = reply["state"] + (f" · id {reply['remote_id']}" if reply["remote_id"] else "")
            text = visible(reply["text"][:200], newlines=False)
            who = visible(reply["operator"], newlines=False)
            parts.append(f"  [{state}] @{reply['account']} by {who}: {text}\n")
    if actions:
        parts += [("\nHistory\n", "bold underline")]
        for act in actions:
            who = visible(act["operator"], newlines=False)
            detail = _detail(act.get("detail") or {})
            parts.append(f"  {_when(act['at'], zone)} {who}: {act['kind']}{detail}\n")
    return Content.assemble(*parts)


_DETAIL_KEYS = ("category", "to_operator", "to_team", "state", "outcome", "account", "note")


def _detail(after: dict[str, Any]) -> str:
    """A history line's particulars (operators' words, shown literally and briefly)."""
    bits = [
        f"{key.replace('_', ' ')} {visible(str(after[key])[:60], newlines=False)}"
        for key in _DETAIL_KEYS
        if after.get(key) not in (None, "")
    ]
    return f" ({', '.join(bits)})" if bits else ""


class PostDetail(VerticalScroll):
    """The selected post in full, wrapped; scrolls when the thread is long."""

    DEFAULT_CSS = """
    PostDetail {
        background: $surface;
        border-top: solid $primary;
        padding: 0 1;
        & > Static { width: 1fr; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._height: int | None = None  # of the content shown, in lines

    def compose(self):
        yield Static(Content("Select a post and press Enter."), id="detail-body", markup=False)

    def show(self, content: Content) -> None:
        """Show `content` from its top (it follows the cursor: once per cursor move)."""
        body = self.query_one("#detail-body", Static)
        width = body.content_region.width
        # Only a new height changes what scrolls: a post of as many lines as the last is
        # drawn in place, without a layout of the whole screen.
        styles: Any = body.styles  # as Textual's own Widget passes them (stubs: RulesMap)
        height = content.get_height(styles, width) if width else None
        resized = not width or self._height != height
        self._height = height
        body.update(content, layout=resized)
        if self.scroll_offset.y:
            self.scroll_home(animate=False)
