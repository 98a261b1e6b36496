"""Writes the hand-made cassettes in this folder: X traffic tweepy never recorded.

All data is invented (users, posts, ids, tokens). The format is vcrpy's, as in tweepy's
own recordings; bodies are plain text so a reader can see what X "said". Run it after
changing a scenario: `python -m tests.cassettes.build`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

HERE = Path(__file__).parent
API = "https://api.twitter.com/2"
FIELDS = {
    "expansions": "author_id,referenced_tweets.id,in_reply_to_user_id",
    "tweet.fields": "author_id,conversation_id,created_at,entities,in_reply_to_user_id,lang,"
    "note_tweet,public_metrics,referenced_tweets",
    "user.fields": "name,username",
}
POLICE_ID = "1400000000000000001"
POLL_QUERY = "#KP24 OR #polchat OR @KingsmereAir OR to:KingsmereAir"
GAP_QUERY = (
    "#KP24 OR #polchat OR @KingsmerePolice OR to:KingsmerePolice OR @KingsmereAir OR "
    "to:KingsmereAir"
)
EVENT_START = "2026-11-19T07:00:00Z"
TAG = "eventdesk:kingsmere-police-24:2026-11-19:"
RESET = 1_795_083_300  # x-rate-limit-reset in the scenarios: 2026-11-19T10:15:00Z


def snowflake(moment: datetime, n: int) -> str:
    return str(((int(moment.timestamp() * 1000) - 1288834974657) << 22) | n)


def at(minute: int) -> datetime:
    return datetime(2026, 11, 19, 9, 0, tzinfo=UTC) + timedelta(minutes=minute)


USERS = {
    "501": {"id": "501", "name": "Amira K", "username": "amira_k"},
    "502": {"id": "502", "name": "Dev \u202eOps", "username": "devops_tom"},
    "503": {"id": "503", "name": "[bold]Ned[/]", "username": "ned_ward"},
}


def tweet(minute: int, n: int, author: str, text: str, **extra: Any) -> dict[str, Any]:
    post = snowflake(at(minute), n)
    body: dict[str, Any] = {
        "id": post,
        "text": text,
        "author_id": author,
        "created_at": at(minute).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "conversation_id": post,
        "edit_history_tweet_ids": [post],
        "lang": "en",
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 2,
                           "quote_count": 0, "bookmark_count": 0, "impression_count": 40},
    }  # fmt: skip
    body.update(extra)
    return body


T1 = tweet(1, 1, "501", "Great to see the #KP24 team at the station open day 👮")
T2 = tweet(2, 2, "502", "Is the #polchat on at 1pm today? #KP24")
T3 = tweet(3, 3, "503", "[@click=app.quit]x[/] #KP24 \x1b[31mloud\x1b[0m")
T4 = tweet(
    4,
    4,
    "501",
    "@KingsmerePolice my bike was stolen outside the library, how do I report it?",
    in_reply_to_user_id=POLICE_ID,
    entities={
        "mentions": [{"start": 0, "end": 16, "username": "KingsmerePolice", "id": POLICE_ID}]
    },
)
T5 = tweet(9, 5, "502", "Later post #KP24 after the restart")
T6 = tweet(6, 6, "503", "Missed while the stream was down #KP24")
S1 = tweet(7, 7, "501", "Streamed live #KP24")
S2 = tweet(8, 8, "502", "Second streamed #polchat")
S3 = tweet(10, 9, "503", "After reconnect #KP24")


def page(tweets: list[dict], next_token: str | None = None) -> str:
    if not tweets:
        return json.dumps({"meta": {"result_count": 0}})
    authors = dict.fromkeys(t["author_id"] for t in tweets)
    ids = [t["id"] for t in tweets]
    meta: dict[str, Any] = {"newest_id": max(ids), "oldest_id": min(ids), "result_count": len(ids)}
    if next_token:
        meta["next_token"] = next_token
    users = [USERS[a] for a in authors]
    return json.dumps({"data": tweets, "includes": {"users": users}, "meta": meta})


def message(post: dict, rule: str = "hashtags") -> str:
    users = [USERS[post["author_id"]]]
    rules = [{"id": "1790000000000000001", "tag": TAG + rule}]
    return json.dumps({"data": post, "includes": {"users": users}, "matching_rules": rules})


def interaction(
    method: str,
    path: str,
    params: dict[str, Any] | None,
    status: int,
    body: str,
    headers: dict[str, str] | None = None,
    request_body: str | None = None,
) -> dict:
    uri = f"{API}{path}" + (f"?{urlencode(params)}" if params else "")
    messages = {200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized",
                403: "Forbidden", 429: "Too Many Requests", 503: "Service Unavailable"}  # fmt: skip
    response_headers = {"content-type": ["application/json; charset=utf-8"]}
    for key, value in (headers or {}).items():
        response_headers[key] = [value]
    return {
        "request": {"body": request_body, "headers": {}, "method": method, "uri": uri},
        "response": {"body": {"string": body}, "headers": response_headers,
                     "status": {"code": status, "message": messages[status]}},
    }  # fmt: skip


def limits(remaining: int, limit: int = 450) -> dict[str, str]:
    return {"x-rate-limit-limit": str(limit), "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(RESET)}  # fmt: skip


def search(status: int, body: str, headers=None, **window: Any) -> dict:
    params = {"query": POLL_QUERY, "max_results": 100, **window, **FIELDS}
    return interaction("GET", "/tweets/search/recent", params, status, body, headers)


def gap(body: str, **window: Any) -> dict:
    params = {"query": GAP_QUERY, "max_results": 100, **window, **FIELDS}
    return interaction("GET", "/tweets/search/recent", params, 200, body, limits(440))


def mentions(body: str, **window: Any) -> dict:
    params = {"max_results": 100, **window, **FIELDS}
    return interaction("GET", f"/users/{POLICE_ID}/mentions", params, 200, body, limits(170, 180))


def stream(status: int, lines: list[str], headers: dict[str, str] | None = None) -> dict:
    return interaction("GET", "/tweets/search/stream", FIELDS, status, "\r\n".join(lines) + "\r\n",
                       headers)  # fmt: skip


def rules_get(rules: list[dict]) -> dict:
    body = {"data": rules, "meta": {"sent": "2026-11-19T09:00:00.000Z", "result_count": len(rules)}}
    return interaction("GET", "/tweets/search/stream/rules", None, 200, json.dumps(body))


def rules_post(body: dict, answer: dict, status: int = 200) -> dict:
    return interaction("POST", "/tweets/search/stream/rules", None, status, json.dumps(answer),
                       request_body=json.dumps(body))  # fmt: skip


WANTED = [
    {"value": "#KP24 OR #polchat", "tag": TAG + "hashtags"},
    {"value": "@KingsmerePolice OR to:KingsmerePolice OR @KingsmereAir OR to:KingsmereAir",
     "tag": TAG + "accounts"},
]  # fmt: skip
PROBLEM = json.dumps({"title": "Service Unavailable", "detail": "Service Unavailable",
                      "type": "about:blank", "status": 503})  # fmt: skip
TOO_MANY = json.dumps({"title": "Too Many Requests", "detail": "Too Many Requests",
                       "type": "about:blank", "status": 429})  # fmt: skip
FORBIDDEN = json.dumps({"title": "Forbidden", "type": "about:blank", "status": 403,
                        "detail": "When authenticating requests to the Twitter API v2 endpoints, "
                        "you must use keys and tokens from a Twitter developer App that is "
                        "attached to a Project."})  # fmt: skip

SCENARIOS: dict[str, list[dict]] = {
    # A first poll mid-event: two pages of search, one of mentions, then a quiet round.
    "poll_first_run.yaml": [
        search(200, page([T3, T2], next_token="b26lb2"), limits(449), start_time=EVENT_START),
        search(200, page([T1]), limits(448), start_time=EVENT_START, next_token="b26lb2"),
        mentions(page([T4]), start_time=EVENT_START),
        search(200, page([]), limits(447), since_id=T3["id"]),
        mentions(page([]), since_id=T4["id"]),
    ],
    # The desk restarted: it asks only for what came after what it stored.
    "poll_second_run.yaml": [
        search(200, page([T5]), limits(446), since_id=T3["id"]),
        mentions(page([]), since_id=T4["id"]),
    ],
    # X turns the poll away: 429 with a reset time, 429 without one, 503, then answers.
    "poll_rate_limited.yaml": [
        search(429, TOO_MANY, limits(0), start_time=EVENT_START),
        search(429, TOO_MANY, None, start_time=EVENT_START),
        search(503, PROBLEM, None, start_time=EVENT_START),
        search(200, page([T1]), limits(440), start_time=EVENT_START),
        mentions(page([]), start_time=EVENT_START),
    ],
    # Stream rules synced (one stale rule of ours deleted, another tool's left alone, one
    # missing added), then the stream: posts, a keep-alive, a malformed chunk, X's
    # operational-disconnect message, and the connection closing.
    "stream_rules_and_lines.yaml": [
        rules_get(
            [
                {
                    "id": "1790000000000000001",
                    "value": "#KP24 OR #polchat",
                    "tag": TAG + "hashtags",
                },
                {"id": "1790000000000000002", "value": "#KP23", "tag": TAG + "old"},
                {"id": "1790000000000000003", "value": "from:someone", "tag": "another-tool"},
            ]
        ),
        rules_post(
            {"delete": {"ids": ["1790000000000000002"]}},
            {
                "meta": {
                    "sent": "2026-11-19T09:00:01.000Z",
                    "summary": {"deleted": 1, "not_deleted": 0},
                }
            },
        ),
        rules_post(
            {"add": [WANTED[1]]},
            {
                "data": [{**WANTED[1], "id": "1790000000000000004"}],
                "meta": {
                    "sent": "2026-11-19T09:00:02.000Z",
                    "summary": {"created": 1, "not_created": 0, "valid": 1, "invalid": 0},
                },
            },
            201,
        ),
        stream(
            200,
            [
                message(S1),
                "",
                '{"data": {"id": "17", "text": "cut off',
                message(S2),
                json.dumps(
                    {
                        "errors": [
                            {
                                "title": "operational-disconnect",
                                "disconnect_type": "UpstreamOperationalDisconnect",
                                "detail": "This stream has been disconnected "
                                "upstream for operational reasons.",
                            }
                        ]
                    }
                ),
            ],
        ),
    ],  # fmt: skip
    # Dropped mid-stream, then 503, 429 with and without a reset time; once back, the
    # gap is filled by search from the newest stored post.
    "stream_reconnect.yaml": [
        rules_get(
            [{**WANTED[0], "id": "1790000000000000001"}, {**WANTED[1], "id": "1790000000000000004"}]
        ),
        stream(200, [message(S1), message(S2)]),
        interaction("GET", "/tweets/search/stream", FIELDS, 503, PROBLEM),
        interaction("GET", "/tweets/search/stream", FIELDS, 429, TOO_MANY, limits(0, 50)),
        interaction("GET", "/tweets/search/stream", FIELDS, 429, TOO_MANY),
        stream(200, [message(S3)]),
        gap(page([T6]), since_id=S2["id"]),
    ],  # fmt: skip
    # A bearer token X does not accept.
    "poll_unauthorized.yaml": [
        search(
            401,
            json.dumps(
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                }
            ),
            None,
            start_time=EVENT_START,
        ),
    ],
    # An access level without the filtered stream: the rules endpoint says 403, and the
    # source polls instead.
    "stream_forbidden.yaml": [
        interaction("GET", "/tweets/search/stream/rules", None, 403, FORBIDDEN),
        search(200, page([T1]), limits(449), start_time=EVENT_START),
        mentions(page([]), start_time=EVENT_START),
    ],
}


REPLY_TO = T4["id"]
REPLY = "Sorry to hear that. Report it at https://kingsmere.police.example/report & keep the ref"
POSTED = snowflake(at(12), 10)
DUPLICATE = json.dumps({"detail": "You are not allowed to create a Tweet with duplicate content.",
                        "type": "about:blank", "title": "Forbidden", "status": 403})  # fmt: skip


def create(status: int, body: str, headers: dict[str, str] | None = None) -> dict:
    sent = {"reply": {"in_reply_to_tweet_id": REPLY_TO}, "text": REPLY}
    return interaction("POST", "/tweets", None, status, body, headers, json.dumps(sent))


# Our replies through create_tweet: accepted; refused as a duplicate and settled from
# our recent posts (as X returns them: @name in front, & escaped, the link shortened);
# and the ways a send fails.
SCENARIOS.update({
    "publish_reply.yaml": [
        create(201, json.dumps({"data": {"id": POSTED, "text": "@amira_k " + REPLY,
                                         "edit_history_tweet_ids": [POSTED]}})),
    ],
    "publish_duplicate.yaml": [
        create(403, DUPLICATE),
        interaction("GET", f"/users/{POLICE_ID}/tweets",
                    {"max_results": 100, "tweet.fields": "created_at,referenced_tweets"}, 200,
                    json.dumps({"data": [
                        {"id": snowflake(at(11), 11), "text": "Another reply entirely",
                         "created_at": "2026-11-19T09:11:00.000Z",
                         "referenced_tweets": [{"type": "replied_to", "id": REPLY_TO}]},
                        {"id": POSTED, "created_at": "2026-11-19T09:12:00.000Z",
                         "text": "@amira_k Sorry to hear that. Report it at "
                                 "https://t.co/AbCdEf1234 &amp; keep the ref",
                         "referenced_tweets": [{"type": "replied_to", "id": REPLY_TO}]},
                    ], "meta": {"result_count": 2}})),
    ],
    "publish_faults.yaml": [
        create(503, PROBLEM),
        create(429, TOO_MANY, headers=None),
        create(401, json.dumps({"title": "Unauthorized", "type": "about:blank", "status": 401,
                                "detail": "Unauthorized"})),
        create(403, FORBIDDEN),
    ],
})  # fmt: skip

UNAUTHORIZED = json.dumps({"title": "Unauthorized", "type": "about:blank", "status": 401,
                           "detail": "Unauthorized"})  # fmt: skip


def me(username: str, user_id: str) -> dict:
    body = json.dumps({"data": {"id": user_id, "name": username, "username": username}})
    return interaction("GET", "/users/me", None, 200, body, limits(74, 75))


# `eventdesk doctor`: every endpoint answering, then a setup with things to fix.
SCENARIOS.update({
    "doctor_ok.yaml": [
        interaction("GET", "/tweets/search/recent", {"query": GAP_QUERY, "max_results": 10},
                    200, page([T1]), {**limits(449), "x-access-level": "read-write"}),
        interaction("GET", f"/users/{POLICE_ID}/mentions", {"max_results": 5}, 200, page([T4]),
                    limits(179, 180)),
        rules_get([{**WANTED[0], "id": "1790000000000000001"},
                   {"id": "1790000000000000003", "value": "from:someone", "tag": "another-tool"}]),
        me("KingsmerePolice", POLICE_ID),
        me("KingsmereAir", "1400000000000000003"),
    ],
    "doctor_problems.yaml": [
        interaction("GET", "/tweets/search/recent", {"query": GAP_QUERY, "max_results": 10},
                    401, UNAUTHORIZED),
        interaction("GET", f"/users/{POLICE_ID}/mentions", {"max_results": 5}, 429, TOO_MANY,
                    limits(0, 180)),
        interaction("GET", "/tweets/search/stream/rules", None, 403, FORBIDDEN),
        me("someone_else", "900"),
    ],
})  # fmt: skip


def main() -> None:
    for name, interactions in SCENARIOS.items():
        text = "# Written by tests/cassettes/build.py: invented data, in vcrpy's format.\n"
        text += yaml.safe_dump({"interactions": interactions, "version": 1},
                               allow_unicode=True, sort_keys=False, width=100)  # fmt: skip
        (HERE / name).write_text(text)


if __name__ == "__main__":
    main()
