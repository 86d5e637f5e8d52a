"""Drops: question choice per team, idempotent occurrences, reveal, delivery through the port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.drop_life import by_hand
from bot.drop_life.reading import reveal_of, show_drop
from bot.drop_life.start_close import start_drop
from bot.errors import InvalidInputError, NotFoundError
from bot.service.answers import submit_answer
from bot.service.commands import CloseDrop, SaveSchedule, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.schedules import save_schedule
from tests.conftest import CHANNEL, OTHER_ORG_CHANNEL, register
from tests.fakes import FakeClock, FakePlatform
from tests.support.actors import OPERATOR


async def test_drops_are_numbered_and_never_repeat_before_the_pool_is_used(core: Core) -> None:
    await register(core)
    cards = [await start_drop(core, StartDrop(CHANNEL)) for _ in range(len(core.pack.questions))]
    assert [c.seq for c in cards] == list(range(1, 7))
    assert sorted(c.question_id for c in cards) == sorted(q.id for q in core.pack.questions)
    card = cards[0]
    assert card.closes_at - card.opened_at == timedelta(hours=8)
    assert [o.label for o in card.options] == ["A", "B", "C", "D"]
    assert sorted(o.id for o in card.options) == ["a", "b", "c", "d"]


async def test_unregistered_channel_gets_a_clear_error(core: Core) -> None:
    with pytest.raises(NotFoundError, match="not a studybot study channel yet"):
        await start_drop(core, StartDrop(CHANNEL))


async def test_schedule_focus_and_window_apply_to_drops(core: Core) -> None:
    await register(core)
    await save_schedule(
        core,
        SaveSchedule(
            CHANNEL,
            {
                "days": "mon",
                "time": "09:00",
                "timezone": "UTC",
                "focus_domain": "D2",
                "window": "45m",
            },
            actor=OPERATOR,
        ),
    )
    cards = [await start_drop(core, StartDrop(CHANNEL)) for _ in range(3)]
    assert {c.domain_id for c in cards} == {"D2"}
    assert all(c.closes_at - c.opened_at == timedelta(minutes=45) for c in cards)
    with pytest.raises(InvalidInputError, match="Unknown domain 'D8'"):
        await start_drop(core, StartDrop(CHANNEL, focus_domain="D8"))


async def test_drop_now_follows_a_schedules_closing_time(core: Core) -> None:
    await register(core)
    await save_schedule(
        core,
        SaveSchedule(
            CHANNEL,
            {"days": "daily", "time": "08:00", "timezone": "Europe/Berlin", "closes_at": "17:00"},
            actor=OPERATOR,
        ),
    )
    card = await start_drop(core, StartDrop(CHANNEL))  # 10:00 in Berlin
    assert card.closes_at == datetime(2026, 3, 4, 16, 0, tzinfo=UTC)  # 17:00 in Berlin
    late = await start_drop(core, StartDrop(CHANNEL, window=timedelta(minutes=30)))
    assert late.closes_at - late.opened_at == timedelta(minutes=30)  # an explicit window wins


async def test_reveal_has_key_explanation_references_and_distribution(
    core: Core, clock: FakeClock
) -> None:
    await register(core)
    card = await start_drop(core, StartDrop(CHANNEL, focus_domain="D2"))
    q = core.questions[card.question_id]
    key = sorted(q.key)
    wrong = next(o for o in q.option_ids if o not in q.key)
    with pytest.raises(InvalidInputError, match="revealed when the answer window closes"):
        await reveal_of(core, card.drop_id, CHANNEL)
    for user, choice in [("a", key), ("b", key), ("c", [wrong])]:
        await submit_answer(core, SubmitAnswer(CHANNEL, card.drop_id, user, user, tuple(choice)))
    clock.advance(hours=9)
    reveal = await reveal_of(core, card.drop_id, CHANNEL)
    counts = {r.option.id: r.count for r in reveal.results}
    assert counts[key[0]] == 2
    assert counts[wrong] == 1
    assert (reveal.answered, reveal.correct) == (3, 2)
    assert reveal.explanation == q.explanation
    assert reveal.references == q.references
    assert [r.option.id for r in reveal.results if r.is_key] == key
    assert all(r.rationale for r in reveal.results if not r.is_key)


async def test_delivery_posts_then_updates_the_same_message(
    core: Core, platform: FakePlatform
) -> None:
    await register(core)
    card = await by_hand.drop_now(core, StartDrop(CHANNEL))
    assert [c.drop_id for _, c in platform.posted] == [card.drop_id]
    reveal = await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, CHANNEL))
    assert [(m, r.question.drop_id) for _, m, r in platform.updated] == [("msg-1", card.drop_id)]
    assert reveal.question.closes_at <= core.clock.now()
    shown = await show_drop(core, card.drop_id, CHANNEL)
    assert shown.answer_count == 0


async def test_closing_another_organisations_drop_is_refused(core: Core) -> None:
    await register(core)
    await register(core, OTHER_ORG_CHANNEL)
    card = await start_drop(core, StartDrop(CHANNEL))
    with pytest.raises(NotFoundError):
        await by_hand.close_and_reveal(core, CloseDrop(card.drop_id, OTHER_ORG_CHANNEL))
    assert (await show_drop(core, card.drop_id, CHANNEL)).closes_at > core.clock.now()


async def test_a_failed_drop_now_is_left_to_the_engine_or_marked_failed(
    core: Core, platform: FakePlatform
) -> None:
    from bot.drop_life.engine import DeliveryEngine, EngineSettings
    from bot.drop_life.reading import recent_drops
    from bot.errors import DropPostFailed
    from bot.ports import DeliveryError

    await register(core)
    platform.failures = [DeliveryError("slack is down (503)", permanent=False)]
    with pytest.raises(DropPostFailed, match="the question is queued") as queued:
        await by_hand.drop_now(core, StartDrop(CHANNEL))
    assert queued.value.queued
    assert "503" in str(queued.value.__cause__)
    assert await recent_drops(core, CHANNEL) == []  # members see nothing yet
    report = await DeliveryEngine(core, EngineSettings(owner="engine")).deliver_due()
    assert report == (1, 0)
    assert len(platform.posted) == 1

    platform.failures = [DeliveryError("channel_not_found", permanent=True)]
    with pytest.raises(DropPostFailed, match="could not be posted: channel_not_found") as failed:
        await by_hand.drop_now(core, StartDrop(CHANNEL))
    assert not failed.value.queued
    assert await DeliveryEngine(core, EngineSettings(owner="engine")).deliver_due() == (0, 0)
    assert len(platform.posted) == 1
    assert [d.status for d in await recent_drops(core, CHANNEL)] == ["open"]
