"""Who a question card refreshes for by itself: the members of a small conversation (at most 60).

Teams refreshes a card automatically (Universal Actions `refresh`) only for the users listed in
`refresh.userIds`, at most 60 of them. studybot reads the first page of the conversation's roster
(the team's members for a channel): with 60 members or fewer their ids are listed; with more, or
when the roster cannot be read, the card carries no `userIds` and members refresh their own view
by hand (the card's Refresh button, or Refresh in the message's menu), as Microsoft documents for
conversations beyond 60 members. The answer is kept per conversation for a while, so a burst of
clicks costs one roster read, not one each.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import BotAdapter  # type: ignore[import-untyped]

log = logging.getLogger("studybot.teams")

MAX_AUTO_REFRESH = 60  # Teams' limit on refresh.userIds
PAGE_SIZE = 100  # one roster page tells 60 or fewer from more (Teams pages 50 to 500)
KEEP_SECONDS = 15 * 60  # how long a roster answer is used
KEEP_FAILURE_SECONDS = 60  # how long a failed roster read is remembered (no new read meanwhile)
LOOKUP_TIMEOUT = 5.0  # seconds a roster read may take
INVOKE_WAIT = 2.0  # seconds an invoke waits for one (it must answer Teams promptly)
MAX_ENTRIES = 4096

# None: no userIds (too many members, or the roster could not be read)
Audience = tuple[str, ...] | None
RosterPage = Callable[[Any, str], Awaitable[tuple[list[str], bool]]]


async def connector_roster_page(turn_context: Any, conversation_id: str) -> tuple[list[str], bool]:
    """The member ids on the first roster page of a conversation, and whether there are more."""
    connector = turn_context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
    if connector is None:
        raise LookupError("the turn has no Bot Connector client")
    page = await connector.conversations.get_teams_conversation_paged_members(
        conversation_id, PAGE_SIZE
    )
    ids = [str(m.id) for m in (getattr(page, "members", None) or []) if getattr(m, "id", None)]
    return ids, bool(getattr(page, "continuation_token", None))


def roster_conversation(conversation_id: str, team_id: str | None) -> str:
    """Whose roster counts: a channel's members are its team's members."""
    return team_id.split(";", 1)[0] if team_id else conversation_id.split(";", 1)[0]


class AudienceCache:
    """The auto-refresh audience of each conversation, read from the roster now and then."""

    def __init__(
        self,
        roster_page: RosterPage = connector_roster_page,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._roster_page = roster_page
        self._clock = clock
        self._known: OrderedDict[tuple[str, str], tuple[float, Audience]] = OrderedDict()
        self._reading: dict[tuple[str, str], asyncio.Future[Audience]] = {}

    async def audience(
        self, turn_context: Any, tenant_id: str, conversation_id: str, wait: float = LOOKUP_TIMEOUT
    ) -> Audience:
        """The user ids to list in `refresh.userIds`, or None for the manual-refresh fallback.

        Waits at most `wait` seconds for a roster read (an invoke cannot wait long): past that
        it answers None, and the read goes on to serve the next card.
        """
        key = (tenant_id, conversation_id)
        known = self._known.get(key)
        if known is not None and self._clock() < known[0]:
            return known[1]
        reading = self._reading.get(key)
        if reading is None:  # one read per conversation at a time; other turns share it
            reading = asyncio.create_task(self._fill(key, turn_context, conversation_id))
            self._reading[key] = reading
        try:
            return await asyncio.wait_for(asyncio.shield(reading), wait)
        except TimeoutError:
            return None

    async def _fill(
        self, key: tuple[str, str], turn_context: Any, conversation_id: str
    ) -> Audience:
        try:
            found, keep = await self._read(turn_context, conversation_id)
            self._known[key] = (self._clock() + keep, found)
            self._known.move_to_end(key)
            while len(self._known) > MAX_ENTRIES:
                self._known.popitem(last=False)
            return found
        finally:
            self._reading.pop(key, None)

    async def _read(self, turn_context: Any, conversation_id: str) -> tuple[Audience, float]:
        try:
            async with asyncio.timeout(LOOKUP_TIMEOUT):
                ids, more = await self._roster_page(turn_context, conversation_id)
        except Exception as exc:  # no permission, a 429, a timeout: fall back, try again later
            log.info("Teams roster read for the card refresh failed: %s", type(exc).__name__)
            return None, KEEP_FAILURE_SECONDS
        if more or len(ids) > MAX_AUTO_REFRESH or not ids:
            return None, KEEP_SECONDS
        return tuple(ids), KEEP_SECONDS
