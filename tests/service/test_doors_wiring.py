"""The service wires the doors the environment switches on, refuses bad door settings at start,
and builds the Teams package from the command line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import httpx
import pytest

from bot.bootstrap import build_service, door_settings, stop_doors
from bot.errors import SettingsError
from bot.ports import ChannelRef
from bot.settings import Settings, SettingsErrors
from bot.storage.database import Database
from tests.conftest import MINIPACK
from tests.service.test_startup import studybot
from tests.support.cli import run_cli

APP_ID = "0b3c1a52-1111-4c3e-9d2a-6f1e2a7b9c10"


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"STUDYBOT_DATA_DIR": str(tmp_path), "STUDYBOT_CONTENT_DIR": str(MINIPACK), **extra}


async def statuses(tmp_path: Path, env: dict[str, str]) -> dict[str, int]:
    """What the service answers on each door's path to a request without credentials."""
    settings = Settings.from_env(env)
    core, app = await build_service(
        settings, database=Database(f"sqlite:///{tmp_path / 'db.sqlite'}"), env=env
    )
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return {
                "/": (await client.get("/")).status_code,
                "/healthz": (await client.get("/healthz")).status_code,
                "/slack/events": (await client.post("/slack/events", content=b"{}")).status_code,
                "/api/messages": (await client.post("/api/messages", json={})).status_code,
            }
    finally:
        await stop_doors(app)
        await core.db.dispose()


async def test_no_credentials_serves_only_the_playground(tmp_path: Path) -> None:
    assert await statuses(tmp_path, env_for(tmp_path)) == {
        "/": 200,
        "/healthz": 200,
        "/slack/events": 404,
        "/api/messages": 404,
    }


async def test_slack_and_teams_are_mounted_when_switched_on(tmp_path: Path) -> None:
    env = env_for(
        tmp_path,
        STUDYBOT_SLACK_MODE="single",
        STUDYBOT_SLACK_SIGNING_SECRET="not-a-real-secret",
        STUDYBOT_SLACK_BOT_TOKEN="xoxb-not-a-real-token",
        STUDYBOT_TEAMS="on",
        STUDYBOT_TEAMS_LOCAL_DEV="on",
    )
    found = await statuses(tmp_path, env)
    assert found["/slack/events"] == 401  # mounted, and it wants Slack's signature
    assert found["/api/messages"] == 400  # mounted, and it wants an activity


@pytest.mark.parametrize(
    ("extra", "names"),
    [
        ({"STUDYBOT_SLACK_MODE": "sometimes"}, "STUDYBOT_SLACK_MODE"),
        ({"STUDYBOT_SLACK_MODE": "single"}, "STUDYBOT_SLACK_SIGNING_SECRET"),
        ({"STUDYBOT_TEAMS": "on"}, "STUDYBOT_TEAMS_APP_ID"),
    ],
)
async def test_bad_door_settings_stop_the_start(
    tmp_path: Path, extra: dict[str, str], names: str
) -> None:
    with pytest.raises(SettingsError, match=names):
        await statuses(tmp_path, env_for(tmp_path, **extra))


def test_teams_package_from_the_command_line(tmp_path: Path) -> None:
    refused = run_cli(
        "teams", "package", "--out", str(tmp_path), env={"STUDYBOT_TEAMS_APP_ID": "x"}
    )
    assert refused.returncode == 2
    assert "STUDYBOT_TEAMS_APP_ID must be the Azure Bot's Microsoft App ID" in refused.stderr
    built = run_cli(
        "teams",
        "package",
        "--out",
        str(tmp_path),
        env={"STUDYBOT_TEAMS_APP_ID": APP_ID, "STUDYBOT_TEAMS_WEBSITE_URL": "https://example.org"},
    )
    assert built.returncode == 0, built.stderr
    archive = tmp_path / "studybot-teams.zip"
    assert f"Teams app package: {archive}" in built.stdout
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert APP_ID in z.read("manifest.json").decode()


def test_dashboard_link_from_the_command_line() -> None:
    base = ["dashboard-link", "--platform", "slack", "--workspace", "T0123ABCD"]
    off = run_cli(*base, env={"STUDYBOT_WEB_SECRET": ""})
    assert off.returncode == 2
    assert "STUDYBOT_WEB_SECRET is not set" in off.stderr
    on = run_cli(
        *base,
        "--role",
        "admin",
        env={"STUDYBOT_WEB_SECRET": "x" * 40, "STUDYBOT_PUBLIC_URL": "https://study.example.org"},
    )
    assert on.returncode == 0, on.stderr
    assert on.stdout.startswith("https://study.example.org/dashboard/enter?token=")
    assert "x" * 40 not in on.stdout  # the key itself never appears


