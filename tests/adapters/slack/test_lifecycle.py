"""The bot joining a channel, uninstall and token revocation, event de-duplication, App Home."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from adapters.slack.translate import channel_ref
from bot.service.commands import SaveSchedule
from bot.service.directory import find_team
from bot.service.schedules import save_schedule
from bot.storage.tables import organisations
from tests.adapters.slack.blocks import assert_valid_message, assert_valid_view
from tests.adapters.slack.conftest import SlackHarness, harness_for, single_workspace
from tests.adapters.slack.helpers import eventually, post_drop, study_channel
from tests.support.actors import OPERATOR


def _joined(user: str, channel: str = "C1") -> dict[str, object]:
    return {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": "C",
        "team": "T1",
        "event_ts": "1.0",
    }


async def _org_active(slack: SlackHarness, team_id: str) -> bool | None:
    async with slack.core.db.read() as conn:
        value = await conn.scalar(
            select(organisations.c.active).where(organisations.c.external_id == team_id)
        )
    return None if value is None else bool(value)


async def _org_inactive(slack: SlackHarness, team_id: str) -> bool:
    return await _org_active(slack, team_id) is False


async def test_the_bot_joining_registers_the_channel_and_says_how_to_schedule(
    slack: SlackHarness,
) -> None:
    response = await slack.event(_joined(slack.workspace.bot_user_id), "Ev1")
    assert response.status_code == 200
    (welcome,) = await slack.fake.wait_for(lambda: slack.fake.of("chat.postMessage"), what="hi")
    assert welcome.params["channel"] == "C1"
    assert "/studybot schedule" in welcome.params["blocks"][0]["text"]["text"]
    assert_valid_message(welcome.params)
    async with slack.core.db.read() as conn:
        team = await find_team(conn, channel_ref("T1", "C1"))
    assert team.name == "study-c1"


async def test_a_person_joining_is_not_a_registration(slack: SlackHarness) -> None:
    assert (await slack.event(_joined("U55"), "Ev2")).status_code == 200
    await slack.event(_joined(slack.workspace.bot_user_id, "C2"), "Ev3")
    (welcome,) = await slack.fake.wait_for(lambda: slack.fake.of("chat.postMessage"), what="hi")
    assert welcome.params["channel"] == "C2"  # only the bot's own join was handled


async def test_a_retried_event_is_handled_once(slack: SlackHarness) -> None:
    event = _joined(slack.workspace.bot_user_id)
    assert (await slack.event(event, "EvSame")).status_code == 200
    retry = await slack.event(
        event, "EvSame", headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert retry.status_code == 200
    await slack.fake.wait_for(lambda: slack.fake.of("chat.postMessage"), what="the welcome")
    await slack.event(_joined(slack.workspace.bot_user_id, "C3"), "EvOther")  # a later event …
    await slack.fake.wait_for(lambda: len(slack.fake.of("chat.postMessage")) == 2, what="2nd")
    assert [c.params["channel"] for c in slack.fake.of("chat.postMessage")] == ["C1", "C3"]


async def test_uninstall_deactivates_the_workspace(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    assert await _org_active(slack, "T1") is True
    await slack.event({"type": "app_uninstalled", "event_ts": "1.0"}, "EvU")
    await eventually(lambda: _org_inactive(slack, "T1"))


async def test_revoking_the_bot_token_deactivates_the_workspace(slack: SlackHarness) -> None:
    await study_channel(slack.core)
    await slack.event(
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBT1"]}, "event_ts": "1.0"},
        "EvR",
    )
    await eventually(lambda: _org_inactive(slack, "T1"))


async def test_app_home_shows_progress_and_the_channels_schedule(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    await slack.click(f"{card.drop_id}:{card.options[0].id}", user="U1", response="h")
    await slack.fake.wait_for(lambda: slack.fake.responses, what="the answer")
    await slack.event(
        {
            "type": "app_home_opened",
            "user": "U1",
            "channel": "D1",
            "tab": "home",
            "event_ts": "1.0",
        },
        "EvH",
    )
    (call,) = await slack.fake.wait_for(lambda: slack.fake.of("views.publish"), what="home")
    assert call.params["user_id"] == "U1"
    view = call.params["view"]
    assert_valid_view(view)
    text = str(view["blocks"])
    assert "Streak 1 (best 1)" in text
    assert "rank 1 of 1" in text
    assert f"Question #{card.seq} in <#C1> is open" in text
    assert "no schedule yet" in text


async def test_app_home_of_a_newcomer_explains_how_to_start(slack: SlackHarness) -> None:
    await slack.event(
        {
            "type": "app_home_opened",
            "user": "U9",
            "channel": "D1",
            "tab": "home",
            "event_ts": "1.0",
        },
        "EvH2",
    )
    (call,) = await slack.fake.wait_for(lambda: slack.fake.of("views.publish"), what="home")
    assert_valid_view(call.params["view"])
    assert "not answered a question yet" in str(call.params["view"]["blocks"])


async def test_two_replicas_handle_one_event_once(slack: SlackHarness) -> None:
    """A second door on the same database (another replica) gets the same delivery."""
    async for other in harness_for(
        slack.core, slack.fake, single_workspace(slack.fake, slack.workspace), slack.workspace
    ):
        event = _joined(slack.workspace.bot_user_id)
        first, second = await asyncio.gather(
            slack.event(event, "EvBoth"), other.event(event, "EvBoth")
        )
        assert first.status_code == second.status_code == 200
        await slack.fake.wait_for(lambda: slack.fake.of("chat.postMessage"), what="a welcome")
        await slack.door.settle()
        await other.door.settle()
        assert len(slack.fake.of("chat.postMessage")) == 1


async def test_app_home_shows_when_the_next_question_comes(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    await save_schedule(
        slack.core,
        SaveSchedule(
            channel, {"days": "fri", "time": "09:30", "timezone": "Europe/Berlin"}, actor=OPERATOR
        ),
    )
    card = await post_drop(slack.core, channel, multiple=False)
    await slack.click(f"{card.drop_id}:{card.options[0].id}", user="U1", response="n")
    await slack.fake.wait_for(lambda: slack.fake.responses, what="the answer")
    await slack.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1"},
        "EvNext",
    )
    (call,) = await slack.fake.wait_for(lambda: slack.fake.of("views.publish"), what="home")
    assert_valid_view(call.params["view"])
    # The fake clock is Wednesday 2026-03-04 09:00 UTC: the next Friday 09:30 in Berlin.
    friday = int(datetime(2026, 3, 6, 8, 30, tzinfo=UTC).timestamp())
    assert f"next question <!date^{friday}^" in str(call.params["view"]["blocks"])
    assert "Fri at 09:30 (Europe/Berlin)" in str(call.params["view"]["blocks"])
