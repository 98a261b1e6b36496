"""The post an action dialog is about, quoted at its top: literally, never as markup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.content import Content

from eventdesk.text import post_text, visible

QUOTE = 400  # characters of the post shown


def post_quote(post: Mapping[str, Any], heading: str) -> Content:
    """'Reply to @user ⚠ URGENT (post N)' and the post's text, every stranger's
    character shown as itself or a visible stand-in."""
    author = visible(post.get("author_username") or "?", newlines=False)
    text = post_text(post.get("text") or "")
    shown = text if len(text) <= QUOTE else text[: QUOTE - 1] + "…"
    parts: list[str | tuple[str, str]] = [(f"{heading} ", "bold"), (f"@{author}", "bold")]
    if post.get("urgent"):
        parts.append(("  ⚠ URGENT", "bold reverse"))
    parts += [f"  (post {post['id']})\n", shown]
    return Content.assemble(*parts)
