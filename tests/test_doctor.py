"""`eventdesk doctor` on recorded traffic: what works, what to fix, and its exit codes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eventdesk.cli import main
from tests.x_support import EVENT, no_network, ours  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_network")
SECRETS = """
bearer_token = "AAAAdoctor-bearer-1234"
consumer_key = "ck-doctor-0001"
consumer_secret = "cs-doctor-0002"
[accounts.KingsmerePolice]
access_token = "at-doctor-0003"
access_token_secret = "ats-doctor-0004"
"""


def event(tmp_path: Path, mode: str = "stream", secrets: str | None = SECRETS,
          secrets_mode: int = 0o600) -> Path:  # fmt: skip
    if secrets is not None:
        path = tmp_path / "secrets.toml"
        path.write_text(secrets)
        path.chmod(secrets_mode)
    config = tmp_path / "event.toml"
    config.write_text(EVENT + f'\n[x]\nmode = "{mode}"\nreads_per_day = 100\n'
                      'secrets = "secrets.toml"\n')  # fmt: skip
    return config


def doctor(capsys, monkeypatch, config: Path, env: dict[str, str] | None = None):
    for name in [n for n in os.environ if n.startswith("EVENTDESK_X_")]:
        monkeypatch.delenv(name)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as code:
        main(["doctor", "--config", str(config)])
    out, err = capsys.readouterr()
    return code.value.code, out.splitlines(), err


def test_a_working_setup_is_all_good(tmp_path, capsys, monkeypatch) -> None:
    config = event(tmp_path)
    env = {"EVENTDESK_X_KINGSMEREAIR_OAUTH2_TOKEN": "air-doctor-token-5"}
    with ours.use_cassette("doctor_ok.yaml") as cassette:
        code, lines, _ = doctor(capsys, monkeypatch, config, env)
    assert cassette.all_played
    assert code == 0, lines
    assert lines[-1] == "all good"
    text = "\n".join(lines)
    assert (
        "ok   search: answers (access level read-write; 449/450 calls left until 10:15 UTC)" in text
    )
    assert "ok   stream rules: 1 in place, 1 to add and 0 stale to delete at start, 1 of other " \
           "tools left alone" in text  # fmt: skip
    assert "ok   @KingsmereAir posting keys: accepted (oauth2)" in text
    assert "ok   read budget: reads 0/100 today · 0 month" in text
    assert "doctor-" not in text  # no secret on screen


def test_a_misconfigured_setup_is_explained_in_plain_words(tmp_path, capsys, monkeypatch) -> None:
    config = event(tmp_path)
    with ours.use_cassette("doctor_problems.yaml") as cassette:
        code, lines, _ = doctor(capsys, monkeypatch, config)
    assert cassette.all_played
    assert code == 1
    fixes = [line for line in lines if line.startswith("fix")]
    assert fixes == [
        f"fix  search: credentials refused (401): check {tmp_path / 'secrets.toml'}",
        "fix  mentions of @KingsmerePolice: rate limited until 10:15 UTC: try again later",
        'fix  no filtered stream at this access level (403): set mode = "poll" in [x]',
        "fix  @KingsmerePolice posting keys belong to @someone_else: use that account's",
        "fix  @KingsmereAir cannot post: set EVENTDESK_X_KINGSMEREAIR_ACCESS_TOKEN, "
        "EVENTDESK_X_KINGSMEREAIR_ACCESS_TOKEN_SECRET (or EVENTDESK_X_KINGSMEREAIR_OAUTH2_TOKEN)",
    ]
    assert lines[-1] == "5 thing(s) to fix"


def test_an_open_secrets_file_and_no_token_are_findings(tmp_path, capsys, monkeypatch) -> None:
    config = event(tmp_path, secrets_mode=0o644)
    code, lines, _ = doctor(capsys, monkeypatch, config)  # no request is made
    secrets = tmp_path / "secrets.toml"
    assert code == 1
    assert lines[1] == (f"fix  {secrets}: the secrets file is open to others (mode 0644); "
                        f"fix it with: chmod 600 {secrets}")  # fmt: skip
    assert lines[2].startswith("fix  no bearer token for reading: set EVENTDESK_X_BEARER_TOKEN")


def test_a_config_without_x_is_a_finding(tmp_path, capsys, monkeypatch) -> None:
    config = tmp_path / "event.toml"
    config.write_text(EVENT)
    code, lines, _ = doctor(capsys, monkeypatch, config)
    assert code == 1 and lines[0].startswith("fix  no [x] section")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["doctor"], "Missing option '--config'"),
        (["doctor", "--config", "/nonexistent/event.toml"], "no such config file"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(capsys, args, message) -> None:
    with pytest.raises(SystemExit) as code:
        main(args)
    err = capsys.readouterr().err
    assert code.value.code == 2 and message in err and err.count("\n") == 1
