"""Small helpers shared by the Slack door tests: registering channels, posting drops, counting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import func, select

from adapters.slack.translate import channel_ref
from bot.drop_life import by_hand
from bot.ports import ChannelRef
from bot.service.commands import RegisterTeam, StartDrop
from bot.service.context import Core
from bot.service.directory import register_team
from bot.service.views import QuestionCard
from bot.storage.tables import answers
from tests.support.waiting import until


async def study_channel(core: Core, team_id: str = "T1", channel_id: str = "C1") -> ChannelRef:
    channel = channel_ref(team_id, channel_id)
    await register_team(core, RegisterTeam(channel, f"Org {team_id}", f"study-{channel_id}"))
    return channel


async def post_drop(
    core: Core, channel: ChannelRef, *, multiple: bool | None = None, hours: int = 8
) -> QuestionCard:
    """Post drops until one of the wanted kind (single or multiple answer) is out."""
    for _ in range(12):
        card = await by_hand.drop_now(core, StartDrop(channel, window=timedelta(hours=hours)))
        if multiple is None or card.multiple == multiple:
            return card
    raise AssertionError("the pack has no question of that kind")


async def stored_answers(core: Core, drop_id: int | None = None) -> int:
    query = select(func.count()).select_from(answers)
    if drop_id is not None:
        query = query.where(answers.c.drop_id == drop_id)
    async with core.db.read() as conn:
        return int(await conn.scalar(query) or 0)


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 60.0) -> None:
    """Poll an async check until it holds (work that runs after the ack), failing on timeout."""
    await until(check, within, "the background work")
