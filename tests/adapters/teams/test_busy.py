"""`@studybot drop` when Teams answers 429 with Retry-After: queued, not failed, and waited for."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.drop_life.engine import DeliveryEngine, EngineSettings
from bot.service.context import Core
from bot.storage.tables import drops
from tests.adapters.teams.conftest import CHANNEL_A, OWEN, TeamsDoor, message
from tests.adapters.teams.test_http import start_study_channel
from tests.fakes import FakeClock


async def test_a_throttled_drop_is_queued_and_posted_after_the_wait(
    door: TeamsDoor, core: Core, clock: FakeClock
) -> None:
    await start_study_channel(door)
    door.connector.fail_next(429, "TooManyRequests", retry_after="30")
    await door.post(message("drop", person=OWEN))
    reply = door.connector.sent("POST")[-1]
    assert "queued and will be posted" in reply.body["text"]
    assert "could not be posted" not in reply.body["text"]
    async with core.db.read() as conn:
        row = (await conn.execute(select(drops.c.status, drops.c.next_attempt_at))).one()
    assert row.next_attempt_at >= clock.now() + timedelta(seconds=30)

    engine = DeliveryEngine(core, EngineSettings(owner="engine"))
    before = len(door.connector.sent("POST"))
    await engine.deliver_due()
    assert len(door.connector.sent("POST")) == before  # Teams asked to wait: nothing sent yet
    clock.advance(seconds=31)
    await engine.deliver_due()
    posted = door.connector.sent("POST")[before:]
    assert [p.conversation_id for p in posted] == [CHANNEL_A]
    assert posted[0].body["attachments"][0]["content"]["actions"]


async def test_a_permanent_refusal_still_says_it_failed(door: TeamsDoor) -> None:
    await start_study_channel(door)
    door.connector.fail_next(403, "BotNotInConversationRoster")
    await door.post(message("drop", person=OWEN))
    assert "could not be posted" in door.connector.sent("POST")[-1].body["text"]
