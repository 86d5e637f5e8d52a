"""Posting drops and reveals through the team's chat platform port, recording what was sent."""

from __future__ import annotations

from bot.service import drops
from bot.service.commands import CloseDrop, StartDrop
from bot.service.context import Core
from bot.service.views import QuestionCard, RevealCard


async def drop_now(core: Core, cmd: StartDrop) -> QuestionCard:
    """Open a drop and post it to the channel's platform; the message id is kept for the reveal."""
    card = await drops.start_drop(core, cmd)
    message_id = await core.platform(cmd.channel.platform).post_question(cmd.channel, card)
    await drops.record_message_id(core, card.drop_id, message_id)
    return card


async def close_and_reveal(core: Core, cmd: CloseDrop) -> RevealCard:
    """Close the window and replace the posted question with its reveal."""
    drop, reveal = await drops.close_drop(core, cmd)
    if drop.message_id is not None:
        platform = core.platform(drop.channel.platform)
        await platform.update_question(drop.channel, drop.message_id, reveal)
    await drops.mark_revealed(core, cmd.drop_id)
    return reveal
