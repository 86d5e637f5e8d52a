"""A team that removes the app: its schedule is paused and its study admins are told where."""

from __future__ import annotations

from typing import Any

from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.schedules import channel_schedules
from tests.adapters.teams.conftest import (
    BOT,
    CHANNEL_A,
    OWEN,
    TEAM_A,
    TENANT_A,
    TeamsDoor,
    activity,
    message,
)
from tests.adapters.teams.test_http import start_study_channel

STUDY = ChannelRef("teams", TENANT_A, CHANNEL_A)


def removal() -> dict[str, Any]:
    event = activity("conversationUpdate", channel=TEAM_A, membersRemoved=[{"id": BOT}])
    event["conversation"]["id"] = TEAM_A
    event["channelData"]["eventType"] = "teamMemberRemoved"
    return event


async def test_removing_the_app_pauses_the_schedule_and_tells_the_admins(
    door: TeamsDoor, core: Core
) -> None:
    await start_study_channel(door)  # Owen installs (first study admin) and saves a schedule
    private = {"conversation_type": "personal", "team": None, "channel": None, "person": OWEN}
    await door.post(message("help", **private))
    before = len(door.connector.sent("POST"))

    assert (await door.post(removal())).status_code == 200

    (record,) = await channel_schedules(core, STUDY)
    assert not record.schedule.active
    assert record.last_error is not None
    assert "studybot was removed from the team" in record.last_error
    assert "admin page" in record.last_error
    told = door.connector.sent("POST")[before:]
    assert [c.conversation_id for c in told] == [f"a:{OWEN.key}"]
    assert "resume the schedule on the studybot admin page" in told[0].body["text"]
    drop = await door.post(message("drop", person=OWEN))  # a stray message: nothing is posted
    assert drop.status_code == 200


async def test_a_removal_from_an_unknown_team_changes_nothing(door: TeamsDoor) -> None:
    assert (await door.post(removal())).status_code == 200
    assert door.connector.sent("POST") == []
