"""deploy/slack/manifest.yaml asks for exactly what the door uses and points at its routes."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.app import BOT_SCOPES
from adapters.slack.http import EVENTS_PATH
from adapters.slack.slash import COMMAND

MANIFEST = Path(__file__).resolve().parents[3] / "deploy" / "slack" / "manifest.yaml"


def test_the_manifest_matches_the_door() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES
    assert "user" not in manifest["oauth_config"]["scopes"]  # no user tokens are ever stored
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["should_escape"] is True  # mentions arrive as <@U…> for `admins add`
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_uninstalled",
        "member_joined_channel",
        "tokens_revoked",
    ]
    for url in (
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ):
        assert url.endswith(EVENTS_PATH)
    assert manifest["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    # delivery alerts reach study admins in the app's DM: its Messages tab shows, read-only
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_read_only_enabled"] is True
