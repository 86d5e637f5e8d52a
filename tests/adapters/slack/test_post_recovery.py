"""A question Slack accepted but whose reply never reached the engine is found in the channel's
history on the next try and recorded, not posted a second time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.ports import ChannelRef, DeliveryError
from bot.service.commands import SaveSchedule
from bot.service.schedules import save_schedule
from bot.service.views import QuestionCard
from bot.storage.tables import drops
from tests.adapters.slack.conftest import SlackHarness
from tests.adapters.slack.helpers import study_channel
from tests.fakes import FakeClock
from tests.integration.test_drop_recovery import engine
from tests.support.actors import OPERATOR


class ReplyLost:
    """The Slack door, except that the reply to a posted question is lost (a timeout after
    Slack took the message)."""

    def __init__(self, door: Any) -> None:
        self.door = door

    async def post_question(self, channel: ChannelRef, card: QuestionCard) -> str:
        await self.door.post_question(channel, card)
        raise DeliveryError("Slack did not answer in time", permanent=False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.door, name)


async def test_a_post_whose_reply_was_lost_is_found_and_recorded_not_posted_again(
    slack: SlackHarness, clock: FakeClock
) -> None:
    core = slack.core
    clock.current = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
    channel = await study_channel(core)
    fields = {"days": "daily", "time": "09:00", "timezone": "UTC", "window": "8h"}
    await save_schedule(core, SaveSchedule(channel, fields, actor=OPERATOR))
    replica = engine(core, clock)
    door = core.platforms["slack"]
    clock.current = datetime(2026, 3, 4, 8, 59, 30, tzinfo=UTC)
    await replica.tick()  # plans the drop of 09:00
    clock.current = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    core.platforms["slack"] = ReplyLost(door)
    await replica.deliver_due()
    assert len(slack.fake.of("chat.postMessage")) == 1  # Slack has it; the engine does not know

    core.platforms["slack"] = door
    clock.current += timedelta(minutes=10)  # past the retry's wait
    await replica.deliver_due()

    assert len(slack.fake.of("chat.postMessage")) == 1, "posted a second time"
    (posted,) = slack.fake.messages
    async with core.db.read() as conn:
        row = (await conn.execute(select(drops.c.status, drops.c.message_id))).one()
    assert (row.status, row.message_id) == ("open", posted[1])
