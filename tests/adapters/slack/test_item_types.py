"""Slack shows and takes the exam's other item types: order-the-steps and yes/no series as
selects with a submit button, and a case study's scenario on each of its questions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.slack.render_question import (
    FIELD_ACTION,
    FIELDS_BLOCK,
    OPTION_TEXT_MAX,
    SUBMIT_ACTION,
)
from bot.drop_life import by_hand
from bot.service.commands import CloseDrop, StartDrop
from bot.service.views import QuestionCard
from tests.adapters.slack.blocks import assert_valid_message
from tests.adapters.slack.conftest import SlackHarness, block_actions
from tests.adapters.slack.helpers import stored_answers, study_channel
from tests.support.item_types import post_question, typespack_env


@pytest.fixture
def settings_env(tmp_path: Path) -> dict[str, str]:
    return typespack_env(tmp_path)


def selects(message: dict[str, Any]) -> list[dict[str, Any]]:
    (block,) = [b for b in message["blocks"] if b.get("block_id") == FIELDS_BLOCK]
    assert block["elements"][-1]["action_id"] == SUBMIT_ACTION
    return block["elements"][:-1]


def state(chosen: dict[str, str]) -> dict[str, Any]:
    """The message's select state as Slack sends it with the submit click."""
    return {
        FIELDS_BLOCK: {
            f"{FIELD_ACTION}{field}": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": v}, "value": v},
            }
            for field, v in chosen.items()
        }
    }


async def submit(
    slack: SlackHarness, card: QuestionCard, chosen: dict[str, str], name: str, user: str = "U3"
) -> str:
    action = {
        "action_id": SUBMIT_ACTION,
        "block_id": FIELDS_BLOCK,
        "type": "button",
        "value": str(card.drop_id),
        "action_ts": "1.3",
    }
    body = block_actions("T1", "C1", user, action, slack.fake.response_url(name), state(chosen))
    assert (await slack.interact(body)).status_code == 200
    reply = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get(name), what="reply")
    assert_valid_message(reply)
    return str(reply["text"])


async def test_an_order_question_has_one_select_per_position_and_is_answered_in_full(
    slack: SlackHarness,
) -> None:
    channel = await study_channel(slack.core)
    card = await post_question(slack.core, channel, "t-order")
    message = slack.fake.of("chat.postMessage")[-1].params
    assert_valid_message(message)
    elements = selects(message)
    assert [e["action_id"] for e in elements] == [f"{FIELD_ACTION}step{n}" for n in (1, 2, 3, 4)]
    for element in elements:
        assert [o["value"] for o in element["options"]] == [o.id for o in card.options]
        assert all(len(o["text"]["text"]) <= OPTION_TEXT_MAX for o in element["options"])
    assert "pick the step for each position" in str(message["blocks"][-1])

    half = await submit(slack, card, {"step1": "a", "step2": "b"}, "half")
    assert "Put all 4 steps in order; you placed 2." in half
    assert await stored_answers(slack.core) == 0
    done = await submit(slack, card, {"step2": "b", "step1": "a", "step4": "d", "step3": "c"}, "ok")
    assert "is recorded" in done
    assert await stored_answers(slack.core) == 1

    await by_hand.close_and_reveal(slack.core, CloseDrop(card.drop_id, channel))
    await slack.door.settle()
    update = slack.fake.of("chat.update")[-1].params
    assert_valid_message(update)
    text = " ".join(str(b) for b in update["blocks"])
    first = next(o for o in card.options if o.id == "a")
    assert f"*1.* *{first.label}.* {first.text} — 1 put it here" in text
    assert not any(b["type"] == "actions" for b in update["blocks"])


async def test_a_yes_no_series_has_one_select_per_statement(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_question(slack.core, channel, "t-yesno")
    message = slack.fake.of("chat.postMessage")[-1].params
    assert_valid_message(message)
    elements = selects(message)
    assert [e["action_id"] for e in elements] == [f"{FIELD_ACTION}yn_{o}" for o in "abc"]
    assert [o["value"] for o in elements[0]["options"]] == ["yes", "no"]

    two = await submit(slack, card, {"yn_a": "yes", "yn_b": "no"}, "two")
    assert "Answer Yes or No for all 3 statements; you answered 2." in two
    three = await submit(slack, card, {"yn_a": "yes", "yn_b": "no", "yn_c": "yes"}, "three")
    assert "Your answer A Yes, B No, C Yes is recorded." in three

    await by_hand.close_and_reveal(slack.core, CloseDrop(card.drop_id, channel))
    await slack.door.settle()
    update = slack.fake.of("chat.update")[-1].params
    assert_valid_message(update)
    text = " ".join(str(b) for b in update["blocks"])
    assert f"{card.options[1].text} — *No* · 0 said Yes" in text
    assert "A Yes, B No, C Yes" in update["text"]


async def test_choosing_in_a_select_is_acknowledged_and_records_nothing(
    slack: SlackHarness,
) -> None:
    channel = await study_channel(slack.core)
    await post_question(slack.core, channel, "t-yesno")
    pick = {
        "action_id": f"{FIELD_ACTION}yn_a",
        "block_id": FIELDS_BLOCK,
        "type": "static_select",
        "selected_option": {"text": {"type": "plain_text", "text": "Yes"}, "value": "yes"},
        "action_ts": "1.4",
    }
    response = await slack.interact(
        block_actions("T1", "C1", "U3", pick, slack.fake.response_url("pick"))
    )
    assert response.status_code == 200
    assert await stored_answers(slack.core) == 0
    assert "pick" not in dict(slack.fake.responses)


async def test_a_forged_select_value_is_refused_without_storing(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_question(slack.core, channel, "t-order")
    forged = {"step1": "a", "step2": "b", "step3": "c", "step4": "d<script>"}
    action = {"action_id": SUBMIT_ACTION, "block_id": FIELDS_BLOCK, "type": "button",
              "value": str(card.drop_id), "action_ts": "1.5"}  # fmt: skip
    body = block_actions("T1", "C1", "U3", action, slack.fake.response_url("f"), state(forged))
    assert (await slack.interact(body)).status_code < 500
    assert await stored_answers(slack.core) == 0


async def test_each_question_of_a_case_study_shows_its_scenario(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    await post_question(slack.core, channel, "case-01-1")
    for _ in range(2):
        await by_hand.drop_now(slack.core, StartDrop(channel))
    posted = [c.params for c in slack.fake.of("chat.postMessage")][-3:]
    for position, message in enumerate(posted, start=1):
        assert_valid_message(message)
        text = " ".join(str(b) for b in message["blocks"])
        assert (
            f"Case study: Northwind moves its releases to YAML* · question {position} of 3" in text
        )
        assert "approved &amp; logged" in text  # the scenario, escaped for mrkdwn
