"""Strangers' text shows literally: never markup, never raw control characters."""

from __future__ import annotations

import pytest
from textual.content import Content
from textual.strip import Strip

from eventdesk.text import visible
from tests.tui.conftest import HOSTILE, make_app, settle
from widgets.desk_pane import DeskPane
from widgets.pane_title import PaneTitle
from widgets.post_list import PostList
from widgets.urgent_banner import UrgentBanner

RAW = ("\x1b", "\x07", "\x08", "\r", "\u202e", "\u202c", "\x00")


def list_lines(post_list: PostList) -> list[Strip]:
    return [post_list.render_line(y) for y in range(post_list.scrollable_content_region.height)]


def assert_inert(strips: list[Strip]) -> str:
    """No raw control characters, no actions or links; returns the plain text."""
    text = ""
    for strip in strips:
        for segment in strip:
            assert not any(ch in segment.text for ch in RAW), repr(segment.text)
            style = segment.style
            if style is not None:
                assert not style.link and "@click" not in (style.meta or {}), style
        text += "".join(segment.text for segment in strip) + "\n"
    return text


def assert_inert_content(content: Content) -> str:
    plain = content.plain
    assert not any(ch in plain for ch in RAW), repr(plain)
    for span in content.spans:
        assert "@click" not in str(span.style) and "link" not in str(span.style), span
    return plain


@pytest.fixture
async def hostile_app(desk_db, config):
    app = make_app(config, desk_db)
    async with app.run_test(size=(240, 60)) as pilot:
        stream = app.query(DeskPane).first().post_list
        await settle(pilot, lambda: stream.total == 42 and stream.current() is not None)
        yield app, pilot, stream


def row_of(text: str, author: str) -> str:
    """The shown text of the row by `author` (rows are cut at the pane's width)."""
    line = next(line for line in text.splitlines() if f"@{author} " in line)
    return line.split(f"@{author} ", 1)[1].rstrip()


@pytest.mark.parametrize("case", sorted(HOSTILE))
async def test_rows_show_hostile_text_literally(hostile_app, case: str) -> None:
    app, pilot, stream = hostile_app
    shown = row_of(assert_inert(list_lines(stream)), f"h_{case}")
    assert len(shown) >= 25
    assert visible(f"#KP24 {HOSTILE[case]}", newlines=False).startswith(shown)


async def test_markup_lookalikes_stay_text_and_clicks_do_nothing(hostile_app) -> None:
    app, pilot, stream = hostile_app
    text = assert_inert(list_lines(stream))
    assert "[@click=app.quit]x[/] please click" in text
    assert "a [/] b and [bold]not bold[/bold]" in text
    row = next(y for y, line in enumerate(text.splitlines()) if "@click=app.quit" in line)
    offset = text.splitlines()[row].index("[@click")
    await pilot.click(stream, offset=(offset + 1, row))
    await pilot.pause()
    assert app.is_running


async def test_escapes_and_bidi_are_shown_as_visible_stand_ins(hostile_app) -> None:
    app, pilot, stream = hostile_app
    text = assert_inert(list_lines(stream))
    assert row_of(text, "h_esc").startswith("#KP24 red ␛[31mALERT␛[0m and title ␛]0;pwned␇")
    assert row_of(text, "h_osc52").startswith("#KP24 copy ␛]52;c;aGVsbG8=␇ done")
    assert row_of(text, "h_osc8").startswith("#KP24 link ␛]8;;http://evil.example␛\\here")
    assert row_of(text, "h_cr_bs").startswith("#KP24 over␍write␈␈ backspace")
    assert row_of(text, "h_bidi").startswith("#KP24 invoice ⟨RLO⟩gnp.exe⟨PDF⟩ ok")


