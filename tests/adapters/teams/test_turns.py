"""Turn logic with botbuilder-core's TestAdapter: commands, answers, the admin rule, isolation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botbuilder.core.adapters import TestAdapter  # type: ignore[import-untyped]
from botbuilder.schema import Activity  # type: ignore[import-untyped]

from adapters.teams.bot import StudybotTeamsBot
from bot.ports import ChannelRef
from bot.service.admins import is_study_admin
from bot.service.context import Core
from bot.service.schedules import get_schedule
from tests.adapters.teams.card_rules import assert_valid_card
from tests.adapters.teams.conftest import (
    ADA,
    CHANNEL_A,
    GRACE,
    OWEN,
    SCHEDULE,
    TENANT_A,
    TENANT_B,
    FakeRoster,
    activity,
    answer,
    execute,
    install,
    message,
)
from tests.fakes import FakeClock, FakePlatform
from tests.support.actors import OPERATOR

STUDY = ChannelRef("teams", TENANT_A, CHANNEL_A)


class Harness:
    def __init__(self, core: Core, roster: FakeRoster) -> None:
        self.core = core
        self.posted = FakePlatform(platform="teams")
        core.platforms["teams"] = self.posted
        self.bot = StudybotTeamsBot(core, roster)
        self.adapter = TestAdapter(self.bot.on_turn)

    async def send(self, payload: dict[str, Any]) -> list[Any]:
        self.adapter.activity_buffer.clear()
        await self.adapter.receive_activity(Activity().deserialize(payload))
        return list(self.adapter.activity_buffer)

    async def say(self, text: str, **kwargs: Any) -> Any:
        replies = await self.send(message(text, **kwargs))
        assert len(replies) == 1, replies
        return replies[0]

    async def invoke(self, payload: dict[str, Any]) -> dict[str, Any]:
        replies = await self.send(payload)
        assert [r.type for r in replies] == ["invokeResponse"]
        assert replies[0].value.status == 200
        body: dict[str, Any] = replies[0].value.body
        if body["type"] == "application/vnd.microsoft.card.adaptive":
            assert_valid_card(body["value"])
        return body

    async def study_channel(self) -> None:
        await self.send(install())
        saved = await self.invoke(execute("schedule", SCHEDULE, person=OWEN))
        assert saved["value"]["body"][0]["text"].startswith("Schedule saved")

    async def drop(self) -> Any:
        assert await self.send(message("drop", person=OWEN)) == []
        return self.posted.posted[-1][1]


def card_of(reply: Any) -> dict[str, Any]:
    content: dict[str, Any] = reply.attachments[0].content
    assert_valid_card(content)
    return content


@pytest.fixture
def harness(core: Core) -> Harness:
    return Harness(core, FakeRoster(OWEN, members=(ADA, GRACE)))


async def test_help_lists_every_command(harness: Harness) -> None:
    card = card_of(await harness.say("help"))
    titles = [f["title"].split()[0] for f in card["body"][2]["facts"]]
    assert titles == [
        "leaderboard",
        "me",
        "report",
        "schedule",
        "drop",
        "admin",
        "dashboard",
        "help",
    ]
    unknown = await harness.say("dance")
    assert "don't know the command 'dance'" in unknown.text


async def test_only_owners_and_study_admins_administer(harness: Harness, core: Core) -> None:
    await harness.send(install())
    for text in ("schedule", "drop"):
        refusal = await harness.say(text, person=ADA)
        assert "Only team owners and study admins" in refusal.text
    refused = await harness.invoke(execute("schedule", SCHEDULE, person=ADA))
    assert "Only team owners" in refused["value"]
    with pytest.raises(Exception, match="not a studybot study channel"):
        await get_schedule(core, STUDY)  # nothing was registered by the refused save
    form = card_of(await harness.say("schedule", person=OWEN))
    assert [i.get("id") for i in form["body"] if "id" in i][:3] == ["days", "time", "timezone"]
    await harness.invoke(execute("schedule", SCHEDULE, person=OWEN))
    assert (await get_schedule(core, STUDY)) is not None
    assert (
        "Only team owners and study admins can choose"
        in (await harness.say("admin add", mentions=(GRACE,), person=ADA)).text
    )
    done = await harness.say("admin add", mentions=(ADA,), person=OWEN)
    assert done.text == "Ada is now a study admin."
    assert await is_study_admin(core, STUDY, ADA.aad)
    assert await harness.send(message("drop", person=ADA)) == []  # a study admin may drop
    assert len(harness.posted.posted) == 1
    await harness.say("admin remove", mentions=(ADA,), person=OWEN)
    assert "Only team owners and study admins" in (await harness.say("drop", person=ADA)).text


async def test_schedule_form_shows_the_cores_errors_and_saves_nothing(
    harness: Harness, core: Core
) -> None:
    await harness.send(install())
    bad = {**SCHEDULE, "days": "someday", "timezone": "Mars/Base", "window": "3m"}
    body = await harness.invoke(execute("schedule", bad, person=OWEN))
    texts = [b.get("text", "") for b in body["value"]["body"]]
    assert any(t.startswith("Days: unknown day 'someday'") for t in texts)
    assert any(t.startswith("Time zone: unknown time zone 'Mars/Base'") for t in texts)
    assert any(t.startswith("Answer window: must be between") for t in texts)
    values = {b["id"]: b.get("value") for b in body["value"]["body"] if "id" in b}
    assert values["days"] == "someday"  # the member's input is kept for correcting
    with pytest.raises(Exception, match="not a studybot study channel"):
        await get_schedule(core, STUDY)


async def test_answers_refresh_the_card_for_the_clicker(harness: Harness, clock: FakeClock) -> None:
    await harness.study_channel()
    card = await harness.drop()
    first, second = card.options[0], card.options[1]
    body = await harness.invoke(answer(card.drop_id, first.id, person=ADA))
    banner = body["value"]["body"][0]
    assert banner["items"][0]["text"].startswith(f"Your answer {first.label} is recorded")
    assert "1 answer so far" in str(body["value"])
    again = await harness.invoke(answer(card.drop_id, second.id, person=ADA))
    assert again["value"]["body"][0]["items"][0]["text"] == (
        f"You already answered {first.label}; only your first answer counts."
    )
    clock.advance(hours=9)
    late = await harness.invoke(answer(card.drop_id, first.id, person=GRACE))
    assert late["value"]["body"][0]["items"][0]["text"].startswith("This question closed at")
    assert "actions" not in late["value"]  # a closed card offers no buttons


async def test_private_feedback_says_right_or_wrong(harness: Harness) -> None:
    await harness.send(install())
    await harness.invoke(
        execute("schedule", {**SCHEDULE, "reveal_mode": "at_close_with_feedback"}, person=OWEN)
    )
    card = await harness.drop()
    body = await harness.invoke(answer(card.drop_id, card.options[0].id, person=ADA))
    text = body["value"]["body"][0]["items"][0]["text"]
    assert text.endswith(("Correct!", "Not quite."))
    assert len(body["value"]["body"][0]["items"]) == 2  # the explanation


async def test_bad_choices_store_nothing_and_say_why(harness: Harness, core: Core) -> None:
    await harness.study_channel()
    card = await harness.drop()
    body = await harness.invoke(answer(card.drop_id, "zz", person=ADA))
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert body["value"].startswith("Unknown option zz")
    board = card_of(await harness.say("leaderboard", person=ADA))
    assert "No answers yet" in str(board)


async def test_leaderboard_me_and_report(harness: Harness) -> None:
    await harness.study_channel()
    card = await harness.drop()
    await harness.invoke(answer(card.drop_id, card.options[0].id, person=ADA))
    board = card_of(await harness.say("leaderboard all", person=GRACE))
    assert "Ada" in str(board)
    assert "all time" in board["body"][1]["text"]
    me = card_of(await harness.say("me", person=ADA))
    assert me["body"][0]["text"].startswith("Ada")
    report = card_of(await harness.say("report week", person=GRACE))
    assert "1 of 1 member(s) answered" in str(report)
    nonsense = await harness.say("leaderboard yesterday")  # the core's grammar and its note
    assert "I don't know 'yesterday'" in nonsense.text
    assert "Send **@studybot help** for the list." in nonsense.text
    unknown_domain = await harness.say("drop D9", person=OWEN)
    assert "Unknown domain 'D9'" in unknown_domain.text
    assert "all time" in str(card_of(await harness.say("report", person=GRACE)))
    # in the personal chat, the tenant's only scheduled study channel is meant
    await harness.send(install(team=None, conversation_type="personal", person=ADA))
    personal = await harness.say("me", team=None, channel=None, conversation_type="personal")
    assert card_of(personal)["body"][0]["text"].startswith("Ada")


async def test_an_answer_for_another_tenants_drop_is_refused(harness: Harness, core: Core) -> None:
    await harness.study_channel()
    card = await harness.drop()
    body = await harness.invoke(
        answer(card.drop_id, card.options[0].id, tenant=TENANT_B, person=GRACE)
    )
    assert (
        body["value"] == f"There is no question drop {card.drop_id} here; it may have been removed."
    )
    with pytest.raises(Exception, match="not a studybot study channel"):
        await get_schedule(core, ChannelRef("teams", TENANT_B, CHANNEL_A))


async def test_drop_outside_a_study_channel_is_explained(harness: Harness) -> None:
    reply = await harness.say("drop", person=OWEN, channel="19:elsewhere@thread.tacv2")
    assert "not a study channel yet" in reply.text
    personal = await harness.say(
        "schedule", team=None, channel=None, conversation_type="personal", person=OWEN
    )
    assert "team channel" in personal.text
    assert harness.posted.posted == []


async def test_a_redelivered_command_runs_once(harness: Harness) -> None:
    await harness.study_channel()
    command = message("drop", person=OWEN)
    await harness.send(command)
    await harness.send(command)
    assert len(harness.posted.posted) == 1


async def test_window_is_the_schedules(harness: Harness) -> None:
    await harness.study_channel()
    card = await harness.drop()
    assert card.closes_at - card.opened_at == timedelta(hours=8)
    assert activity("message")["channelData"]["tenant"]["id"] == TENANT_A


async def test_group_chat_install_welcomes_and_refuses_admin_commands(harness: Harness) -> None:
    chat = {"team": None, "channel": None, "conversation_type": "groupChat"}
    group = install(**chat)
    group["conversation"]["id"] = "19:meeting_chat-with-a-long-id@thread.v2"
    replies = await harness.send(group)
    assert "@studybot schedule" in str(card_of(replies[0]))
    reply = await harness.say("drop", person=OWEN, **chat)
    assert "team channel" in reply.text
    assert harness.posted.posted == []


async def test_dashboard_links_only_in_the_private_chat_and_only_for_study_admins(
    harness: Harness, core: Core
) -> None:
    from bot.service.admins import set_study_admin

    await harness.study_channel()
    await harness.send(install(team=None, conversation_type="personal", person=ADA))
    private = {"team": None, "channel": None, "conversation_type": "personal"}
    in_channel = await harness.say("dashboard", person=OWEN)
    assert "send **dashboard** to me in a private chat" in in_channel.text
    off = await harness.say("dashboard", person=ADA, **private)
    assert "The dashboard is off" in off.text

    made: list[tuple[str, str, str]] = []

    def links(*, platform: str, workspace: str, role: str) -> str:
        made.append((platform, workspace, role))
        return f"https://study.example.org/dashboard/enter?token=for-{role}"

    core.dashboard_links = links
    refused = await harness.say("dashboard", person=ADA, **private)
    assert "The dashboard is for study admins" in refused.text
    await set_study_admin(
        core, ChannelRef("teams", TENANT_A, CHANNEL_A), ADA.aad, "Ada", True, actor=OPERATOR
    )
    granted = await harness.say("dashboard", person=ADA, **private)
    assert granted.text.endswith("https://study.example.org/dashboard/enter?token=for-manager")
    assert made == [("teams", TENANT_A, "manager")]
