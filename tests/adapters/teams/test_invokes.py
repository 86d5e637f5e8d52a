"""Card clicks and other invokes: own-conversation answers, bad data, quiet unhandled invokes."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.schedules import get_schedule
from bot.storage.tables import answers
from tests.adapters.teams.card_rules import assert_valid_card
from tests.adapters.teams.conftest import (
    CHANNEL_A,
    OWEN,
    SCHEDULE,
    TENANT_A,
    TeamsDoor,
    activity,
    answer,
    execute,
    install,
    message,
)
from tests.adapters.teams.test_http import count, start_study_channel

TEAM_C = "19:general-c@thread.tacv2"  # another team of the same tenant
CHANNEL_C = "19:study-c@thread.tacv2"


async def posted_drop(door: TeamsDoor) -> dict[str, Any]:
    await door.post(message("drop", person=OWEN))
    card: dict[str, Any] = door.connector.sent("POST")[-1].body["attachments"][0]["content"]
    data: dict[str, Any] = card["actions"][0]["data"]
    return data


async def test_a_click_only_answers_a_drop_of_its_own_conversation(
    door: TeamsDoor, core: Core
) -> None:
    await start_study_channel(door)
    await door.post(install(team=TEAM_C))
    other_team = {"team": TEAM_C, "channel": CHANNEL_C}
    saved = await door.post(execute("schedule", SCHEDULE, person=OWEN, **other_team))
    assert saved.json()["value"]["body"][0]["text"].startswith("Schedule saved")
    data = await posted_drop(door)  # posted in team A's study channel
    for place in (other_team, {"team": TEAM_C, "channel": TEAM_C}):
        crafted = await door.post(answer(data["drop"], data["option"], **place))
        body = crafted.json()
        assert body["type"] == "application/vnd.microsoft.activity.message"
        assert f"no question drop {data['drop']}" in body["value"]
    assert await count(core, answers) == 0
    own = await door.post(answer(data["drop"], data["option"]))
    assert own.json()["type"] == "application/vnd.microsoft.card.adaptive"
    assert await count(core, answers) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"drop": 2**31, "option": "a"},
        {"drop": 2**63, "option": "a"},
        {"drop": str(2**63), "option": "a"},
        {"drop": "9" * 5000, "option": "a"},
        {"drop": "\uff11", "option": "a"},  # a full-width digit one
        {"drop": 0, "option": "a"},
        {"drop": -1, "option": "a"},
        {"drop": 1, "option": "x" * 200},
        {"drop": 1, "option": "a\n"},
        {"drop": 1, "options": ",".join(["a"] * 40)},
    ],
)
async def test_ids_out_of_range_are_a_400_invoke_error_without_a_traceback(
    door: TeamsDoor, core: Core, caplog: pytest.LogCaptureFixture, data: dict[str, Any]
) -> None:
    await start_study_channel(door)
    with caplog.at_level(logging.INFO):
        response = await door.post(execute("answer", data))
    assert response.status_code == 200
    body = response.json()
    assert body["statusCode"] == 400
    assert body["type"] == "application/vnd.microsoft.error"
    assert body["value"]["code"] == "BadRequest"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert await count(core, answers) == 0


@pytest.mark.parametrize(
    ("name", "key"),
    [("task/fetch", "task"), ("task/submit", "task"),
     ("composeExtension/query", "composeExtension"),
     ("composeExtension/fetchTask", "composeExtension"), (None, None), ("vendor/unknown", None)],
)  # fmt: skip
async def test_unhandled_invokes_get_a_quiet_valid_answer(
    door: TeamsDoor, name: str | None, key: str | None
) -> None:
    extra: dict[str, Any] = {"value": {}}
    if name is not None:
        extra["name"] = name
    response = await door.post(activity("invoke", **extra))
    assert response.status_code == 200
    if key is None:
        assert response.content == b""
    else:
        assert "@studybot help" in str(response.json()[key])
        assert response.json()[key]["type"] == "message"
    assert door.connector.sent("POST") == []


async def test_all_domains_has_a_value_and_saves_no_focus(door: TeamsDoor, core: Core) -> None:
    await door.post(install())
    await door.post(message("schedule", person=OWEN))
    form = door.connector.sent("POST")[-1].body["attachments"][0]["content"]
    assert_valid_card(form)
    (focus,) = [e for e in form["body"] if e.get("id") == "focus_domain"]
    assert focus["value"] == "all"
    assert all(choice["value"] for choice in focus["choices"])
    saved = await door.post(execute("schedule", {**SCHEDULE, "focus_domain": "all"}, person=OWEN))
    assert saved.json()["value"]["body"][0]["text"].startswith("Schedule saved")
    schedule = await get_schedule(core, ChannelRef("teams", TENANT_A, CHANNEL_A))
    assert schedule is not None
    assert schedule.focus_domain is None
