"""Slack mentions, button value checks and the Slack settings' validation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from adapters.slack.settings import SlackMode, SlackSettings
from adapters.slack.translate import MalformedPayload, answer_from_button, mentioned_users
from bot.errors import SettingsError
from bot.settings import SettingsErrors


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["<@U0ABC|ada>"], ("U0ABC",)),
        (["<@W0XYZ>", "<@U0ABC|ada>"], ("W0XYZ", "U0ABC")),
        (["ada"], None),
        (["<@U0ABC|ada>", "and"], None),
        (["<#C0ABC|general>"], None),
    ],
)
def test_only_slack_mentions_name_people(words: list[str], expected: object) -> None:
    assert mentioned_users(words) == expected


def test_button_values_are_checked() -> None:
    assert answer_from_button("12:b") == (12, "b")
    for bad in (None, 12, "12", "x:b", "12:", "12:b:c"):
        with pytest.raises(MalformedPayload):
            answer_from_button(bad)


KEY = Fernet.generate_key().decode()


def test_slack_is_off_unless_asked() -> None:
    assert SlackSettings.from_env({}).mode is SlackMode.OFF


def test_single_workspace_needs_a_bot_token_and_signing_secret() -> None:
    with pytest.raises(SettingsError, match="STUDYBOT_SLACK_SIGNING_SECRET is required"):
        SlackSettings.from_env({"STUDYBOT_SLACK_MODE": "single"})
    with pytest.raises(SettingsError, match="STUDYBOT_SLACK_BOT_TOKEN must start with 'xoxb-'"):
        SlackSettings.from_env(
            {
                "STUDYBOT_SLACK_MODE": "single",
                "STUDYBOT_SLACK_SIGNING_SECRET": "s",
                "STUDYBOT_SLACK_BOT_TOKEN": "xoxp-user",
            }
        )
    ok = SlackSettings.from_env(
        {
            "STUDYBOT_SLACK_MODE": "single",
            "STUDYBOT_SLACK_SIGNING_SECRET": "s3cret",
            "STUDYBOT_SLACK_BOT_TOKEN": "xoxb-1",
        }
    )
    assert ok.mode is SlackMode.SINGLE
    assert ok.api_url == "https://slack.com/api/"
    assert "s3cret" not in repr(ok)
    assert "xoxb-1" not in repr(ok)


def test_oauth_needs_a_valid_fernet_key() -> None:
    env = {
        "STUDYBOT_SLACK_MODE": "oauth",
        "STUDYBOT_SLACK_SIGNING_SECRET": "s",
        "STUDYBOT_SLACK_CLIENT_ID": "1.2",
        "STUDYBOT_SLACK_CLIENT_SECRET": "c",
    }
    with pytest.raises(SettingsError, match="STUDYBOT_SLACK_TOKEN_KEY is required"):
        SlackSettings.from_env(env)
    with pytest.raises(SettingsError, match="key 2 is not a Fernet key"):
        SlackSettings.from_env(env | {"STUDYBOT_SLACK_TOKEN_KEY": f"{KEY},short"})
    assert SlackSettings.from_env(env | {"STUDYBOT_SLACK_TOKEN_KEY": KEY}).token_keys == (KEY,)


def test_socket_mode_needs_an_app_token_and_bad_modes_are_named() -> None:
    with pytest.raises(SettingsError, match="STUDYBOT_SLACK_APP_TOKEN is required"):
        SlackSettings.from_env(
            {"STUDYBOT_SLACK_MODE": "socket", "STUDYBOT_SLACK_BOT_TOKEN": "xoxb-1"}
        )
    with pytest.raises(SettingsError, match="STUDYBOT_SLACK_MODE must be one of"):
        SlackSettings.from_env({"STUDYBOT_SLACK_MODE": "webhooks"})
    with pytest.raises(SettingsError, match="STUDYBOT_SLACK_API_URL"):
        SlackSettings.from_env(
            {
                "STUDYBOT_SLACK_MODE": "socket",
                "STUDYBOT_SLACK_API_URL": "ftp:x",
                "STUDYBOT_SLACK_BOT_TOKEN": "xoxb-1",
                "STUDYBOT_SLACK_APP_TOKEN": "xapp-1",
            }
        )


def test_a_bad_api_address_is_named_with_the_missing_tokens() -> None:
    with pytest.raises(SettingsErrors) as raised:
        SlackSettings.from_env({"STUDYBOT_SLACK_MODE": "socket", "STUDYBOT_SLACK_API_URL": "ftp:x"})
    assert sorted(p.split()[0] for p in raised.value.problems) == [
        "STUDYBOT_SLACK_API_URL",
        "STUDYBOT_SLACK_APP_TOKEN",
        "STUDYBOT_SLACK_BOT_TOKEN",
    ]
    with pytest.raises(SettingsError, match="STUDYBOT_SLACK_API_URL"):  # checked with Slack off too
        SlackSettings.from_env({"STUDYBOT_SLACK_API_URL": "ftp:x"})