async def test_a_stop_cancels_the_answer_count_updates_still_waiting(tmp_path: Path) -> None:
    env = env_for(tmp_path, STUDYBOT_TEAMS="on", STUDYBOT_TEAMS_LOCAL_DEV="on")
    settings = Settings.from_env(env)
    core, app = await build_service(
        settings, database=Database(f"sqlite:///{tmp_path / 'db.sqlite'}"), env=env
    )
    count = app.state.teams.live_count
    count.answered(ChannelRef("teams", "tenant", "19:c@thread.tacv2"), 1)  # waits its interval
    assert count.pending == 1
    await stop_doors(app)
    assert count.pending == 0  # cancelled before the database closes
    await core.db.dispose()


async def test_dashboard_is_mounted_only_with_a_key(tmp_path: Path) -> None:
    env = env_for(tmp_path, STUDYBOT_WEB_SECRET="k" * 40)
    settings = Settings.from_env(env)
    core, app = await build_service(
        settings, database=Database(f"sqlite:///{tmp_path / 'db.sqlite'}"), env=env
    )
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            refused = await client.get("/dashboard/enter", params={"token": "forged"})
            anonymous = await client.get("/api/v1/teams")
    finally:
        await stop_doors(app)
        await core.db.dispose()
    assert refused.status_code == 403
    assert anonymous.status_code in (401, 403)


async def test_every_bad_door_setting_is_named_at_once(tmp_path: Path) -> None:
    env = env_for(
        tmp_path,
        STUDYBOT_SLACK_MODE="oauth",
        STUDYBOT_SLACK_CLIENT_ID="1.2",
        STUDYBOT_SLACK_TOKEN_KEY="not-a-fernet-key",
        STUDYBOT_TEAMS="on",
        STUDYBOT_WEB_SECRET="short",
    )
    with pytest.raises(SettingsErrors) as raised:
        await statuses(tmp_path, env)
    named = sorted(p.split()[0].rstrip(":") for p in raised.value.problems)
    assert named == [
        "STUDYBOT_SLACK_CLIENT_SECRET",
        "STUDYBOT_SLACK_SIGNING_SECRET",
        "STUDYBOT_SLACK_TOKEN_KEY",
        "STUDYBOT_TEAMS_APP_ID",
        "STUDYBOT_WEB_SECRET",
    ]


def test_door_settings_name_several_bad_values_of_each_door_at_once() -> None:
    env = {
        "STUDYBOT_SLACK_MODE": "socket",
        "STUDYBOT_SLACK_API_URL": "ftp:x",
        "STUDYBOT_SLACK_BOT_TOKEN": "xoxp-user-token",
        "STUDYBOT_TEAMS": "on",
        "STUDYBOT_TEAMS_APP_ID": "not-a-guid",
        "STUDYBOT_TEAMS_APP_TYPE": "Personal",
        "STUDYBOT_WEB_SECRET": "short",
        "STUDYBOT_PUBLIC_URL": "not-an-address",
    }
    with pytest.raises(SettingsErrors) as raised:
        door_settings(env)
    named = sorted(p.split()[0].rstrip(":") for p in raised.value.problems)
    assert named == [
        "STUDYBOT_PUBLIC_URL",
        "STUDYBOT_SLACK_API_URL",
        "STUDYBOT_SLACK_APP_TOKEN",
        "STUDYBOT_SLACK_BOT_TOKEN",
        "STUDYBOT_TEAMS_APP_ID",
        "STUDYBOT_TEAMS_APP_TYPE",
        "STUDYBOT_WEB_SECRET",
    ]
    assert str(raised.value).startswith("7 settings need fixing:")


def test_serve_names_the_core_and_door_settings_together() -> None:
    refused = studybot(
        "serve",
        env={
            "STUDYBOT_PORT": "eighty",
            "STUDYBOT_SLACK_MODE": "single",
            "STUDYBOT_SLACK_BOT_TOKEN": "xoxp-user-token",
        },
    )
    assert refused.returncode == 2
    assert "3 settings need fixing:" in refused.stderr
    for name in ("STUDYBOT_PORT", "STUDYBOT_SLACK_SIGNING_SECRET", "STUDYBOT_SLACK_BOT_TOKEN"):
        assert name in refused.stderr
