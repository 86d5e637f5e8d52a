"""Universal Actions refresh: each member's own view of a question card and a live answer count.

Against the fake Bot Connector: the shared card lists the members for automatic refresh in a
team of at most 60 and falls back to a Refresh button beyond; a member's refreshed view keeps
their answer while others answer; the reveal replaces it once it has run, and never before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.drop_life import by_hand as delivery
from bot.drop_life import count_refresh
from bot.drop_life.card_state import DropCardState
from bot.ports import ChannelRef
from bot.service.commands import CloseDrop
from bot.service.context import Core
from bot.service.pacing import Pacer
from tests.adapters.teams.card_rules import assert_valid_card
from tests.adapters.teams.conftest import (
    ADA,
    CHANNEL_A,
    GRACE,
    OWEN,
    TEAM_A,
    TENANT_A,
    Person,
    TeamsDoor,
    activity,
    execute,
    message,
    open_door,
)
from tests.adapters.teams.fake_connector import FakeConnector
from tests.adapters.teams.test_http import start_study_channel
from tests.fakes import FakeClock

CARD = "application/vnd.microsoft.card.adaptive"


@pytest.fixture
async def door(core: Core, connector: FakeConnector) -> AsyncIterator[TeamsDoor]:
    """The door with the live count updating at once (no interval, no pacing waits)."""
    live = {"interval": 0.0, "pacer": Pacer(per_channel_interval=0.0, per_org_rate=1000)}
    async for opened in open_door(core, connector, live_count=live):
        yield opened


def refresh(drop_id: int, person: Person, trigger: str = "automatic") -> dict[str, Any]:
    """The invoke a member's Teams client sends for the card's refresh."""
    return activity(
        "invoke",
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "verb": "refresh", "data": {"drop": drop_id}},
            "trigger": trigger,
        },
        person=person,
    )


async def card_from(door: TeamsDoor, payload: dict[str, Any]) -> dict[str, Any]:
    response = await door.post(payload)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["statusCode"] == 200, body
    assert body["type"] == CARD, body
    assert_valid_card(body["value"])
    return body["value"]


async def post_drop(door: TeamsDoor) -> tuple[str, dict[str, Any]]:
    """Post a drop; its message id and the shared card as posted."""
    await door.post(message("drop", person=OWEN))
    posts = door.connector.sent("POST")
    shared: dict[str, Any] = posts[-1].body["attachments"][0]["content"]
    message_id = next(i for i, body in door.connector.messages.items() if body is posts[-1].body)
    assert_valid_card(shared)
    return message_id, shared


def drop_of(card: dict[str, Any]) -> int:
    return int(card["refresh"]["action"]["data"]["drop"])


def option_data(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["data"] for a in card.get("actions", []) if a.get("verb") == "answer"]


def answer_payload(drop_id: int, card: dict[str, Any], index: int, person: Person) -> Any:
    data = option_data(card)
    if data and "option" in data[0]:
        return execute("answer", data[index], person=person)
    choices = next(e for e in card["body"] if e.get("id") == "options")["choices"]
    pick = ",".join(c["value"] for c in choices[index : index + 2])
    return execute("answer", {"drop": drop_id, "options": pick}, person=person)


def manual_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a
        for element in card["body"]
        if element.get("type") == "ActionSet"
        for a in element["actions"]
        if a.get("verb") == "refresh"
    ]


def shown(card: dict[str, Any]) -> str:
    return str(card)


async def test_a_small_team_lists_its_members_for_automatic_refresh(door: TeamsDoor) -> None:
    await start_study_channel(door)
    _, shared = await post_drop(door)
    assert shared["refresh"]["userIds"] == [OWEN.key, ADA.key, GRACE.key]
    action = shared["refresh"]["action"]
    assert action["type"] == "Action.Execute"
    assert action["verb"] == "refresh"
    assert manual_buttons(shared) == []
    assert door.connector.roster_reads == [TEAM_A]  # a channel's members are its team's


@pytest.mark.parametrize("members", [60, 61, 250])
async def test_beyond_60_members_the_card_falls_back_to_manual_refresh(
    door: TeamsDoor, members: int
) -> None:
    for n in range(members - len(door.connector.members)):
        door.connector.add_member(f"29:m{n}", f"Member {n}", f"aad-m{n}")
    await start_study_channel(door)
    _, shared = await post_drop(door)
    if members <= 60:
        assert len(shared["refresh"]["userIds"]) == members
        assert manual_buttons(shared) == []
    else:
        assert "userIds" not in shared["refresh"]
        (button,) = manual_buttons(shared)
        assert button["type"] == "Action.Execute"
        assert button["data"] == {"drop": drop_of(shared)}
        view = await card_from(door, refresh(drop_of(shared), ADA, trigger="manual"))
        assert "userIds" not in view["refresh"]
        assert len(manual_buttons(view)) == 1


async def test_an_unreadable_roster_falls_back_and_the_post_still_goes_out(
    door: TeamsDoor,
) -> None:
    door.connector.roster_fails = True
    await start_study_channel(door)
    _, shared = await post_drop(door)
    assert "userIds" not in shared["refresh"]
    assert len(manual_buttons(shared)) == 1


async def test_a_members_view_keeps_their_answer_while_others_answer(door: TeamsDoor) -> None:
    await start_study_channel(door)
    message_id, shared = await post_drop(door)
    drop_id = drop_of(shared)
    assert "0 answers so far" in shared["body"][-1]["text"]

    mine = await card_from(door, answer_payload(drop_id, shared, 0, ADA))
    assert "is recorded" in mine["body"][0]["items"][0]["text"]
    assert mine["refresh"] == shared["refresh"]  # Ada's own card keeps refreshing
    await card_from(door, answer_payload(drop_id, shared, 1, GRACE))
    assert door.platform.live_count is not None
    await door.platform.live_count.settle()

    # the shared card was updated with the count: Teams refreshes every listed member's view
    updated = door.connector.messages[message_id]["attachments"][0]["content"]
    assert_valid_card(updated)
    assert "2 answers so far" in shown(updated)
    assert "Your answer" not in shown(updated)
    assert "recorded" not in shown(updated)
    assert updated["refresh"] == shared["refresh"]

    ada = await card_from(door, refresh(drop_id, ADA))
    grace = await card_from(door, refresh(drop_id, GRACE))
    owen = await card_from(door, refresh(drop_id, OWEN))
    ada_note, grace_note = ada["body"][0]["items"][0]["text"], grace["body"][0]["items"][0]["text"]
    assert ada_note.startswith("Your answer: ")
    assert grace_note.startswith("Your answer: ")
    assert ada_note != grace_note  # each sees their own pick
    assert mine["body"][0]["items"][0]["text"].split()[2] in ada_note  # the label Ada chose
    assert "Your answer" not in shown(owen)
    for view in (ada, grace, owen):
        assert "2 answers so far" in shown(view)
        assert view["refresh"] == shared["refresh"]
        assert option_data(view) == option_data(shared)  # still open: the buttons stay


async def test_a_refresh_after_the_reveal_shows_the_reveal(door: TeamsDoor, core: Core) -> None:
    await start_study_channel(door)
    message_id, shared = await post_drop(door)
    drop_id = drop_of(shared)
    await card_from(door, answer_payload(drop_id, shared, 0, ADA))
    await delivery.close_and_reveal(core, CloseDrop(drop_id))
    # the count update Ada's answer started may race the reveal; once it is done, the reveal
    # must be what the card shows (count_refresh puts it back)
    await door.platform.live_count.settle()

    revealed = door.connector.messages[message_id]["attachments"][0]["content"]
    assert_valid_card(revealed)
    assert "— answer" in revealed["body"][0]["text"]
    assert revealed["refresh"] == shared["refresh"]  # members refresh to their own result

    ada = await card_from(door, refresh(drop_id, ADA))
    assert "— answer" in shown(ada)
    assert "**Answer: " in shown(ada)
    assert ada["body"][0]["items"][0]["text"].startswith("You answered ")
    grace = await card_from(door, refresh(drop_id, GRACE))
    assert grace["body"][0]["items"][0]["text"] == "You did not answer this question."
    assert option_data(ada) == []
    assert option_data(grace) == []


def secrets_of(core: Core, drop_id: int, card: dict[str, Any]) -> list[str]:
    """What only the reveal may show: the explanation, the rationales, the answer line."""
    question = next(q for q in core.questions.values() if q.stem in shown(card))
    found = [question.explanation, "**Answer: ", "✅", "right!", "Correct", "not this time"]
    return found + [o.rationale for o in question.options if o.rationale]


async def test_no_refresh_before_the_reveal_shows_the_key(
    door: TeamsDoor, core: Core, clock: FakeClock
) -> None:
    await start_study_channel(door)
    _, shared = await post_drop(door)
    drop_id = drop_of(shared)
    secrets = secrets_of(core, drop_id, shared)
    await card_from(door, answer_payload(drop_id, shared, 0, ADA))
    views = [await card_from(door, refresh(drop_id, p)) for p in (ADA, GRACE)]
    clock.advance(days=2)  # the window is over; the reveal has not run yet
    views += [await card_from(door, refresh(drop_id, p, "manual")) for p in (ADA, GRACE)]
    assert "Closed " in shown(views[-1])
    assert option_data(views[-1]) == []
    for view in views:
        leaked = [s for s in secrets if s in shown(view)]
        assert not leaked, leaked


async def test_the_count_update_never_leaves_the_question_over_a_reveal(
    door: TeamsDoor, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reveal lands between the count update's read and its card update."""
    await start_study_channel(door)
    message_id, shared = await post_drop(door)
    drop_id = drop_of(shared)
    read = count_refresh.card_state
    calls: list[bool] = []

    async def reveal_after_first_read(*args: Any, **kwargs: Any) -> DropCardState:
        state = await read(*args, **kwargs)
        if not calls:  # the count update has read "open"; now the reveal runs and is posted
            await delivery.close_and_reveal(core, CloseDrop(drop_id))
        calls.append(state.reveal is not None)
        return state

    monkeypatch.setattr(count_refresh, "card_state", reveal_after_first_read)
    assert await count_refresh.refresh_shared_count(
        core, door.platform, ChannelRef("teams", TENANT_A, CHANNEL_A), drop_id, repair=False
    )
    assert calls == [False, True]
    final = door.connector.messages[message_id]["attachments"][0]["content"]
    assert "— answer" in final["body"][0]["text"]
    puts = [
        c.body["attachments"][0]["content"]["body"][0]["text"] for c in door.connector.sent("PUT")
    ]
    assert len(puts) == 3
    assert "— answer" in puts[0]
    assert "— answer" not in puts[1]


async def test_count_updates_wait_out_a_429(door: TeamsDoor, core: Core) -> None:
    """A count update refused with 429 is tried again (not lost), after the Retry-After."""
    await start_study_channel(door)
    message_id, shared = await post_drop(door)
    drop_id = drop_of(shared)
    door.connector.fail_next(429, "TooManyRequests", retry_after="0")
    await card_from(door, answer_payload(drop_id, shared, 0, ADA))
    assert door.platform.live_count is not None
    await door.platform.live_count.settle()
    updated = door.connector.messages[message_id]["attachments"][0]["content"]
    assert "1 answer so far" in shown(updated)
