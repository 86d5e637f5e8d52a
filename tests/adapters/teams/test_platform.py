"""Proactive posts, reveals and texts through continue_conversation, and how failures surface."""

from __future__ import annotations

import pytest

from bot.drop_life import by_hand
from bot.ports import ChannelRef, DeliveryError
from bot.service.commands import CloseDrop, StartDrop
from bot.service.context import Core
from tests.adapters.teams.card_rules import assert_valid_card
from tests.adapters.teams.conftest import (
    CHANNEL_A,
    OWEN,
    SCHEDULE,
    TENANT_A,
    TENANT_B,
    TeamsDoor,
    execute,
    install,
)
from tests.support.announcement_views import digest, result

STUDY = ChannelRef("teams", TENANT_A, CHANNEL_A)


async def study_channel(door: TeamsDoor) -> None:
    await door.post(install())
    await door.post(execute("schedule", SCHEDULE, person=OWEN))


async def test_a_scheduled_drop_is_posted_and_revealed_in_place(
    door: TeamsDoor, core: Core
) -> None:
    await study_channel(door)
    card = await by_hand.drop_now(core, StartDrop(STUDY))
    post = door.connector.sent("POST")[-1]
    assert post.conversation_id == CHANNEL_A
    assert post.body["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert post.body["summary"].startswith(f"Question #{card.seq}")
    assert_valid_card(post.body["attachments"][0]["content"])

    reveal = await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, STUDY))
    updates = door.connector.sent("PUT")
    assert len(updates) == 1
    assert updates[0].conversation_id == CHANNEL_A
    assert updates[0].activity_id in door.connector.messages
    revealed = updates[0].body["attachments"][0]["content"]
    assert_valid_card(revealed)
    assert f"Answer: {' and '.join(reveal.key_labels)}" in str(revealed)


async def test_post_text_returns_the_message_id(door: TeamsDoor) -> None:
    await study_channel(door)
    message_id = await door.platform.post_text(STUDY, "Reminder: the question closes soon.")
    assert message_id in door.connector.messages
    assert door.connector.messages[message_id]["text"] == "Reminder: the question closes soon."


async def test_the_daily_result_and_digest_are_posted_as_cards(door: TeamsDoor) -> None:
    await study_channel(door)
    result_id = await door.platform.post_daily_result(STUDY, result())
    digest_id = await door.platform.post_weekly_digest(STUDY, digest())
    posted = door.connector.sent("POST")[-2:]
    assert {result_id, digest_id} <= set(door.connector.messages)
    assert [p.conversation_id for p in posted] == [CHANNEL_A, CHANNEL_A]
    assert posted[0].body["summary"].startswith("Question #42 (D1 Pipelines) has closed: 15")
    assert posted[1].body["summary"] == "Last week's leaderboard (02 Mar – 08 Mar 2026)"
    for post in posted:
        assert_valid_card(post.body["attachments"][0]["content"])
    assert "**A and C**" in str(posted[0].body["attachments"][0]["content"])


@pytest.mark.parametrize(
    ("status", "code", "header", "permanent", "wait"),
    [
        (429, "TooManyRequests", "7", False, 7.0),
        (412, "PreconditionFailed", None, False, None),
        (502, "BadGateway", None, False, None),
        (504, "GatewayTimeout", "2", False, 2.0),
        (403, "BotNotInConversationRoster", None, True, None),
        (404, "ConversationNotFound", None, True, None),
        (401, "Unauthorized", None, True, None),
    ],
)
async def test_failed_sends_become_delivery_errors_once(
    door: TeamsDoor,
    status: int,
    code: str,
    header: str | None,
    permanent: bool,
    wait: float | None,
) -> None:
    await study_channel(door)
    before = len(door.connector.sent("POST"))
    door.connector.fail_next(status, code, retry_after=header)
    with pytest.raises(DeliveryError) as caught:
        await door.platform.post_text(STUDY, "hello")
    assert caught.value.permanent is permanent
    assert caught.value.retry_after == wait
    assert str(status) in str(caught.value)
    assert code in str(caught.value)
    assert door.connector.failures == []  # asked exactly once: no retry inside the SDK
    assert len(door.connector.sent("POST")) == before


@pytest.mark.parametrize(("status", "wait"), [(429, 1.0), (502, 1.0), (504, None)])
async def test_a_failed_reveal_is_not_retried_by_the_sdk(
    door: TeamsDoor, core: Core, status: int, wait: float | None
) -> None:
    """msrest would retry these PUTs (sleeping Retry-After); the delivery engine owns retries."""
    await study_channel(door)
    card = await by_hand.drop_now(core, StartDrop(STUDY))
    header = "1" if wait else None
    door.connector.fail_next(status, "Throttled", retry_after=header, times=2)
    with pytest.raises(DeliveryError) as caught:
        await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, STUDY))
    assert caught.value.permanent is False
    assert caught.value.retry_after == wait
    assert f"HTTP {status}" in str(caught.value)
    assert len(door.connector.failures) == 1  # one PUT was tried, the second 429 is unused
    assert door.connector.sent("PUT") == []


async def test_a_channel_without_a_reference_fails_permanently(door: TeamsDoor) -> None:
    with pytest.raises(DeliveryError) as caught:
        await door.platform.post_text(ChannelRef("teams", TENANT_B, CHANNEL_A), "hello")
    assert caught.value.permanent is True
    assert door.connector.calls == []


async def test_the_bot_removed_from_the_team_forgets_its_references(door: TeamsDoor) -> None:
    await study_channel(door)
    removed = install()
    del removed["membersAdded"]
    removed["membersRemoved"] = [{"id": "28:studybot-app"}]
    await door.post(removed)
    with pytest.raises(DeliveryError) as caught:
        await door.platform.post_text(STUDY, "hello")
    assert caught.value.permanent is True


async def test_failures_are_not_swallowed_by_on_turn_error(door: TeamsDoor) -> None:
    """The adapter has an on_turn_error; a proactive failure still reaches the caller."""
    await study_channel(door)
    door.connector.fail_next(500, "InternalServerError")
    with pytest.raises(DeliveryError):
        await door.platform.post_text(STUDY, "hello")
    assert not any(c.body.get("text", "").startswith("Sorry") for c in door.connector.calls)
