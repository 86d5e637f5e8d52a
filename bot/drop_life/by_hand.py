"""Posting drops and reveals through the team's chat platform port, recording what was sent."""

from __future__ import annotations

import uuid

from bot.drop_life import start_close
from bot.errors import DropPostFailed
from bot.ports import DeliveryError
from bot.service.commands import CloseDrop, StartDrop
from bot.service.context import Core
from bot.service.views import QuestionCard, RevealCard

PLATFORM_NAMES = {"slack": "Slack", "teams": "Teams", "web": "The playground"}


async def drop_now(core: Core, cmd: StartDrop) -> QuestionCard:
    """Open a drop and post it to the channel now; the message id is kept for the reveal.

    The drop is held under a lease while it is posted. If the post fails, a temporary failure
    leaves it to the delivery engine's retries and a permanent one marks it failed; either way
    DropPostFailed says so, in words the door shows the admin.
    """
    holder = f"drop-now:{uuid.uuid4().hex[:12]}"
    card = await start_close.start_drop(core, cmd, held_by=holder)
    try:
        message_id = await core.platform(cmd.channel.platform).post_question(cmd.channel, card)
    except DeliveryError as exc:
        await start_close.finish_held_post(
            core,
            card.drop_id,
            holder,
            message_id=None,
            error=str(exc),
            permanent=exc.permanent,
            retry_after=exc.retry_after,
        )
        raise not_posted(exc, cmd.channel.platform) from exc
    except Exception as exc:
        await start_close.finish_held_post(
            core, card.drop_id, holder, message_id=None, error=str(exc)
        )
        raise
    await start_close.finish_held_post(core, card.drop_id, holder, message_id=message_id)
    return card


def not_posted(exc: DeliveryError, platform: str) -> DropPostFailed:
    """What the admin who started the drop is told when its post failed."""
    if exc.permanent:
        return DropPostFailed(f"The question could not be posted: {exc}", queued=False)
    name = PLATFORM_NAMES.get(platform, platform)
    wait = f" ({name} asked to wait {exc.retry_after:.0f} s)" if exc.retry_after else ""
    return DropPostFailed(
        f"{name} is busy right now{wait}: the question is queued and will be posted in this "
        f"channel as soon as {name} allows. Nothing else to do.",
        queued=True,
    )


async def close_and_reveal(core: Core, cmd: CloseDrop) -> RevealCard:
    """Close the window and replace the posted question with its reveal."""
    drop, reveal = await start_close.close_drop(core, cmd)
    if drop.message_id is not None:
        platform = core.platform(drop.channel.platform)
        await platform.update_question(drop.channel, drop.message_id, reveal)
    await start_close.mark_revealed(core, cmd.drop_id)
    return reveal
