"""Socket Mode: the same door over a WebSocket from a loopback fake of Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.slack.app import SlackDoor, build_slack_door
from adapters.slack.settings import SlackSettings
from adapters.slack.socket_mode import SocketModeConnection
from bot.errors import SettingsError
from bot.service.context import Core
from tests.adapters.slack.conftest import block_actions
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.helpers import stored_answers

APP_TOKEN = "xapp-1-test"


@pytest.fixture
async def socket_door(core: Core, fake_slack: FakeSlack) -> AsyncIterator[SlackDoor]:
    ws = fake_slack.add_workspace("T1")
    fake_slack.app_tokens.add(APP_TOKEN)
    settings = SlackSettings.from_env(
        {
            "STUDYBOT_SLACK_MODE": "socket",
            "STUDYBOT_SLACK_BOT_TOKEN": ws.token,
            "STUDYBOT_SLACK_APP_TOKEN": APP_TOKEN,
            "STUDYBOT_SLACK_API_URL": fake_slack.api_url,
        }
    )
    door = build_slack_door(core, settings, count_refresh_seconds=0)
    connection = SocketModeConnection(door)
    await connection.start()
    yield door
    await connection.close()
    await door.aclose()


async def test_a_slash_command_over_socket_mode_is_answered_in_the_ack(
    socket_door: SlackDoor, fake_slack: FakeSlack
) -> None:
    await fake_slack.push(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "team_id": "T1",
                "channel_id": "C1",
                "user_id": "U1",
                "command": "/studybot",
                "text": "help",
                "response_url": fake_slack.response_url("s"),
                "trigger_id": "t",
            },
        }
    )
    (ack,) = await fake_slack.wait_for(lambda: fake_slack.socket_acks, what="the ack")
    assert ack["envelope_id"] == "env-1"
    assert "/studybot leaderboard" in str(ack["payload"]["blocks"])


async def test_an_event_over_socket_mode_registers_the_channel(
    socket_door: SlackDoor, fake_slack: FakeSlack
) -> None:
    await fake_slack.push(
        {
            "envelope_id": "env-2",
            "type": "events_api",
            "accepts_response_payload": False,
            "payload": {
                "type": "event_callback",
                "team_id": "T1",
                "api_app_id": "A1",
                "event_id": "EvS1",
                "event": {"type": "member_joined_channel", "user": "UBT1", "channel": "C4"},
                "authorizations": [{"team_id": "T1", "user_id": "UBT1", "is_bot": True}],
            },
        }
    )
    (welcome,) = await fake_slack.wait_for(
        lambda: fake_slack.of("chat.postMessage"), what="the welcome"
    )
    assert welcome.params["channel"] == "C4"
    assert [a["envelope_id"] for a in fake_slack.socket_acks] == ["env-2"]


async def test_a_wrong_app_token_is_refused(core: Core, fake_slack: FakeSlack) -> None:
    ws = fake_slack.add_workspace("T1")
    settings = SlackSettings.from_env(
        {
            "STUDYBOT_SLACK_MODE": "socket",
            "STUDYBOT_SLACK_BOT_TOKEN": ws.token,
            "STUDYBOT_SLACK_APP_TOKEN": "xapp-unknown",
            "STUDYBOT_SLACK_API_URL": fake_slack.api_url,
        }
    )
    door = build_slack_door(core, settings)
    with pytest.raises(SettingsError, match=r"STUDYBOT_SLACK_APP_TOKEN was refused.*invalid_auth"):
        await SocketModeConnection(door).start()


async def test_a_malformed_answer_over_socket_mode_is_acknowledged_and_stores_nothing(
    socket_door: SlackDoor, fake_slack: FakeSlack, core: Core
) -> None:
    """Socket Mode has no HTTP status to refuse with: the click is acknowledged, nothing kept."""
    action = {"action_id": "studybot_answer_A", "type": "button", "value": "not-a-drop"}
    await fake_slack.push(
        {
            "envelope_id": "env-3",
            "type": "interactive",
            "accepts_response_payload": False,
            "payload": block_actions("T1", "C1", "U1", action, fake_slack.response_url("m")),
        }
    )
    (ack,) = await fake_slack.wait_for(lambda: fake_slack.socket_acks, what="the ack")
    assert ack["envelope_id"] == "env-3"
    assert await stored_answers(core) == 0
    assert fake_slack.responses == []