@pytest.mark.parametrize("case", sorted(HOSTILE))
async def test_detail_pane_shows_text_and_names_literally(hostile_app, case: str) -> None:
    app, pilot, stream = hostile_app
    index = next(i for i, row in stream._rows.items() if row["author_username"] == f"h_{case}")
    stream.cursor = index
    body = app.query_one("#detail-body")
    await settle(pilot, lambda: f"@h_{case}" in str(body.render()))
    plain = assert_inert_content(body.render())
    assert visible(HOSTILE[case]) in plain
    assert f"[b]{case}[/b] ␛[7m" in plain  # the display name, literally


async def test_urgent_banner_and_titles_are_literal(desk_db, config) -> None:
    from tests.conftest import tweet_line
    from tests.tui.conftest import ingest_lines

    nasty = "@KingsmerePolice [@click=app.quit]help[/] man with a knife \x1b]52;c;eA==\x07 now"
    await ingest_lines(
        desk_db,
        config,
        [
            tweet_line(
                nasty,
                mentions=("KingsmerePolice",),
                author=("13", "[red]x[/]", "N"),
                post_id=1862000000000000777,
            )
        ],
        "n.jsonl",
    )
    app = make_app(config, desk_db)
    async with app.run_test(size=(160, 48)) as pilot:
        banner = app.query_one(UrgentBanner)
        await settle(pilot, lambda: banner.current is not None)
        plain = assert_inert_content(banner.render())
        assert "@[red]x[/]: @KingsmerePolice [@click=app.quit]help[/] man with a knife" in plain
        assert "␛]52;c;eA==␇ now" in plain


@pytest.mark.parametrize("case", sorted(HOSTILE))
async def test_pane_titles_show_hostile_search_words_literally(hostile_app, case: str) -> None:
    """A search's words are shown in the pane's title: as typed, never as markup or raw
    control characters."""
    app, pilot, stream = hostile_app
    pane = app.query(DeskPane).first()
    pane.filters = f"search: {HOSTILE[case]}"
    pane.show_title()
    await pilot.pause()
    title = pane.query_one(PaneTitle)
    plain = assert_inert([title.render_line(0)])
    assert f"search: {visible(HOSTILE[case], newlines=False)}"[:30] in plain


async def test_x_entities_show_as_their_author_typed_them(desk_db, config) -> None:
    """X sends "&", "<" and ">" as "&amp;", "&lt;" and "&gt;": stored as sent, shown as
    typed (once: "&amp;lt;" is an author's own "&lt;"), and still never as markup."""
    from tests.conftest import tweet_line
    from tests.tui.conftest import ingest_lines

    sent = (
        "@KingsmerePolice Q&amp;A: man with a knife &lt;b&gt;now&lt;/b&gt; [b]x[/b] &amp;lt; #KP24"
    )
    typed = "@KingsmerePolice Q&A: man with a knife <b>now</b> [b]x[/b] &lt; #KP24"
    await ingest_lines(
        desk_db,
        config,
        [tweet_line(sent, mentions=("KingsmerePolice",), hashtags=("KP24",),
                    author=("14", "amp_author", "A"), post_id=1862000000000000888)],
        "e.jsonl",
    )  # fmt: skip
    app = make_app(config, desk_db)
    async with app.run_test(size=(240, 60)) as pilot:
        banner = app.query_one(UrgentBanner)
        stream = app.query(DeskPane).first().post_list
        await settle(pilot, lambda: banner.current is not None and stream.current() is not None)
        assert banner.current["text"] == sent  # the row as stored
        assert f"@amp_author: {typed}" in assert_inert_content(banner.render())
        shown = row_of(assert_inert(list_lines(stream)), "amp_author")  # cut at the width
        assert len(shown) >= 40 and typed.startswith(shown)
        stream.cursor = next(i for i, r in stream._rows.items() if r["id"] == 1862000000000000888)
        body = app.query_one("#detail-body")
        await settle(pilot, lambda: "@amp_author" in str(body.render()))
        assert typed in assert_inert_content(body.render())
