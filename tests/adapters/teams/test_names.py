"""Names: kept from install and rename events, fetched from Teams when unknown, never lost."""

from __future__ import annotations

from typing import Any

from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.directory import stored_names
from tests.adapters.teams.conftest import (
    CHANNEL_A,
    OWEN,
    SCHEDULE,
    TEAM_A,
    TENANT_A,
    TeamsDoor,
    activity,
    execute,
    install,
    message,
)

STUDY = ChannelRef("teams", TENANT_A, CHANNEL_A)
GENERAL = ChannelRef("teams", TENANT_A, TEAM_A)


def ids_only(event: dict[str, Any]) -> dict[str, Any]:
    """As Teams sends messages and invokes: team and channel ids, no names."""
    data = event["channelData"]
    if "team" in data:
        data["team"] = {"id": data["team"]["id"]}
    if "channel" in data:
        data["channel"] = {"id": data["channel"]["id"]}
    return event


def named_install() -> dict[str, Any]:
    event = install()
    event["channelData"]["team"]["name"] = "Contoso Study"
    event["channelData"]["tenant"]["name"] = "Contoso Ltd"
    return event


async def test_names_come_from_the_install_and_the_teams_api(door: TeamsDoor, core: Core) -> None:
    door.connector.add_team(TEAM_A, "Contoso Study", {TEAM_A: None, CHANNEL_A: "AZ-400"})
    await door.post(named_install())
    assert await stored_names(core, GENERAL) == ("Contoso Ltd", "Contoso Study › General")
    saved = await door.post(ids_only(execute("schedule", SCHEDULE, person=OWEN)))
    assert saved.json()["value"]["body"][0]["text"].startswith("Schedule saved")
    assert await stored_names(core, STUDY) == ("Contoso Ltd", "Contoso Study › AZ-400")
    assert await stored_names(core, GENERAL) == ("Contoso Ltd", "Contoso Study › General")

    door.connector.teams.clear()  # the API cannot say any more: the known names stay
    await door.post(ids_only(execute("schedule", SCHEDULE, person=OWEN)))
    assert await stored_names(core, STUDY) == ("Contoso Ltd", "Contoso Study › AZ-400")
    await door.post(ids_only(message("leaderboard")))
    reply = door.connector.sent("POST")[-1].body
    assert "Contoso Study › AZ-400" in str(reply)


async def test_rename_events_update_the_stored_names(door: TeamsDoor, core: Core) -> None:
    door.connector.add_team(TEAM_A, "Contoso Study", {TEAM_A: None, CHANNEL_A: "AZ-400"})
    await door.post(named_install())
    await door.post(ids_only(execute("schedule", SCHEDULE, person=OWEN)))
    posts = len(door.connector.sent("POST"))

    channel_renamed = activity("conversationUpdate", team=TEAM_A, channel=CHANNEL_A)
    channel_renamed["channelData"]["eventType"] = "channelRenamed"
    channel_renamed["channelData"]["channel"]["name"] = "AZ-400 prep"
    channel_renamed["channelData"]["team"] = {"id": TEAM_A}
    await door.post(channel_renamed)
    assert (await stored_names(core, STUDY))[1] == "Contoso Study › AZ-400 prep"

    team_renamed = activity("conversationUpdate", team=TEAM_A, channel=TEAM_A)
    team_renamed["conversation"]["id"] = TEAM_A
    team_renamed["channelData"]["eventType"] = "teamRenamed"
    team_renamed["channelData"]["team"]["name"] = "Contoso Learning"
    await door.post(team_renamed)
    assert (await stored_names(core, STUDY))[1] == "Contoso Learning › AZ-400 prep"
    assert (await stored_names(core, GENERAL))[1] == "Contoso Learning › General"
    assert len(door.connector.sent("POST")) == posts  # events get no reply


async def test_without_any_name_a_placeholder_is_used_but_never_over_a_name(
    door: TeamsDoor, core: Core
) -> None:
    await door.post(ids_only(install()))  # no names anywhere, and the API knows no team
    org, team = await stored_names(core, GENERAL)
    assert org == f"Microsoft Teams tenant {TENANT_A}"
    assert team
    await door.post(named_install())  # a later event brings names: they replace placeholders
    assert await stored_names(core, GENERAL) == ("Contoso Ltd", "Contoso Study › General")
