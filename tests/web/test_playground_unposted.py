"""The playground tells the person who closes a question that was never posted what happened."""

from __future__ import annotations

import httpx

from adapters.web.playground import CHANNEL
from bot.drop_life.reading import get_drop
from bot.drop_life.start_close import start_drop
from bot.service.commands import StartDrop
from bot.service.context import Core
from tests.web.test_playground import service

__all__ = ["service"]


async def test_closing_a_queued_question_says_it_was_skipped(
    service: tuple[Core, httpx.AsyncClient],
) -> None:
    core, client = service
    await client.get("/?member=ada")  # the playground's channel exists once the page is shown
    card = await start_drop(core, StartDrop(CHANNEL, deliver_later=True))
    closed = await client.post(
        "/playground/close", data={"drop_id": str(card.drop_id), "member": "ada"}
    )
    assert closed.status_code == 303
    assert "had+not+been+posted+yet" in closed.headers["location"]
    assert "skipped" in closed.headers["location"]
    async with core.db.read() as conn:
        assert (await get_drop(conn, card.drop_id)).status == "skipped"
