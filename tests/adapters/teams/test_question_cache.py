"""The short-lived question card cache: fresh after its time, and never across tenants."""

from __future__ import annotations

import pytest

from adapters.teams.question_cache import QuestionCache
from bot.drop_life.start_close import start_drop
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.answers import submit_answer
from bot.service.commands import RegisterTeam, StartDrop, SubmitAnswer
from bot.service.context import Core
from bot.service.directory import register_team
from tests.adapters.teams.conftest import CHANNEL_A, TENANT_A, TENANT_B

A = ChannelRef("teams", TENANT_A, CHANNEL_A)
B = ChannelRef("teams", TENANT_B, CHANNEL_A)


async def test_counts_refresh_after_the_ttl_and_tenants_stay_apart(core: Core) -> None:
    await register_team(core, RegisterTeam(A, "Org A", "Team A"))
    await register_team(core, RegisterTeam(B, "Org B", "Team B"))
    card = await start_drop(core, StartDrop(A))
    now = [100.0]
    cache = QuestionCache(ttl=2.0, clock=lambda: now[0])
    assert (await cache.card(core, card.drop_id, A)).answer_count == 0
    await submit_answer(core, SubmitAnswer(A, card.drop_id, "u1", "U1", (card.options[0].id,)))
    assert (await cache.card(core, card.drop_id, A)).answer_count == 0  # within the ttl
    now[0] += 2.5
    assert (await cache.card(core, card.drop_id, A)).answer_count == 1
    with pytest.raises(NotFoundError):
        await cache.card(core, card.drop_id, B)  # cached for tenant A, still unknown to B
