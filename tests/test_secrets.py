"""Credentials: from the environment or a 0600 file, masked everywhere they could leak."""

from __future__ import annotations

import logging
import os
import pickle
import traceback
from pathlib import Path

import pytest
import requests
import tweepy

from eventdesk.config import EventConfig
from eventdesk.errors import UserError
from eventdesk.secrets import (
    ENV_BEARER,
    Secret,
    check_mode,
    load_credentials,
    redact,
)
from tests.x_support import BEARER, no_network, ours, with_x  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_network")

FILE = """
bearer_token = "file-bearer-token-1234"
consumer_key = "consumer-key-abcd"
consumer_secret = "consumer-secret-abcd"

[accounts.KingsmerePolice]
access_token = "police-access-token"
access_token_secret = "police-access-secret"

[accounts.kingsmereair]
oauth2_token = "air-oauth2-token"
"""


def secrets_config(config: EventConfig, tmp_path: Path, text: str = FILE, mode: int = 0o600):
    path = tmp_path / "secrets.toml"
    path.write_text(text)
    path.chmod(mode)
    return with_x(config, secrets=path), path


def test_a_secret_never_shows_its_value() -> None:
    secret = Secret("s3cr3t-value")
    assert secret.reveal() == "s3cr3t-value"
    for shown in (repr(secret), str(secret), f"{secret}", repr([secret]), repr({"k": secret})):
        assert "s3cr3t" not in shown and "****" in shown
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_file_credentials_per_account(config, tmp_path) -> None:
    cfg, path = secrets_config(config, tmp_path)
    creds = load_credentials(cfg, env={})
    assert creds.bearer_token().reveal() == "file-bearer-token-1234"
    police = creds.for_account("@KingsmerePolice")
    assert police.kind == "oauth1"
    assert police.access_token.reveal() == "police-access-token"
    assert creds.for_account("KingsmereAir").kind == "oauth2"  # handles match in any case
    cos = creds.for_account("KingsmereCOs")
    assert cos.kind is None
    assert cos.missing() == [
        "EVENTDESK_X_KINGSMERECOS_ACCESS_TOKEN",
        "EVENTDESK_X_KINGSMERECOS_ACCESS_TOKEN_SECRET",
    ]
    assert creds.origins["bearer token"] == str(path)
    assert "police-access" not in repr(creds)


def test_environment_wins_over_the_file(config, tmp_path) -> None:
    cfg, _ = secrets_config(config, tmp_path)
    env = {ENV_BEARER: "env-bearer-token-9876", "EVENTDESK_X_KINGSMERECOS_OAUTH2_TOKEN": "cos-2"}
    creds = load_credentials(cfg, env=env)
    assert creds.bearer_token().reveal() == "env-bearer-token-9876"
    assert creds.origins["bearer token"] == ENV_BEARER
    assert creds.for_account("KingsmereCOs").kind == "oauth2"


def test_missing_credentials_say_where_to_put_them(config) -> None:
    creds = load_credentials(with_x(config), env={})
    with pytest.raises(UserError, match=f"no X bearer token: set {ENV_BEARER}"):
        creds.bearer_token()


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o666])
def test_a_secrets_file_open_to_others_is_refused_with_the_fix(config, tmp_path, mode) -> None:
    cfg, path = secrets_config(config, tmp_path, mode=mode)
    with pytest.raises(UserError) as caught:
        load_credentials(cfg, env={})
    message = str(caught.value)
    assert f"chmod 600 {path}" in message and f"{mode:04o}" in message
    assert "\n" not in message and "file-bearer" not in message


def test_owner_only_modes_are_accepted(tmp_path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("")
    for mode in (0o600, 0o400):
        path.chmod(mode)
        check_mode(path)  # no error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('bearer = "oops-secret-value"', "unknown key 'bearer'"),
        ('[accounts.KingsmerePolice]\ntoken = "oops-secret-value"',
         "unknown key 'accounts.KingsmerePolice.token'"),
        ('[accounts.Nobody]\noauth2_token = "oops-secret-value"', "not an account in the config"),
        ('bearer_token = ""', "must be a non-empty string"),
        ('bearer_token = "oops-secret-value', "not valid TOML"),
    ],
)  # fmt: skip
def test_a_bad_secrets_file_is_named_without_its_values(config, tmp_path, text, expected) -> None:
    cfg, _ = secrets_config(config, tmp_path, text=text)
    with pytest.raises(UserError, match=expected) as caught:
        load_credentials(cfg, env={})
    assert "oops-secret" not in str(caught.value)


def test_a_named_secrets_file_that_is_missing_is_a_user_error(config, tmp_path) -> None:
    with pytest.raises(UserError, match="no such secrets file"):
        load_credentials(with_x(config, secrets=tmp_path / "nope.toml"), env={})


def test_a_relative_secrets_path_is_from_the_config_folder(config, tmp_path) -> None:
    cfg, _ = secrets_config(config, tmp_path)
    cfg = cfg.model_copy(update={"source": tmp_path / "event.toml", "x": cfg.x.model_copy(
        update={"secrets": Path("secrets.toml")})})  # fmt: skip
    assert load_credentials(cfg, env={}).bearer is not None


def test_a_failing_request_leaks_the_token_nowhere(config, caplog) -> None:
    creds = load_credentials(with_x(config), env={ENV_BEARER: BEARER})
    client = tweepy.Client(creds.bearer_token().reveal(), return_type=requests.Response)
    caplog.set_level(logging.DEBUG)
    with (
        ours.use_cassette("search_unauthorized.yaml"),
        pytest.raises(tweepy.Unauthorized) as caught,
    ):
        client.search_recent_tweets("KP24")
    # tweepy logged its request headers, bearer token and all, at DEBUG ...
    assert any("Authorization" in record.getMessage() for record in caplog.records)
    # ... and the redactor masked it before any handler saw it.
    for record in caplog.records:
        assert BEARER not in record.getMessage()
    assert BEARER not in caplog.text
    assert BEARER not in str(caught.value)
    assert BEARER not in "".join(traceback.format_exception(caught.value))
    assert redact(f"Bearer {BEARER}") == "Bearer ****"


def test_file_mode_checks_hold_for_root_too(config, tmp_path) -> None:
    # Root can read any file, so the check is on the mode bits, not on access().
    cfg, _ = secrets_config(config, tmp_path, mode=0o644)
    assert os.access(cfg.x.secrets, os.R_OK)
    with pytest.raises(UserError, match="chmod 600"):
        load_credentials(cfg, env={})
