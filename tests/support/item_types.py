"""Helpers for the tests of the exam's other item types: the typespack and posting its questions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.drop_life import by_hand
from bot.ports import ChannelRef
from bot.service.commands import StartDrop
from bot.service.context import Core
from bot.service.views import QuestionCard
from tests.conftest import TYPESPACK


def typespack_env(tmp_path: Path) -> dict[str, str]:
    """settings_env for a core on the typespack."""
    return {"STUDYBOT_DATA_DIR": str(tmp_path / "data"), "STUDYBOT_CONTENT_DIR": str(TYPESPACK)}


async def post_question(
    core: Core, channel: ChannelRef, question_id: str, hours: int = 8
) -> QuestionCard:
    """Drop by hand until `question_id` is posted (the typespack has five questions)."""
    for _ in range(8):
        card = await by_hand.drop_now(core, StartDrop(channel, window=timedelta(hours=hours)))
        if card.question_id == question_id:
            return card
    raise AssertionError(f"{question_id} was never drawn")
