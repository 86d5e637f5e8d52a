"""Teams shows and takes the exam's other item types: a choice per position or statement with
one submit, the case study's scenario behind a button, all within the official renderer's rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.drop_life import by_hand
from bot.ports import ChannelRef
from bot.service.commands import CloseDrop, StartDrop
from bot.service.context import Core
from bot.storage.tables import answers
from tests.adapters.teams.card_rules import assert_valid_card
from tests.adapters.teams.conftest import (
    CHANNEL_A,
    OWEN,
    SCHEDULE,
    TENANT_A,
    TeamsDoor,
    execute,
    install,
)
from tests.adapters.teams.test_http import count
from tests.support.item_types import post_question, typespack_env

STUDY = ChannelRef("teams", TENANT_A, CHANNEL_A)


@pytest.fixture
def settings_env(tmp_path: Path) -> dict[str, str]:
    return typespack_env(tmp_path)


async def study_channel(door: TeamsDoor) -> None:
    await door.post(install())
    await door.post(execute("schedule", SCHEDULE, person=OWEN))


def posted_card(door: TeamsDoor) -> dict[str, Any]:
    card: dict[str, Any] = door.connector.sent("POST")[-1].body["attachments"][0]["content"]
    assert_valid_card(card)
    return card


def inputs(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in card["body"] if b["type"] == "Input.ChoiceSet"]


async def submit(door: TeamsDoor, drop_id: int, fields: dict[str, str]) -> str:
    """An Action.Execute with the card's inputs merged into its data, as Teams sends it."""
    response = await door.post(execute("answer", {"drop": drop_id, **fields}))
    assert response.status_code == 200
    body = response.json()
    if body["type"] == "application/vnd.microsoft.card.adaptive":
        assert_valid_card(body["value"])
    return str(body["value"])


async def test_an_order_card_has_a_choice_per_position_and_takes_the_whole_order(
    door: TeamsDoor, core: Core
) -> None:
    await study_channel(door)
    card = await post_question(core, STUDY, "t-order")
    posted = posted_card(door)
    choices = inputs(posted)
    assert [c["id"] for c in choices] == ["step1", "step2", "step3", "step4"]
    assert all(c["style"] == "compact" for c in choices)
    assert [o["value"] for o in choices[0]["choices"]] == [o.id for o in card.options]
    assert posted["actions"][-1]["associatedInputs"] == "auto"

    half = await submit(door, card.drop_id, {"step1": "a", "step2": "", "step3": "c"})
    assert "Put all 4 steps in order; you placed 2." in half
    assert await count(core, answers) == 0
    done = await submit(
        door, card.drop_id, {"step1": "a", "step2": "b", "step3": "c", "step4": "d"}
    )
    assert "is recorded" in done
    assert await count(core, answers) == 1

    await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, STUDY))
    revealed = door.connector.sent("PUT")[-1].body["attachments"][0]["content"]
    assert_valid_card(revealed)
    first = next(o for o in card.options if o.id == "a")
    assert f"1. **{first.label}.** {first.text} — 1 put it here" in str(revealed)
    assert not inputs(revealed)


async def test_a_yes_no_card_has_a_yes_no_choice_per_statement(door: TeamsDoor, core: Core) -> None:
    await study_channel(door)
    card = await post_question(core, STUDY, "t-yesno")
    choices = inputs(posted_card(door))
    assert [c["id"] for c in choices] == ["yn_a", "yn_b", "yn_c"]
    assert [o["value"] for o in choices[0]["choices"]] == ["yes", "no"]
    done = await submit(door, card.drop_id, {"yn_a": "yes", "yn_b": "no", "yn_c": "no"})
    assert "Your answer A Yes, B No, C No is recorded." in done
    reveal = await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, STUDY))
    assert reveal.correct == 0  # C is Yes
    revealed = door.connector.sent("PUT")[-1].body["attachments"][0]["content"]
    assert_valid_card(revealed)
    assert "Answer: A Yes, B No, C Yes." in str(revealed)


async def test_a_forged_choice_is_refused_as_bad_card_data(door: TeamsDoor, core: Core) -> None:
    await study_channel(door)
    card = await post_question(core, STUDY, "t-order")
    forged = {"step1": "a", "step2": "b", "step3": "c", "step4": "d d"}
    response = await door.post(execute("answer", {"drop": card.drop_id, **forged}))
    assert response.status_code < 500
    assert await count(core, answers) == 0


async def test_each_question_of_a_case_study_opens_its_scenario(
    door: TeamsDoor, core: Core
) -> None:
    await study_channel(door)
    await post_question(core, STUDY, "case-01-1")
    cards = [posted_card(door)]
    for _ in range(2):
        await by_hand.drop_now(core, StartDrop(STUDY))
        cards.append(posted_card(door))
    for position, posted in enumerate(cards, start=1):
        (show,) = [a for a in posted["actions"] if a["type"] == "Action.ShowCard"]
        assert show["title"] == f"Case study ({position} of 3)"
        texts = [b["text"] for b in show["card"]["body"]]
        assert texts[0] == "Northwind moves its releases to YAML"
        assert texts[2] == "It wants every production deployment approved & logged."
