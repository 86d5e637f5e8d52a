"""The Teams settings (credentials, app types, local development) and the app package."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from adapters.teams.auth import credentials_factory
from adapters.teams.package import build_package, png_size
from adapters.teams.settings import AppType, TeamsSettings
from bot.errors import SettingsError
from bot.settings import SettingsErrors

APP = "11111111-2222-4333-8444-555555555555"
TENANT = "aaaaaaaa-0000-4000-8000-00000000000a"


def settings(**env: str) -> TeamsSettings:
    return TeamsSettings.from_env({"STUDYBOT_TEAMS": "on", **env})


def test_off_by_default() -> None:
    assert TeamsSettings.from_env({}).enabled is False


def test_single_tenant_needs_app_id_secret_and_tenant() -> None:
    ok = settings(
        STUDYBOT_TEAMS_APP_ID=APP,
        STUDYBOT_TEAMS_APP_PASSWORD="s3cret",
        STUDYBOT_TEAMS_TENANT_ID=TENANT,
    )
    assert ok.app_type is AppType.SINGLE_TENANT
    assert ok.authentication is True
    assert "s3cret" not in repr(ok)
    with pytest.raises(SettingsError, match="STUDYBOT_TEAMS_TENANT_ID is required"):
        settings(STUDYBOT_TEAMS_APP_ID=APP, STUDYBOT_TEAMS_APP_PASSWORD="s3cret")
    with pytest.raises(SettingsError, match="STUDYBOT_TEAMS_APP_PASSWORD is required"):
        settings(STUDYBOT_TEAMS_APP_ID=APP, STUDYBOT_TEAMS_TENANT_ID=TENANT)


def test_production_refuses_to_start_without_credentials() -> None:
    with pytest.raises(SettingsError, match="STUDYBOT_TEAMS_APP_ID is required"):
        settings()
    local = settings(STUDYBOT_TEAMS_LOCAL_DEV="on")
    assert local.authentication is False
    assert local.local_dev is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STUDYBOT_TEAMS_APP_ID": "not-a-guid", "STUDYBOT_TEAMS_APP_PASSWORD": "x"}, "GUID"),
        ({"STUDYBOT_TEAMS_APP_TYPE": "Personal"}, "must be one of SingleTenant"),
        (
            {
                "STUDYBOT_TEAMS_APP_ID": APP,
                "STUDYBOT_TEAMS_APP_TYPE": "UserAssignedMSI",
                "STUDYBOT_TEAMS_TENANT_ID": TENANT,
                "STUDYBOT_TEAMS_APP_PASSWORD": "x",
            },
            "must be empty for UserAssignedMSI",
        ),
        (
            {"STUDYBOT_TEAMS_APP_ID": APP, "STUDYBOT_TEAMS_APP_TYPE": "UserAssignedMSI"},
            "STUDYBOT_TEAMS_TENANT_ID is required",
        ),
        ({"STUDYBOT_TEAMS_LOCAL_DEV": "maybe"}, "on or off"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        settings(**env)


def named(raised: pytest.ExceptionInfo[SettingsErrors]) -> list[str]:
    return sorted(p.split()[0].rstrip(":") for p in raised.value.problems)


def test_every_bad_teams_variable_is_named_at_once() -> None:
    with pytest.raises(SettingsErrors) as raised:
        settings(
            STUDYBOT_TEAMS_APP_ID="not-a-guid",
            STUDYBOT_TEAMS_TENANT_ID="not-a-tenant",
            STUDYBOT_TEAMS_APP_TYPE="Personal",
            STUDYBOT_TEAMS_LOCAL_DEV="maybe",
        )
    assert named(raised) == [
        "STUDYBOT_TEAMS_APP_ID",
        "STUDYBOT_TEAMS_APP_TYPE",
        "STUDYBOT_TEAMS_LOCAL_DEV",
        "STUDYBOT_TEAMS_TENANT_ID",
    ]
    assert str(raised.value).startswith("4 settings need fixing:")
    with pytest.raises(SettingsErrors) as raised:  # a malformed id still says what else is missing
        settings(STUDYBOT_TEAMS_APP_ID="not-a-guid")
    assert named(raised) == [
        "STUDYBOT_TEAMS_APP_ID",
        "STUDYBOT_TEAMS_APP_PASSWORD",
        "STUDYBOT_TEAMS_TENANT_ID",
    ]
    with pytest.raises(SettingsErrors) as raised:
        settings(STUDYBOT_TEAMS_APP_TYPE="Personal", STUDYBOT_TEAMS_TENANT_ID="x")
    assert named(raised) == [
        "STUDYBOT_TEAMS_APP_ID",
        "STUDYBOT_TEAMS_APP_TYPE",
        "STUDYBOT_TEAMS_TENANT_ID",
    ]
    with pytest.raises(SettingsErrors) as raised:  # the door's switches too
        TeamsSettings.from_env({"STUDYBOT_TEAMS": "sometimes", "STUDYBOT_TEAMS_LOCAL_DEV": "maybe"})
    assert named(raised) == ["STUDYBOT_TEAMS", "STUDYBOT_TEAMS_LOCAL_DEV"]


def test_local_dev_names_a_stray_password_and_a_bad_app_type_together() -> None:
    with pytest.raises(SettingsErrors) as raised:
        settings(
            STUDYBOT_TEAMS_LOCAL_DEV="on",
            STUDYBOT_TEAMS_APP_PASSWORD="x",
            STUDYBOT_TEAMS_APP_TYPE="Personal",
        )
    assert named(raised) == ["STUDYBOT_TEAMS_APP_PASSWORD", "STUDYBOT_TEAMS_APP_TYPE"]


def test_each_app_type_gets_its_credentials_factory() -> None:
    multi = settings(
        STUDYBOT_TEAMS_APP_ID=APP,
        STUDYBOT_TEAMS_APP_PASSWORD="x",
        STUDYBOT_TEAMS_APP_TYPE="multitenant",
    )
    assert multi.app_type is AppType.MULTI_TENANT
    assert credentials_factory(multi).tenant_id is None
    single = settings(
        STUDYBOT_TEAMS_APP_ID=APP, STUDYBOT_TEAMS_APP_PASSWORD="x", STUDYBOT_TEAMS_TENANT_ID=TENANT
    )
    assert credentials_factory(single).tenant_id == TENANT
    msi = settings(
        STUDYBOT_TEAMS_APP_ID=APP,
        STUDYBOT_TEAMS_APP_TYPE="UserAssignedMSI",
        STUDYBOT_TEAMS_TENANT_ID=TENANT,
    )
    assert (
        type(credentials_factory(msi)).__name__ == "ManagedIdentityServiceClientCredentialsFactory"
    )


def test_the_package_holds_the_manifest_and_icons(tmp_path: Path) -> None:
    path = build_package(tmp_path / "out", app_id=APP, website_url="https://studybot.example.com/")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert png_size(archive.read("color.png")) == (192, 192)
        assert png_size(archive.read("outline.png")) == (32, 32)
    assert manifest["id"] == APP
    assert manifest["manifestVersion"] == "1.19"
    assert "v1.19" in manifest["$schema"]
    assert manifest["developer"]["privacyUrl"] == "https://studybot.example.com/"
    assert len(manifest["name"]["short"]) <= 30
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    covered = set()
    for command_list in bot["commandLists"]:
        assert len(command_list["commands"]) <= 10
        covered.update(command_list["scopes"])
        for command in command_list["commands"]:
            assert len(command["title"]) <= 32
            assert len(command["description"]) <= 128
    assert covered == {"team", "groupChat", "personal"}
    team_titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert team_titles == ["leaderboard", "me", "report", "schedule", "drop", "admin", "help"]


def test_the_package_needs_the_app_id_and_an_https_site(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="STUDYBOT_TEAMS_APP_ID"):
        build_package(tmp_path, env={"STUDYBOT_TEAMS_WEBSITE_URL": "https://x.example/"})
    with pytest.raises(SettingsError, match="STUDYBOT_TEAMS_WEBSITE_URL"):
        build_package(tmp_path, env={"STUDYBOT_TEAMS_APP_ID": APP})
    built = build_package(
        tmp_path,
        env={"STUDYBOT_TEAMS_APP_ID": APP, "STUDYBOT_TEAMS_WEBSITE_URL": "https://x.example/"},
    )
    assert built.name == "studybot-teams.zip"
