"""Keeps each drop's question card for a moment, so a burst of clicks costs one read, not one each.

The refreshed card a member gets shows the question and its answer count; during a burst the
count may lag by up to `ttl` seconds. Entries are keyed by tenant, so a cached card is only ever
served to the organisation whose scoped read produced it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from bot.drop_life.reading import get_drop, show_drop
from bot.errors import NotFoundError
from bot.ports import ChannelRef
from bot.service.context import Core
from bot.service.views import QuestionCard

MAX_ENTRIES = 512


class QuestionCache:
    def __init__(self, ttl: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._cards: OrderedDict[tuple[str, str, int], tuple[float, QuestionCard]] = OrderedDict()
        self._places: OrderedDict[tuple[str, str, int], ChannelRef] = OrderedDict()

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
            while len(self._places) > 8 * MAX_ENTRIES:
                self._places.popitem(last=False)
        if place != channel:
            raise NotFoundError(
                f"There is no question drop {drop_id} here; it may have been removed."
            )

    async def card(self, core: Core, drop_id: int, channel: ChannelRef) -> QuestionCard:
        """The drop's card as the core shows it to `channel`'s organisation (NotFoundError else)."""
        key = (channel.platform, channel.org_external_id, drop_id)
        now = self._clock()
        cached = self._cards.get(key)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        card = await show_drop(core, drop_id, channel)
        self._cards[key] = (now, card)
        self._cards.move_to_end(key)
        while len(self._cards) > MAX_ENTRIES:
            self._cards.popitem(last=False)
        return card
