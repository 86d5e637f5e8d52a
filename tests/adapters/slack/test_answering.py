"""Answering through Slack: the question message, clicks, private replies, counts and the reveal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from adapters.slack.render_question import CHOICE_BLOCK, PICK_ACTION, SUBMIT_ACTION
from bot.drop_life import by_hand, start_close
from bot.service.commands import CloseDrop, SaveSchedule, SubmitAnswer
from bot.service.context import Core
from bot.service.group_commit import GroupCommit
from bot.service.pacing import Pacer
from bot.service.schedules import save_schedule
from bot.service.views import AnswerFeedback, AnswerStatus
from tests.adapters.slack.blocks import assert_valid_message
from tests.adapters.slack.conftest import (
    SlackHarness,
    block_actions,
    harness_for,
    single_workspace,
)
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.helpers import post_drop, stored_answers, study_channel
from tests.fakes import FakeClock, VirtualTime
from tests.support.actors import OPERATOR


async def test_a_drop_is_posted_as_block_kit_with_its_id_in_the_metadata(
    slack: SlackHarness,
) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    (call,) = slack.fake.of("chat.postMessage")
    assert call.token == slack.workspace.token
    message = call.params
    assert message["channel"] == "C1"
    assert_valid_message(message)
    assert message["metadata"] == {
        "event_type": "studybot_drop",
        "event_payload": {"drop_id": card.drop_id, "team_id": card.team_id},
    }
    assert card.stem[:40] in message["text"]
    (actions,) = [b for b in message["blocks"] if b["type"] == "actions"]
    buttons = actions["elements"]
    assert [b["value"] for b in buttons] == [f"{card.drop_id}:{o.id}" for o in card.options]
    context = message["blocks"][-1]["elements"][0]["text"]
    assert f"<!date^{int(card.closes_at.timestamp())}^" in context  # each reader's own zone
    assert "no answers yet" in context


async def test_a_click_is_recorded_once_and_answered_privately(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    value = f"{card.drop_id}:{card.options[1].id}"

    first = await slack.click(value, user="U7", label="B", response="first")
    assert first.status_code == 200
    reply = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("first"), what="reply")
    assert reply["response_type"] == "ephemeral"
    assert reply["replace_original"] is False
    assert "Your answer B is recorded" in reply["text"]
    assert_valid_message(reply)

    again = await slack.click(f"{card.drop_id}:{card.options[0].id}", user="U7", response="again")
    assert again.status_code == 200
    reply = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("again"), what="reply")
    assert "You already answered B" in reply["text"]
    assert await stored_answers(slack.core, card.drop_id) == 1


async def test_the_answer_count_on_the_question_follows_the_answers(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    await slack.click(f"{card.drop_id}:{card.options[0].id}", user="U1")
    update = await slack.fake.wait_for(lambda: slack.fake.of("chat.update"), what="chat.update")
    message = update[-1].params
    assert_valid_message(message)
    assert "1 answer so far" in message["blocks"][-1]["elements"][0]["text"]
    assert (message["channel"], message["ts"]) in slack.fake.messages  # the posted question


async def test_a_click_after_the_close_is_refused_and_stores_nothing(
    slack: SlackHarness, clock: FakeClock
) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False, hours=1)
    clock.advance(hours=2)
    await slack.click(f"{card.drop_id}:{card.options[0].id}", response="late")
    reply = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("late"), what="reply")
    assert "This question closed at" in reply["text"]
    assert await stored_answers(slack.core) == 0


async def test_private_feedback_says_right_or_wrong_when_the_schedule_asks(
    slack: SlackHarness,
) -> None:
    channel = await study_channel(slack.core)
    await save_schedule(
        slack.core,
        SaveSchedule(
            channel,
            {
                "days": "weekdays",
                "time": "09:00",
                "timezone": "UTC",
                "reveal_mode": "at_close_with_feedback",
            },
            actor=OPERATOR,
        ),
    )
    card = await post_drop(slack.core, channel, multiple=False)
    question = slack.core.questions[card.question_id]
    wrong = next(o for o in card.options if o.id not in question.key)
    await slack.click(f"{card.drop_id}:{wrong.id}", response="fb")
    reply = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("fb"), what="reply")
    assert reply["text"].startswith(":x:")
    assert "Not quite" in reply["text"]
    assert question.explanation in reply["blocks"][1]["text"]["text"]
    assert_valid_message(reply)


async def test_choose_two_uses_checkboxes_and_a_submit_button(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=True)
    message = slack.fake.of("chat.postMessage")[-1].params
    assert_valid_message(message)
    actions = next(b for b in message["blocks"] if b.get("block_id") == CHOICE_BLOCK)
    assert [e["type"] for e in actions["elements"]] == ["checkboxes", "button"]

    question = slack.core.questions[card.question_id]

    def state(option_ids: list[str]) -> dict[str, object]:
        return {
            CHOICE_BLOCK: {
                PICK_ACTION: {
                    "type": "checkboxes",
                    "selected_options": [
                        {"value": oid, "text": {"type": "plain_text", "text": oid}}
                        for oid in option_ids
                    ],
                }
            }
        }

    submit = {
        "action_id": SUBMIT_ACTION,
        "block_id": CHOICE_BLOCK,
        "type": "button",
        "value": str(card.drop_id),
        "action_ts": "1.3",
    }
    one = block_actions(
        "T1", "C1", "U3", submit, slack.fake.response_url("one"), state([card.options[0].id])
    )
    assert (await slack.interact(one)).status_code == 200
    reply = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("one"), what="reply")
    assert "asks for 2 options; you chose 1" in reply["text"]
    assert await stored_answers(slack.core) == 0

    two = block_actions(
        "T1", "C1", "U3", submit, slack.fake.response_url("two"), state(sorted(question.key))
    )
    assert (await slack.interact(two)).status_code == 200
    reply = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("two"), what="reply")
    assert "is recorded" in reply["text"]
    assert await stored_answers(slack.core) == 1


async def test_ticking_a_box_is_acknowledged_and_records_nothing(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    await post_drop(slack.core, channel, multiple=True)
    tick = block_actions(
        "T1",
        "C1",
        "U3",
        {
            "action_id": PICK_ACTION,
            "block_id": CHOICE_BLOCK,
            "type": "checkboxes",
            "selected_options": [],
            "action_ts": "1.4",
        },
        slack.fake.response_url("tick"),
    )
    assert (await slack.interact(tick)).status_code == 200
    assert await stored_answers(slack.core) == 0


async def test_the_reveal_replaces_the_question_in_place(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    question = slack.core.questions[card.question_id]
    key = next(o for o in card.options if o.id in question.key)
    await slack.click(f"{card.drop_id}:{key.id}", user="U1", response="r1")
    await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("r1"), what="reply")

    await by_hand.close_and_reveal(slack.core, CloseDrop(card.drop_id, channel))
    await slack.door.settle()  # a count refresh racing the reveal ends with it
    update = slack.fake.of("chat.update")[-1].params
    assert update["channel"] == "C1"
    assert list(slack.fake.messages) == [("C1", update["ts"])]  # the one posted message
    assert_valid_message(update)
    everything = " ".join(str(b) for b in update["blocks"])
    assert f":white_check_mark: *{key.label}.*" in everything
    assert "1 pick" in everything
    assert question.explanation in everything
    assert question.references[0] in everything
    assert "1 answered · 1 right (100%)" in everything
    assert not any(b["type"] == "actions" for b in update["blocks"])


async def test_a_crafted_value_for_another_workspaces_drop_is_refused(
    slack: SlackHarness,
) -> None:
    other = await study_channel(slack.core, team_id="T2", channel_id="C9")
    slack.fake.add_workspace("T2")
    card = await post_drop(slack.core, other, multiple=False, hours=8)
    await study_channel(slack.core)
    await slack.click(f"{card.drop_id}:{card.options[0].id}", team_id="T1", response="x")
    reply = await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("x"), what="reply")
    assert f"There is no question drop {card.drop_id} here" in reply["text"]
    assert await stored_answers(slack.core) == 0


class _StuckWriter:
    """A group-commit writer that holds every batch until released (a slow database)."""

    def __init__(self, fail: bool = False) -> None:
        self.release = asyncio.Event()
        self.fail = fail
        self.batches = 0

    async def __call__(self, batch: Sequence[SubmitAnswer]) -> list[AnswerFeedback | Exception]:
        self.batches += 1
        await self.release.wait()
        if self.fail:
            raise RuntimeError("database went away")
        return [
            AnswerFeedback(AnswerStatus.RECORDED, "Your answer A is recorded.", c.drop_id, ("A",))
            for c in batch
        ]


async def _stuck_harness(
    core: Core, fake: FakeSlack, writer: _StuckWriter
) -> AsyncIterator[SlackHarness]:
    core.answer_queue = GroupCommit(writer)
    ws = fake.add_workspace("T1")
    async for harness in harness_for(core, fake, single_workspace(fake, ws), ws, ack_budget=0.05):
        yield harness


async def test_a_slow_database_still_gets_the_click_acknowledged_in_time(
    core: Core, fake_slack: FakeSlack
) -> None:
    writer = _StuckWriter()
    async for slack in _stuck_harness(core, fake_slack, writer):
        channel = await study_channel(slack.core)
        card = await post_drop(slack.core, channel, multiple=False)
        response = await slack.click(f"{card.drop_id}:{card.options[0].id}", response="slow")
        assert response.status_code == 200  # acknowledged while the write is still pending
        assert writer.batches == 1
        assert slack.fake.responses == []
        writer.release.set()
        reply = await fake_slack.wait_for(lambda: dict(fake_slack.responses).get("slow"))
        assert "is recorded" in reply["text"]


async def test_a_failed_write_tells_the_member_to_click_again(
    core: Core, fake_slack: FakeSlack
) -> None:
    writer = _StuckWriter(fail=True)
    writer.release.set()
    async for slack in _stuck_harness(core, fake_slack, writer):
        channel = await study_channel(slack.core)
        card = await post_drop(slack.core, channel, multiple=False)
        response = await slack.click(f"{card.drop_id}:{card.options[0].id}", response="err")
        assert response.status_code == 200
        reply = await fake_slack.wait_for(lambda: dict(fake_slack.responses).get("err"))
        assert "may not have been recorded. Please click again" in reply["text"]


async def test_a_late_count_refresh_never_overwrites_the_reveal(slack: SlackHarness) -> None:
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    await slack.click(f"{card.drop_id}:{card.options[0].id}", response="c1")
    await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("c1"), what="reply")
    await slack.door.settle()  # the follow-up and the refresh it schedules
    await by_hand.close_and_reveal(slack.core, CloseDrop(card.drop_id, channel))
    slack.door.deps.counts.answered(channel, card.drop_id)  # a refresh scheduled just before
    await slack.door.settle()  # the follow-up and the refresh it schedules
    (message,) = slack.fake.messages.values()
    assert "Closed" in message["blocks"][-1]["elements"][0]["text"]
    assert not any(b["type"] == "actions" for b in message["blocks"])


async def test_a_reveal_landing_just_before_a_count_refresh_is_put_back(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reveal lands first, the refresh right after it, before the drop is marked revealed."""
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    await slack.click(f"{card.drop_id}:{card.options[0].id}", response="c2")
    await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("c2"), what="reply")
    await slack.door.settle()
    platform = slack.door.deps.platform
    refresh = platform.update_count

    async def reveal_lands_first(*args: Any) -> None:
        drop, reveal = await start_close.close_drop(slack.core, CloseDrop(card.drop_id, channel))
        assert drop.message_id is not None
        await platform.update_question(drop.channel, drop.message_id, reveal)
        await refresh(*args)

    monkeypatch.setattr(platform, "update_count", reveal_lands_first)
    slack.door.deps.counts.answered(channel, card.drop_id)
    await slack.door.settle()
    (message,) = slack.fake.messages.values()
    assert "Closed" in message["blocks"][-1]["elements"][0]["text"]
    assert not any(b["type"] == "actions" for b in message["blocks"])


