"""A drop Teams refuses for good is told to the channel's study admins in their personal chat."""

from __future__ import annotations

import pytest

from bot.drop_life.start_close import start_drop
from bot.ports import ChannelRef, DeliveryError
from bot.service.admins import set_study_admin
from bot.service.commands import StartDrop
from bot.service.context import Core
from tests.adapters.teams.conftest import (
    ADA,
    BOT,
    CHANNEL_A,
    GRACE,
    OWEN,
    SCHEDULE,
    TENANT_A,
    TeamsDoor,
    execute,
    install,
)
from tests.integration.test_engine import engine
from tests.support.actors import OPERATOR

STUDY = ChannelRef("teams", TENANT_A, CHANNEL_A)


async def study_channel(door: TeamsDoor) -> None:
    await door.post(install())
    await door.post(execute("schedule", SCHEDULE, person=OWEN))


async def test_post_direct_opens_the_personal_chat_through_the_team(door: TeamsDoor) -> None:
    await study_channel(door)
    message_id = await door.platform.post_direct(STUDY, ADA.aad, "Question #3 failed")
    (created,) = door.connector.sent("CREATE")
    assert created.body["isGroup"] is False
    assert created.body["members"] == [{"id": ADA.key}]  # her Teams id, found by her Entra id
    assert created.body["bot"]["id"] == BOT
    assert created.body["tenantID"] == TENANT_A  # as the SDK spells it; Teams reads channelData
    assert created.body["channelData"] == {"tenant": {"id": TENANT_A}}
    sent = door.connector.sent("POST")[-1]
    assert sent.conversation_id == f"a:personal-{ADA.key}"
    assert sent.body["text"] == "Question #3 failed"
    assert sent.body["type"] == "message"
    assert message_id in door.connector.messages


async def test_post_direct_to_someone_outside_the_team_is_a_permanent_error(
    door: TeamsDoor,
) -> None:
    await study_channel(door)
    with pytest.raises(DeliveryError) as caught:
        await door.platform.post_direct(STUDY, "aad-stranger", "hello")
    assert caught.value.permanent is True
    assert door.connector.sent("CREATE") == []


async def test_a_failed_drop_reaches_each_study_admin_in_their_personal_chat(
    door: TeamsDoor, core: Core
) -> None:
    await study_channel(door)
    await set_study_admin(core, STUDY, ADA.aad, ADA.name, True, actor=OPERATOR)
    await set_study_admin(
        core, STUDY, GRACE.aad, GRACE.name, False, actor=OPERATOR
    )  # a member only
    await start_drop(core, StartDrop(STUDY, deliver_later=True))
    door.connector.fail_next(403, "BotNotInConversationRoster")
    assert (await engine(core).tick()).failed == 1
    told = [c for c in door.connector.sent("POST") if c.conversation_id.startswith("a:")]
    assert [c.conversation_id for c in told] == [f"a:personal-{ADA.key}"]
    text = told[0].body["text"]
    assert "Teams refused to post: HTTP 403 (BotNotInConversationRoster" in text
    assert "What to do: Check that the channel still exists and that the studybot app" in text
    assert [c.body["members"] for c in door.connector.sent("CREATE")] == [[{"id": ADA.key}]]
