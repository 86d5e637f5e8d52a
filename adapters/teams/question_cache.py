"""Keeps each drop's question card for a moment, so a burst of clicks costs one read, not one each.

The refreshed card a member gets shows the question and its answer count; during a burst the
count may lag by up to `ttl` seconds. Entries are keyed by tenant, so a cached card is only ever
served to the organisation whose scoped read produced it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import LRUCache, TTLCache

from bot.drop_life.reading import get_drop, show_drop
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.views import QuestionCard

MAX_ENTRIES = 512


class QuestionCache:
    def __init__(self, ttl: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._cards: TTLCache[tuple[str, str, int], QuestionCard] = TTLCache(
            MAX_ENTRIES, ttl, timer=clock
        )
        self._places: LRUCache[tuple[str, str, int], ChannelRef] = LRUCache(8 * MAX_ENTRIES)

    async def check_place(self, core: Core, drop_id: int, channel: ChannelRef) -> None:
        """NotFoundError unless the drop was posted in exactly this channel (a card click may
        only answer the question of its own conversation). A drop never moves, so the answer
        is kept: a burst of clicks costs one read."""
        key = (channel.platform, channel.org_external_id, drop_id)
        place = self._places.get(key)
        if place is None:
            async with core.db.read() as conn:
                place = (await get_drop(conn, drop_id, channel)).channel
            self._places[key] = place
        if place != channel:
            raise NotFoundError(
                f"There is no question drop {drop_id} here; it may have been removed."
            )

    async def card(self, core: Core, drop_id: int, channel: ChannelRef) -> QuestionCard:
        """The drop's card as the core shows it to `channel`'s organisation (NotFoundError else)."""
        key = (channel.platform, channel.org_external_id, drop_id)
        card = self._cards.get(key)
        if card is None:
            card = self._cards[key] = await show_drop(core, drop_id, channel)
        return card