@pytest.fixture
async def paced(
    core: Core, fake_slack: FakeSlack
) -> AsyncIterator[tuple[SlackHarness, VirtualTime]]:
    time = VirtualTime()  # the count pacer's clock: each wait recorded, passing at once
    pacer = Pacer(per_channel_interval=0.0, per_org_rate=1000, monotonic=time.monotonic,
                  sleep=time.sleep)  # fmt: skip
    ws = fake_slack.add_workspace("T1", "Contoso")
    settings = single_workspace(fake_slack, ws)
    async for harness in harness_for(core, fake_slack, settings, ws, count_pacer=pacer):
        yield harness, time


async def test_a_rate_limited_count_update_waits_out_retry_after_then_tries_again(
    paced: tuple[SlackHarness, VirtualTime],
) -> None:
    slack, time = paced
    channel = await study_channel(slack.core)
    card = await post_drop(slack.core, channel, multiple=False)
    slack.fake.fail_next("chat.update", 429, "ratelimited", headers={"Retry-After": "30"})
    await slack.click(f"{card.drop_id}:{card.options[0].id}", user="U1", response="r1")
    await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("r1"), what="reply")
    await slack.door.settle()  # the follow-up and the count update it schedules
    refused, updated = slack.fake.of("chat.update")  # refused with 429, then tried again
    assert refused.params == updated.params
    assert max(time.waits, default=0) >= 30  # only after Slack's Retry-After
    assert "1 answer so far" in str(updated.params)
    await slack.click(f"{card.drop_id}:{card.options[0].id}", user="U2", response="r2")
    await slack.fake.wait_for(lambda: dict(slack.fake.responses).get("r2"), what="reply")
    await slack.door.settle()
    assert "2 answers so far" in str(slack.fake.of("chat.update")[-1].params)
    assert await stored_answers(slack.core) == 2  # answering itself is never held back
