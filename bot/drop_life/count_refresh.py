"""The shared card's answer count brought up to date, racing the reveal: one call for a door.

A door that keeps the answer count on a posted question card current (Teams' live count) calls
`refresh_shared_count`: the core reads the drop's state, decides what the shared card must show
now, has the door send it through its `SharedCard` port, and reads again, so that a reveal that ran
meanwhile (on this replica or another) is put back over the question. The door only renders.
"""

from __future__ import annotations

from typing import Protocol

from bot.drop_life.card_state import card_state
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.views import QuestionCard, RevealCard


class SharedCard(Protocol):
    """What a count refresh asks of a door: replace the posted card with one of the two."""

    async def update_count(self, channel: ChannelRef, message_id: str, card: QuestionCard) -> None:
        """Show the question again with its current answer count."""
        ...

    async def update_question(self, channel: ChannelRef, message_id: str, card: RevealCard) -> None:
        """Replace the posted question with its reveal."""
        ...


async def refresh_shared_count(
    core: Core, door: SharedCard, channel: ChannelRef, drop_id: int, *, repair: bool = False
) -> bool:
    """Show the current answer count on the shared card while the drop takes answers; True if
    the card was updated with it.

    It may race the reveal: the state is read again after the update, and if the reveal has run
    meanwhile the reveal is put back, so the card never ends on the question once the reveal has
    been shown. `repair` (a retry after a failed update) puts the reveal back as well when the
    reveal has already run. NotFoundError for a drop that is not the channel's (or is gone).
    """
    before = await card_state(core, drop_id, channel)
    if before.message_id is None:
        return False
    if before.reveal is not None:
        if repair:
            await door.update_question(channel, before.message_id, before.reveal)
        return False
    if not before.accepting:
        return False  # the window is over: the reveal (still to come) replaces the card
    await door.update_count(channel, before.message_id, before.question)
    after = await card_state(core, drop_id, channel)
    if after.reveal is not None:
        await door.update_question(channel, before.message_id, after.reveal)
    return True
