"""Secrets from files (STUDYBOT_…_FILE), as Kubernetes, Compose and Container Apps mount them."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.slack.settings import SlackMode, SlackSettings
from adapters.teams.settings import TeamsSettings
from adapters.web.dashboard_settings import DashboardSettings
from bot.errors import SettingsError
from bot.settings import Settings
from tests.conftest import MINIPACK

TENANT = "11111111-2222-4333-8444-555555555555"
APP = "66666666-7777-4888-9999-000000000000"


def secret(tmp_path: Path, name: str, value: str) -> str:
    path = tmp_path / name
    path.write_text(value + "\n", encoding="utf-8")  # as `kubectl create secret --from-file`
    return str(path)


def test_every_door_reads_its_secrets_from_files(tmp_path: Path) -> None:
    env = {
        "STUDYBOT_CONTENT_DIR": str(MINIPACK),
        "STUDYBOT_DATABASE_URL_FILE": secret(
            tmp_path, "db", "postgresql://studybot:s3cret@db.internal:5432/studybot"
        ),
        "STUDYBOT_SLACK_MODE": "single",
        "STUDYBOT_SLACK_SIGNING_SECRET_FILE": secret(tmp_path, "signing", "slack-signing-value"),
        "STUDYBOT_SLACK_BOT_TOKEN_FILE": secret(tmp_path, "bot", "xoxb-from-a-file"),
        "STUDYBOT_TEAMS": "on",
        "STUDYBOT_TEAMS_APP_ID": APP,
        "STUDYBOT_TEAMS_TENANT_ID": TENANT,
        "STUDYBOT_TEAMS_APP_PASSWORD_FILE": secret(tmp_path, "teams", "teams-password-value"),
        "STUDYBOT_WEB_SECRET_FILE": secret(tmp_path, "web", "w" * 40),
    }
    settings = Settings.from_env(env)
    assert settings.database_url.startswith("postgresql+asyncpg://studybot:s3cret@db.internal")
    slack = SlackSettings.from_env(env)
    assert slack.mode is SlackMode.SINGLE
    assert (slack.signing_secret, slack.bot_token) == ("slack-signing-value", "xoxb-from-a-file")
    teams = TeamsSettings.from_env(env)
    assert teams.app_password == "teams-password-value"
    assert "teams-password-value" not in repr(teams)
    dashboard = DashboardSettings.from_env(env)
    assert dashboard is not None
    assert dashboard.secret == "w" * 40


def test_a_value_and_its_file_together_are_refused(tmp_path: Path) -> None:
    env = {
        "STUDYBOT_WEB_SECRET": "x" * 40,
        "STUDYBOT_WEB_SECRET_FILE": secret(tmp_path, "web", "y" * 40),
    }
    with pytest.raises(SettingsError, match="STUDYBOT_WEB_SECRET and STUDYBOT_WEB_SECRET_FILE"):
        DashboardSettings.from_env(env)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, r"cannot read .*No such file"), ("", "is empty"), (b"\xff\xfe", "not UTF-8")],
)
def test_an_unreadable_or_empty_secret_file_is_named_in_the_error(
    tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "password"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    env = {
        "STUDYBOT_TEAMS": "on",
        "STUDYBOT_TEAMS_APP_ID": APP,
        "STUDYBOT_TEAMS_TENANT_ID": TENANT,
        "STUDYBOT_TEAMS_APP_PASSWORD_FILE": str(path),
    }
    with pytest.raises(SettingsError, match=f"STUDYBOT_TEAMS_APP_PASSWORD_FILE: .*{message}"):
        TeamsSettings.from_env(env)


def test_the_secret_itself_never_appears_in_an_error(tmp_path: Path) -> None:
    env = {
        "STUDYBOT_SLACK_MODE": "single",
        "STUDYBOT_SLACK_SIGNING_SECRET": "signing",
        "STUDYBOT_SLACK_BOT_TOKEN_FILE": secret(tmp_path, "bot", "not-a-bot-token-value"),
    }
    with pytest.raises(SettingsError) as refused:
        SlackSettings.from_env(env)
    assert "STUDYBOT_SLACK_BOT_TOKEN" in str(refused.value)
    assert "not-a-bot-token-value" not in str(refused.value)
