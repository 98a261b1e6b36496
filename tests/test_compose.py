"""Compose checks: each bad draft gets one clear message; account slips warn."""

from eventdesk.compose import ReplyTarget, canned_replies, check_reply, signature_prefix
from eventdesk.identity import operator_for


def target(**fields) -> ReplyTarget:
    values = {"post_id": 1, "author_username": "member_of_public"}
    values.update(fields)
    return ReplyTarget(**values)


def test_a_good_reply_passes_clean(config) -> None:
    result = check_reply(config, operator_for(config, "tokafor"), account="KingsmerePolice",
                         text="Thanks, passed to the team.", target=target())  # fmt: skip
    assert result.ok and result.warnings == () and result.length == 27


def test_empty_text_is_one_clear_error(config) -> None:
    result = check_reply(config, operator_for(config, "tokafor"), account="KingsmerePolice",
                         text="  \n ")  # fmt: skip
    assert result.errors == ("the reply is empty",)


def test_over_the_limit_says_by_how_much_counting_as_x_does(config) -> None:
    text = "👮" * 141  # 141 characters, 282 as X weighs them
    result = check_reply(config, operator_for(config, "tokafor"), account="KingsmerePolice",
                         text=text)  # fmt: skip
    assert result.errors == ("too long: 282 of 280 characters as X counts them (2 over)",)
    link = "See https://example.org/" + "a" * 300
    assert check_reply(config, operator_for(config, "tokafor"), account="KingsmerePolice",
                       text=link).ok  # fmt: skip


def test_the_signed_account_needs_the_operators_own_initials(config) -> None:
    megan = operator_for(config, "mjones")
    cos = config.account("KingsmereCOs")
    assert signature_prefix(cos, megan) == "ACC MJ: "
    unsigned = check_reply(config, megan, account="KingsmereCOs", text="Great work today")
    assert unsigned.errors == (
        "@KingsmereCOs posts must start with a rank and initials, e.g. 'ACC MJ: '",
    )
    wrong = check_reply(config, megan, account="KingsmereCOs", text="ACC TO: Great work today")
    assert wrong.errors == ("signed TO, but your initials are MJ",)
    assert check_reply(config, megan, account="KingsmereCOs", text="ACC MJ: Great work").ok


def test_an_unlisted_login_can_act_but_not_sign(config) -> None:
    stranger = operator_for(config, "newstarter")
    assert (stranger.name, stranger.initials) == ("newstarter", None)
    assert check_reply(config, stranger, account="KingsmerePolice", text="Thanks").ok
    result = check_reply(config, stranger, account="KingsmereCOs", text="ACC NS: Thanks")
    assert result.errors == (
        "@KingsmereCOs posts are signed with the author's initials, and newstarter has none: "
        "add them under [[operators]] in the event config",
    )


def test_not_our_account_is_an_error(config) -> None:
    result = check_reply(config, operator_for(config, "tokafor"), account="@SomeoneElse",
                         text="hello")  # fmt: skip
    assert result.errors == ("@SomeoneElse is not one of our accounts",)


def test_replying_from_another_account_than_the_one_addressed_warns(config) -> None:
    tunde = operator_for(config, "tokafor")
    to_air = target(mentions=("KingsmereAir",))
    result = check_reply(config, tunde, account="KingsmerePolice", text="Thanks!", target=to_air)
    assert result.ok
    assert result.warnings == (
        "the post is addressed to @KingsmereAir; you are replying as @KingsmerePolice",
    )
    assert (
        check_reply(config, tunde, account="KingsmereAir", text="Thanks!", target=to_air).warnings
        == ()
    )
    # Answering one of the air support's own posts counts as addressed to it.
    under_air = target(in_reply_to_user_id=config.account("KingsmereAir").user_id)
    assert check_reply(
        config, tunde, account="KingsmerePolice", text="Hi", target=under_air
    ).warnings


def test_a_conversation_answered_from_another_account_warns(config) -> None:
    result = check_reply(config, operator_for(config, "tokafor"), account="KingsmerePolice",
                         text="Thanks", target=target(),
                         answered_from=frozenset({"kingsmereair"}))  # fmt: skip
    assert result.warnings == (
        "this conversation is answered from @KingsmereAir; you are replying as @KingsmerePolice",
    )


def test_urgent_posts_get_the_999_advice_first_and_a_warning_without_it(config) -> None:
    offered = canned_replies(config, urgent=True)
    assert offered[0].urgent_first and "call 999" in offered[0].text
    assert [c.key for c in canned_replies(config, urgent=False)] == [
        c.key for c in config.canned_replies
    ]
    tunde = operator_for(config, "tokafor")
    urgent = target(urgent=True)
    result = check_reply(config, tunde, account="KingsmerePolice", text="We'll look", target=urgent)
    assert result.warnings == ("this post is urgent and the reply does not give the 999 advice",)
    assert check_reply(config, tunde, account="KingsmerePolice", text=offered[0].text,
                       target=urgent).warnings == ()  # fmt: skip
